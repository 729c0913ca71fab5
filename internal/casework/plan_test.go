package casework_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lots/internal/casework"
)

var itemID = regexp.MustCompile(`^[0-9a-f]{12}$`)

func TestPlanNormalise(t *testing.T) {
	p := casework.Plan{
		OwnGoal: "  Ha ett jobb och en egen lägenhet  ",
		SubGoals: []casework.SubGoal{
			{Text: "  Gå i skolan varje dag ", Criterion: " närvaro över 80 % ", Responsible: " Mentor ", Due: " 2025-06-01 "},
			{Text: "  ", Criterion: "\t", Responsible: "", Due: " "}, // empty row
			{ID: "keepme", Text: "Fotboll två gånger i veckan", Criterion: "x", Responsible: "Fältare", Due: "2025-05-01", Status: casework.GoalReached},
		},
		Interventions: []casework.Intervention{
			{Name: "  Komet  ", Provider: " Socialtjänsten ", Reason: " föräldrastöd "},
			{Name: "   ", Provider: "nobody"}, // no name, no method: dropped
			{Method: "mst", Status: "ongoing", ID: "abc123"},
		},
		Agreements:  []casework.Agreement{{Text: "  Hemma senast 22 "}, {Text: "   "}, {ID: "a1", Text: "Ringer om han blir sen"}},
		TriedBefore: []string{"  SNAP ", "", "  ", "Kontaktperson"},
	}
	p.Normalise()

	t.Run("the own goal is trimmed", func(t *testing.T) {
		if p.OwnGoal != "Ha ett jobb och en egen lägenhet" {
			t.Fatalf("%q", p.OwnGoal)
		}
	})
	t.Run("empty sub-goal rows are dropped and the rest trimmed", func(t *testing.T) {
		if len(p.SubGoals) != 2 {
			t.Fatalf("%d sub-goals: %+v", len(p.SubGoals), p.SubGoals)
		}
		g := p.SubGoals[0]
		if g.Text != "Gå i skolan varje dag" || g.Criterion != "närvaro över 80 %" || g.Responsible != "Mentor" || g.Due != "2025-06-01" {
			t.Fatalf("%+v", g)
		}
	})
	t.Run("a new sub-goal gets an id and the open status", func(t *testing.T) {
		g := p.SubGoals[0]
		if !itemID.MatchString(g.ID) || g.Status != casework.GoalOpen {
			t.Fatalf("id %q status %q", g.ID, g.Status)
		}
	})
	t.Run("an existing sub-goal keeps its id and status", func(t *testing.T) {
		g := p.SubGoals[1]
		if g.ID != "keepme" || g.Status != casework.GoalReached {
			t.Fatalf("id %q status %q", g.ID, g.Status)
		}
	})
	t.Run("interventions without name or method are dropped, new ones get an id and the planned status", func(t *testing.T) {
		if len(p.Interventions) != 2 {
			t.Fatalf("%d interventions: %+v", len(p.Interventions), p.Interventions)
		}
		in := p.Interventions[0]
		if in.Name != "Komet" || in.Provider != "Socialtjänsten" || in.Reason != "föräldrastöd" || !itemID.MatchString(in.ID) || in.Status != "planned" {
			t.Fatalf("%+v", in)
		}
		if in := p.Interventions[1]; in.ID != "abc123" || in.Status != "ongoing" || in.Method != "mst" {
			t.Fatalf("%+v", in)
		}
	})
	t.Run("empty agreements are dropped and new ones get an id", func(t *testing.T) {
		if len(p.Agreements) != 2 || p.Agreements[0].Text != "Hemma senast 22" || !itemID.MatchString(p.Agreements[0].ID) || p.Agreements[1].ID != "a1" {
			t.Fatalf("%+v", p.Agreements)
		}
	})
	t.Run("what was tried before is trimmed and empty entries dropped", func(t *testing.T) {
		if !slices.Equal(p.TriedBefore, []string{"SNAP", "Kontaktperson"}) {
			t.Fatalf("%q", p.TriedBefore)
		}
	})
	t.Run("new ids differ from each other", func(t *testing.T) {
		ids := map[string]bool{p.SubGoals[0].ID: true, p.Interventions[0].ID: true, p.Agreements[0].ID: true}
		if len(ids) != 3 {
			t.Fatalf("repeated ids %v", ids)
		}
	})
	t.Run("normalising twice changes nothing", func(t *testing.T) {
		q := p
		q.SubGoals = slices.Clone(p.SubGoals)
		q.Interventions = slices.Clone(p.Interventions)
		q.Agreements = slices.Clone(p.Agreements)
		q.Normalise()
		if fmt.Sprint(q) != fmt.Sprint(p) {
			t.Fatalf("\n%+v\n%+v", q, p)
		}
	})
	t.Run("a plan of only empty rows normalises to an incomplete plan", func(t *testing.T) {
		e := casework.Plan{OwnGoal: "  ", SubGoals: []casework.SubGoal{{}, {Text: " "}}}
		e.Normalise()
		if len(e.SubGoals) != 0 || e.Complete() {
			t.Fatalf("%+v", e)
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("an empty plan is valid to save: %v", err)
		}
	})
}

