package store_test

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The extract for one young person holds every entry about them — their own records and the
// list views that showed them — and nothing that concerns only someone else.
func TestAccessExtractHoldsExactlyThatYoungPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Ctx(t, s, casework.RoleGroupMember)
		auditor := f.Ctx(t, s, casework.RoleAuditor)

		a := f.Concern(t, s, casework.RoleCoordinator, "Alva", "Ek", pnr[10])
		b := f.Concern(t, s, casework.RoleCoordinator, "Bo", "Strand", pnr[11])
		f.Advance(t, s, a.CaseID, casework.StepActive, storetest.ConsentSpec{})
		clock.Advance(time.Hour)
		if _, err := s.Cases(coord, store.CaseQuery{}); err != nil { // a list that shows both
			t.Fatal(err)
		}
		if _, err := s.CaseDetail(police, a.CaseID); err != nil { // on the consent
			t.Fatal(err)
		}
		if _, err := s.CaseDetail(police, b.CaseID); casework.ErrorCode(err) != casework.ENotFound { // refused
			t.Fatalf("police read Bo without consent: %v", err)
		}
		ya, yb := youthOf(t, s, f, a.CaseID), youthOf(t, s, f, b.CaseID)

		x, err := s.AccessExtract(auditor, store.ExtractQuery{CaseID: a.CaseID})
		if err != nil {
			t.Fatal(err)
		}
		if x.Youth.ID != ya || x.Youth.Name != "Alva Ek" || x.Youth.Identity != pnr[10][:8]+"-"+pnr[10][8:] {
			t.Fatalf("extract is about %+v", x.Youth)
		}
		var sawList, sawPolice, sawConsent bool
		for _, l := range x.Lines {
			if l.YouthID != ya && !strings.Contains(l.Detail, strconv.FormatInt(ya, 10)) {
				t.Errorf("entry %d does not concern Alva: %+v", l.Seq, l.Entry)
			}
			if l.YouthID == yb {
				t.Errorf("entry %d concerns Bo", l.Seq)
			}
			sawList = sawList || (l.ListView() && l.Action == audit.ActionList && l.Listed == 2)
			sawPolice = sawPolice || (l.UserID == f.Users[casework.RoleGroupMember].ID && l.Allowed && strings.HasPrefix(l.Ground, "consent:"))
			sawConsent = sawConsent || (l.Object == "consent" && l.Action == audit.ActionCreate)
			if l.UserName == "" || l.AgencyName == "" {
				t.Errorf("entry %d lacks the user's or agency's name", l.Seq)
			}
		}
		if !sawList || !sawPolice || !sawConsent {
			t.Fatalf("list view %v, police read %v, consent drawn up %v", sawList, sawPolice, sawConsent)
		}

		t.Run("the other young person's extract has their refusal and not Alva's reads", func(t *testing.T) {
			xb, err := s.AccessExtract(auditor, store.ExtractQuery{Identity: pnr[11][2:8] + "-" + pnr[11][8:]})
			if err != nil {
				t.Fatal(err)
			}
			var denied bool
			for _, l := range xb.Lines {
				if l.YouthID == ya {
					t.Errorf("Bo's extract holds Alva's entry %d", l.Seq)
				}
				denied = denied || (!l.Allowed && l.UserID == f.Users[casework.RoleGroupMember].ID)
			}
			if xb.Youth.ID != yb || !denied {
				t.Fatalf("Bo's extract: %+v, denied attempt shown %v", xb.Youth, denied)
			}
		})
		t.Run("making an extract is itself in the next extract", func(t *testing.T) {
			x2, err := s.AccessExtract(auditor, store.ExtractQuery{CaseID: a.CaseID, Export: true})
			if err != nil {
				t.Fatal(err)
			}
			last := x2.Lines[len(x2.Lines)-1]
			if last.Object != "audit_extract" || last.UserID != f.Users[casework.RoleAuditor].ID || last.Action != audit.ActionRead {
				t.Fatalf("last entry %+v", last.Entry)
			}
			x3, _ := s.AccessExtract(auditor, store.ExtractQuery{CaseID: a.CaseID})
			if l := x3.Lines[len(x3.Lines)-1]; l.Action != audit.ActionExport {
				t.Fatalf("the CSV export is recorded as %q", l.Action)
			}
		})
		t.Run("a period limits the extract", func(t *testing.T) {
			x, err := s.AccessExtract(auditor, store.ExtractQuery{CaseID: a.CaseID, From: t0.Add(30 * time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range x.Lines {
				if l.At.Before(t0.Add(30 * time.Minute)) {
					t.Fatalf("entry %d at %v is before the period", l.Seq, l.At)
				}
			}
		})
		t.Run("an unknown personnummer is not found, and the search is logged", func(t *testing.T) {
			if _, err := s.AccessExtract(auditor, store.ExtractQuery{Identity: pnr[20]}); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("got %v", err)
			}
			var found bool
			_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, UserID: f.Users[casework.RoleAuditor].ID, AfterSeq: -1},
				func(e audit.Entry) error {
					found = found || e.Detail == "no young person found"
					return nil
				})
			if !found {
				t.Fatal("the unsuccessful search is not in the log")
			}
		})
		t.Run("only the auditor may read the log", func(t *testing.T) {
			for _, r := range []casework.Role{casework.RoleAdmin, casework.RoleCoordinator, casework.RoleGroupMember, casework.RoleAnalyst} {
				ctx := f.Ctx(t, s, r)
				if _, err := s.AccessExtract(ctx, store.ExtractQuery{CaseID: a.CaseID}); casework.ErrorCode(err) != casework.EForbidden {
					t.Errorf("%s extract: %v", r, err)
				}
				if _, err := s.ReviewEntries(ctx, t0, t0.Add(time.Hour)); casework.ErrorCode(err) != casework.EForbidden {
					t.Errorf("%s review: %v", r, err)
				}
				if _, err := s.ExportAuditHead(ctx); casework.ErrorCode(err) != casework.EForbidden {
					t.Errorf("%s head: %v", r, err)
				}
			}
		})
		t.Run("the exported head covers its own export and verifies", func(t *testing.T) {
			h, err := s.ExportAuditHead(auditor)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.VerifyAudit(context.Background(), f.Municipality.ID, h)
			if err != nil || v != h {
				t.Fatalf("verify against the exported head: %v (%+v vs %+v)", err, v, h)
			}
		})
	})
}

