package store_test

import (
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// TestMeetingKindPerTrack (issue 14:1): meetings made before migration 00170 get their case's
// track's own meeting (SIG: group meeting, SSPF: network meeting); a meeting planned without a
// kind gets the same; a kind the municipality does not offer for the case's track is refused
// naming the field kind, and nothing is saved; the settings' lists of kinds are checked.
func TestMeetingKindPerTrack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		s := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		sig := activeCase(t, s, f, 0)
		rc := f.ConcernIn(t, s, casework.ProgramSSPF, casework.RoleCoordinator, "Saga", "Möte", pnr[1])
		sspf := rc.CaseID
		f.Advance(t, s, sspf, casework.StepActive, storetest.ConsentSpec{})
		at := t0.Add(48 * time.Hour)

		mSIG, err := s.CreateMeeting(coord, sig, casework.MeetingInput{Start: at, Kind: casework.KindFollowUp})
		if err != nil || mSIG.Kind != casework.KindFollowUp {
			t.Fatalf("SIG follow-up: %+v %v", mSIG, err)
		}
		mSSPF, err := s.CreateMeeting(coord, sspf, casework.MeetingInput{Start: at.Add(3 * time.Hour), Kind: casework.KindMappingConversation})
		if err != nil || mSSPF.Kind != casework.KindMappingConversation {
			t.Fatalf("SSPF mapping conversation: %+v %v", mSSPF, err)
		}
		kinds := func(caseID int64) []casework.MeetingKind {
			t.Helper()
			ml, err := s.Meetings(coord, caseID)
			if err != nil {
				t.Fatal(err)
			}
			var out []casework.MeetingKind
			for _, m := range ml.Meetings {
				out = append(out, m.Kind)
			}
			return out
		}

		t.Run("a kind the track does not offer is refused", func(t *testing.T) {
			for _, tc := range []struct {
				caseID int64
				kind   casework.MeetingKind
			}{{sig, casework.KindNetworkMeeting}, {sspf, casework.KindGroupMeeting}, {sig, "coffee"}} {
				_, err := s.CreateMeeting(coord, tc.caseID, casework.MeetingInput{Start: at.Add(24 * time.Hour), Kind: tc.kind})
				fe := casework.FieldErrorsOf(err)
				if casework.ErrorCode(err) != casework.EInvalid || len(fe) != 1 || fe[0].Field != "kind" {
					t.Errorf("%s in case %d: %v", tc.kind, tc.caseID, err)
				}
			}
			if got := kinds(sig); len(got) != 1 {
				t.Errorf("a refused meeting was saved: %v", got)
			}
		})

		t.Run("the municipality's choice is what is offered", func(t *testing.T) {
			m, err := s.Municipality(coord, f.Municipality.ID)
			if err != nil {
				t.Fatal(err)
			}
			st := m.Settings
			st.SSPFMeetingKinds = []casework.MeetingKind{casework.KindNetworkMeeting, casework.KindGroupMeeting}
			admin := f.Ctx(t, s, casework.RoleAdmin)
			if err := s.UpdateSettings(admin, st); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateMeeting(coord, sspf, casework.MeetingInput{Start: at.Add(30 * time.Hour), Kind: casework.KindMappingConversation}); casework.ErrorCode(err) != casework.EInvalid {
				t.Errorf("a kind no longer offered: %v", err)
			}
			g, err := s.CreateMeeting(coord, sspf, casework.MeetingInput{Start: at.Add(30 * time.Hour), Kind: casework.KindGroupMeeting})
			if err != nil || g.Kind != casework.KindGroupMeeting {
				t.Errorf("a kind now offered: %+v %v", g, err)
			}
			for _, bad := range [][]casework.MeetingKind{{}, {"coffee"}, {casework.KindFollowUp, casework.KindFollowUp}} {
				st.SIGMeetingKinds = bad
				fe := casework.FieldErrorsOf(s.UpdateSettings(admin, st))
				if len(fe) != 1 || fe[0].Field != "sig_meeting_kinds" {
					t.Errorf("SIG kinds %v: %v", bad, fe)
				}
			}
			if m, _ := s.Municipality(coord, f.Municipality.ID); m.Settings.SIGMeetingKinds != nil {
				t.Errorf("refused kinds saved: %v", m.Settings.SIGMeetingKinds)
			}
		})

		t.Run("meetings before the migration get their track's own meeting", func(t *testing.T) {
			if err := s.ReapplyMigrationForTest(t.Context(), 170); err != nil {
				t.Fatal(err)
			}
			if got := kinds(sig); len(got) != 1 || got[0] != casework.KindGroupMeeting {
				t.Errorf("SIG: %v", got)
			}
			got := kinds(sspf)
			if len(got) != 2 || got[0] != casework.KindNetworkMeeting || got[1] != casework.KindNetworkMeeting {
				t.Errorf("SSPF: %v", got)
			}
		})

		t.Run("no kind: the track's own meeting", func(t *testing.T) {
			m, err := s.CreateMeeting(coord, sig, casework.MeetingInput{Start: at.Add(50 * time.Hour)})
			if err != nil || m.Kind != casework.KindGroupMeeting {
				t.Errorf("SIG: %+v %v", m, err)
			}
		})
	})
}
