package casework_test

import (
	"testing"

	"lots/internal/casework"
)

// Reopening a closed case (issue 17:3) must say why, and leads back to the assessment.
func TestReopenNeedsAReason(t *testing.T) {
	_, _, err := casework.Next(casework.StepClosed, casework.Move{Action: casework.ActReopen, Reason: "  "}, goodFacts())
	if e := casework.AsError(err); e == nil || e.Code != casework.EInvalid || e.Field != "reason" || e.Key != "flow.needs_reason" {
		t.Fatalf("reopen without a reason: %v", err)
	}
	to, closure, err := casework.Next(casework.StepClosed, casework.Move{Action: casework.ActReopen, Reason: "Ny oro från skolan"}, goodFacts())
	if err != nil || to != casework.StepAssessment || closure != "" {
		t.Fatalf("reopen with a reason: %s %q %v", to, closure, err)
	}
}
