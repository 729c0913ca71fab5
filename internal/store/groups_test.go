package store_test

import (
	"context"
	"testing"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// activeCase registers a concern and takes the case to active with the fixture's default
// consent: the police and the school, for police and school information, six months.
func activeCase(t *testing.T, s *store.Store, f *storetest.Fixture, i int) int64 {
	t.Helper()
	rc := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Gruppsson", pnr[i])
	f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	return rc.CaseID
}

// extraUser creates a user of the fixture's municipality in an agency of kind k with role r.
func extraUser(t *testing.T, s *store.Store, f *storetest.Fixture, username string, k casework.AgencyKind, r casework.Role) casework.User {
	t.Helper()
	sys := casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "test"))
	hash, err := auth.NewHasher(auth.FastParams).Hash(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := casework.User{Username: username, Name: "Extra " + username, AgencyID: f.Agencies[k].ID, Roles: casework.NewRoleSet(r)}
	if err := s.CreateUser(sys, &u, hash); err != nil {
		t.Fatal(err)
	}
	return u
}

func ctxOf(t *testing.T, s *store.Store, u casework.User) context.Context {
	t.Helper()
	a, err := s.Actor(context.Background(), u.MunicipalityID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(context.Background(), a)
}

func eventCount(t *testing.T, s *store.Store, ctx context.Context, caseID int64, kind string) int {
	t.Helper()
	tl, err := s.Timeline(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range tl {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func TestGroupMembersAreCoveredByTheConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Users[casework.RoleGroupMember] // the fixture's group member is police
		leisure := extraUser(t, s, f, "fritid", casework.AgencyLeisure, casework.RoleGroupMember)
		caseID := activeCase(t, s, f, 0)

		t.Run("the police officer is covered and joins as kontaktpolis", func(t *testing.T) {
			m, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID, Role: " kontaktpolis "})
			if err != nil {
				t.Fatal(err)
			}
			if m.Role != "kontaktpolis" || m.AgencyName != f.Agencies[casework.AgencyPolice].Name || !m.Covered {
				t.Fatalf("%+v", m)
			}
		})
		t.Run("a leisure worker the consent does not name is refused and nothing is saved", func(t *testing.T) {
			before := eventCount(t, s, coord, caseID, "group_member_added")
			_, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: leisure.ID, Role: "fritidsledare"})
			e := casework.AsError(err)
			if e.Key != "group.consent_missing_agency" || len(e.Args) != 2 || e.Args[0] != f.Agencies[casework.AgencyLeisure].Name {
				t.Fatalf("got %v %v", err, e.Args)
			}
			g, err := s.Group(coord, caseID)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Members) != 1 || eventCount(t, s, coord, caseID, "group_member_added") != before {
				t.Fatalf("the refused member left traces: %+v", g.Members)
			}
		})
		t.Run("a refusal on a case without a group leaves no group behind", func(t *testing.T) {
			other := activeCase(t, s, f, 1)
			if _, err := s.AddGroupMember(coord, other, casework.MemberInput{Kind: casework.MemberProfessional, UserID: leisure.ID}); err == nil {
				t.Fatal("not refused")
			}
			if err := s.SetGroupRhythm(coord, other, 6); err != nil {
				t.Fatal(err)
			}
			g, _ := s.Group(coord, other)
			if g.RhythmWeeks != 6 || len(g.Members) != 0 {
				t.Fatalf("%+v", g)
			}
		})
		t.Run("a user who does not work with cases cannot join", func(t *testing.T) {
			_, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: f.Users[casework.RoleAdmin].ID})
			if casework.AsError(err).Key != "group.user_no_case_role" {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("a user of another municipality does not exist", func(t *testing.T) {
			g := storetest.Seed(t, s, "9902", "b_")
			_, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: g.Users[casework.RoleGroupMember].ID})
			if casework.AsError(err).Key != "staff.user_unknown" {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("the coordinator on the case joins without consent coverage", func(t *testing.T) {
			if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: f.Users[casework.RoleCoordinator].ID, Role: "samordnare"}); err != nil {
				t.Fatal(err)
			}
		})
		var coach casework.GroupMember
		t.Run("an adult the young person trusts joins without being a user", func(t *testing.T) {
			var err error
			coach, err = s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberTrustedAdult, Name: "Kalle Tränare", Relation: "fotbollstränare", Contact: "070-123 45 67"})
			if err != nil || !coach.Covered {
				t.Fatal(err)
			}
		})
		t.Run("a trusted adult from the related persons is linked", func(t *testing.T) {
			p := casework.RelatedPerson{Kind: casework.RelTrustedAdult, Name: "Moster Lena", Relation: "moster"}
			if err := s.SaveRelatedPerson(coord, caseID, &p); err != nil {
				t.Fatal(err)
			}
			m, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberTrustedAdult, PersonID: p.ID})
			if err != nil || m.Name != "Moster Lena" || m.Relation != "moster" || m.PersonID != p.ID {
				t.Fatalf("%+v %v", m, err)
			}
			if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberGuardian, PersonID: p.ID}); casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("the same person twice: %v", err)
			}
		})
		t.Run("the young person joins once", func(t *testing.T) {
			if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberYouth}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberYouth}); casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("twice: %v", err)
			}
		})
		t.Run("the police officer cannot change the group", func(t *testing.T) {
			_, err := s.AddGroupMember(f.Ctx(t, s, casework.RoleGroupMember), caseID, casework.MemberInput{Kind: casework.MemberYouth})
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("got %v", err)
			}
		})
		g, err := s.Group(coord, caseID)
		if err != nil {
			t.Fatal(err)
		}
		policeMember, _ := g.MemberByUser(police.ID)
		t.Run("the group chooses one lead contact; the young person cannot be it", func(t *testing.T) {
			if err := s.SetGroupLead(coord, caseID, policeMember.ID); err != nil {
				t.Fatal(err)
			}
			for _, m := range g.Members {
				if m.Kind == casework.MemberYouth {
					if err := s.SetGroupLead(coord, caseID, m.ID); casework.AsError(err).Key != "group.lead_invalid" {
						t.Fatalf("youth as lead: %v", err)
					}
				}
			}
			g, _ := s.Group(coord, caseID)
			if l, ok := g.Lead(); !ok || l.ID != policeMember.ID {
				t.Fatalf("lead %+v", l)
			}
		})
		t.Run("the police member sees the group and their own groups", func(t *testing.T) {
			pc := f.Ctx(t, s, casework.RoleGroupMember)
			g, err := s.Group(pc, caseID)
			if err != nil || len(g.Members) != 5 {
				t.Fatalf("%d members, %v", len(g.Members), err)
			}
			mine, err := s.MyGroups(pc)
			if err != nil || len(mine) != 1 || mine[0].CaseID != caseID || mine[0].Role != "kontaktpolis" || !mine[0].Lead || mine[0].Members != 5 {
				t.Fatalf("%+v %v", mine, err)
			}
			cm, err := s.MyGroups(coord)
			if err != nil || len(cm) != 1 || !cm[0].Staff {
				t.Fatalf("coordinator's groups %+v %v", cm, err)
			}
		})
		t.Run("after withdrawal the police member is shown without consent and left out of invitations", func(t *testing.T) {
			cs, _ := s.Consents(coord, caseID)
			if _, err := s.WithdrawConsent(coord, caseID, cs[0].ID, "Ung Gruppsson", casework.WithdrawnInWriting, ""); err != nil {
				t.Fatal(err)
			}
			g, err := s.Group(coord, caseID)
			if err != nil {
				t.Fatal(err)
			}
			m, _ := g.MemberByUser(police.ID)
			if m.Covered {
				t.Fatal("still covered")
			}
			for _, inv := range g.Invited(false) {
				if inv.ID == m.ID {
					t.Fatal("invited")
				}
			}
			pc := f.Ctx(t, s, casework.RoleGroupMember)
			if _, err := s.Group(pc, caseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("police reads the group: %v", err)
			}
			if mine, err := s.MyGroups(pc); err != nil || len(mine) != 0 {
				t.Fatalf("police's groups: %+v %v", mine, err)
			}
			if err := s.SetGroupLead(coord, caseID, m.ID); casework.AsError(err).Key != "group.lead_invalid" {
				t.Fatalf("uncovered lead: %v", err)
			}
		})
		t.Run("a removed member leaves the group and the lead", func(t *testing.T) {
			if err := s.RemoveGroupMember(coord, caseID, policeMember.ID); err != nil {
				t.Fatal(err)
			}
			g, _ := s.Group(coord, caseID)
			if _, ok := g.Member(policeMember.ID); ok {
				t.Fatal("still a member")
			}
			if _, ok := g.Lead(); ok {
				t.Fatal("still the lead")
			}
			if err := s.RemoveGroupMember(coord, caseID, policeMember.ID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("twice: %v", err)
			}
			if err := s.SetGroupLead(coord, caseID, coach.ID); err != nil {
				t.Fatalf("a trusted adult as lead: %v", err)
			}
		})
	})
}
