package casework_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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
			{Name: "   ", Status: "planned"}, // nothing but the status: dropped
			{Method: "mst", Status: "ongoing", ID: "abc123"},
			{Name: "   ", Provider: " BUP "}, // a provider without a method: kept, for Validate to refuse
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
	t.Run("interventions with nothing but a status are dropped, new ones get an id and the planned status", func(t *testing.T) {
		if len(p.Interventions) != 3 {
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
	t.Run("an intervention with a provider but no method is kept and refused by Validate", func(t *testing.T) {
		if in := p.Interventions[2]; in.Provider != "BUP" || in.Name != "" {
			t.Fatalf("%+v", in)
		}
		if got := fieldsOf(p.Validate()); !slices.Equal(got, []string{"intervention_3_method"}) {
			t.Fatalf("fields %v", got)
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
	ivWith := func(change func(*casework.Intervention)) casework.Intervention {
		in := casework.Intervention{ID: "i", Method: "komet", Name: "Komet för mamma", Need: "family", Provider: "Familjeenheten",
			Start: "2025-03-01", End: "2025-06-01", Status: "ongoing", Reason: "Bråk hemma"}
		change(&in)
		return in
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
		{name: "an intervention with a bad start date is refused at the start", p: casework.Plan{Interventions: []casework.Intervention{iv("mars", "", "planned")}},
			fields: []string{"intervention_1_start"}, keys: []string{"plan.date_invalid"}},
		{name: "an intervention with a bad end date is refused at the end", p: casework.Plan{Interventions: []casework.Intervention{iv("2025-03-01", "2025-13-01", "planned")}},
			fields: []string{"intervention_1_end"}, keys: []string{"plan.date_invalid"}},
		{name: "an intervention without name or method names its row", p: casework.Plan{Interventions: []casework.Intervention{iv("", "", "planned"), ivWith(func(in *casework.Intervention) { in.Name, in.Method = "", "" })}},
			fields: []string{"intervention_2_method"}, keys: []string{"plan.intervention_method_required"}},
		{name: "an intervention from the catalogue needs no name of its own", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Name, in.Method = "", "komet" })}}},
		{name: "an intervention may answer any IRK need", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Need = "school_work" })}}},
		{name: "an intervention may leave the need open, for the page to point out", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Need = "" })}}},
		{name: "an intervention answering a need IRK does not know is refused", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Need = "money" })}},
			fields: []string{"intervention_1_need"}, keys: []string{"plan.need_invalid"}},
		{name: "a stopped intervention needs a reason", p: casework.Plan{Interventions: []casework.Intervention{iv("2025-03-01", "2025-04-01", "stopped")}},
			fields: []string{"intervention_1_reason"}, keys: []string{"plan.stop_reason_required"}},
		{name: "a stopped intervention with a reason is valid", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Status, in.Reason = "stopped", "Familjen flyttade" })}}},
		{name: "an intervention's name over 200 letters is refused", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Name = strings.Repeat("ö", 201) })}},
			fields: []string{"intervention_1_name"}, keys: []string{"plan.too_long"}},
		{name: "a provider over 200 letters is refused", p: casework.Plan{Interventions: []casework.Intervention{ivWith(func(in *casework.Intervention) { in.Provider = strings.Repeat("ö", 201) })}},
			fields: []string{"intervention_1_provider"}, keys: []string{"plan.too_long"}},
		{name: "an agreement over 1000 letters names its row", p: casework.Plan{Agreements: []casework.Agreement{{ID: "a", Text: "Hemma kl. 21"}, {ID: "b", Text: strings.Repeat("å", 1001)}}},
			fields: []string{"agreement_2_text"}, keys: []string{"plan.too_long"}},
		{name: "what was tried before over 1000 letters names its row", p: casework.Plan{TriedBefore: []string{strings.Repeat("å", 1001)}},
			fields: []string{"tried_1"}, keys: []string{"plan.too_long"}},
		{name: "more than fifty agreements are too many", p: casework.Plan{Agreements: slices.Repeat([]casework.Agreement{{ID: "a", Text: "x"}}, 51)},
			fields: []string{"own_goal"}, keys: []string{"plan.too_many"}},
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

