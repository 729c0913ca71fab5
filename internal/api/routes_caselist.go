package api

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// Lists of cases: the cases the user may see (filtered in the store's query, never after),
// the count per step, and the anonymous cards shown before consent.

func (api *API) caseListRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases", Summary: "The cases I may see, filtered; the total counts every match", Tag: "cases",
			Query: []Param{
				{Name: "mine", Type: "boolean", Doc: "only cases I work on as coordinator or case officer"},
				{Name: "step", Type: "string", Doc: "only cases at this step", Enum: stepNames()},
				{Name: "program", Type: "string", Doc: "only cases of this track (SIG or SSPF)", Enum: []string{"sig", "sspf"}},
				{Name: "waiting", Type: "boolean", Doc: "the waiting list: identified cases, highest assessed risk and longest wait first"},
				{Name: "deadlines", Type: "boolean", Doc: "only cases with a deadline passed or within three days: open cases, and closed ones whose 6- or 12-month follow-up is due"},
				{Name: "q", Type: "string", Doc: "part of a name or personnummer"},
				{Name: "limit", Type: "integer", Doc: "at most this many items (1–500, default 50)"},
				{Name: "after", Type: "string", Doc: "the page after this cursor (a list's next); a page then costs what it holds however deep it is"},
				{Name: "before", Type: "string", Doc: "the page before this cursor (a list's prev)"},
				{Name: "offset", Type: "integer", Doc: "skip this many matches (default 0); prefer the cursors"},
			},
			Response: reflect.TypeFor[CaseList](), Handle: api.listCases},
		{Method: "GET", Path: "/api/v1/cases/steps", Summary: "How many of the cases I may see stand at each step", Tag: "cases",
			Response: reflect.TypeFor[StepCountList](), Handle: api.stepCounts},
		{Method: "GET", Path: "/api/v1/cards", Summary: "Anonymous cards of cases before consent (age band, district, IRK summary)", Tag: "cases",
			Response: reflect.TypeFor[CardList](), Handle: api.cards},
		{Method: "GET", Path: "/api/v1/cards/{id}", Summary: "One anonymous card", Tag: "cases",
			Response: reflect.TypeFor[Card](), Handle: api.card},
	}
}

func stepNames() []string {
	out := make([]string, len(casework.Steps))
	for i, s := range casework.Steps {
		out[i] = string(s)
	}
	return out
}

// CaseSummary is one line of a case list.
type CaseSummary struct {
	CaseID      int64      `json:"case_id"`
	YouthID     int64      `json:"youth_id"`
	Name        string     `json:"name"`
	Identity    string     `json:"identity" doc:"personnummer (YYYYMMDD-NNNN) or reserve id"`
	BirthDate   string     `json:"birth_date" doc:"YYYY-MM-DD"`
	Age         int        `json:"age"`
	Gender      string     `json:"gender" enum:"female,male,other,unknown"`
	District    string     `json:"district,omitempty"`
	Program     string     `json:"program" enum:"sig,sspf"`
	Step        string     `json:"step" enum:"identified,assessment,decision,parties,motivation,consent,mapping,network,planning,active,closed,followed_up"`
	StepSince   time.Time  `json:"step_since"`
	OpenedAt    time.Time  `json:"opened_at"`
	RiskLevel   string     `json:"risk_level,omitempty" enum:"low,moderate,high,very_high"`
	IRKClear    int        `json:"irk_clear" doc:"IRK factors rated a clear risk in the latest check"`
	IRKSome     int        `json:"irk_some"`
	Coordinator string     `json:"coordinator,omitempty"`
	Protected   bool       `json:"protected_identity"`
	Deadlines   []Deadline `json:"deadlines"`
}

// CaseList is a page of cases and how many match in all.
type CaseList struct {
	Items  []CaseSummary `json:"items"`
	Total  int           `json:"total" doc:"how many match, counted up to 10 000"`
	Capped bool          `json:"capped,omitempty" doc:"more than total match"`
	Next   string        `json:"next,omitempty" doc:"the cursor of the next page (give it as after)"`
	Prev   string        `json:"prev,omitempty" doc:"the cursor of the previous page (give it as before)"`
}

