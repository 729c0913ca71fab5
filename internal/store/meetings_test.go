package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// local formats a time in Stockholm for comparisons.
func local(t time.Time) string { return t.In(casework.Stockholm).Format("2006-01-02 15:04") }

func TestMeetingsAreProposedInFreeFixedSlots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0) // Monday 2 March 2026, 10:00 in Stockholm
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		first := activeCase(t, s, f, 0)
		second := activeCase(t, s, f, 1)

		ml, err := s.Meetings(coord, first)
		if err != nil {
			t.Fatal(err)
		}
		if len(ml.Proposals) != 3 || local(ml.Proposals[0].Start) != "2026-03-03 15:00" || local(ml.Proposals[1].Start) != "2026-03-31 15:00" || ml.Proposals[0].Minutes != 90 {
			t.Fatalf("proposals for a new group: %+v", ml.Proposals)
		}
		m, err := s.CreateMeeting(coord, first, casework.MeetingInput{Start: ml.Proposals[0].Start, DurationMinutes: 90, PreMeeting: true, Place: "Familjehuset"})
		if err != nil {
			t.Fatal(err)
		}
		if m.PreMinutes != 30 || m.Status != casework.MeetingPlanned {
			t.Fatalf("%+v", m)
		}
		t.Run("the next proposal follows the group's rhythm", func(t *testing.T) {
			if err := s.SetGroupRhythm(coord, first, 3); err != nil {
				t.Fatal(err)
			}
			ml, _ := s.Meetings(coord, first)
			if local(ml.Proposals[0].Start) != "2026-03-24 15:00" || len(ml.Meetings) != 1 || ml.Meetings[0].Place != "Familjehuset" {
				t.Fatalf("%+v", ml)
			}
		})
		t.Run("the coordinator's busy slot is skipped for another case", func(t *testing.T) {
			ml, _ := s.Meetings(coord, second)
			if local(ml.Proposals[0].Start) != "2026-03-10 15:00" {
				t.Fatalf("got %s", local(ml.Proposals[0].Start))
			}
		})
		t.Run("a cancelled meeting frees the slot and counts up the calendar sequence", func(t *testing.T) {
			if err := s.CancelMeeting(coord, first, m.ID, "Sjuk"); err != nil {
				t.Fatal(err)
			}
			c, err := s.MeetingCalendar(coord, first, m.ID)
			if err != nil || c.Status != casework.MeetingCancelled || c.Sequence != 1 {
				t.Fatalf("%+v %v", c, err)
			}
			ml, _ := s.Meetings(coord, second)
			if local(ml.Proposals[0].Start) != "2026-03-03 15:00" {
				t.Fatalf("got %s", local(ml.Proposals[0].Start))
			}
			if err := s.CancelMeeting(coord, first, m.ID, ""); casework.ErrorCode(err) != casework.EConflict {
				t.Fatalf("cancel twice: %v", err)
			}
		})
		t.Run("a group member cannot plan meetings", func(t *testing.T) {
			_, err := s.CreateMeeting(f.Ctx(t, s, casework.RoleGroupMember), first, casework.MeetingInput{Start: t0.Add(48 * time.Hour)})
			if casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("got %v", err)
			}
		})
	})
}

