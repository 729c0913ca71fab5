package store_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The lists filter cases in SQL; the pages decide with access.Case. They must agree: for every
// actor and every case the fixture can build, a case is in the actor's list exactly when
// access.Case allows its basic information, and on the card list exactly when it allows the
// anonymous card and not the basic information; "my cases" holds exactly the cases of the list
// the actor is staff on.
func TestListsAgreeWithTheAccessDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		extra := addUsers(t, s, f)
		coordCtx := f.Ctx(t, s, casework.RoleCoordinator)

		var cases []int64
		newCase := func(target casework.Step) int64 {
			rc := f.Concern(t, s, casework.RoleCoordinator, "Ung", fmt.Sprintf("Nr%d", len(cases)), storetest.TestPersonalNumbers[len(cases)])
			if target != casework.StepIdentified {
				f.Advance(t, s, rc.CaseID, target, storetest.ConsentSpec{})
			}
			cases = append(cases, rc.CaseID)
			return rc.CaseID
		}
		newCase(casework.StepIdentified) // unassigned intake
		newCase(casework.StepAssessment) // taken on
		newCase(casework.StepConsent)    // parties police and school, no consent: cards
		valid := newCase(casework.StepActive)
		_ = valid
		expired := newCase(casework.StepConsent)
		f.Consent(t, s, expired, storetest.ConsentSpec{From: t0.AddDate(0, -7, 0), Months: 6})
		withdrawn := newCase(casework.StepConsent)
		wc := f.Consent(t, s, withdrawn, storetest.ConsentSpec{})
		if _, err := s.WithdrawConsent(coordCtx, withdrawn, wc.ID, "Ung", casework.WithdrawnInWriting, ""); err != nil {
			t.Fatal(err)
		}
		other := newCase(casework.StepConsent)
		f.Consent(t, s, other, storetest.ConsentSpec{Agencies: []casework.AgencyKind{casework.AgencyLeisure}})
		named := newCase(casework.StepConsent)
		f.Consent(t, s, named, storetest.ConsentSpec{Users: []int64{extra["skola"].ID}})
		unsigned := newCase(casework.StepConsent)
		f.Consent(t, s, unsigned, storetest.ConsentSpec{Unsigned: true})
		future := newCase(casework.StepConsent)
		f.Consent(t, s, future, storetest.ConsentSpec{From: t0.AddDate(0, 1, 0)})
		closed := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Stängd", storetest.TestPersonalNumbers[len(cases)]).CaseID
		if _, err := s.Move(coordCtx, closed, store.MoveInput{Move: casework.Move{Action: casework.ActPrepNotNow, Reason: "Inte nu"}}); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, closed)

		actors := map[string]casework.Actor{}
		for _, r := range casework.Roles {
			actors[string(r)] = f.Actor(t, s, r)
		}
		for name, u := range extra {
			a, err := s.Actor(context.Background(), u.MunicipalityID, u.ID, casework.ViaSession)
			if err != nil {
				t.Fatal(err)
			}
			actors[name] = a
		}
		seen, carded := 0, 0
		defer func() {
			// The comparison means something only if the rule lets some actors see some cases.
			if seen < 20 || carded < 2 {
				t.Errorf("too few visible cases (%d) or cards (%d) for the comparison to mean anything", seen, carded)
			}
		}()
		for _, at := range []time.Time{t0, t0.AddDate(0, 1, 1), t0.AddDate(0, 7, 0)} {
			clock.Set(at)
			for name, a := range actors {
				t.Run(fmt.Sprintf("%s at %s", name, at.Format("2006-01-02")), func(t *testing.T) {
					ctx := casework.WithActor(context.Background(), a)
					var wantList, wantCards, wantMine, wantWaiting []int64
					for _, id := range cases {
						facts, err := s.CaseFactsForTest(context.Background(), f.Municipality.ID, id)
						if err != nil {
							t.Fatal(err)
						}
						basic := access.Case(a, facts, casework.CatBasic, at).Allowed
						if basic {
							wantList = append(wantList, id)
							if facts.Step == casework.StepIdentified {
								wantWaiting = append(wantWaiting, id)
							}
							if slices.ContainsFunc(facts.Staff, func(l casework.StaffLink) bool { return l.UserID == a.User.ID }) {
								wantMine = append(wantMine, id)
							}
						} else if access.Case(a, facts, casework.CatAnonymous, at).Allowed {
							wantCards = append(wantCards, storetest.CardID(t, s, id))
						}
					}
					var gotList, gotCards []int64
					page, err := s.Cases(ctx, store.CaseQuery{})
					if err != nil && casework.ErrorCode(err) != casework.EForbidden {
						t.Fatal(err)
					}
					for _, r := range page.Rows {
						gotList = append(gotList, r.CaseID)
					}
					mine, err := s.Cases(ctx, store.CaseQuery{Mine: true})
					if err != nil && casework.ErrorCode(err) != casework.EForbidden {
						t.Fatal(err)
					}
					var gotMine []int64
					for _, r := range mine.Rows {
						gotMine = append(gotMine, r.CaseID)
					}
					if !sameIDs(gotMine, wantMine) {
						t.Errorf("my cases: got %v, want %v", gotMine, wantMine)
					}
					// The waiting list tests each case (visibleEachSQL), the list above the union
					// (visibleCaseSQL): both forms of the rule against access.Case.
					waiting, err := s.Cases(ctx, store.CaseQuery{Waiting: true})
					if err != nil && casework.ErrorCode(err) != casework.EForbidden {
						t.Fatal(err)
					}
					var gotWaiting []int64
					for _, r := range waiting.Rows {
						gotWaiting = append(gotWaiting, r.CaseID)
					}
					if !sameIDs(gotWaiting, wantWaiting) {
						t.Errorf("waiting list: got %v, want %v", gotWaiting, wantWaiting)
					}
					cards, err := s.Cards(ctx)
					if err != nil && casework.ErrorCode(err) != casework.EForbidden {
						t.Fatal(err)
					}
					for _, c := range cards {
						gotCards = append(gotCards, c.ID)
					}
					seen, carded = seen+len(wantList), carded+len(wantCards)
					if !sameIDs(gotList, wantList) {
						t.Errorf("list: got %v, want %v", gotList, wantList)
					}
					if !sameIDs(gotCards, wantCards) {
						t.Errorf("cards: got %v, want %v", gotCards, wantCards)
					}
					counts, err := s.StepCounts(ctx, "")
					if err == nil {
						total := 0
						for _, c := range counts {
							total += c.Count
						}
						if total != len(wantList) {
							t.Errorf("counts add up to %d, the list has %d", total, len(wantList))
						}
					}
				})
			}
		}
	})
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]int64(nil), a...), append([]int64(nil), b...)
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// addUsers adds a school group member, a prep-group member in the police, a second coordinator
// and a leisure group member to the fixture.
func addUsers(t *testing.T, s *store.Store, f *storetest.Fixture) map[string]casework.User {
	t.Helper()
	sys := casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "test"))
	hash, err := auth.NewHasher(auth.FastParams).Hash(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]casework.User{}
	for name, spec := range map[string]struct {
		agency casework.AgencyKind
		role   casework.Role
	}{
		"skola":           {casework.AgencySchool, casework.RoleGroupMember},
		"fritid":          {casework.AgencyLeisure, casework.RoleGroupMember},
		"polis-beredning": {casework.AgencyPolice, casework.RolePrepGroup},
		"samordnare2":     {casework.AgencySocial, casework.RoleCoordinator},
	} {
		u := casework.User{Username: name, Name: name, AgencyID: f.Agencies[spec.agency].ID, Roles: casework.NewRoleSet(spec.role)}
		if err := s.CreateUser(sys, &u, hash); err != nil {
			t.Fatal(err)
		}
		out[name] = u
	}
	return out
}
