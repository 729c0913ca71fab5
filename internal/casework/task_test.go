package casework_test

import (
	"testing"

	"lots/internal/casework"
)

func TestDecisionInputValidate(t *testing.T) {
	const today = "2026-03-03"
	tests := []struct {
		name  string
		in    casework.DecisionInput
		field string
		key   string
	}{
		{"a decision with an owner and a due date becomes a task", casework.DecisionInput{Text: "Boka möte med BUP", OwnerUserID: 7, Due: "2026-03-20"}, "", ""},
		{"a decision without owner is only a decision", casework.DecisionInput{Text: "Erik är huvudkontakt"}, "", ""},
		{"the text is needed", casework.DecisionInput{Text: "  ", OwnerUserID: 7, Due: "2026-03-20"}, "decision_text", "task.text_required"},
		{"an owner needs a due date", casework.DecisionInput{Text: "Ring skolan", OwnerUserID: 7}, "due", "task.due_required"},
		{"a due date needs an owner", casework.DecisionInput{Text: "Ring skolan", Due: "2026-03-20"}, "owner", "task.owner_required"},
		{"the due date must be a date", casework.DecisionInput{Text: "Ring skolan", OwnerUserID: 7, Due: "20/3"}, "due", "task.due_invalid"},
		{"the due date may not be past", casework.DecisionInput{Text: "Ring skolan", OwnerUserID: 7, Due: "2026-03-02"}, "due", "task.due_past"},
		{"today is fine", casework.DecisionInput{Text: "Ring skolan", OwnerUserID: 7, Due: today}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := casework.FieldErrorsOf(tt.in.Validate(today))
			if tt.field == "" {
				if len(fe) != 0 {
					t.Fatalf("unexpected %v", fe)
				}
				return
			}
			if len(fe) != 1 || fe[0].Field != tt.field || fe[0].Key != tt.key {
				t.Fatalf("got %v, want %s %s", fe, tt.field, tt.key)
			}
		})
	}
}

func TestWhoMayCompleteATask(t *testing.T) {
	task := casework.Task{OwnerUserID: 7, Status: casework.TaskOpen, Due: "2026-03-01"}
	staff := []casework.StaffLink{{UserID: 1, Role: casework.StaffCoordinator}}
	for _, tt := range []struct {
		name string
		user int64
		ok   bool
	}{{"the owner", 7, true}, {"the coordinator", 1, true}, {"another member", 8, false}} {
		if got := casework.CanCompleteTask(task, tt.user, staff); got != tt.ok {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
	if !task.Overdue("2026-03-02") || task.Overdue("2026-03-01") {
		t.Error("overdue")
	}
}
