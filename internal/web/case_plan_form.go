package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// The action plan's form: four lists of numbered rows (sub_goal_2_due, intervention_1_end,
// agreement_3_text, tried_2), each with a count field saying how many rows the form had.
// Rows left empty are skipped as the plan's own normalisation skips them, so the rows are
// numbered as Validate numbers them and an error lands at the field it names.

// Rows the editor offers empty, for new items.
const (
	casePlanEmptyGoals         = 3
	casePlanEmptyInterventions = 2
	casePlanEmptyAgreements    = 2
	casePlanEmptyTried         = 2
	casePlanMaxRows            = 100 // rows read from one form, of each kind
)

// casePlanRows reads a count field: how many rows of a kind the form had, and whether the form
// had that kind at all.
func casePlanRows(r *http.Request, field string) (int, bool) {
	if _, ok := r.PostForm[field]; !ok {
		return 0, false
	}
	n, _ := strconv.Atoi(r.PostFormValue(field))
	return min(max(n, 0), casePlanMaxRows), true
}

// casePlanFromForm reads the plan from the editor. A kind of row the form does not have at all
// (no count field) is kept as in base, the version the form was made from.
func casePlanFromForm(r *http.Request, base casework.Plan) casework.Plan {
	_ = r.ParseForm()
	plan := base
	plan.OwnGoal = r.PostFormValue("own_goal")
	v := func(pre, f string) string { return r.PostFormValue(pre + f) }
	if n, ok := casePlanRows(r, "goals"); ok {
		plan.SubGoals = nil
		for i := 1; i <= n; i++ {
			pre := "sub_goal_" + strconv.Itoa(i) + "_"
			g := casework.SubGoal{ID: v(pre, "id"), Text: v(pre, "text"), Criterion: v(pre, "criterion"),
				Responsible: v(pre, "responsible"), Due: v(pre, "due"), Status: v(pre, "status")}
			if strings.TrimSpace(g.Text+g.Criterion+g.Responsible+g.Due) == "" {
				continue
			}
			plan.SubGoals = append(plan.SubGoals, g)
		}
	}
	if n, ok := casePlanRows(r, "interventions"); ok {
		plan.Interventions = nil
		for i := 1; i <= n; i++ {
			pre := "intervention_" + strconv.Itoa(i) + "_"
			in := casework.Intervention{ID: v(pre, "id"), Need: v(pre, "need"), Method: v(pre, "method"), Name: v(pre, "name"),
				Provider: v(pre, "provider"), Start: v(pre, "start"), End: v(pre, "end"), Status: v(pre, "status"), Reason: v(pre, "reason")}
			if strings.TrimSpace(in.Need+in.Method+in.Name+in.Provider+in.Start+in.End+in.Reason) == "" {
				continue
			}
			plan.Interventions = append(plan.Interventions, in)
		}
	}
	if n, ok := casePlanRows(r, "agreements"); ok {
		plan.Agreements = nil
		for i := 1; i <= n; i++ {
			pre := "agreement_" + strconv.Itoa(i) + "_"
			if a := (casework.Agreement{ID: v(pre, "id"), Text: v(pre, "text")}); strings.TrimSpace(a.Text) != "" {
				plan.Agreements = append(plan.Agreements, a)
			}
		}
	}
	if n, ok := casePlanRows(r, "tried"); ok {
		plan.TriedBefore = nil
		for i := 1; i <= n; i++ {
			if t := v("tried_", strconv.Itoa(i)); strings.TrimSpace(t) != "" {
				plan.TriedBefore = append(plan.TriedBefore, t)
			}
		}
	}
	return plan
}