// A police member reads the minutes while the consent covers them and nothing once it is
// withdrawn; minutes in a category the consent does not cover stay hidden.
func TestMeetingMinutesFollowTheConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		pc := f.Ctx(t, s, casework.RoleGroupMember)
		caseID := activeCase(t, s, f, 0)
		pm, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: f.Users[casework.RoleGroupMember].ID, Role: "kontaktpolis"})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 3, 3, 14, 0, 0, 0, time.UTC)
		m, err := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: start, DurationMinutes: 90, PreMeeting: true})
		if err != nil {
			t.Fatal(err)
		}
		rec := casework.MeetingRecord{Present: []int64{pm.ID}, MinutesText: "Polisen berättade om läget i området.", MinutesCategory: casework.CatPolice}
		t.Run("a meeting cannot be held before it begins", func(t *testing.T) {
			if err := s.RecordMeeting(coord, caseID, m.ID, rec, true); casework.AsError(err).Key != "meeting.not_started" {
				t.Fatalf("got %v", err)
			}
		})
		clock.Set(start.Add(2 * time.Hour))
		t.Run("the police member may not record the meeting", func(t *testing.T) {
			if err := s.RecordMeeting(pc, caseID, m.ID, rec, true); casework.ErrorCode(err) != casework.EForbidden {
				t.Fatalf("got %v", err)
			}
		})
		if err := s.RecordMeeting(coord, caseID, m.ID, rec, true); err != nil {
			t.Fatal(err)
		}
		t.Run("the first held meeting convenes the group", func(t *testing.T) {
			cd, _ := s.CaseDetail(coord, caseID)
			if !cd.Case.Milestones.GroupConvened.Equal(start) {
				t.Fatalf("group convened %v", cd.Case.Milestones.GroupConvened)
			}
		})
		t.Run("the police member reads the police minutes and the attendance", func(t *testing.T) {
			md, err := s.Meeting(pc, caseID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if md.Meeting.Status != casework.MeetingHeld || !md.SeesMinutes || md.Meeting.MinutesText != rec.MinutesText || !md.Present[pm.ID] {
				t.Fatalf("%+v", md)
			}
		})
		t.Run("minutes in a category the consent does not cover are hidden", func(t *testing.T) {
			health := rec
			health.MinutesCategory = casework.CatHealth
			if err := s.RecordMeeting(coord, caseID, m.ID, health, false); err != nil {
				t.Fatal(err)
			}
			md, err := s.Meeting(pc, caseID, m.ID)
			if err != nil || md.SeesMinutes || md.Meeting.MinutesText != "" {
				t.Fatalf("%+v %v", md.Meeting, err)
			}
			md, _ = s.Meeting(coord, caseID, m.ID)
			if !md.SeesMinutes || md.Meeting.MinutesText == "" {
				t.Fatal("the coordinator lost the minutes")
			}
			if err := s.RecordMeeting(coord, caseID, m.ID, rec, false); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("after withdrawal the police member cannot read the meeting at all", func(t *testing.T) {
			cs, _ := s.Consents(coord, caseID)
			if _, err := s.WithdrawConsent(coord, caseID, cs[0].ID, "Vårdnadshavare", casework.WithdrawnByPhone, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Meeting(pc, caseID, m.ID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("meeting: %v", err)
			}
			if _, err := s.MeetingCalendar(pc, caseID, m.ID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("calendar: %v", err)
			}
			if _, err := s.Meetings(pc, caseID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("list: %v", err)
			}
			var denied bool
			police := f.Users[casework.RoleGroupMember]
			_ = s.AuditEntries(coord, store.AuditFilter{MunicipalityID: f.Municipality.ID, UserID: police.ID, AfterSeq: -1}, func(en audit.Entry) error {
				denied = denied || (en.Object == "meeting" && !en.Allowed && en.Ground == "denied:no_consent")
				return nil
			})
			if !denied {
				t.Fatal("the refused read is not in the audit log")
			}
			if md, err := s.Meeting(coord, caseID, m.ID); err != nil || md.Meeting.MinutesText == "" {
				t.Fatalf("coordinator: %v", err)
			}
		})
	})
}

func TestMeetingAgendaShowsWhatTheViewerMaySee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Users[casework.RoleGroupMember]
		school := extraUser(t, s, f, "skola", casework.AgencySchool, casework.RoleGroupMember)
		rc := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Agendasson", pnr[2])
		// A consent for the police and the school covering police information only.
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{Categories: []casework.Category{casework.CatPolice}})
		caseID := rc.CaseID
		for _, u := range []int64{police.ID, school.ID} {
			if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: u}); err != nil {
				t.Fatal(err)
			}
		}
		first, _ := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: time.Date(2026, 3, 3, 14, 0, 0, 0, time.UTC), DurationMinutes: 90})
		clock.Set(time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC))
		if err := s.RecordMeeting(coord, caseID, first.ID, casework.MeetingRecord{MinutesText: "Första mötet"}, true); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
		if err := s.AddNote(f.Ctx(t, s, casework.RoleGroupMember), caseID, casework.CatPolice, "Misstänkt för snatteri 8/3"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddNote(coord, caseID, casework.CatSchool, "Närvaro 40 % vecka 10"); err != nil {
			t.Fatal(err)
		}
		dec, err := s.AddDecision(coord, caseID, first.ID, casework.DecisionInput{Text: "Ring skolan om närvaron", OwnerUserID: police.ID, Due: "2026-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		second, _ := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: time.Date(2026, 3, 31, 13, 0, 0, 0, time.UTC), DurationMinutes: 90})
		// The fixture's plan has a sub-goal due 2026-06-01: not due by this meeting.
		clock.Set(time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC))

		texts := func(a casework.Agenda) string {
			var out []string
			for _, ev := range a.Events {
				out = append(out, ev.Reason)
			}
			return strings.Join(out, " | ")
		}
		t.Run("the coordinator sees the police and the school notes since the last meeting", func(t *testing.T) {
			md, err := s.Meeting(coord, caseID, second.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(md.Agenda); got != "Misstänkt för snatteri 8/3 | Närvaro 40 % vecka 10" {
				t.Fatalf("events %q", got)
			}
			if len(md.Agenda.Tasks) != 1 || md.Agenda.Tasks[0].ID != dec.TaskID || !md.Agenda.Tasks[0].Overdue {
				t.Fatalf("tasks %+v", md.Agenda.Tasks)
			}
			if !md.Agenda.Since.Equal(first.Start) || len(md.Agenda.Goals) != 0 {
				t.Fatalf("since %v goals %v", md.Agenda.Since, md.Agenda.Goals)
			}
		})
		t.Run("the police member sees the police note, not the school note", func(t *testing.T) {
			md, err := s.Meeting(f.Ctx(t, s, casework.RoleGroupMember), caseID, second.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(md.Agenda); got != "Misstänkt för snatteri 8/3" {
				t.Fatalf("events %q", got)
			}
		})
		t.Run("a sub-goal due by the meeting and the ending consent are on the agenda", func(t *testing.T) {
			// The consent runs six months from 2 March: it ends within 30 days of 11 August.
			clock.Set(time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC))
			later, err := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: time.Date(2026, 8, 11, 13, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			md, err := s.Meeting(coord, caseID, later.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(md.Agenda.Goals) != 1 || md.Agenda.Goals[0].Due != "2026-06-01" || !md.Agenda.Goals[0].Overdue || md.Agenda.ConsentEnds.IsZero() {
				t.Fatalf("goals %+v consent %v", md.Agenda.Goals, md.Agenda.ConsentEnds)
			}
		})
	})
}

func TestMeetingPlaceIsHiddenForProtectedIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		rc, err := s.RegisterConcern(coord, store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "Skyddad", LastName: "Person", PersonalNumber: pnr[3], DistrictID: f.Districts[0].ID, ProtectedIdentity: true},
			Ratings: storetest.IRKRatings(3),
		})
		if err != nil {
			t.Fatal(err)
		}
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		if _, err := s.AddGroupMember(coord, rc.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: f.Users[casework.RoleGroupMember].ID}); err != nil {
			t.Fatal(err)
		}
		m, err := s.CreateMeeting(coord, rc.CaseID, casework.MeetingInput{Start: t0.Add(30 * time.Hour), Place: "Hemma hos mormor, Storgatan 1"})
		if err != nil {
			t.Fatal(err)
		}
		if md, _ := s.Meeting(coord, rc.CaseID, m.ID); !md.SeesPlace || md.Meeting.Place == "" {
			t.Fatal("the coordinator should see the place")
		}
		md, err := s.Meeting(f.Ctx(t, s, casework.RoleGroupMember), rc.CaseID, m.ID)
		if err != nil || md.SeesPlace || md.Meeting.Place != "" {
			t.Fatalf("the police member sees the place: %+v %v", md.Meeting, err)
		}
		ml, _ := s.Meetings(f.Ctx(t, s, casework.RoleGroupMember), rc.CaseID)
		if ml.Meetings[0].Place != "" {
			t.Fatal("the list shows the place")
		}
		c, err := s.MeetingCalendar(coord, rc.CaseID, m.ID)
		if err != nil || c.Place != "" {
			t.Fatalf("the calendar file would carry the place: %+v %v", c, err)
		}
	})
}

