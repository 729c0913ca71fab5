package web

import (
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
)

// casePlanCatalogue is the municipality's intervention catalogue as the plan pages use it: to
// name a plan's methods, to offer them in the editor, and to warn about those not available
// here or not to be used.
type casePlanCatalogue struct {
	methods []casework.Method
	byCode  map[string]casework.Method
}

func newCasePlanCatalogue(ms []casework.Method) casePlanCatalogue {
	c := casePlanCatalogue{methods: ms, byCode: map[string]casework.Method{}}
	for _, m := range ms {
		c.byCode[m.Code] = m
	}
	return c
}

// choices are the method select's options, grouped by kind: first "another intervention, in
// your own words", then the catalogue. A method the plan names that the catalogue no longer
// has (or a client's free text) is kept as an option of its own, so saving does not lose it.
func (c casePlanCatalogue) choices(p *Page, selected string) []casePlanMethodGroup {
	out := []casePlanMethodGroup{{Options: []caseChoice{{Value: "", Label: p.T("plan.method_other"), Selected: selected == ""}}}}
	for _, kind := range casework.MethodKinds {
		g := casePlanMethodGroup{Label: p.T("intervention.kind." + string(kind))}
		for _, m := range c.methods {
			if m.Kind != kind {
				continue
			}
			label := m.Name
			switch {
			case m.Evidence == casework.EvidenceWarning:
				label = p.T("plan.method_label_harmful", m.Name)
			case !m.Available:
				label = p.T("plan.method_label_unavailable", m.Name)
			}
			g.Options = append(g.Options, caseChoice{Value: m.Code, Label: label, Selected: m.Code == selected})
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	if _, ok := c.byCode[selected]; selected != "" && !ok {
		out = append(out, casePlanMethodGroup{Label: p.T("plan.method_elsewhere"),
			Options: []caseChoice{{Value: selected, Label: p.T("plan.method_label_unknown", selected), Selected: true}}})
	}
	return out
}

// title is how an intervention is named: the catalogue's name for its method, else the plan's
// own name, else the method as written.
func (c casePlanCatalogue) title(in casework.Intervention) string {
	if m, ok := c.byCode[in.Method]; ok {
		return m.Name
	}
	if in.Name != "" {
		return in.Name
	}
	return in.Method
}

// warnings are what the page says about an intervention's method: tried before, not available
// here, not to be used.
func (c casePlanCatalogue) warnings(p *Page, in casework.Intervention, tried []string) []string {
	var out []string
	names := []string{in.Method, in.Name}
	m, known := c.byCode[strings.TrimSpace(in.Method)]
	if known {
		names = append(names, m.Name)
	}
	if t := casework.TriedBefore(tried, names...); t != "" {
		out = append(out, p.T("plan.warn_tried", strings.TrimRight(t, ".")))
	}
	switch {
	case known && m.Evidence == casework.EvidenceWarning:
		out = append(out, p.T("plan.warn_harmful"))
	case known && !m.Available:
		out = append(out, p.T("plan.warn_unavailable"))
	}
	return out
}

// casePlanView is a version of the plan as the pages show it.
type casePlanView struct {
	OwnGoal       string
	Goals         []casePlanGoalView
	Interventions []casePlanInterventionView
	Agreements    []casework.Agreement
	TriedBefore   []string
}

type casePlanGoalView struct {
	N int
	casework.SubGoal
	StatusLabel string
}

type casePlanInterventionView struct {
	N int
	casework.Intervention
	Title       string
	Description string // the plan's own words for a catalogue method
	NeedName    string
	StatusLabel string
	Period      string
	Warnings    []string
}

// casePlanViewOf prepares a plan for showing.
func casePlanViewOf(p *Page, plan casework.Plan, cat casePlanCatalogue) casePlanView {
	v := casePlanView{OwnGoal: plan.OwnGoal, Agreements: plan.Agreements, TriedBefore: plan.TriedBefore}
	for i, g := range plan.SubGoals {
		v.Goals = append(v.Goals, casePlanGoalView{N: i + 1, SubGoal: g, StatusLabel: p.T("case.goal." + g.Status)})
	}
	for i, in := range plan.Interventions {
		iv := casePlanInterventionView{N: i + 1, Intervention: in, Title: cat.title(in), StatusLabel: caseEnum(p, "plan.", "istatus_", in.Status),
			Period: casePlanPeriod(p, in.Start, in.End), Warnings: cat.warnings(p, in, plan.TriedBefore)}
		if in.Need != "" {
			iv.NeedName = needName(p.Locale, in.Need)
		}
		if in.Name != "" && in.Name != iv.Title {
			iv.Description = in.Name
		}
		v.Interventions = append(v.Interventions, iv)
	}
	return v
}

// casePlanPeriod writes an intervention's dates: "2025-03-01 – 2025-06-01", "från 2025-03-01".
func casePlanPeriod(p *Page, start, end string) string {
	switch {
	case start != "" && end != "":
		return p.T("plan.period", start, end)
	case start != "":
		return p.T("plan.period_from", start)
	case end != "":
		return p.T("plan.period_until", end)
	}
	return "–"
}

// casePlanLevel is a need's level in words, from Check: IRK's own scale ("Tydlig risk").
func casePlanLevel(p *Page, level string) string {
	if v, ok := irkInstrument().Scales["risk4"].Value(level); ok {
		return v.Label.In(p.Locale)
	}
	return level
}

// casePlanNeeds is the panel "every need an answer, every intervention a reason".
type casePlanNeeds struct {
	Known       bool   // an assessment with Check: IRK exists
	Source      string // which assessment, in words
	Needs       []casePlanNeedView
	WithoutNeed []string // intervention titles
	Unfounded   []string // "title: need"
	AllAnswered bool
}

type casePlanNeedView struct {
	Name, Level string
	Clear       bool
	Answers     []string // titles of the interventions answering it
}

// casePlanNeedsOf matches the plan with the needs the assessment found.
func casePlanNeedsOf(p *Page, plan casework.Plan, cat casePlanCatalogue, a casework.Assessment, ok bool) (*casePlanNeeds, []casework.Need) {
	d := &casePlanNeeds{Known: ok}
	if !ok {
		return d, nil
	}
	needs := casework.NeedsFound(irkInstrument(), a)
	d.Source = p.T("plan.needs_source", caseEnum(p, "assessment.", "tp_", string(a.TimePoint)), formatDate(a.AssessedAt))
	ans := plan.AnswerNeeds(needs)
	for _, na := range ans.Needs {
		nv := casePlanNeedView{Name: needName(p.Locale, na.Domain), Level: casePlanLevel(p, na.Level), Clear: na.Level == "clear"}
		for _, i := range na.Interventions {
			nv.Answers = append(nv.Answers, cat.title(plan.Interventions[i]))
		}
		d.Needs = append(d.Needs, nv)
	}
	for _, i := range ans.WithoutNeed {
		d.WithoutNeed = append(d.WithoutNeed, cat.title(plan.Interventions[i]))
	}
	for _, i := range ans.Unfounded {
		in := plan.Interventions[i]
		d.Unfounded = append(d.Unfounded, p.T("plan.unfounded_item", cat.title(in), needName(p.Locale, in.Need)))
	}
	d.AllAnswered = len(ans.Unanswered) == 0 && len(ans.WithoutNeed) == 0 && len(ans.Unfounded) == 0
	return d, needs
}

// casePlanVersionLabel names a version: "version 3, 2025-03-04 10:15, Sara Lindqvist".
func casePlanVersionLabel(p *Page, v casework.PlanVersion) string {
	return p.T("plan.version_label", v.Version, formatDateTime(v.CreatedAt), v.CreatedBy)
}

// casePlanLongDate writes a date of the form YYYY-MM-DD in words: "1 juni 2025".
func casePlanLongDate(p *Page, s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return strconv.Itoa(t.Day()) + " " + caseEnum(p, "plan.", "month_", strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}