// casePlanToForm puts a plan into the page's form values, its rows numbered from 1.
func casePlanToForm(p *Page, plan casework.Plan) {
	p.Form["own_goal"] = plan.OwnGoal
	for i, g := range plan.SubGoals {
		pre := "sub_goal_" + strconv.Itoa(i+1) + "_"
		for f, val := range map[string]string{"id": g.ID, "text": g.Text, "criterion": g.Criterion, "responsible": g.Responsible, "due": g.Due, "status": g.Status} {
			p.Form[pre+f] = val
		}
	}
	for i, in := range plan.Interventions {
		pre := "intervention_" + strconv.Itoa(i+1) + "_"
		for f, val := range map[string]string{"id": in.ID, "need": in.Need, "method": in.Method, "name": in.Name, "provider": in.Provider,
			"start": in.Start, "end": in.End, "status": in.Status, "reason": in.Reason} {
			p.Form[pre+f] = val
		}
	}
	for i, a := range plan.Agreements {
		pre := "agreement_" + strconv.Itoa(i+1) + "_"
		p.Form[pre+"id"], p.Form[pre+"text"] = a.ID, a.Text
	}
	for i, t := range plan.TriedBefore {
		p.Form["tried_"+strconv.Itoa(i+1)] = t
	}
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

// casePlanInterventionRow is one intervention row of the editor.
type casePlanInterventionRow struct {
	N                    int
	Prefix               string
	ID                   string
	New                  bool
	Need, Method, Status casePlanSelect
	Warnings             []string // the method was tried before, is not available here, or must not be used
}

// casePlanSelect is a labelled select with its error, as the case_plan_select template draws
// it: plain options, or groups of them.
type casePlanSelect struct {
	Name, Label, Hint, Error string
	Options                  []caseChoice
	Groups                   []casePlanMethodGroup
}

func newCasePlanSelect(p *Page, name, labelKey, hintKey string) casePlanSelect {
	s := casePlanSelect{Name: name, Label: p.T(labelKey), Error: p.FieldError(name)}
	if hintKey != "" {
		s.Hint = p.T(hintKey)
	}
	return s
}

// casePlanMethodGroup is a group of the method select: the catalogue's methods of one kind.
type casePlanMethodGroup struct {
	Label   string
	Options []caseChoice
}

// casePlanRow is a row of one text: an agreement (Prefix "agreement_3_", Name
// "agreement_3_text") or what was tried before (Name "tried_2"), with its numbered label.
type casePlanRow struct {
	Prefix, Name, ID    string
	Label, Value, Error string
}

func newCasePlanRow(p *Page, prefix, name, id, labelKey string, n int) casePlanRow {
	return casePlanRow{Prefix: prefix, Name: name, ID: id, Label: p.T(labelKey, n), Value: p.V(name), Error: p.FieldError(name)}
}

// casePlanEditor builds the editor's rows from the page's form values: the rows filled in and a
// few empty ones. The warnings about methods tried before compare with what the form says was
// tried.
func casePlanEditor(p *Page, d *casePlanData, cat casePlanCatalogue, needs []casework.Need) {
	count := func(prefix, field string) int {
		n := 0
		for n < casePlanMaxRows {
			if _, ok := p.Form[prefix+strconv.Itoa(n+1)+field]; !ok {
				break
			}
			n++
		}
		return n
	}
	var tried []string
	ts := count("tried_", "")
	for i := 1; i <= ts; i++ {
		tried = append(tried, p.V("tried_"+strconv.Itoa(i)))
	}
	goals := count("sub_goal_", "_text")
	for i := 1; i <= goals+casePlanEmptyGoals; i++ {
		pre := "sub_goal_" + strconv.Itoa(i) + "_"
		g := casePlanGoal{N: i, Prefix: pre, ID: p.V(pre + "id"), New: i > goals}
		cur := p.V(pre + "status")
		if cur == "" {
			cur = casework.GoalOpen
		}
		for _, st := range casework.GoalStatuses {
			g.Statuses = append(g.Statuses, caseChoice{Value: st, Label: d.Status[st], Selected: st == cur})
		}
		d.Goals = append(d.Goals, g)
	}

	found := map[string]casework.Need{}
	for _, n := range needs {
		found[n.Domain] = n
	}
	ivs := count("intervention_", "_method")
	for i := 1; i <= ivs+casePlanEmptyInterventions; i++ {
		pre := "intervention_" + strconv.Itoa(i) + "_"
		row := casePlanInterventionRow{N: i, Prefix: pre, ID: p.V(pre + "id"), New: i > ivs,
			Need:   newCasePlanSelect(p, pre+"need", "plan.intervention_need", "plan.intervention_need_hint"),
			Method: newCasePlanSelect(p, pre+"method", "plan.intervention_method", "plan.intervention_method_hint"),
			Status: newCasePlanSelect(p, pre+"status", "plan.intervention_status", "")}
		need := p.V(pre + "need")
		row.Need.Options = append(row.Need.Options, caseChoice{Value: "", Label: p.T("plan.need_choose"), Selected: need == ""})
		for _, code := range casework.IRKNeeds {
			label := needName(p.Locale, code)
			if n, ok := found[code]; ok {
				label = p.T("plan.need_found", label, casePlanLevel(p, n.Level))
			}
			row.Need.Options = append(row.Need.Options, caseChoice{Value: code, Label: label, Selected: code == need})
		}
		method := p.V(pre + "method")
		row.Method.Groups = cat.choices(p, method)
		status := p.V(pre + "status")
		if status == "" {
			status = "planned"
		}
		for _, st := range casework.InterventionStatuses {
			row.Status.Options = append(row.Status.Options, caseChoice{Value: st, Label: caseEnum(p, "plan.", "istatus_", st), Selected: st == status})
		}
		if method != "" || strings.TrimSpace(p.V(pre+"name")) != "" {
			row.Warnings = cat.warnings(p, casework.Intervention{Method: method, Name: p.V(pre + "name")}, tried)
		}
		d.Interventions = append(d.Interventions, row)
	}

	as := count("agreement_", "_text")
	for i := 1; i <= as+casePlanEmptyAgreements; i++ {
		pre := "agreement_" + strconv.Itoa(i) + "_"
		key := "plan.agreement_n"
		if i > as {
			key = "plan.agreement_new"
		}
		d.Agreements = append(d.Agreements, newCasePlanRow(p, pre, pre+"text", p.V(pre+"id"), key, i))
	}
	for i := 1; i <= ts+casePlanEmptyTried; i++ {
		key := "plan.tried_n"
		if i > ts {
			key = "plan.tried_new"
		}
		d.TriedRows = append(d.TriedRows, newCasePlanRow(p, "", "tried_"+strconv.Itoa(i), "", key, i))
	}
}
