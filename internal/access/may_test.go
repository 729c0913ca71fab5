package access_test

import (
	"fmt"
	"testing"

	"lots/internal/access"
	"lots/internal/casework"
)

// TestMayAgreesWithTheRule: the May value a page or the API shows is the access rule itself —
// every read, every kind of work in every category, and every move's right — for every actor,
// consent state, protection and step of the rule tables.
func TestMayAgreesWithTheRule(t *testing.T) {
	for _, ac := range actorCases() {
		for _, cs := range consentStates() {
			for _, protected := range []bool{false, true} {
				for i, step := range steps {
					f := facts(ac, cs, protected, step)
					if i%2 == 1 {
						f.Program = casework.ProgramSSPF // every other step in SSPF's flow
					}
					name := fmt.Sprintf("%s with %s, youth %s, at step %s of %s", ac.name, cs.name, identity(protected), step, f.Program)
					t.Run(name, func(t *testing.T) {
						m := access.Decide(ac.actor, f, casework.Facts{Settings: f.Settings}, now)
						for _, cat := range categories {
							if got, want := m.Read(cat), access.Case(ac.actor, f, cat, now); got.Allowed != want.Allowed || got.Ground.String() != want.Ground.String() {
								t.Errorf("read %s: may %+v, rule %+v", cat, got, want)
							}
							if cat == casework.CatAnonymous {
								continue
							}
							for _, w := range works {
								if got, want := m.Write(w, cat), access.CaseWrite(ac.actor, f, w, cat, now); got.Allowed != want.Allowed || got.Ground.String() != want.Ground.String() {
									t.Errorf("%s work in %s: may %+v, rule %+v", w, cat, got, want)
								}
							}
						}
						offered := casework.ActionsFrom(f.Program, step, f.Settings)
						if len(m.Moves) != len(offered) {
							t.Fatalf("moves %d, the flow offers %d", len(m.Moves), len(offered))
						}
						for i, o := range m.Moves {
							if o.Action != offered[i] {
								t.Errorf("move %d is %s, the flow offers %s", i, o.Action, offered[i])
							}
							want := access.CaseWrite(ac.actor, f, access.WorkOfMove(o.Action), casework.CatBasic, now)
							if o.Decision.Allowed != want.Allowed {
								t.Errorf("move %s: may %v, rule %v", o.Action, o.Decision.Allowed, want.Allowed)
							}
							if o.Possible() && o.Blocked != "" {
								t.Errorf("move %s possible while blocked by %s", o.Action, o.Blocked)
							}
						}
					})
				}
			}
		}
	}
}

// TestMayMovesSayWhyTheFlowRefuses: a move the facts do not allow yet carries the flow's
// reason, the same key casework.Next answers with.
func TestMayMovesSayWhyTheFlowRefuses(t *testing.T) {
	coord := casework.Actor{User: casework.User{ID: 1, MunicipalityID: 7, Active: true, Roles: casework.NewRoleSet(casework.RoleCoordinator)},
		AgencyKind: casework.AgencySocial}
	f := access.CaseFacts{MunicipalityID: 7, Step: casework.StepConsent, TakenOn: true,
		Staff: []casework.StaffLink{{UserID: 1, Role: casework.StaffCoordinator}}, Settings: casework.DefaultSettings()}
	flow := casework.Facts{Settings: f.Settings}
	m := access.Decide(coord, f, flow, now)
	o, ok := m.Move(casework.ActConsentGiven)
	if !ok || !o.Decision.Allowed || o.Blocked != "flow.needs_consent" || o.Possible() {
		t.Fatalf("consent given without a consent: %+v", o)
	}
	_, _, err := casework.Next(casework.StepConsent, casework.Move{Action: casework.ActConsentGiven}, flow)
	if e := casework.AsError(err); e == nil || e.Key != o.Blocked {
		t.Errorf("Next refuses with %v, May says %q", err, o.Blocked)
	}
	flow.ConsentValid = true
	if o, _ := access.Decide(coord, f, flow, now).Move(casework.ActConsentGiven); !o.Possible() {
		t.Errorf("with a valid consent the move is still refused: %+v", o)
	}
}
