package access_test

import (
	"testing"

	"lots/internal/access"
	"lots/internal/casework"
)

// Reopening a closed case (issue 17:3) is a move of the flow: the case's staff may, nobody
// else — not a party under a consent, not the intake's coordinators of a case closed at intake
// — and the May the page and the API show says the same as the server's check.
func TestReopenIsTheCaseStaffs(t *testing.T) {
	social := func(id int64) casework.Actor {
		return casework.Actor{User: casework.User{ID: id, MunicipalityID: 7, Active: true, Roles: casework.NewRoleSet(casework.RoleCoordinator)},
			AgencyKind: casework.AgencySocial}
	}
	settings := casework.DefaultSettings()
	closedTakenOn := access.CaseFacts{MunicipalityID: 7, Step: casework.StepClosed, TakenOn: true,
		Staff: []casework.StaffLink{{UserID: 1, Role: casework.StaffCoordinator}}, Settings: settings}
	closedAtIntake := access.CaseFacts{MunicipalityID: 7, Step: casework.StepClosed, Settings: settings}
	for _, c := range []struct {
		name  string
		actor casework.Actor
		facts access.CaseFacts
		may   bool
	}{
		{"the case's coordinator may reopen it", social(1), closedTakenOn, true},
		{"another coordinator may not", social(2), closedTakenOn, false},
		{"a coordinator may not reopen a case closed at intake", social(2), closedAtIntake, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := access.Decide(c.actor, c.facts, casework.Facts{Settings: settings}, now)
			o, offered := m.Move(casework.ActReopen)
			if !offered {
				t.Fatal("the flow does not offer reopening a closed case")
			}
			if o.Possible() != c.may || o.Decision.Allowed != access.CaseWrite(c.actor, c.facts, access.WorkOfMove(casework.ActReopen), casework.CatBasic, now).Allowed {
				t.Errorf("may reopen: %+v, want %v", o, c.may)
			}
			if o.Reason != casework.ReasonRequired {
				t.Errorf("reopening without a reason is offered: %+v", o.Transition)
			}
		})
	}
	t.Run("an open case is not reopened", func(t *testing.T) {
		open := closedTakenOn
		open.Step = casework.StepActive
		if _, offered := access.Decide(social(1), open, casework.Facts{Settings: settings}, now).Move(casework.ActReopen); offered {
			t.Error("reopen offered on an open case")
		}
	})
}
