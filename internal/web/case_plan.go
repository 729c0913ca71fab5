package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
)

// casePlanData is the action plan: the version in force, for reading and printing, and an
// editor for the young person's own goal and the sub-goals. The plan's other parts
// (interventions, agreements, what was tried before) are kept as they are when it is saved.
type casePlanData struct {
	caseView
	Current  casework.Plan
	Version  int
	SavedBy  string
	SavedAt  time.Time
	Editable bool
	Goals    []casePlanGoal // the editor's rows
	Status   map[string]string
}

// casePlanGoal is one sub-goal row of the editor; its values are in the page's form under
// Prefix + field.
type casePlanGoal struct {
	N        int
	Prefix   string
	ID       string
	New      bool // an empty row for a new sub-goal
	Statuses []caseChoice
}

// casePlanEmptyRows is how many empty sub-goal rows the editor offers for new goals.
const casePlanEmptyRows = 3

// casePlanShow shows the plan in force and the editor.
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
	var cur casework.Plan
	if len(vs) > 0 {
		cur = vs[0].Plan
	}
	p.Form["own_goal"] = cur.OwnGoal
	casePlanFormGoals(p, cur.SubGoals)
	s.renderCasePlan(w, r, p, v, vs, len(cur.SubGoals), http.StatusOK)
}

// casePlanFormGoals puts sub-goals into the page's form values, numbered from 1.
func casePlanFormGoals(p *Page, gs []casework.SubGoal) {
	for i, g := range gs {
		pre := "sub_goal_" + strconv.Itoa(i+1) + "_"
		for f, val := range map[string]string{"id": g.ID, "text": g.Text, "criterion": g.Criterion, "responsible": g.Responsible, "due": g.Due, "status": g.Status} {
			p.Form[pre+f] = val
		}
	}
}

// casePlanSave saves a new version of the plan: the own goal and the sub-goals from the form,
// everything else as in the version the form was made from.
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
	plan, version := casework.Plan{}, 0
	if len(vs) > 0 {
		plan, version = vs[0].Plan, vs[0].Version
	}
	plan.OwnGoal = r.PostFormValue("own_goal")
	plan.SubGoals = casePlanGoalsFromForm(r)
	if r.PostFormValue("version") != strconv.Itoa(version) {
		err = casework.Errorf(casework.EConflict, "plan.saved_meanwhile", "plan version %d, form made from %q", version, r.PostFormValue("version"))
	} else {
		_, err = s.store.SavePlan(r.Context(), id, plan)
	}
	if err == nil {
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
	p.Form["own_goal"] = plan.OwnGoal
	casePlanFormGoals(p, plan.SubGoals)
	s.renderCasePlan(w, r, p, v, vs, len(plan.SubGoals), status)
}

// casePlanGoalsFromForm reads the sub-goal rows, leaving out the empty ones — as the plan's
// own normalisation does, so the errors it names ("sub_goal_2_due") point at the rows shown.
func casePlanGoalsFromForm(r *http.Request) []casework.SubGoal {
	n, _ := strconv.Atoi(r.PostFormValue("goals"))
	n = min(max(n, 0), 100)
	var out []casework.SubGoal
	for i := 1; i <= n; i++ {
		pre := "sub_goal_" + strconv.Itoa(i) + "_"
		g := casework.SubGoal{ID: r.PostFormValue(pre + "id"), Text: r.PostFormValue(pre + "text"), Criterion: r.PostFormValue(pre + "criterion"),
			Responsible: r.PostFormValue(pre + "responsible"), Due: r.PostFormValue(pre + "due"), Status: r.PostFormValue(pre + "status")}
		if strings.TrimSpace(g.Text+g.Criterion+g.Responsible+g.Due) == "" {
			continue
		}
		out = append(out, g)
	}
	return out
}

func (s *Server) renderCasePlan(w http.ResponseWriter, r *http.Request, p *Page, v caseView, vs []casework.PlanVersion, goals, status int) {
	caseTitle(p, "case.plan_title", v)
	d := casePlanData{caseView: v, Editable: v.CanAct && v.Detail.Case.Step.Open(), Status: map[string]string{}}
	if len(vs) > 0 {
		d.Current, d.Version, d.SavedBy, d.SavedAt = vs[0].Plan, vs[0].Version, vs[0].CreatedBy, vs[0].CreatedAt
	}
	statuses := []string{casework.GoalOpen, casework.GoalReached, casework.GoalNotReached}
	for _, st := range statuses {
		d.Status[st] = p.T("case.goal." + st)
	}
	for i := 1; i <= goals+casePlanEmptyRows; i++ {
		pre := "sub_goal_" + strconv.Itoa(i) + "_"
		g := casePlanGoal{N: i, Prefix: pre, ID: p.V(pre + "id"), New: i > goals}
		cur := p.V(pre + "status")
		if cur == "" {
			cur = casework.GoalOpen
		}
		for _, st := range statuses {
			g.Statuses = append(g.Statuses, caseChoice{Value: st, Label: d.Status[st], Selected: st == cur})
		}
		d.Goals = append(d.Goals, g)
	}
	p.Data = d
	s.render(w, r, status, "case_plan", p)
}