func TestPlanNormaliseIDs(t *testing.T) {
	p := casework.Plan{
		SubGoals:      []casework.SubGoal{{ID: "same", Text: "a"}, {ID: "same", Text: "b"}, {ID: `"><script>`, Text: "c"}, {ID: strings.Repeat("x", 41), Text: "d"}},
		Interventions: []casework.Intervention{{ID: "same", Name: "Komet"}},
		Agreements:    []casework.Agreement{{ID: "k1", Text: "Hemma 21"}, {ID: "k1", Text: "Svarar i telefon"}},
	}
	p.Normalise()
	t.Run("the first of two items with one id keeps it, the second gets a new one", func(t *testing.T) {
		if p.SubGoals[0].ID != "same" || !itemID.MatchString(p.SubGoals[1].ID) {
			t.Fatalf("%q %q", p.SubGoals[0].ID, p.SubGoals[1].ID)
		}
		if p.Agreements[0].ID != "k1" || !itemID.MatchString(p.Agreements[1].ID) {
			t.Fatalf("%q %q", p.Agreements[0].ID, p.Agreements[1].ID)
		}
	})
	t.Run("malformed and overlong ids are replaced", func(t *testing.T) {
		if !itemID.MatchString(p.SubGoals[2].ID) || !itemID.MatchString(p.SubGoals[3].ID) {
			t.Fatalf("%q %q", p.SubGoals[2].ID, p.SubGoals[3].ID)
		}
	})
	t.Run("ids are unique per kind, not across kinds", func(t *testing.T) {
		if p.Interventions[0].ID != "same" {
			t.Fatalf("%q", p.Interventions[0].ID)
		}
	})
}