func (api *API) listCases(w http.ResponseWriter, r *http.Request) error {
	var q store.CaseQuery
	var fe casework.FieldErrors
	var err error
	q.Mine, err = queryBool(r, "mine")
	_ = fe.AddErr(err)
	q.Waiting, err = queryBool(r, "waiting")
	_ = fe.AddErr(err)
	q.Deadlines, err = queryBool(r, "deadlines")
	_ = fe.AddErr(err)
	q.Limit, err = queryInt(r, "limit", 50, 1, 500)
	_ = fe.AddErr(err)
	q.Offset, err = queryInt(r, "offset", 0, 0, 1<<30)
	_ = fe.AddErr(err)
	if s := casework.Step(r.URL.Query().Get("step")); s != "" {
		if !s.Valid() {
			fe.Add("step", "api.step_unknown")
		}
		q.Step = s
	}
	if p := casework.Program(r.URL.Query().Get("program")); p != "" {
		if p != casework.ProgramSIG && p != casework.ProgramSSPF {
			fe.Add("program", "concern.program_invalid")
		}
		q.Program = p
	}
	q.After, q.Before = r.URL.Query().Get("after"), r.URL.Query().Get("before")
	if q.After != "" && q.Before != "" {
		fe.Add("before", "api.cursor_both")
	}
	q.Search = strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q.Search) > 200 {
		fe.Add("q", "api.query_too_long")
	}
	q.NearDays = nearDays
	if err := fe.Err(); err != nil {
		return err
	}
	page, err := api.store.Cases(r.Context(), q)
	if err != nil {
		return err
	}
	now := api.store.Now()
	out := CaseList{Items: []CaseSummary{}, Total: page.Total, Capped: page.Capped, Next: page.Next, Prev: page.Prev}
	for _, c := range page.Rows {
		out.Items = append(out.Items, caseSummaryOf(c, now))
	}
	return writeJSON(w, http.StatusOK, out)
}

// caseSummaryOf is a list's row as the API gives it.
func caseSummaryOf(c store.CaseRow, now time.Time) CaseSummary {
	return CaseSummary{
		CaseID: c.CaseID, YouthID: c.YouthID, Name: c.Name, Identity: c.Identity, BirthDate: date(c.BirthDate), Age: c.Age,
		Gender: string(c.Gender), District: c.District, Program: string(c.Program), Step: string(c.Step),
		StepSince: utc(c.StepSince), OpenedAt: utc(c.OpenedAt), RiskLevel: string(c.RiskLevel), IRKClear: c.IRKClear,
		IRKSome: c.IRKSome, Coordinator: c.Coordinator, Protected: c.Protected, Deadlines: deadlinesOf(c.Deadlines, now),
	}
}

// StepCount is how many visible cases of a track stand at a step.
type StepCount struct {
	Program string `json:"program" enum:"sig,sspf" doc:"the track; each track's steps in its own order"`
	Step    string `json:"step" enum:"identified,assessment,decision,parties,motivation,consent,mapping,network,planning,active,closed,followed_up"`
	Count   int    `json:"count"`
}

// StepCountList is the count per track and step, SIG's steps in flow order, then SSPF's.
type StepCountList struct {
	Items []StepCount `json:"items"`
}

func (api *API) stepCounts(w http.ResponseWriter, r *http.Request) error {
	cs, err := api.store.StepCounts(r.Context(), "")
	if err != nil {
		return err
	}
	out := StepCountList{Items: []StepCount{}}
	for _, c := range cs {
		out.Items = append(out.Items, StepCount{Program: string(c.Program), Step: string(c.Step), Count: c.Count})
	}
	return writeJSON(w, http.StatusOK, out)
}

// Card is the anonymous card of a case before consent: nothing that identifies the young
// person, and nothing another record shares — its id is the card's own, not the case's, and it
// gives the month the case began, not the moment.
type Card struct {
	ID       int64    `json:"id" doc:"the card's own id (not the case's); GET /api/v1/cards/{id}"`
	AgeBand  string   `json:"age_band" doc:"e.g. 13–15"`
	District string   `json:"district,omitempty"`
	Step     string   `json:"step" enum:"identified,assessment,decision,parties,motivation,consent"`
	IRKClear int      `json:"irk_clear"`
	IRKSome  int      `json:"irk_some"`
	Factors  []string `json:"factors" doc:"IRK factors rated a clear risk"`
	Month    string   `json:"month" doc:"the month the case began, YYYY-MM (Swedish time)"`
}

// CardList is the anonymous cards the user may see, oldest month first.
type CardList struct {
	Items []Card `json:"items"`
}

func cardOf(c store.Card) Card {
	f := c.Factors
	if f == nil {
		f = []string{}
	}
	return Card{ID: c.ID, AgeBand: c.AgeBand, District: c.District, Step: string(c.Step), IRKClear: c.IRKClear,
		IRKSome: c.IRKSome, Factors: f, Month: c.Month}
}

func (api *API) cards(w http.ResponseWriter, r *http.Request) error {
	cs, err := api.store.Cards(r.Context())
	if err != nil {
		return err
	}
	out := CardList{Items: []Card{}}
	for _, c := range cs {
		out.Items = append(out.Items, cardOf(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) card(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := api.store.CardOf(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cardOf(c))
}
