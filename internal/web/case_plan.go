package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// casePlanData is the action plan page: the version in force, what was tried before (shown
// first, so the plan does not repeat it), how the interventions answer the needs the
// assessment found, and — for those who work the case — the editor.
type casePlanData struct {
	caseView
	Current  casework.Plan
	View     casePlanView
	Version  int
	Versions int
	SavedBy  string
	SavedAt  time.Time
	Editable bool
	Needs    *casePlanNeeds // nil: not shown (a reader, or no access to the assessment)
	Status   map[string]string

	// The editor's rows.
	Goals         []casePlanGoal
	Interventions []casePlanInterventionRow
	Agreements    []casePlanRow
	TriedRows     []casePlanRow
	// Responsible are the suggestions for a sub-goal's responsible: the young person, the
	// guardians, the case's parties and its staff; the field still takes any text.
	Responsible []string
	// EditorOpen: the editor starts open — there is no plan yet, or a save was refused —
	// instead of folded under its button (issue 17:4).
	EditorOpen bool
}

// casePlanShow shows the plan in force and, to those who work the case, the editor.
func (s *Server) casePlanShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.plan_title")
	v, ok := s.loadCaseView(w, r, p, "plan")
	if !ok {
		return
	}
	vs, err := s.store.PlanVersions(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur, _ := casework.Latest(vs)
	casePlanToForm(p, cur.Plan)
	s.renderCasePlan(w, r, p, v, vs, http.StatusOK)
}

// casePlanSave saves a new version of the plan from the editor, if no one saved a version
// since the one the form was made from (409 otherwise). Invalid input is shown again at its
// fields (422), with the values typed, and nothing is saved.
func (s *Server) casePlanSave(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	vs, err := s.store.PlanVersions(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur, _ := casework.Latest(vs)
	plan := casePlanFromForm(r, cur.Plan)
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		base = -1 // not a version: SavePlanFrom reports the conflict
	}
	if _, err = s.store.SavePlanFrom(r.Context(), id, base, plan); err == nil {
		s.setFlash(w, r, "case.plan_saved")
		http.Redirect(w, r, caseURL(id, "/plan"), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "case.plan_title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadCaseView(w, r, p, "plan")
	if !ok {
		return
	}
	casePlanToForm(p, plan)
	s.renderCasePlan(w, r, p, v, vs, status)
}

// renderCasePlan shows the plan page with the form values in p.
func (s *Server) renderCasePlan(w http.ResponseWriter, r *http.Request, p *Page, v caseView, vs []casework.PlanVersion, status int) {
	p.Title = planName(p, v.Detail.Settings, v.Detail.Case.Program) + " – " + v.Detail.Youth.Name()
	ms, err := s.store.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cat := newCasePlanCatalogue(ms)
	d := casePlanData{caseView: v, Editable: v.May.Edit() && v.Detail.Case.Step.MayDraftPlan(), Status: map[string]string{}, Versions: len(vs)}
	if cur, ok := casework.Latest(vs); ok {
		d.Current, d.Version, d.SavedBy, d.SavedAt = cur.Plan, cur.Version, cur.CreatedBy, cur.CreatedAt
	}
	d.View = casePlanViewOf(p, d.Current, cat)
	for _, st := range casework.GoalStatuses {
		d.Status[st] = p.T("case.goal." + st)
	}
	var needs []casework.Need
	if d.Editable {
		// The needs come from social services' assessment: shown to those who plan, and only
		// when the store lets them read it.
		as, err := s.store.Assessments(r.Context(), v.ID)
		switch casework.ErrorCode(err) {
		case "":
			a, ok := casework.NeedsAssessment(as)
			d.Needs, needs = casePlanNeedsOf(p, d.Current, cat, a, ok)
		case casework.ENotFound, casework.EForbidden:
		default:
			s.fail(w, r, err)
			return
		}
		casePlanEditor(p, &d, cat, needs)
		d.Responsible = casePlanResponsible(p, v.Detail)
		d.EditorOpen = d.Version == 0 || len(p.Errors) > 0 || p.ErrorMsg != "" || r.URL.Query().Get("edit") == "1"
	}
	p.Data = d
	s.render(w, r, status, "case_plan", p)
}

// casePlanResponsible lists who can be responsible for a sub-goal: the young person, the
// guardians, the agencies that are parties to the case and the case's staff, each once.
func casePlanResponsible(p *Page, cd store.CaseDetail) []string {
	out := []string{p.T("plan.responsible_youth"), p.T("plan.responsible_guardians")}
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, pt := range cd.Parties {
		add(pt.AgencyName)
	}
	for _, st := range cd.Staff {
		add(st.Name)
	}
	return out
}
