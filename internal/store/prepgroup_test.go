package store_test

import (
	"slices"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestPrepGroupMeeting: a meeting's agenda is exactly the concerns waiting when it began —
// not one taken on before it, not one that came in after it, still one decided after it; a
// decision minuted at the meeting is the case's move; refused input names the field and saves
// nothing; the schedule is refused field by field; only those who sit in the group see it.
func TestPrepGroupMeeting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0) // Monday 10:00 in Stockholm; the default meeting is Tuesday 09:00
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		prep := f.Ctx(t, s, casework.RolePrepGroup)
		tuesday := time.Date(2026, 3, 3, 0, 0, 0, 0, casework.Stockholm)
		next := tuesday.AddDate(0, 0, 7)

		a := f.Concern(t, s, casework.RoleGroupMember, "Alva", "Ek", pnr[0])
		c := f.Concern(t, s, casework.RoleGroupMember, "Cilla", "Ek", pnr[1])
		d := f.Concern(t, s, casework.RoleGroupMember, "Dan", "Ek", pnr[2])
		clock.Advance(2 * time.Hour)
		if _, err := s.Move(coord, c.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
			t.Fatal(err) // taken on from the case page before the meeting
		}
		clock.Set(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)) // Tuesday 11:00, the meeting began at 09:00
		b := f.Concern(t, s, casework.RoleGroupMember, "Bo", "Ek", pnr[3])

		agenda := func(day time.Time) ([]int64, store.PrepMeeting) {
			t.Helper()
			m, err := s.PrepMeetingOn(coord, day)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range m.Items {
				ids = append(ids, it.CaseID)
			}
			slices.Sort(ids)
			return ids, m
		}
		step := func(id int64) casework.Step {
			t.Helper()
			cd, err := s.CaseDetail(coord, id)
			if err != nil {
				t.Fatal(err)
			}
			return cd.Case.Step
		}
		decided := func() int {
			t.Helper()
			_, refs, err := s.PrepMeetings(prep)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range refs {
				n += r.Decided
			}
			return n
		}
		sorted := func(ids ...int64) []int64 { slices.Sort(ids); return ids }

		ids, m := agenda(tuesday)
		if want := sorted(a.CaseID, d.CaseID); !slices.Equal(ids, want) {
			t.Fatalf("Tuesday's agenda %v, want the concerns waiting at 09:00 %v", ids, want)
		}
		if want := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC); !m.At.Equal(want) || !m.Begun {
			t.Fatalf("meeting at %v begun %v, want %v", m.At, m.Begun, want)
		}
		for _, it := range m.Items {
			if it.Days != 1 || it.Late || !it.FirstMeeting.Equal(m.At) {
				t.Errorf("concern %d: %d days to its first meeting %v, late %v", it.CaseID, it.Days, it.FirstMeeting, it.Late)
			}
		}
		if _, err := s.PrepMeetingOn(coord, tuesday.AddDate(0, 0, 1)); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatalf("a day without a meeting: %v", err)
		}

		refused := []struct {
			name        string
			day         time.Time
			id          int64
			act         casework.Action
			reason      string
			field, key  string
			unchangedID int64
		}{
			{"a concern that came in after the meeting began", tuesday, b.CaseID, casework.ActPrepNotNow, "Inte nu", "case", "prepgroup.not_on_agenda", b.CaseID},
			{"not now without a reason", tuesday, a.CaseID, casework.ActPrepNotNow, " ", "reason", "flow.needs_reason", a.CaseID},
			{"a decision that is not the group's", tuesday, a.CaseID, casework.ActClose, "x", "decision", "prepgroup.decision_choose", a.CaseID},
			{"a meeting that has not begun", next, b.CaseID, casework.ActPrepNotNow, "Inte nu", "decision", "prepgroup.not_begun", b.CaseID},
			{"no concern chosen", tuesday, 0, casework.ActPrepTakeOn, "", "case", "prepgroup.case_choose", a.CaseID},
		}
		for _, r := range refused {
			err := s.DecidePrep(prep, r.day, r.id, r.act, r.reason)
			fe := casework.FieldErrorsOf(err)
			if len(fe) == 0 || fe[0].Field != r.field || fe[0].Key != r.key {
				t.Errorf("%s: %v, want %s (%s)", r.name, err, r.field, r.key)
			}
			if st := step(r.unchangedID); st != casework.StepIdentified {
				t.Errorf("%s: the case moved to %s", r.name, st)
			}
		}
		if n := decided(); n != 0 {
			t.Fatalf("refused decisions minuted %d", n)
		}

		if err := s.DecidePrep(prep, tuesday, a.CaseID, casework.ActPrepNotNow, "Familjen har redan stöd"); err != nil {
			t.Fatal(err)
		}
		cd, err := s.CaseDetail(coord, a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if cd.Case.Step != casework.StepClosed || cd.Case.ClosureReason != casework.CloseNotNow {
			t.Fatalf("not now decided: %s %s", cd.Case.Step, cd.Case.ClosureReason)
		}
		tl, err := s.Timeline(coord, a.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if last := tl[len(tl)-1]; last.Kind != string(casework.ActPrepNotNow) || last.Reason != "Familjen har redan stöd" {
			t.Fatalf("the decision is not the case's move: %+v", last)
		}
		if n := decided(); n != 1 {
			t.Fatalf("decisions minuted %d, want 1", n)
		}
		if err := s.DecidePrep(prep, tuesday, a.CaseID, casework.ActPrepTakeOn, ""); err == nil {
			t.Fatal("a concern decided twice")
		}

		clock.Set(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC))
		if _, err := s.Move(coord, d.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn}}); err != nil {
			t.Fatal(err)
		}
		ids, m = agenda(tuesday)
		if want := sorted(a.CaseID, d.CaseID); !slices.Equal(ids, want) {
			t.Fatalf("Tuesday's agenda after the week's moves %v, want still %v", ids, want)
		}
		for _, it := range m.Items {
			if want := map[int64]casework.Action{a.CaseID: casework.ActPrepNotNow}[it.CaseID]; it.Decision != want {
				t.Errorf("concern %d minuted %q, want %q", it.CaseID, it.Decision, want)
			}
		}
		ids, m = agenda(next)
		if want := []int64{b.CaseID}; !slices.Equal(ids, want) {
			t.Fatalf("next Tuesday's agenda %v, want %v", ids, want)
		}
		if it := m.Items[0]; it.Days != 7 || it.Late {
			t.Errorf("Tuesday 11:00 to next Tuesday: %d days, late %v", it.Days, it.Late)
		}

		// The schedule: every five weeks on Thursdays at 13:30; refused field by field.
		if err := s.SetPrepSchedule(prep, casework.PrepSchedule{Weekday: time.Thursday, Start: 13*60 + 30, EveryWeeks: 9, From: tuesday}); casework.FieldErrorsOf(err) == nil ||
			casework.FieldErrorsOf(err)[0].Field != "every_weeks" {
			t.Fatalf("every nine weeks: %v", err)
		}
		if sc, err := s.PrepSchedule(prep); err != nil || sc != casework.DefaultPrepSchedule() {
			t.Fatalf("a refused schedule was saved: %+v %v", sc, err)
		}
		if err := s.SetPrepSchedule(prep, casework.PrepSchedule{Weekday: time.Thursday, Start: 13*60 + 30, EveryWeeks: 5, From: tuesday}); err != nil {
			t.Fatal(err)
		}
		sched, refs, err := s.PrepMeetings(prep)
		if err != nil {
			t.Fatal(err)
		}
		if sched.EveryWeeks != 5 || sched.Weekday != time.Thursday || sched.StartText() != "13:30" {
			t.Fatalf("schedule %+v", sched)
		}
		var ats []string
		for _, r := range refs {
			ats = append(ats, r.At.In(casework.Stockholm).Format("2006-01-02 15:04"))
		}
		// Tuesday's meeting stays (a decision was minuted at it); the new rhythm follows.
		if want := []string{"2026-03-03 09:00", "2026-03-05 13:30", "2026-04-09 13:30", "2026-05-14 13:30", "2026-06-18 13:30"}; !slices.Equal(ats, want) {
			t.Fatalf("meetings %v, want %v", ats, want)
		}
		if _, err := s.PrepMeetingOn(coord, tuesday); err != nil {
			t.Fatalf("a held meeting off the new schedule: %v", err)
		}

		member := f.Ctx(t, s, casework.RoleGroupMember)
		if _, _, err := s.PrepMeetings(member); casework.ErrorCode(err) != casework.EForbidden {
			t.Errorf("a group member lists the meetings: %v", err)
		}
		if _, err := s.PrepMeetingOn(member, tuesday); casework.ErrorCode(err) != casework.EForbidden {
			t.Errorf("a group member reads an agenda: %v", err)
		}
	})
}
