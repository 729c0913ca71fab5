package casework

import (
	"slices"
	"testing"
)

// Missing lists every requirement a move still lacks, in the table's order — what the case
// page says under "what is missing" — and Blocked, the server's refusal, is its first.
func TestMissingListsEveryRequirementNotMet(t *testing.T) {
	cases := []struct {
		name string
		act  Action
		prog Program
		f    Facts
		want []string
	}{
		{"assessment done with nothing recorded lacks the assessment and the judgement", ActAssessmentDone, ProgramSIG, Facts{},
			[]string{"flow.needs_assessment", "flow.needs_risk_judgement"}},
		{"assessment done with the assessment but no reason lacks the judgement", ActAssessmentDone, ProgramSIG,
			Facts{HasAssessment: true, RiskLevel: RiskHigh}, []string{"flow.needs_risk_judgement"}},
		{"going to planning without a valid consent lacks the consent", ActConsentGiven, ProgramSIG, Facts{PartyCount: 2},
			[]string{"flow.needs_consent"}},
		{"setting the plan with neither consent nor plan lacks both", ActPlanSet, ProgramSIG, Facts{},
			[]string{"flow.needs_consent", "flow.needs_plan"}},
		{"setting the plan with both lacks nothing", ActPlanSet, ProgramSIG, Facts{ConsentValid: true, HasPlan: true}, nil},
		{"the motivation phase where it is off lacks the setting", ActStartMotivation, ProgramSIG, Facts{},
			[]string{"flow.motivation_off"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, ok := TransitionIn(c.prog, c.act)
			if !ok {
				t.Fatalf("no transition %s", c.act)
			}
			got := tr.Missing(c.f)
			if !slices.Equal(got, c.want) {
				t.Fatalf("missing %v, want %v", got, c.want)
			}
			if first := tr.Blocked(c.f); len(got) > 0 && first != got[0] || len(got) == 0 && first != "" {
				t.Fatalf("blocked %q is not the first missing", first)
			}
		})
	}
}
