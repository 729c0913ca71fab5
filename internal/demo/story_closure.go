package demo

import (
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// What happens around closure in the demo (issue 14:5, docs/daily-work.md), chosen without
// drawing from the stories' random numbers, so every other part of the demo stays as it was:
//
//   - every SIG case closed with its goals reached records its future meeting the weekday after
//     closing — the school (or the upper-secondary school), the leisure centre and, from 18,
//     adult services carry on — except the first, whose closure page still asks for one;
//   - one case closed in the last five months, preferably because the family moved, goes on
//     the watch list the weekday after closing and is reopened a week ago with a reason — the
//     young person is back, the same case at the assessment, the watch ended by it;
//   - the next two such cases go on the watch list the weekday after closing, until a day
//     ahead of today: the watch tab shows them.
func closureDemo(h *history, stories []*story) {
	cal := stories[0].cal
	// recent: closed (not followed up) after the group's work began, between ten days and about
	// five months ago — before the 6-month follow-up, so no later event of the story needs the
	// case closed.
	recent := func(s *story) bool {
		_, started := s.entered(casework.StepParties)
		return started && s.sp.step == casework.StepClosed && s.closeDay.After(cal.ago(170)) && s.closeDay.Before(cal.ago(10))
	}
	var back *story // reopened: the first recent one that moved away, else the first recent one
	for _, s := range stories {
		if recent(s) && (back == nil || back.sp.closure != casework.CloseMoved && s.sp.closure == casework.CloseMoved) {
			back = s
		}
	}
	skipped, watched := false, 0
	others := []string{"Syskon i samma riskmiljö – hör av dig vid ny oro från skolan.",
		"Avslutat på egen begäran; erbjud ett nytt samtal efter sommaren."}
	for _, s := range stories {
		if s.closeDay.IsZero() {
			continue
		}
		if _, active := s.entered(casework.StepActive); active && s.sp.closure == casework.CloseGoalsReached && s.program != casework.ProgramSSPF {
			if !skipped {
				skipped = true // the closure page's alert: a future meeting is expected
			} else {
				s.futureMeeting(h)
			}
		}
		set := cal.weekday(s.closeDay.AddDate(0, 0, 1))
		switch {
		case s == back:
			s.watch(h, set, "Flyttade till pappa i grannkommunen; följ skolnärvaron.", cal.today.AddDate(0, 0, 120))
			s.at(h, cal.weekday(cal.ago(7)), 10, "reopen", func() error {
				_, err := s.w.st.Move(s.w.as(s.coord), s.caseID, store.MoveInput{Move: casework.Move{Action: casework.ActReopen,
					Reason: "Familjen har flyttat tillbaka till kommunen och skolan hör av sig med ny oro."}})
				return err
			})
		case recent(s) && watched < len(others):
			s.watch(h, set, others[watched], cal.today.AddDate(0, 0, 45*(watched+1)))
			watched++
		}
	}
}

// watch puts the closed case on the watch list on day, until the last day until.
func (s *story) watch(h *history, day time.Time, reason string, until time.Time) {
	s.at(h, day, 11, "watch", func() error {
		_, err := s.w.st.SetWatch(s.w.as(s.coord), s.caseID, reason, dayOf(until))
		return err
	})
}

// at schedules fn on day at a fixed hour (no random draw).
func (s *story) at(h *history, day time.Time, hour int, what string, fn func() error) {
	h.add(day.Add(time.Duration(hour)*time.Hour), s.first+" "+s.last+": "+what, fn)
}

// futureMeeting records the future meeting held on the closing day, the weekday after.
func (s *story) futureMeeting(h *history) {
	rec, past := s.cal.within(s.closeDay.AddDate(0, 0, 1))
	if !past {
		return
	}
	age := s.ageAt(s.closeDay)
	school := s.w.schoolFor(age)
	hs := []casework.Handover{
		{Kind: casework.AgencySchool, Party: school.Name + ", mentor", Takes: "Veckovisa samtal om närvaro och studieplan."},
		{Kind: casework.AgencyLeisure, Party: "Fritidsgården, fältassistent", Takes: "Fortsatt kontakt och plats i fotbollslaget."},
	}
	if age >= 18 {
		hs = append(hs, casework.Handover{Kind: casework.AgencySocial, Party: "Vuxenenheten, socialtjänsten", Takes: "Stöd till eget boende och arbete."})
	}
	m := casework.FutureMeeting{HeldOn: dayOf(s.closeDay), Handovers: hs, Note: "Den unge och vårdnadshavarna var med; uppföljning om sex månader."}
	s.at(h, rec, 9, "future meeting", func() error { return s.w.st.SaveFutureMeeting(s.w.as(s.coord), s.caseID, m) })
}
