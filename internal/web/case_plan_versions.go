package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/casework"
)

// casePlanVersionsData lists the plan's versions, newest first, each with what changed since
// the one before, and a form to compare any two.
type casePlanVersionsData struct {
	caseView
	Versions []casePlanVersionRow
	From, To []caseChoice
}

type casePlanVersionRow struct {
	Version                         int
	SavedBy                         string
	SavedAt                         time.Time
	Goals, Interventions, Agreement int
	Previous                        int    // the version before; 0 for the first
	Changes                         string // what changed since Previous, in words
	Current                         bool
}

// casePlanVersions lists the versions of the plan.
func (s *Server) casePlanVersions(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "plan.versions_title")
	v, ok := s.loadCaseView(w, r, p, "plan")
	if !ok {
		return
	}
	vs, err := s.store.PlanVersions(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	caseTitle(p, "plan.versions_title", v)
	d := casePlanVersionsData{caseView: v}
	latest, _ := casework.Latest(vs)
	for _, pv := range vs {
		row := casePlanVersionRow{Version: pv.Version, SavedBy: pv.CreatedBy, SavedAt: pv.CreatedAt, Goals: len(pv.Plan.SubGoals),
			Interventions: len(pv.Plan.Interventions), Agreement: len(pv.Plan.Agreements), Current: pv.Version == latest.Version}
		if prev, ok := casePlanPrevious(vs, pv.Version); ok {
			row.Previous = prev.Version
			switch n := casework.DiffPlans(prev.Plan, pv.Plan).Count(); n {
			case 0:
				row.Changes = p.T("plan.changes_since_none", prev.Version)
			case 1:
				row.Changes = p.T("plan.changes_since_one", prev.Version)
			default:
				row.Changes = p.N("plan.changes_since", n, prev.Version)
			}
		}
		d.Versions = append(d.Versions, row)
	}
	d.From, d.To = casePlanVersionChoices(p, vs, latest.Version-1, latest.Version)
	p.Data = d
	s.render(w, r, http.StatusOK, "case_plan_versions", p)
}

// casePlanPrevious is the version saved just before version n.
func casePlanPrevious(vs []casework.PlanVersion, n int) (casework.PlanVersion, bool) {
	var best casework.PlanVersion
	found := false
	for _, v := range vs {
		if v.Version < n && (!found || v.Version > best.Version) {
			best, found = v, true
		}
	}
	return best, found
}

// casePlanVersionChoices are the options of the two selects that choose versions to compare.
func casePlanVersionChoices(p *Page, vs []casework.PlanVersion, from, to int) ([]caseChoice, []caseChoice) {
	var f, t []caseChoice
	for _, v := range vs {
		label := casePlanVersionLabel(p, v)
		f = append(f, caseChoice{Value: strconv.Itoa(v.Version), Label: label, Selected: v.Version == from})
		t = append(t, caseChoice{Value: strconv.Itoa(v.Version), Label: label, Selected: v.Version == to})
	}
	return f, t
}

// casePlanCompareData is what changed between two versions.
type casePlanCompareData struct {
	caseView
	From, To casework.PlanVersion
	OwnGoal  *casework.FieldChange
	Parts    []casePlanDiffPart
	Empty    bool
	Count    string // how many changes, in words
	FromOpts []caseChoice
	ToOpts   []caseChoice
}

// casePlanDiffPart is the changes to one kind of item: sub-goals, interventions, agreements,
// what was tried before.
type casePlanDiffPart struct {
	ID, Heading string
	Items       []casePlanDiffItem
}

type casePlanDiffItem struct {
	Kind, KindLabel, Label string
	Fields                 []casePlanFieldChange
}

type casePlanFieldChange struct {
	Label, From, To string
}

// casePlanCompare shows what changed from one version to another: ?from=N&to=M, by default
// the newest version and the one before it.
func (s *Server) casePlanCompare(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "plan.compare_title")
	v, ok := s.loadCaseView(w, r, p, "plan")
	if !ok {
		return
	}
	vs, err := s.store.PlanVersions(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	latest, ok := casework.Latest(vs)
	if !ok {
		s.notFound(w, r)
		return
	}
	version := func(name string, def int) (casework.PlanVersion, bool) {
		n := def
		if q := r.URL.Query().Get(name); q != "" {
			var err error
			if n, err = strconv.Atoi(q); err != nil {
				return casework.PlanVersion{}, false
			}
		}
		if n == 0 && name == "from" {
			return casework.PlanVersion{CreatedBy: "–"}, true // compare with no plan at all
		}
		return casework.FindVersion(vs, n)
	}
	to, ok1 := version("to", latest.Version)
	from, ok2 := version("from", to.Version-1)
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	ms, err := s.store.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cat := newCasePlanCatalogue(ms)
	p.Title = p.T("plan.compare_title", from.Version, to.Version) + " – " + v.Detail.Youth.Name()
	diff := casework.DiffPlans(from.Plan, to.Plan)
	d := casePlanCompareData{caseView: v, From: from, To: to, OwnGoal: diff.OwnGoal, Empty: diff.Empty()}
	if n := diff.Count(); n == 1 {
		d.Count = p.T("plan.compare_count_one")
	} else {
		d.Count = p.N("plan.compare_count", n)
	}
	d.FromOpts, d.ToOpts = casePlanVersionChoices(p, vs, from.Version, to.Version)
	value := func(field, val string) string {
		if val == "" {
			return "–"
		}
		switch field {
		case "status":
			if contains(casework.GoalStatuses, val) {
				return p.T("case.goal." + val)
			}
			return caseEnum(p, "plan.", "istatus_", val)
		case "need":
			return needName(p.Locale, val)
		case "method":
			return cat.title(casework.Intervention{Method: val})
		}
		return val
	}
	for _, part := range []struct {
		id, key string
		items   []casework.ItemChange
	}{
		{"goals", "case.plan_sub_goals", diff.SubGoals},
		{"interventions", "plan.interventions", diff.Interventions},
		{"agreements", "plan.agreements", diff.Agreements},
		{"tried", "plan.tried_heading", diff.TriedBefore},
	} {
		if len(part.items) == 0 {
			continue
		}
		dp := casePlanDiffPart{ID: part.id, Heading: p.T(part.key)}
		for _, c := range part.items {
			label := c.Label
			if part.id == "interventions" {
				label = value("method", label)
			}
			it := casePlanDiffItem{Kind: c.Kind, KindLabel: caseEnum(p, "plan.", "diff_", c.Kind), Label: label}
			for _, f := range c.Fields {
				it.Fields = append(it.Fields, casePlanFieldChange{Label: caseEnum(p, "plan.", "field_", f.Field), From: value(f.Field, f.From), To: value(f.Field, f.To)})
			}
			dp.Items = append(dp.Items, it)
		}
		d.Parts = append(d.Parts, dp)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "case_plan_compare", p)
}
