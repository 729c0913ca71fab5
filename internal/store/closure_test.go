package store_test

import (
	"context"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestClosureAndReturn: on both engines with a fixed clock — the future meeting recorded at
// closure and bad input refused with the field named and nothing saved; the follow-ups' due
// dates and states on the closed case; the watch list with its reason and last day, ending by
// itself after that day and removed by reopening.
func TestClosureAndReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0) // 2026-03-02 09:00 UTC
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		field := func(err error, name, key string) {
			t.Helper()
			for _, fe := range casework.FieldErrorsOf(err) {
				if fe.Field == name && fe.Key == key {
					return
				}
			}
			t.Errorf("want %s at %s, got %v", key, name, err)
		}
		closure := func(ctx context.Context, id int64) store.Closure {
			t.Helper()
			c, err := s.CaseClosure(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		watched := func() []store.CaseRow {
			t.Helper()
			page, err := s.Cases(coord, store.CaseQuery{Watched: true})
			if err != nil {
				t.Fatal(err)
			}
			return page.Rows
		}

		rc := f.Concern(t, s, casework.RoleCoordinator, "Framtid", "Möte", pnr[0])
		f.Advance(t, s, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		fm := casework.FutureMeeting{HeldOn: "2026-03-02", Note: "Mamma deltog", Handovers: []casework.Handover{
			{Kind: casework.AgencySchool, Party: "Rinkebyskolan, mentor", Takes: "Veckovisa samtal om närvaro"},
			{Kind: casework.AgencyLeisure, Party: "Fryshuset", Takes: "Fotbollsträning tisdagar"},
			{Kind: casework.AgencyOther, Party: " ", Takes: ""}, // an empty row is dropped
		}}

		t.Run("bad input is refused with the field named and nothing saved", func(t *testing.T) {
			err := s.SaveFutureMeeting(coord, rc.CaseID, casework.FutureMeeting{HeldOn: "2026-03-03", Handovers: []casework.Handover{{Kind: "skepp", Party: "X"}}})
			field(err, "held_on", "closure.held_on_future")
			field(err, "handover_1_kind", "closure.kind_invalid")
			field(err, "handover_1_takes", "closure.takes_required")
			err = s.SaveFutureMeeting(coord, rc.CaseID, casework.FutureMeeting{HeldOn: "2026-02-30"})
			field(err, "held_on", "closure.held_on_invalid")
			field(err, "handover_1_party", "closure.handover_required")
			if c := closure(coord, rc.CaseID); c.FutureMeeting != nil {
				t.Errorf("saved after refusals: %+v", c.FutureMeeting)
			}
		})
		t.Run("a watch on an open case is refused", func(t *testing.T) {
			_, err := s.SetWatch(coord, rc.CaseID, "Oro för återfall", "2026-06-30")
			if casework.AsError(err).Key != "watch.case_open" {
				t.Fatalf("got %v", err)
			}
		})
		if err := s.SaveFutureMeeting(coord, rc.CaseID, fm); err != nil {
			t.Fatalf("future meeting on the active case: %v", err)
		}
		clock.Advance(24 * time.Hour) // closed 2026-03-03 09:00 UTC
		if _, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseGoalsReached}}); err != nil {
			t.Fatal(err)
		}

		t.Run("the closed case shows who carries on and when each follow-up is due", func(t *testing.T) {
			c := closure(coord, rc.CaseID)
			if !c.Closed || !c.Expects || c.FutureMeeting == nil {
				t.Fatalf("closure: %+v", c)
			}
			if hs := c.FutureMeeting.Handovers; len(hs) != 2 || hs[0].Party != "Rinkebyskolan, mentor" || hs[1].Kind != casework.AgencyLeisure || c.FutureMeeting.RecordedBy == "" {
				t.Errorf("handovers: %+v", c.FutureMeeting)
			}
			want := []struct {
				kind string
				due  time.Time
			}{{"6", time.Date(2026, 9, 3, 9, 0, 0, 0, time.UTC)}, {"12", time.Date(2027, 3, 3, 9, 0, 0, 0, time.UTC)}}
			if len(c.FollowUps) != 2 {
				t.Fatalf("follow-ups: %+v", c.FollowUps)
			}
			for i, w := range want {
				if got := c.FollowUps[i]; got.Kind != w.kind || !got.Due.Equal(w.due) || !got.Done.IsZero() || got.State != "pending" {
					t.Errorf("follow-up %s: %+v, want due %s pending", w.kind, got, w.due)
				}
			}
		})

		t.Run("a watch has a reason and a last day in range", func(t *testing.T) {
			_, err := s.SetWatch(coord, rc.CaseID, " ", "2026-03-02")
			field(err, "reason", "watch.reason_required")
			field(err, "until", "watch.until_range")
			_, err = s.SetWatch(coord, rc.CaseID, "Oro", "2029-01-01")
			field(err, "until", "watch.until_range")
			_, err = s.SetWatch(coord, rc.CaseID, "Oro", "31/12")
			field(err, "until", "watch.until_invalid")
			if n := len(watched()); n != 0 {
				t.Errorf("%d on the watch list after refusals", n)
			}
		})
		if _, err := s.SetWatch(coord, rc.CaseID, "Storebror frigiven i april", "2026-04-30"); err != nil {
			t.Fatal(err)
		}
		t.Run("the watched case is on the watch list until its last day", func(t *testing.T) {
			rows := watched()
			if len(rows) != 1 || rows[0].CaseID != rc.CaseID || rows[0].Watch.Reason != "Storebror frigiven i april" || rows[0].Watch.Until != "2026-04-30" {
				t.Fatalf("watch list: %+v", rows)
			}
			// 30 April, 23:30 in Stockholm (21:30 UTC): still the last day.
			clock.Set(time.Date(2026, 4, 30, 21, 30, 0, 0, time.UTC))
			if n := len(watched()); n != 1 {
				t.Errorf("on the last day: %d on the list", n)
			}
			// 1 May, 00:30 in Stockholm: ended by itself.
			clock.Set(time.Date(2026, 4, 30, 22, 30, 0, 0, time.UTC))
			if n := len(watched()); n != 0 {
				t.Errorf("after the last day: %d on the list", n)
			}
			if c := closure(coord, rc.CaseID); len(c.Watches) != 1 || c.Watches[0].Active {
				t.Errorf("watch after its last day: %+v", c.Watches)
			}
		})

		t.Run("the 6-month follow-up falls due on the deadline list and shows as near", func(t *testing.T) {
			clock.Set(time.Date(2026, 8, 30, 9, 0, 0, 0, time.UTC))
			page, err := s.Cases(coord, store.CaseQuery{Mine: true, Deadlines: true, NearDays: 7})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range page.Rows {
				for _, d := range r.Deadlines {
					found = found || (r.CaseID == rc.CaseID && d.Kind == casework.DeadlineFollowUp6 && d.State(clock.Now(), 7*24*time.Hour) == "near")
				}
			}
			if !found {
				t.Error("the 6-month follow-up is not near on the deadline list")
			}
			if c := closure(coord, rc.CaseID); c.FollowUps[0].State != "near" {
				t.Errorf("closure page state: %+v", c.FollowUps[0])
			}
			if err := s.RecordFollowUp(coord, rc.CaseID, "6", true, "Går i skolan"); err != nil {
				t.Fatal(err)
			}
			if c := closure(coord, rc.CaseID); c.FollowUps[0].Done.IsZero() || c.FollowUps[0].State != "met" {
				t.Errorf("after the follow-up: %+v", c.FollowUps[0])
			}
		})

		t.Run("a watch ends by hand; without one, ending is a conflict", func(t *testing.T) {
			if err := s.EndWatch(coord, rc.CaseID); casework.AsError(err).Key != "watch.none_active" {
				t.Fatalf("ending with no watch in force: %v", err)
			}
			if _, err := s.SetWatch(coord, rc.CaseID, "Kort bevakning", "2026-09-30"); err != nil {
				t.Fatal(err)
			}
			if err := s.EndWatch(coord, rc.CaseID); err != nil {
				t.Fatal(err)
			}
			if n := len(watched()); n != 0 {
				t.Errorf("ended watch still listed (%d)", n)
			}
		})
		t.Run("reopening takes the case off the watch list", func(t *testing.T) {
			if _, err := s.SetWatch(coord, rc.CaseID, "Ny oro från skolan", "2026-12-31"); err != nil {
				t.Fatal(err)
			}
			if n := len(watched()); n != 1 {
				t.Fatalf("%d on the list", n)
			}
			if _, err := s.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActReopen, Reason: "Tillbaka efter nytt brott"}}); err != nil {
				t.Fatal(err)
			}
			if n := len(watched()); n != 0 {
				t.Errorf("reopened case still on the watch list (%d)", n)
			}
			c := closure(coord, rc.CaseID)
			for _, w := range c.Watches {
				if w.Active || w.EndedAt.IsZero() && w.Until == "2026-12-31" {
					t.Errorf("watch not ended by reopening: %+v", w)
				}
			}
		})
	})
}
