package store_test

import (
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// A member's removal and a meeting's cancellation can be undone for store.UndoWindow, not
// later, and not twice (issue 17:3); closing is undone by reopening, with a reason, which
// clears the closure.
func TestUndoOfDestructiveSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		caseID := activeCase(t, s, f, 0)
		police := f.Users[casework.RoleGroupMember]
		m, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID, Role: "kontaktpolis"})
		if err != nil {
			t.Fatal(err)
		}
		members := func() int {
			g, err := s.Group(coord, caseID)
			if err != nil {
				t.Fatal(err)
			}
			return len(g.Members)
		}
		tooLate := func(t *testing.T, err error) {
			t.Helper()
			if e := casework.AsError(err); e == nil || e.Code != casework.EConflict || e.Key != "undo.too_late" {
				t.Fatalf("want undo.too_late, got %v", err)
			}
		}

		t.Run("a removal undone within the window", func(t *testing.T) {
			if err := s.RemoveGroupMember(coord, caseID, m.ID); err != nil {
				t.Fatal(err)
			}
			clock.Advance(store.UndoWindow - time.Second)
			if err := s.RestoreGroupMember(coord, caseID, m.ID); err != nil {
				t.Fatal(err)
			}
			if n := members(); n != 1 {
				t.Fatalf("%d members after the undo", n)
			}
			tooLate(t, s.RestoreGroupMember(coord, caseID, m.ID)) // not removed any more
		})
		t.Run("a removal not undone after the window", func(t *testing.T) {
			if err := s.RemoveGroupMember(coord, caseID, m.ID); err != nil {
				t.Fatal(err)
			}
			clock.Advance(store.UndoWindow + time.Second)
			tooLate(t, s.RestoreGroupMember(coord, caseID, m.ID))
			if n := members(); n != 0 {
				t.Fatalf("%d members after a late undo", n)
			}
		})

		ml, err := s.Meetings(coord, caseID)
		if err != nil {
			t.Fatal(err)
		}
		mt, err := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: ml.Proposals[0].Start, DurationMinutes: 90, Place: "Familjehuset"})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("a cancellation undone within the window, its calendar sequence up again", func(t *testing.T) {
			if err := s.CancelMeeting(coord, caseID, mt.ID, "Sjuk"); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
			if err := s.RestoreMeeting(coord, caseID, mt.ID); err != nil {
				t.Fatal(err)
			}
			d, err := s.Meeting(coord, caseID, mt.ID)
			if err != nil || d.Meeting.Status != casework.MeetingPlanned || d.Meeting.CancelReason != "" || d.Meeting.Sequence != mt.Sequence+2 {
				t.Fatalf("after the undo: %+v %v", d.Meeting, err)
			}
			tooLate(t, s.RestoreMeeting(coord, caseID, mt.ID)) // planned: nothing to undo
		})
		t.Run("a cancellation not undone after the window", func(t *testing.T) {
			if err := s.CancelMeeting(coord, caseID, mt.ID, "Sjuk igen"); err != nil {
				t.Fatal(err)
			}
			clock.Advance(store.UndoWindow + time.Second)
			tooLate(t, s.RestoreMeeting(coord, caseID, mt.ID))
		})

		t.Run("a closed case reopened with a reason is open again without its closure", func(t *testing.T) {
			if _, err := s.Move(coord, caseID, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: casework.CloseGoalsReached}}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Move(coord, caseID, store.MoveInput{Move: casework.Move{Action: casework.ActReopen}}); casework.AsError(err).Key != "flow.needs_reason" {
				t.Fatalf("reopen without a reason: %v", err)
			}
			to, err := s.Move(coord, caseID, store.MoveInput{Move: casework.Move{Action: casework.ActReopen, Reason: "Ny oro från skolan"}})
			if err != nil || to != casework.StepAssessment {
				t.Fatalf("reopen: %s %v", to, err)
			}
			d, err := s.CaseDetail(coord, caseID)
			if err != nil || d.Case.Step != casework.StepAssessment || d.Case.ClosureReason != "" || !d.Case.Milestones.Closed.IsZero() {
				t.Fatalf("the reopened case: %+v %v", d.Case, err)
			}
		})
	})
}