// Follow-up values recorded between meetings are on the next meeting's agenda, in their
// category: the coordinator sees new school values, a police member whose consent covers only
// police information does not.
func TestRecordedIndicatorsAreOnTheNextAgenda(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		police := f.Users[casework.RoleGroupMember]
		rc := f.Concern(t, s, casework.RoleCoordinator, "Ung", "Närvarosson", pnr[3])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{Categories: []casework.Category{casework.CatPolice}})
		caseID := rc.CaseID
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
			t.Fatal(err)
		}
		first, _ := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: time.Date(2026, 3, 3, 14, 0, 0, 0, time.UTC), DurationMinutes: 90})
		clock.Set(time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC))
		if err := s.RecordMeeting(coord, caseID, first.ID, casework.MeetingRecord{MinutesText: "Första mötet"}, true); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
		if _, err := s.RecordIndicators(coord, caseID, store.IndicatorInput{TimePoint: stats.AtMeeting, MeasuredOn: clock.Now(),
			Categories: []casework.Category{casework.CatSchool},
			Values:     []stats.Value{{Code: "school_attendance", Number: 40, Known: true}}}); err != nil {
			t.Fatal(err)
		}
		second, _ := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: time.Date(2026, 3, 31, 13, 0, 0, 0, time.UTC), DurationMinutes: 90})
		indicatorEvents := func(ctx context.Context) []casework.Category {
			t.Helper()
			md, err := s.Meeting(ctx, caseID, second.ID)
			if err != nil {
				t.Fatal(err)
			}
			var cats []casework.Category
			for _, ev := range md.Agenda.Events {
				if ev.Kind == "indicators" {
					cats = append(cats, ev.Category)
				}
			}
			return cats
		}
		if got := indicatorEvents(coord); len(got) != 1 || got[0] != casework.CatSchool {
			t.Fatalf("the coordinator's agenda: indicator events %v, want one in school", got)
		}
		if got := indicatorEvents(f.Ctx(t, s, casework.RoleGroupMember)); len(got) != 0 {
			t.Fatalf("the police member's agenda shows school values: %v", got)
		}
	})
}