func TestPlanValidate(t *testing.T) {
	goal := func() casework.SubGoal {
		return casework.SubGoal{ID: "g", Text: "Gå i skolan", Criterion: "80 %", Responsible: "Mentor", Due: "2025-06-01", Status: casework.GoalOpen}
	}
	goalWith := func(change func(*casework.SubGoal)) casework.SubGoal {
		g := goal()
		change(&g)
		return g
	}
	iv := func(start, end, status string) casework.Intervention {
		return casework.Intervention{ID: "i", Name: "Komet", Start: start, End: end, Status: status}
	}
	many := func(n int) []casework.SubGoal {
		var gs []casework.SubGoal
		for range n {
			gs = append(gs, goal())
		}
		return gs
	}
	tests := []struct {
		name   string
		p      casework.Plan
		fields []string
		keys   []string
	}{
		{name: "a plan with a complete sub-goal is valid", p: casework.Plan{OwnGoal: "Jobb", SubGoals: []casework.SubGoal{goal()}}},
		{name: "reached and not reached are valid states", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Status = casework.GoalReached }), goalWith(func(g *casework.SubGoal) { g.Status = casework.GoalNotReached })}}},
		{name: "a sub-goal without text names its row", p: casework.Plan{SubGoals: []casework.SubGoal{goal(), goalWith(func(g *casework.SubGoal) { g.Text = "" })}},
			fields: []string{"sub_goal_2_text"}, keys: []string{"plan.goal_text_required"}},
		{name: "a sub-goal without criterion names its row", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Criterion = "" })}},
			fields: []string{"sub_goal_1_criterion"}, keys: []string{"plan.goal_criterion_required"}},
		{name: "a sub-goal without a responsible person names its row", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Responsible = "" })}},
			fields: []string{"sub_goal_1_responsible"}, keys: []string{"plan.goal_responsible_required"}},
		{name: "a sub-goal without a date names its row", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Due = "" })}},
			fields: []string{"sub_goal_1_due"}, keys: []string{"plan.goal_due_required"}},
		{name: "a sub-goal with an impossible date names its row", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Due = "2025-02-30" })}},
			fields: []string{"sub_goal_1_due"}, keys: []string{"plan.goal_due_required"}},
		{name: "a sub-goal with a Swedish-style date is refused", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Due = "1/6 2025" })}},
			fields: []string{"sub_goal_1_due"}},
		{name: "a sub-goal with an unknown status names its row", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Status = "" })}},
			fields: []string{"sub_goal_1_status"}, keys: []string{"plan.status_invalid"}},
		{name: "the twelfth sub-goal is named with two digits", p: casework.Plan{SubGoals: append(many(11), goalWith(func(g *casework.SubGoal) { g.Due = "" }))},
			fields: []string{"sub_goal_12_due"}},
		{name: "a sub-goal over 3000 letters in all is refused", p: casework.Plan{SubGoals: []casework.SubGoal{goalWith(func(g *casework.SubGoal) { g.Text = strings.Repeat("å", 3000) })}},
			fields: []string{"sub_goal_1_text"}, keys: []string{"plan.too_long"}},
		{name: "an own goal over 2000 letters is refused", p: casework.Plan{OwnGoal: strings.Repeat("ä", 2001)},
			fields: []string{"own_goal"}, keys: []string{"plan.too_long"}},
		{name: "an own goal of 2000 letters is accepted", p: casework.Plan{OwnGoal: strings.Repeat("ä", 2000)}},
		{name: "an intervention ending before it starts is refused", p: casework.Plan{Interventions: []casework.Intervention{iv("2025-03-01", "2025-02-01", "planned")}},
			fields: []string{"intervention_1_end"}, keys: []string{"plan.dates_invalid"}},
		{name: "an intervention ending the day it starts is valid", p: casework.Plan{Interventions: []casework.Intervention{iv("2025-03-01", "2025-03-01", "done")}}},
		{name: "an intervention with only a start is valid", p: casework.Plan{Interventions: []casework.Intervention{iv("2025-03-01", "", "ongoing")}}},
		{name: "an intervention with a bad start date is refused", p: casework.Plan{Interventions: []casework.Intervention{iv("mars", "", "planned")}},
			fields: []string{"intervention_1_end"}, keys: []string{"plan.dates_invalid"}},
		{name: "an intervention with an unknown status names its row", p: casework.Plan{Interventions: []casework.Intervention{iv("", "", "planned"), iv("", "", "paused")}},
			fields: []string{"intervention_2_status"}, keys: []string{"plan.status_invalid"}},
		{name: "more than fifty sub-goals are too many", p: casework.Plan{SubGoals: many(51)},
			fields: []string{"own_goal"}, keys: []string{"plan.too_many"}},
		{name: "fifty sub-goals are accepted", p: casework.Plan{SubGoals: many(50)}},
		{name: "every error is reported at once", p: casework.Plan{SubGoals: []casework.SubGoal{{Status: "x"}}, Interventions: []casework.Intervention{iv("2025-02-01", "2025-01-01", "x")}},
			fields: []string{"sub_goal_1_text", "sub_goal_1_criterion", "sub_goal_1_responsible", "sub_goal_1_due", "sub_goal_1_status", "intervention_1_end", "intervention_1_status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if got := fieldsOf(err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v (err %v)", got, tt.fields, err)
			}
			if tt.keys != nil {
				if got := keysOf(err); !slices.Equal(got, tt.keys) {
					t.Fatalf("keys %v, want %v", got, tt.keys)
				}
			}
		})
	}
}

func TestPlanComplete(t *testing.T) {
	g := casework.SubGoal{Text: "Skola"}
	tests := []struct {
		name string
		p    casework.Plan
		want bool
	}{
		{"a plan with the youth's own goal and a sub-goal is complete", casework.Plan{OwnGoal: "Jobb", SubGoals: []casework.SubGoal{g}}, true},
		{"a plan without the youth's own goal is not complete", casework.Plan{SubGoals: []casework.SubGoal{g}}, false},
		{"a plan with a blank own goal is not complete", casework.Plan{OwnGoal: " \n", SubGoals: []casework.SubGoal{g}}, false},
		{"a plan without sub-goals is not complete", casework.Plan{OwnGoal: "Jobb", Interventions: []casework.Intervention{{Name: "Komet"}}}, false},
		{"an empty plan is not complete", casework.Plan{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Complete(); got != tt.want {
				t.Fatalf("Complete() = %v", got)
			}
		})
	}
}
