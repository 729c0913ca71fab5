package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/store"
)

// cardView is an anonymous card as the page shows it: nothing that identifies the young
// person, the IRK factors by name.
type cardView struct {
	store.Card
	AgeLabel   string
	Factors    []string // names of the factors rated a clear risk
	MonthLabel string   // "mars 2026": the card shows the month only
	URL        string   // by the card's own id, never the case's
}

// cardViews names the factors of cards in the page's language.
func cardViews(p *Page, cards []store.Card) []cardView {
	irk := listsIRK()
	out := make([]cardView, 0, len(cards))
	for _, c := range cards {
		v := cardView{Card: c, URL: "/cards/" + strconv.FormatInt(c.ID, 10), AgeLabel: p.T("cards.age_unknown"), MonthLabel: cardMonthLabel(p, c.Month)}
		if c.AgeBand != "?" {
			v.AgeLabel = p.T("cards.age_band", c.AgeBand)
		}
		for _, code := range c.Factors {
			if it, _, _, ok := irk.Item(code); ok {
				v.Factors = append(v.Factors, it.Name.In(p.Locale))
			}
		}
		out = append(out, v)
	}
	return out
}

// cardMonthLabel writes a card's month ("2026-03") in words: "mars 2026".
func cardMonthLabel(p *Page, month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return caseEnum(p, "plan.", "month_", strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// cardsData is the cards page.
type cardsData struct {
	Cards   []cardView
	Factors int
	Detail  bool // one card on its own page
}

// cards lists the anonymous cards the actor may see: before consent, a group may only ask
// "is there someone we should talk to?".
func (s *Server) cards(w http.ResponseWriter, r *http.Request) {
	cs, err := s.store.Cards(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "cards.title")
	p.Data = cardsData{Cards: cardViews(p, cs), Factors: listsIRKFactorCount()}
	s.render(w, r, http.StatusOK, "cards", p)
}

// cardShow shows one anonymous card.
func (s *Server) cardShow(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	c, err := s.store.CardOf(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "cards.card_title")
	p.Data = cardsData{Cards: cardViews(p, []store.Card{c}), Factors: listsIRKFactorCount(), Detail: true}
	s.render(w, r, http.StatusOK, "cards_show", p)
}
