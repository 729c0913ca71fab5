package web

import (
	"net/http"
	"strconv"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// Closure and return (issue 14:5): a case's closure page — the future meeting that names who
// carries on, the follow-ups at 6 and 12 months with their due dates, and the watch list.

// closureRoutes declares the closure page and its forms.
func (s *Server) closureRoutes() {
	m := s.mux
	with := func(p access.Permission, h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(p, h)) }
	m.HandleFunc("GET /cases/{id}/closure", with(access.WorkWithCases, s.caseClosureShow))
	m.HandleFunc("POST /cases/{id}/future-meeting", with(access.WorkWithCases, s.caseFutureMeetingSave))
	m.HandleFunc("POST /cases/{id}/watch", with(access.WorkWithCases, s.caseWatchSet))
	m.HandleFunc("POST /cases/{id}/watch/end", with(access.WorkWithCases, s.caseWatchEnd))
}

// handoverRows is how many rows the future meeting's form offers.
const handoverRows = 4

// handoverRow is one row of the form.
type handoverRow struct {
	N                           int
	Kind, Party, Takes          string
	KindF, PartyF, TakesF       string // the fields' names
	KindErr, PartyErr, TakesErr string
}

// followUpRow is a follow-up after closure with its texts' keys.
type followUpRow struct {
	store.FollowUpCheck
	KindKey, StateKey string
}

type caseClosureData struct {
	caseView
	Closure   store.Closure
	FollowUps []followUpRow
	Rows      []handoverRow
	Kinds     []casework.AgencyKind
	MayWatch  bool // the case is closed: it can go on the watch list
	MayRecord bool // active or closed: a future meeting can be recorded
}

func (s *Server) caseClosureShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "closure.title")
	v, ok := s.loadCaseView(w, r, p, "closure")
	if !ok {
		return
	}
	s.renderCaseClosure(w, r, p, v, http.StatusOK)
}

func (s *Server) renderCaseClosure(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "closure.title", v)
	c, err := s.store.CaseClosure(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.Method == http.MethodGet && c.FutureMeeting != nil { // the form starts from what is recorded
		p.Form["held_on"], p.Form["note"] = c.FutureMeeting.HeldOn, c.FutureMeeting.Note
		for i, h := range c.FutureMeeting.Handovers {
			n := "handover_" + strconv.Itoa(i+1) + "_"
			p.Form[n+"kind"], p.Form[n+"party"], p.Form[n+"takes"] = string(h.Kind), h.Party, h.Takes
		}
	}
	d := caseClosureData{caseView: v, Closure: c, Kinds: casework.AgencyKinds,
		MayWatch: c.Closed, MayRecord: c.Closed || v.Detail.Case.Step == casework.StepActive}
	for _, f := range c.FollowUps {
		d.FollowUps = append(d.FollowUps, followUpRow{FollowUpCheck: f,
			KindKey: "deadline." + string(casework.DeadlineKind("followup_"+f.Kind)), StateKey: listsDeadlineStateKeys[f.State]})
	}
	rows := handoverRows
	if c.FutureMeeting != nil {
		rows = max(rows, len(c.FutureMeeting.Handovers)+1)
	}
	for i := 1; i <= min(rows, casework.MaxHandovers); i++ {
		n := "handover_" + strconv.Itoa(i) + "_"
		d.Rows = append(d.Rows, handoverRow{N: i, Kind: p.V(n + "kind"), Party: p.V(n + "party"), Takes: p.V(n + "takes"),
			KindF: n + "kind", PartyF: n + "party", TakesF: n + "takes",
			KindErr: p.FieldError(n + "kind"), PartyErr: p.FieldError(n + "party"), TakesErr: p.FieldError(n + "takes")})
	}
	p.Data = d
	s.render(w, r, status, "case_closure", p)
}

// caseFutureMeetingSave records the future meeting: its day, who takes over what, a note.
func (s *Server) caseFutureMeetingSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "closure.title")
	v, ok := s.loadCaseView(w, r, p, "closure")
	if !ok {
		return
	}
	m := casework.FutureMeeting{HeldOn: r.PostFormValue("held_on"), Note: r.PostFormValue("note")}
	fields := []string{"held_on", "note"}
	for i := 1; i <= casework.MaxHandovers; i++ {
		n := "handover_" + strconv.Itoa(i) + "_"
		if _, ok := r.PostForm[n+"party"]; !ok {
			break
		}
		m.Handovers = append(m.Handovers, casework.Handover{Kind: casework.AgencyKind(r.PostFormValue(n + "kind")),
			Party: r.PostFormValue(n + "party"), Takes: r.PostFormValue(n + "takes")})
		fields = append(fields, n+"kind", n+"party", n+"takes")
	}
	err := s.store.SaveFutureMeeting(r.Context(), v.ID, m)
	if err == nil {
		s.setFlash(w, r, "closure.saved")
		http.Redirect(w, r, caseURL(v.ID, "/closure"), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	formValues(r, p, fields...)
	s.renderCaseClosure(w, r, p, v, status)
}

// caseWatchSet puts the closed case on the watch list: a reason and a last day.
func (s *Server) caseWatchSet(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "closure.title")
	v, ok := s.loadCaseView(w, r, p, "closure")
	if !ok {
		return
	}
	_, err := s.store.SetWatch(r.Context(), v.ID, r.PostFormValue("watch_reason"), r.PostFormValue("watch_until"))
	if err == nil {
		s.setFlash(w, r, "watch.saved")
		http.Redirect(w, r, caseURL(v.ID, "/closure"), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	// The watch form's fields carry a prefix so they do not collide with the meeting's.
	for _, fe := range p.Errors {
		fe.Field = "watch_" + fe.Field
	}
	formValues(r, p, "watch_reason", "watch_until")
	s.renderCaseClosure(w, r, p, v, status)
}

// caseWatchEnd takes the case off the watch list before the watch's last day.
func (s *Server) caseWatchEnd(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "closure.title")
	v, ok := s.loadCaseView(w, r, p, "closure")
	if !ok {
		return
	}
	err := s.store.EndWatch(r.Context(), v.ID)
	if err == nil {
		s.setFlash(w, r, "watch.ended")
		http.Redirect(w, r, caseURL(v.ID, "/closure"), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderCaseClosure(w, r, p, v, status)
}
