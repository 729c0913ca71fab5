package store_test

import (
	"context"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

func TestDecisionsBecomeTasksForCoveredMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Users[casework.RoleGroupMember]
		pc := f.Ctx(t, s, casework.RoleGroupMember)
		school := extraUser(t, s, f, "skola", casework.AgencySchool, casework.RoleGroupMember)
		caseID := activeCase(t, s, f, 0)
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID, Role: "kontaktpolis"}); err != nil {
			t.Fatal(err)
		}
		m, err := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: t0.Add(29 * time.Hour), DurationMinutes: 90})
		if err != nil {
			t.Fatal(err)
		}
		var task int64
		t.Run("a decision with an owner in the group becomes the owner's task", func(t *testing.T) {
			d, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Prata med ungdomen om helgen", OwnerUserID: police.ID, Due: "2026-03-10"})
			if err != nil {
				t.Fatal(err)
			}
			if d.TaskID == 0 || d.OwnerName != police.Name {
				t.Fatalf("%+v", d)
			}
			task = d.TaskID
			mine, err := s.MyTasks(pc, false)
			if err != nil || len(mine) != 1 || mine[0].Task.ID != task || mine[0].Task.Text != "Prata med ungdomen om helgen" || mine[0].Name != "Ung Gruppsson" || !mine[0].MeetingStart.Equal(m.Start) {
				t.Fatalf("police's tasks %+v %v", mine, err)
			}
			if theirs, _ := s.MyTasks(coord, false); len(theirs) != 0 {
				t.Fatalf("the coordinator got the police's task: %+v", theirs)
			}
			md, _ := s.Meeting(coord, caseID, m.ID)
			if len(md.Decisions) != 1 || md.Decisions[0].TaskID != task || md.Decisions[0].Due != "2026-03-10" {
				t.Fatalf("decisions %+v", md.Decisions)
			}
		})
		t.Run("a decision without owner is only a decision", func(t *testing.T) {
			d, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Erik är huvudkontakt"})
			if err != nil || d.TaskID != 0 {
				t.Fatalf("%+v %v", d, err)
			}
		})
		t.Run("the owner must be a member of the group", func(t *testing.T) {
			_, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Kolla betygen", OwnerUserID: school.ID, Due: "2026-03-10"})
			if casework.AsError(err).Key != "task.owner_not_member" {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("another member may not mark the police's task done", func(t *testing.T) {
			if err := s.CompleteTask(ctxOf(t, s, school), task); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("a task of another municipality does not exist", func(t *testing.T) {
			g := storetest.Seed(t, s, "9902", "b_")
			if err := s.CompleteTask(g.Ctx(t, s, casework.RoleCoordinator), task); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("the owner marks it done, once", func(t *testing.T) {
			if err := s.CompleteTask(pc, task); err != nil {
				t.Fatal(err)
			}
			if err := s.CompleteTask(pc, task); casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("twice: %v", err)
			}
			if open, _ := s.MyTasks(pc, false); len(open) != 0 {
				t.Fatalf("still open: %+v", open)
			}
			if all, _ := s.MyTasks(pc, true); len(all) != 1 || all[0].Task.Status != casework.TaskDone {
				t.Fatalf("done tasks: %+v", all)
			}
		})
		t.Run("after withdrawal the owner neither lists nor touches their tasks", func(t *testing.T) {
			d, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Följ upp", OwnerUserID: police.ID, Due: "2026-03-12"})
			if err != nil {
				t.Fatal(err)
			}
			cs, _ := s.Consents(coord, caseID)
			if _, err := s.WithdrawConsent(coord, caseID, cs[0].ID, "Ung", casework.WithdrawnInMeeting, ""); err != nil {
				t.Fatal(err)
			}
			if mine, err := s.MyTasks(pc, true); err != nil || len(mine) != 0 {
				t.Fatalf("%+v %v", mine, err)
			}
			if err := s.CompleteTask(pc, d.TaskID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("got %v", err)
			}
			if _, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Ny uppgift", OwnerUserID: police.ID, Due: "2026-03-12"}); casework.AsError(err).Key != "task.owner_no_consent" {
				t.Fatalf("a task for a member without consent: %v", err)
			}
			if err := s.CompleteTask(coord, d.TaskID); err != nil {
				t.Fatalf("the coordinator closes it: %v", err)
			}
		})
	})
}

func TestDueRemindersAreSentOnceAndOnlyToThoseWhoMaySee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0) // Monday 2 March
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		admin := f.Ctx(t, s, casework.RoleAdmin)
		police := f.Users[casework.RoleGroupMember]
		police.Email = "erik@polisen.example"
		if err := s.UpdateUser(admin, &police); err != nil {
			t.Fatal(err)
		}
		caseID := activeCase(t, s, f, 0)
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
			t.Fatal(err)
		}
		m, _ := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: t0.Add(29 * time.Hour)})
		soon, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Snart", OwnerUserID: police.ID, Due: "2026-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddDecision(coord, caseID, m.ID, casework.DecisionInput{Text: "Senare", OwnerUserID: police.ID, Due: "2026-03-20"}); err != nil {
			t.Fatal(err)
		}
		due := func() []store.Reminder {
			t.Helper()
			rs, err := s.DueReminders(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		if rs := due(); len(rs) != 0 {
			t.Fatalf("reminders while the municipality has not turned them on: %+v", rs)
		}
		st := casework.DefaultSettings()
		st.TaskReminders = true
		if err := s.UpdateSettings(admin, st); err != nil {
			t.Fatal(err)
		}
		rs := due()
		if len(rs) != 1 || rs[0].Kind != store.ReminderTask || rs[0].ObjectID != soon.TaskID || rs[0].Email != police.Email || rs[0].Due != "2026-03-04" || rs[0].Locale != casework.LocaleSv {
			t.Fatalf("%+v", rs)
		}
		if ok, err := s.MarkReminded(context.Background(), rs[0]); !ok || err != nil {
			t.Fatalf("mark: %v %v", ok, err)
		}
		if ok, _ := s.MarkReminded(context.Background(), rs[0]); ok {
			t.Fatal("marked twice")
		}
		if rs := due(); len(rs) != 0 {
			t.Fatalf("reminded again: %+v", rs)
		}
		var logged int
		_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(en audit.Entry) error {
			if en.Object == "task" && en.Detail == "e-mail reminder" && en.Via == casework.ViaSystem && en.ObjectID == soon.TaskID {
				logged++
			}
			return nil
		})
		if logged != 1 {
			t.Fatalf("%d audit entries for the reminder", logged)
		}
		clock.Set(time.Date(2026, 3, 18, 8, 0, 0, 0, time.UTC))
		cs, _ := s.Consents(coord, caseID)
		if _, err := s.WithdrawConsent(coord, caseID, cs[0].ID, "Ung", casework.WithdrawnInMeeting, ""); err != nil {
			t.Fatal(err)
		}
		if rs := due(); len(rs) != 0 {
			t.Fatalf("a reminder to someone the consent no longer covers: %+v", rs)
		}
	})
}