func TestNeedsFound(t *testing.T) {
	irk := casework.IRK()
	rate := func(vals map[string]string) casework.Assessment {
		a := casework.Assessment{Instrument: casework.IRKCode, TimePoint: casework.TPIntake}
		for _, d := range irk.Domains {
			v := vals[d.Code]
			if v == "" {
				v = "no"
			}
			a.Ratings = append(a.Ratings, casework.Rating{Item: d.Items[0].Code, Value: v})
		}
		return a
	}
	tests := []struct {
		name string
		vals map[string]string
		want []casework.Need
	}{
		{"no risk anywhere is no need", nil, nil},
		{"clear and some risk are needs, in IRK order", map[string]string{"leisure": "some", "family": "clear", "peers": "some"},
			[]casework.Need{{Domain: "peers", Level: "some"}, {Domain: "family", Level: "clear"}, {Domain: "leisure", Level: "some"}}},
		{"unknown is not a need", map[string]string{"substances": "unknown", "school_work": "clear"}, []casework.Need{{Domain: "school_work", Level: "clear"}}},
		{"every factor rated", map[string]string{"criminal_history": "clear", "personality": "clear", "attitudes": "clear", "peers": "clear",
			"substances": "some", "family": "some", "school_work": "some", "leisure": "some"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := casework.NeedsFound(irk, rate(tt.vals))
			if tt.name == "every factor rated" {
				if len(got) != 8 || got[0].Level != "clear" || got[7].Level != "some" {
					t.Fatalf("%+v", got)
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("%+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNeedsAssessment(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 10, 0, 0, 0, time.UTC) }
	a := func(id int64, instrument string, tp casework.TimePoint, d int) casework.Assessment {
		return casework.Assessment{ID: id, Instrument: instrument, TimePoint: tp, AssessedAt: day(d)}
	}
	tests := []struct {
		name string
		as   []casework.Assessment
		want int64 // 0: none
	}{
		{"no assessment: no needs", nil, 0},
		{"the concern's IRK when there is no intake", []casework.Assessment{a(1, "irk", casework.TPConcern, 1)}, 1},
		{"the intake IRK rather than a later midway one", []casework.Assessment{a(1, "irk", casework.TPConcern, 1), a(2, "irk", casework.TPIntake, 5), a(3, "irk", casework.TPMidway, 9)}, 2},
		{"the latest of two intake IRKs", []casework.Assessment{a(2, "irk", casework.TPIntake, 5), a(4, "irk", casework.TPIntake, 7)}, 4},
		{"another instrument's intake is not used", []casework.Assessment{a(1, "irk", casework.TPConcern, 1), a(5, "savry", casework.TPIntake, 5)}, 1},
		{"only other instruments: no needs", []casework.Assessment{a(5, "savry", casework.TPIntake, 5)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := casework.NeedsAssessment(tt.as)
			if (tt.want == 0) == ok || (ok && got.ID != tt.want) {
				t.Fatalf("got %d (%v), want %d", got.ID, ok, tt.want)
			}
		})
	}
}

func TestAnswerNeeds(t *testing.T) {
	needs := []casework.Need{{Domain: "peers", Level: "clear"}, {Domain: "family", Level: "clear"}, {Domain: "leisure", Level: "some"}}
	iv := func(need, status string) casework.Intervention {
		return casework.Intervention{Name: "x", Need: need, Status: status}
	}
	tests := []struct {
		name                   string
		ivs                    []casework.Intervention
		unanswered             []string
		withoutNeed, unfounded []int
		answers                map[string][]int
	}{
		{name: "a plan without interventions answers no need", unanswered: []string{"peers", "family", "leisure"}},
		{name: "each need answered, each intervention with a reason", ivs: []casework.Intervention{iv("family", "ongoing"), iv("peers", "planned"), iv("leisure", "done"), iv("family", "planned")},
			answers: map[string][]int{"family": {0, 3}, "peers": {1}, "leisure": {2}}},
		{name: "a stopped intervention answers nothing", ivs: []casework.Intervention{iv("family", "stopped"), iv("peers", "ongoing"), iv("leisure", "ongoing")},
			unanswered: []string{"family"}},
		{name: "an intervention without a need is pointed out", ivs: []casework.Intervention{iv("", "planned"), iv("peers", "ongoing")},
			unanswered: []string{"family", "leisure"}, withoutNeed: []int{0}},
		{name: "an intervention for a need the assessment did not find is pointed out", ivs: []casework.Intervention{iv("substances", "planned")},
			unanswered: []string{"peers", "family", "leisure"}, unfounded: []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := casework.Plan{Interventions: tt.ivs}.AnswerNeeds(needs)
			var un []string
			for _, n := range a.Unanswered {
				un = append(un, n.Domain)
			}
			if !slices.Equal(un, tt.unanswered) || !slices.Equal(a.WithoutNeed, tt.withoutNeed) || !slices.Equal(a.Unfounded, tt.unfounded) {
				t.Fatalf("unanswered %v without need %v unfounded %v", un, a.WithoutNeed, a.Unfounded)
			}
			if len(a.Needs) != len(needs) {
				t.Fatalf("%d needs", len(a.Needs))
			}
			for _, na := range a.Needs {
				if want, ok := tt.answers[na.Domain]; ok && !slices.Equal(na.Interventions, want) {
					t.Errorf("%s answered by %v, want %v", na.Domain, na.Interventions, want)
				}
			}
		})
	}
	t.Run("without needs found every named need is unfounded", func(t *testing.T) {
		a := casework.Plan{Interventions: []casework.Intervention{iv("family", "planned"), iv("", "planned")}}.AnswerNeeds(nil)
		if len(a.Needs) != 0 || !slices.Equal(a.Unfounded, []int{0}) || !slices.Equal(a.WithoutNeed, []int{1}) {
			t.Fatalf("%+v", a)
		}
	})
}

func TestTriedBefore(t *testing.T) {
	tried := []string{"Kontaktperson 2024 (avbröts efter tre månader).", "Familjebehandling 2023.", "SNAP i årskurs 6", "Samtal hos kurator"}
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"a free-text name found in an entry", []string{"", "Kontaktperson"}, tried[0]},
		{"a name beginning with the word an entry begins with matches", []string{"Kontaktperson på helgerna"}, tried[0]},
		{"a name beginning with another word must occur whole", []string{"Ny kontaktpersonen"}, ""},
		{"short first words are not enough", []string{"SNAP-liknande gruppträffar"}, ""},
		{"the catalogue name's short part matches", []string{"snap", "SNAP – Stop Now And Plan"}, tried[2]},
		{"case does not matter", []string{"snap"}, tried[2]},
		{"an entry found in a longer name matches", []string{"Samtal hos kurator varannan vecka"}, tried[3]},
		{"a word inside another word does not match", []string{"Komet"}, ""},
		{"an unrelated method does not match", []string{"mst", "MST – Multisystemisk terapi"}, ""},
		{"different inflection of a long word matches", []string{"Familjebehandlingen"}, tried[1]},
		{"words under five letters must be equal", []string{"Snaps"}, ""},
		{"nothing tried before: no match", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := casework.TriedBefore(tried, tt.names...); got != tt.want {
				t.Fatalf("%q, want %q", got, tt.want)
			}
		})
	}
	t.Run("kontaktperson and kontaktpersonen match", func(t *testing.T) {
		if got := casework.TriedBefore([]string{"Kontaktpersonen slutade"}, "Kontaktperson"); got == "" {
			t.Fatal("no match")
		}
	})
}

func TestDiffPlans(t *testing.T) {
	base := casework.Plan{
		OwnGoal: "Bli elektriker",
		SubGoals: []casework.SubGoal{
			{ID: "g1", Text: "Gå i skolan", Criterion: "80 %", Responsible: "Mentor", Due: "2025-06-01", Status: casework.GoalOpen},
			{ID: "g2", Text: "Fotboll", Criterion: "2 ggr/v", Responsible: "Tränaren", Due: "2025-05-01", Status: casework.GoalOpen},
		},
		Interventions: []casework.Intervention{{ID: "i1", Method: "komet", Need: "family", Provider: "Familjeenheten", Status: "planned"}},
		Agreements:    []casework.Agreement{{ID: "a1", Text: "Hemma kl. 21"}},
		TriedBefore:   []string{"SNAP", "Kurator"},
	}
	change := func(f func(p *casework.Plan)) casework.Plan {
		p := base
		p.SubGoals = slices.Clone(base.SubGoals)
		p.Interventions = slices.Clone(base.Interventions)
		p.Agreements = slices.Clone(base.Agreements)
		p.TriedBefore = slices.Clone(base.TriedBefore)
		f(&p)
		return p
	}
	// summary writes a diff as lines such as "sub_goal changed g1 status open→reached".
	summary := func(d casework.PlanDiff) []string {
		var out []string
		if d.OwnGoal != nil {
			out = append(out, "own_goal "+d.OwnGoal.From+"→"+d.OwnGoal.To)
		}
		for _, part := range []struct {
			kind string
			cs   []casework.ItemChange
		}{{"sub_goal", d.SubGoals}, {"intervention", d.Interventions}, {"agreement", d.Agreements}, {"tried", d.TriedBefore}} {
			for _, c := range part.cs {
				line := part.kind + " " + c.Kind + " " + c.Label
				for _, f := range c.Fields {
					line += " " + f.Field + " " + f.From + "→" + f.To
				}
				out = append(out, line)
			}
		}
		return out
	}
	tests := []struct {
		name string
		to   casework.Plan
		want []string
	}{
		{"the same plan has no changes", change(func(*casework.Plan) {}), nil},
		{"a changed own goal", change(func(p *casework.Plan) { p.OwnGoal = "Bli snickare" }), []string{"own_goal Bli elektriker→Bli snickare"}},
		{"a reached sub-goal", change(func(p *casework.Plan) { p.SubGoals[0].Status = casework.GoalReached }),
			[]string{"sub_goal changed Gå i skolan status open→reached"}},
		{"a sub-goal with new text and date, labelled by the new text", change(func(p *casework.Plan) { p.SubGoals[1].Text, p.SubGoals[1].Due = "Handboll", "2025-08-01" }),
			[]string{"sub_goal changed Handboll text Fotboll→Handboll due 2025-05-01→2025-08-01"}},
		{"a sub-goal added and one removed", change(func(p *casework.Plan) {
			p.SubGoals = []casework.SubGoal{p.SubGoals[0], {ID: "g3", Text: "Sommarjobb"}}
		}), []string{"sub_goal added Sommarjobb", "sub_goal removed Fotboll"}},
		{"reordering sub-goals is no change", change(func(p *casework.Plan) { p.SubGoals[0], p.SubGoals[1] = p.SubGoals[1], p.SubGoals[0] }), nil},
		{"an intervention started, labelled by its method when it has no name", change(func(p *casework.Plan) { p.Interventions[0].Status, p.Interventions[0].Start = "ongoing", "2025-03-01" }),
			[]string{"intervention changed komet start →2025-03-01 status planned→ongoing"}},
		{"an intervention stopped with a reason", change(func(p *casework.Plan) {
			p.Interventions[0].Status, p.Interventions[0].Reason = "stopped", "Familjen flyttade"
		}), []string{"intervention changed komet status planned→stopped reason →Familjen flyttade"}},
		{"an intervention added", change(func(p *casework.Plan) {
			p.Interventions = append(p.Interventions, casework.Intervention{ID: "i2", Name: "Läxhjälp", Need: "school_work"})
		}), []string{"intervention added Läxhjälp"}},
		{"an agreement changed and one added", change(func(p *casework.Plan) {
			p.Agreements = []casework.Agreement{{ID: "a1", Text: "Hemma kl. 22"}, {ID: "a2", Text: "Svarar i telefon"}}
		}), []string{"agreement changed Hemma kl. 22 text Hemma kl. 21→Hemma kl. 22", "agreement added Svarar i telefon"}},
		{"everything removed", casework.Plan{}, []string{"own_goal Bli elektriker→", "sub_goal removed Gå i skolan", "sub_goal removed Fotboll",
			"intervention removed komet", "agreement removed Hemma kl. 21", "tried removed SNAP", "tried removed Kurator"}},
		{"what was tried before added and removed by text", change(func(p *casework.Plan) { p.TriedBefore = []string{"Kurator", "MST 2022"} }),
			[]string{"tried added MST 2022", "tried removed SNAP"}},
		{"a text tried twice, then once, is one removal", change(func(p *casework.Plan) { p.TriedBefore = []string{"SNAP", "SNAP", "Kurator"} }),
			[]string{"tried added SNAP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := casework.DiffPlans(base, tt.to)
			if got := summary(d); !slices.Equal(got, tt.want) {
				t.Fatalf("\n got %q\nwant %q", got, tt.want)
			}
			if d.Empty() != (len(tt.want) == 0) || d.Count() != len(tt.want) {
				t.Fatalf("Empty() %v Count() %d", d.Empty(), d.Count())
			}
		})
	}
	t.Run("from nothing, everything is added", func(t *testing.T) {
		got := summary(casework.DiffPlans(casework.Plan{}, base))
		want := []string{"own_goal →Bli elektriker", "sub_goal added Gå i skolan", "sub_goal added Fotboll", "intervention added komet", "agreement added Hemma kl. 21",
			"tried added SNAP", "tried added Kurator"}
		if !slices.Equal(got, want) {
			t.Fatalf("\n got %q\nwant %q", got, want)
		}
	})
}

func TestLatestAndFindVersion(t *testing.T) {
	vs := []casework.PlanVersion{{Version: 3}, {Version: 2}, {Version: 1}}
	if v, ok := casework.Latest(vs); !ok || v.Version != 3 {
		t.Fatalf("latest %d %v", v.Version, ok)
	}
	if v, ok := casework.Latest([]casework.PlanVersion{{Version: 1}, {Version: 4}}); !ok || v.Version != 4 {
		t.Fatalf("latest of unordered %d", v.Version)
	}
	if _, ok := casework.Latest(nil); ok {
		t.Fatal("latest of none")
	}
	if v, ok := casework.FindVersion(vs, 2); !ok || v.Version != 2 {
		t.Fatal("version 2")
	}
	if _, ok := casework.FindVersion(vs, 7); ok {
		t.Fatal("version 7")
	}
}
