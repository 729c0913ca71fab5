package web

import (
	"net/http"
	"time"

	"lots/internal/casework"
)

// caseTimelineData is every event of the case the actor may see, in order, and the note form.
type caseTimelineData struct {
	caseView
	Events     []caseEvent
	Categories []caseChoice
}

type caseEvent struct {
	At                      time.Time
	Who, Agency, Kind       string
	From, To                string
	Reason, Category, Class string
}

// caseTimeline shows the case's events.
func (s *Server) caseTimeline(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.timeline_title")
	v, ok := s.loadCaseView(w, r, p, "timeline")
	if !ok {
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	p.Form["category"] = string(casework.AgencyCategory(a.AgencyKind))
	s.renderCaseTimeline(w, r, p, v, http.StatusOK)
}

// caseNoteCreate adds a note to the timeline in an information category. Parties under a
// consent may add notes in the categories it covers; the store decides.
func (s *Server) caseNoteCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.store.AddNote(r.Context(), id, casework.Category(r.PostFormValue("category")), r.PostFormValue("text"))
	if err == nil {
		s.setFlash(w, r, "case.note_saved")
		http.Redirect(w, r, caseURL(id, "/timeline"), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "case.timeline_title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadCaseView(w, r, p, "timeline")
	if !ok {
		return
	}
	formValues(r, p, "category", "text")
	s.renderCaseTimeline(w, r, p, v, status)
}

func (s *Server) renderCaseTimeline(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "case.timeline_title", v)
	evs, err := s.store.Timeline(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := caseTimelineData{caseView: v}
	for _, e := range evs {
		ce := caseEvent{At: e.At, Who: e.UserName, Agency: e.AgencyName, Kind: s.caseEventKind(p, e.Kind), Reason: e.Reason,
			Category: p.T("category." + string(e.Category)), Class: "event-" + e.Kind}
		if e.FromStep != "" {
			ce.From = p.T("step." + string(e.FromStep))
		}
		if e.ToStep != "" {
			ce.To = p.T("step." + string(e.ToStep))
		}
		d.Events = append(d.Events, ce)
	}
	for _, c := range casework.ConsentCategories {
		d.Categories = append(d.Categories, caseChoice{Value: string(c), Label: p.T("category." + string(c)), Selected: p.V("category") == string(c)})
	}
	p.Data = d
	s.render(w, r, status, "case_timeline", p)
}

// caseEventKind names an event: a timeline text, else the move's name, else the raw kind.
func (s *Server) caseEventKind(p *Page, kind string) string {
	for _, k := range []string{"timeline." + kind, "flow." + "act_" + kind} {
		if s.catalog.Has(p.Locale, k) {
			return p.T(k)
		}
	}
	return kind
}