// A consent reminder goes to the case's coordinator, once, ConsentSoonDays before the
// consent ends — and not about a consent that is withdrawn, expired, unsigned or renewed, on a
// closed case, or in a municipality that has reminders off.
func TestConsentRemindersGoToTheCoordinatorOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0) // Monday 2 March
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		admin := f.Ctx(t, s, casework.RoleAdmin)
		withEmail := func(ctx context.Context, u casework.User, email string) casework.User {
			t.Helper()
			u.Email = email
			if err := s.UpdateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		coordinator := withEmail(admin, f.Users[casework.RoleCoordinator], "samordnare@kommun.example")
		officer := withEmail(admin, f.Users[casework.RoleCaseOfficer], "handlaggare@kommun.example")
		police := withEmail(admin, f.Users[casework.RoleGroupMember], "erik@polisen.example")

		// The consent reminded about: six months from now, on an active case whose case
		// officer and police member (covered by the consent) have e-mail addresses too.
		caseID := activeCase(t, s, f, 0)
		if err := s.AssignStaff(coord, caseID, officer.ID, casework.StaffCaseOfficer); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
			t.Fatal(err)
		}
		cs, _ := s.Consents(coord, caseID)
		consent := cs[0]
		ends := consent.ValidUntil

		// The others end at the same time but are not reminded about.
		withdrawn := activeCase(t, s, f, 1)
		ws, _ := s.Consents(coord, withdrawn)
		if _, err := s.WithdrawConsent(coord, withdrawn, ws[0].ID, "Ung", casework.WithdrawnInMeeting, ""); err != nil {
			t.Fatal(err)
		}
		expired := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Utgången", pnr[2]).CaseID
		f.Advance(t, s, expired, casework.StepActive, storetest.ConsentSpec{Months: 5}) // ends a month before the others
		unsigned := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Osignerad", pnr[3]).CaseID
		f.Advance(t, s, unsigned, casework.StepConsent, storetest.ConsentSpec{})
		f.Consent(t, s, unsigned, storetest.ConsentSpec{Unsigned: true})
		renewed := activeCase(t, s, f, 4)
		rs0, _ := s.Consents(coord, renewed)
		if _, err := s.CreateConsent(coord, renewed, casework.ConsentInput{ValidFrom: ends, AgencyIDs: []int64{f.Agencies[casework.AgencyPolice].ID},
			Language: "sv", RenewsID: rs0[0].ID}); err != nil {
			t.Fatal(err)
		}
		closed := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Avslutad", pnr[5]).CaseID
		f.Advance(t, s, closed, casework.StepClosed, storetest.ConsentSpec{})
		// Another municipality, reminders off, with a coordinator who has an address.
		g := storetest.Seed(t, s, "9902", "b_")
		withEmail(g.Ctx(t, s, casework.RoleAdmin), g.Users[casework.RoleCoordinator], "samordnare@annan.example")
		rc := g.Concern(t, s, casework.RoleCoordinator, "Ung", "Annanstad", pnr[6])
		g.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})

		due := func() []store.Reminder {
			t.Helper()
			rs, err := s.DueReminders(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		clock.Set(ends.Add(-20 * 24 * time.Hour))
		if rs := due(); len(rs) != 0 {
			t.Fatalf("reminders while the municipality has not turned them on: %+v", rs)
		}
		st := casework.DefaultSettings()
		st.TaskReminders = true
		if err := s.UpdateSettings(admin, st); err != nil {
			t.Fatal(err)
		}
		clock.Set(ends.Add(-casework.ConsentSoon - time.Hour))
		if rs := due(); len(rs) != 0 {
			t.Fatalf("a reminder before the lead time: %+v", rs)
		}
		clock.Set(ends.Add(-20 * 24 * time.Hour))
		rs := due()
		want := store.Reminder{Kind: store.ReminderConsent, ObjectID: consent.ID, MunicipalityID: f.Municipality.ID, CaseID: caseID, YouthID: consent.YouthID,
			Email: coordinator.Email, Locale: casework.LocaleSv, Due: ends.In(casework.Stockholm).Format(casework.DateLayout)}
		if len(rs) != 1 || rs[0] != want {
			t.Fatalf("got %+v\nwant exactly %+v", rs, want)
		}
		if rs[0].Due != "2026-09-02" {
			t.Fatalf("the consent ends %s, not on the day the consent page shows", rs[0].Due)
		}

		// The coordinator is who case_staff names now, not who drew the consent up.
		other := extraUser(t, s, f, "samordnare2", casework.AgencySocial, casework.RoleCoordinator)
		other = withEmail(admin, other, "samordnare2@kommun.example")
		if err := s.AssignStaff(coord, caseID, other.ID, casework.StaffCoordinator); err != nil {
			t.Fatal(err)
		}
		rs = due()
		if len(rs) != 1 || rs[0].Email != other.Email || rs[0].ObjectID != consent.ID {
			t.Fatalf("after a new coordinator: %+v", rs)
		}

		if ok, err := s.MarkReminded(context.Background(), rs[0]); !ok || err != nil {
			t.Fatalf("mark: %v %v", ok, err)
		}
		if ok, _ := s.MarkReminded(context.Background(), rs[0]); ok {
			t.Fatal("marked twice")
		}
		if rs := due(); len(rs) != 0 {
			t.Fatalf("reminded again: %+v", rs)
		}
		clock.Advance(10 * 24 * time.Hour)
		if rs := due(); len(rs) != 0 {
			t.Fatalf("reminded again ten days later: %+v", rs)
		}
		var logged int
		_ = s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: f.Municipality.ID, AfterSeq: -1}, func(en audit.Entry) error {
			if en.Object == "consent" && en.Detail == "e-mail reminder" && en.Via == casework.ViaSystem && en.ObjectID == consent.ID &&
				en.Ground == "system:consent_reminder" && en.YouthID == consent.YouthID {
				logged++
			}
			return nil
		})
		if logged != 1 {
			t.Fatalf("%d audit entries for the reminder", logged)
		}
		if _, err := s.MarkReminded(context.Background(), store.Reminder{Kind: "meeting", ObjectID: consent.ID, MunicipalityID: f.Municipality.ID}); err == nil {
			t.Fatal("a reminder of no known kind was marked")
		}
	})
}