// The review reads the period's entries; audit.Review flags the refused attempt, the intake
// reads of a coordinator who did not take the case on, and consent reads by police officers
// with no role in the case: one never in its group, one after leaving it (not a member who
// read before joining or while in the group).
func TestReviewFlagsRefusalsIntakeReadsAndReadsWithoutAGroupRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0) // a Monday, 10:00 in Stockholm
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		extra := addUsers(t, s, f)
		other, err := s.Actor(context.Background(), f.Municipality.ID, extra["samordnare2"].ID, casework.ViaSession)
		if err != nil {
			t.Fatal(err)
		}
		otherCtx := casework.WithActor(context.Background(), other)
		police := f.Ctx(t, s, casework.RoleGroupMember)

		a := f.Concern(t, s, casework.RoleCoordinator, "Cleo", "Ås", pnr[12])
		if _, err := s.CaseDetail(otherCtx, a.CaseID); err != nil { // intake: nobody has the case yet
			t.Fatal(err)
		}
		f.Advance(t, s, a.CaseID, casework.StepAssessment, storetest.ConsentSpec{}) // the first coordinator takes it on
		if _, err := s.CaseDetail(police, a.CaseID); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatal(err)
		}

		// A case past consent: the police is a party, so every police officer who works with
		// cases may read it; the group says who needs to.
		b := f.Concern(t, s, casework.RoleCoordinator, "Dan", "Ek", pnr[13])
		f.Advance(t, s, b.CaseID, casework.StepPlanning, storetest.ConsentSpec{})
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		outsider, leaver := policeUser(t, s, f, "polis2"), policeUser(t, s, f, "polis3")
		read := func(ctx context.Context) {
			t.Helper()
			cd, err := s.CaseDetail(ctx, b.CaseID)
			if err != nil || cd.Ground.Kind != access.GroundConsent {
				t.Fatalf("ground %q: %v", cd.Ground, err)
			}
		}
		read(police) // before joining the group: preparing for the first meeting
		clock.Advance(time.Minute)
		join := func(u casework.User) casework.GroupMember {
			t.Helper()
			m, err := s.AddGroupMember(coord, b.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: u.ID})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		join(f.Users[casework.RoleGroupMember])
		left := join(leaver.User)
		clock.Advance(time.Minute)
		read(police)
		read(storetest.Ctx2(outsider)) // covered by the consent, in no role on the case
		read(storetest.Ctx2(leaver))   // a member then
		clock.Advance(time.Minute)
		if err := s.RemoveGroupMember(coord, b.CaseID, left.ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		read(storetest.Ctx2(leaver)) // no longer a member

		clock.Advance(time.Hour)
		data, err := s.ReviewEntries(f.Ctx(t, s, casework.RoleAuditor), t0, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(data.Entries) == 0 || data.Names[other.User.ID] != "samordnare2" {
			t.Fatalf("%d entries, names %v", len(data.Entries), data.Names)
		}
		got := map[audit.FindingKind]map[int64]int{} // kind → user → entries
		for _, fd := range audit.Review(audit.ReviewInput{Entries: data.Entries, Staff: data.Staff,
			ConsentCase: data.ConsentCase, GroupRole: data.GroupRole}) {
			if got[fd.Kind] == nil {
				got[fd.Kind] = map[int64]int{}
			}
			got[fd.Kind][fd.UserID] += fd.Entries
		}
		policeID := f.Users[casework.RoleGroupMember].ID
		if len(got[audit.FindingDenied]) != 1 || got[audit.FindingDenied][policeID] == 0 {
			t.Errorf("the police's refused attempt is not flagged (alone): %v", got)
		}
		if len(got[audit.FindingIntake]) != 1 || got[audit.FindingIntake][other.User.ID] == 0 {
			t.Errorf("the second coordinator's intake read is not flagged (alone): %v", got)
		}
		if want := map[int64]int{outsider.User.ID: 1, leaver.User.ID: 1}; !maps.Equal(got[audit.FindingNoGroupRole], want) {
			t.Errorf("reads without a group role: got %v, want %v (the outsider, and the leaver after leaving)", got[audit.FindingNoGroupRole], want)
		}
		if !data.Staff(f.Users[casework.RoleCoordinator].ID, youthOf(t, s, f, a.CaseID)) {
			t.Error("the coordinator who took the case on is not staff")
		}
		var consentID int64
		for _, e := range data.Entries {
			if e.UserID == outsider.User.ID && e.Allowed {
				consentID, _ = strconv.ParseInt(strings.TrimPrefix(e.Ground, "consent:"), 10, 64)
			}
		}
		if data.ConsentCase(consentID) != b.CaseID || !data.GroupRole(f.Users[casework.RoleCoordinator].ID, b.CaseID, clock.Now()) {
			t.Error("the review does not place the consent in its case, or the coordinator on it")
		}
		t.Run("the period is bounded", func(t *testing.T) {
			auditor := f.Ctx(t, s, casework.RoleAuditor)
			for _, p := range [][2]time.Time{{t0, t0}, {t0, t0.AddDate(0, 4, 0)}, {{}, t0}} {
				if _, err := s.ReviewEntries(auditor, p[0], p[1]); casework.ErrorCode(err) != casework.EInvalid {
					t.Errorf("period %v: %v", p, err)
				}
			}
		})
	})
}

// policeUser creates a police officer who works in groups (a party of the fixture's default
// consent, in no case's group).
func policeUser(t *testing.T, s *store.Store, f *storetest.Fixture, username string) casework.Actor {
	t.Helper()
	hash, err := auth.NewHasher(auth.FastParams).Hash(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := casework.User{Username: username, Name: username, AgencyID: f.Agencies[casework.AgencyPolice].ID,
		Roles: casework.NewRoleSet(casework.RoleGroupMember)}
	if err := s.CreateUser(casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "test")), &u, hash); err != nil {
		t.Fatal(err)
	}
	a, err := s.Actor(context.Background(), f.Municipality.ID, u.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func youthOf(t *testing.T, s *store.Store, f *storetest.Fixture, caseID int64) int64 {
	t.Helper()
	cd, err := s.CaseDetail(f.Ctx(t, s, casework.RoleCoordinator), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return cd.Youth.ID
}
