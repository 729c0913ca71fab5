package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// The action plan on paper: a clean A4 document for the meeting, and a short version in plain
// words the young person can take home. Both are whole documents of their own (their templates
// replace the layout): no navigation, nothing but the plan.

// casePlanPrintData is the plan for the meeting, with the case's basic details the viewer may
// see.
type casePlanPrintData struct {
	caseView
	PlanName     string // what the track calls its plan (planName)
	HasPlan      bool
	Version      casework.PlanVersion
	Latest       int
	Plan         casePlanView
	Coordinators string
	Parties      string
	ConsentUntil time.Time
	PrintedAt    time.Time
	PrintedBy    string
	PrintCSS     string // the running header: case and consent reference, page numbers
	// FutureMeeting: who carries on after the case, when recorded (case_closure.go).
	FutureMeeting *store.FutureMeetingRecord
}

// casePlanPrint shows a version of the plan (?version=N; the newest by default) for printing.
func (s *Server) casePlanPrint(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "plan.print_title")
	v, vs, pv, ok := s.casePlanPrintable(w, r, p)
	if !ok {
		return
	}
	ms, err := s.store.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	latest, _ := casework.Latest(vs)
	name := planName(p, v.Detail.Settings, v.Detail.Case.Program)
	p.Title = p.T("track14.print_title", name) + " – " + v.Detail.Youth.Name()
	d := casePlanPrintData{caseView: v, PlanName: name, HasPlan: pv.Version > 0, Version: pv, Latest: latest.Version,
		Plan: casePlanViewOf(p, pv.Plan, newCasePlanCatalogue(ms)), PrintedAt: s.now()}
	if p.Actor != nil {
		d.PrintedBy = p.Actor.User.Name
	}
	if st := v.Detail.Case.Step; st == casework.StepActive || !st.Open() {
		c, err := s.store.CaseClosure(r.Context(), v.ID) // the same visit: no second access decision
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.FutureMeeting = c.FutureMeeting
	}
	d.Coordinators = casePlanStaff(v.Detail.Staff, casework.StaffCoordinator)
	var parties []string
	for _, pt := range v.Detail.Parties {
		parties = append(parties, pt.AgencyName)
	}
	d.Parties = strings.Join(parties, ", ")
	var consentID int64
	if v.Detail.HasConsent {
		d.ConsentUntil, consentID = v.Detail.Consent.ValidUntil, v.Detail.Consent.ID
	}
	d.PrintCSS = printReferenceURL(v.ID, consentID)
	p.Data = d
	s.render(w, r, http.StatusOK, "case_plan_print", p)
}

// casePlanPrintable reads the case and the version asked for (?version=N, else the newest;
// a version that does not exist is not found). Without a plan the version is zero.
func (s *Server) casePlanPrintable(w http.ResponseWriter, r *http.Request, p *Page) (caseView, []casework.PlanVersion, casework.PlanVersion, bool) {
	v, ok := s.loadCaseView(w, r, p, "plan")
	if !ok {
		return v, nil, casework.PlanVersion{}, false
	}
	vs, err := s.store.PlanVersions(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return v, nil, casework.PlanVersion{}, false
	}
	pv, _ := casework.Latest(vs)
	if q := r.URL.Query().Get("version"); q != "" {
		n, err := strconv.Atoi(q)
		if pv, ok = casework.FindVersion(vs, n); err != nil || !ok {
			s.notFound(w, r)
			return v, nil, casework.PlanVersion{}, false
		}
	}
	return v, vs, pv, true
}

// casePlanStaff names the case's staff in a role.
func casePlanStaff(staff []casework.StaffLink, role casework.StaffRole) string {
	var names []string
	for _, s := range staff {
		if s.Role == role {
			names = append(names, s.Name)
		}
	}
	return strings.Join(names, ", ")
}

// casePlanYouthData is the young person's version: their goal, what we will do, who helps, what
// we agreed — in words a 13-year-old understands, without risk levels or assessments.
type casePlanYouthData struct {
	ID          int64
	HasPlan     bool
	FirstName   string
	OwnGoal     string
	Todo        []casePlanYouthItem
	Helpers     []casePlanYouthHelper
	Agreements  []string
	Coordinator string
	Date        string
}

type casePlanYouthItem struct {
	What, When, How, Status string
	Done                    bool
}

type casePlanYouthHelper struct {
	Who  string
	What []string
}

// casePlanYouth shows the young person's version of the plan, in Swedish (?lang=en: English).
func (s *Server) casePlanYouth(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "plan.youth_title")
	p.Locale = casework.LocaleSv
	if r.URL.Query().Get("lang") == "en" {
		p.Locale = casework.LocaleEn
	}
	v, _, pv, ok := s.casePlanPrintable(w, r, p)
	if !ok {
		return
	}
	ms, err := s.store.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Title = p.T("plan.youth_title") + " – " + v.Detail.Youth.FirstName
	p.Path = r.URL.Path
	d := casePlanYouthData{ID: v.ID, HasPlan: pv.Version > 0, FirstName: v.Detail.Youth.FirstName, OwnGoal: pv.Plan.OwnGoal,
		Coordinator: casePlanStaff(v.Detail.Staff, casework.StaffCoordinator)}
	if d.HasPlan {
		d.Date = casePlanLongDate(p, pv.CreatedAt.In(stockholm).Format("2006-01-02"))
	}
	kinds := map[string]casework.MethodKind{}
	for _, m := range ms {
		kinds[m.Code] = m.Kind
	}
	helpers := map[string]int{}
	help := func(who, what string) {
		who = strings.TrimSpace(who)
		if who == "" {
			return
		}
		key := strings.ToLower(who)
		i, ok := helpers[key]
		if !ok {
			i = len(d.Helpers)
			helpers[key] = i
			d.Helpers = append(d.Helpers, casePlanYouthHelper{Who: who})
		}
		d.Helpers[i].What = append(d.Helpers[i].What, what)
	}
	for _, g := range pv.Plan.SubGoals {
		it := casePlanYouthItem{What: g.Text, How: g.Criterion, Status: caseEnum(p, "plan.", "youth_goal_", g.Status), Done: g.Status == casework.GoalReached}
		if g.Due != "" {
			it.When = p.T("plan.youth_by", casePlanLongDate(p, g.Due))
		}
		d.Todo = append(d.Todo, it)
		help(g.Responsible, g.Text)
	}
	for _, in := range pv.Plan.Interventions {
		if in.Status == "stopped" {
			continue // not something we will do
		}
		// A method from the catalogue is described by its kind, in plain words; the name of
		// the method (MST, FFT …) means nothing to a 13-year-old. Our own words stay ours.
		what := in.Name
		if k, ok := kinds[in.Method]; ok {
			what = caseEnum(p, "plan.", "youth_kind_", string(k))
		} else if what == "" {
			what = in.Method
		}
		it := casePlanYouthItem{What: what, Status: caseEnum(p, "plan.", "youth_istatus_", in.Status), Done: in.Status == "done"}
		switch {
		case in.Start != "" && in.End != "":
			it.When = p.T("plan.youth_from_to", casePlanLongDate(p, in.Start), casePlanLongDate(p, in.End))
		case in.Start != "":
			it.When = p.T("plan.youth_from", casePlanLongDate(p, in.Start))
		}
		d.Todo = append(d.Todo, it)
		help(in.Provider, what)
	}
	if d.Coordinator != "" {
		help(d.Coordinator, p.T("plan.youth_coordinator_helps"))
	}
	for _, a := range pv.Plan.Agreements {
		d.Agreements = append(d.Agreements, a.Text)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "case_plan_youth", p)
}
