package demo

import (
	"fmt"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// note schedules a note by user in category, if a consent lets them write it that day (the
// coordinator, staff on the case, always may).
func (s *story) note(h *history, day time.Time, user string, cat casework.Category, text string) {
	w := s.w
	if user == "" {
		return
	}
	if user != s.coord && !s.covered(day, w.users[user].AgencyID, cat) {
		return
	}
	s.ev(h, day, "note "+string(cat), func() error { return w.st.AddNote(w.as(user), s.caseID, cat, text) })
}

// stop is the first day nothing more happens in the group: the consent's withdrawal, the
// closing day, or the day after the last.
func (s *story) stop() time.Time {
	switch {
	case !s.withdrawDay.IsZero():
		return s.withdrawDay
	case !s.closeDay.IsZero():
		return s.closeDay
	}
	return s.cal.last.AddDate(0, 0, 1)
}

// groupWork is the group's work once the consent is given: a meeting on a Tuesday within the
// first week, then every three to six weeks, with the parties' notes on the meeting days once
// the plan is set. An open case has its next meeting booked.
func (s *story) groupWork(h *history) {
	from, ok := s.entered(casework.StepPlanning)
	if !ok {
		return
	}
	w := s.w
	active, set := s.entered(casework.StepActive)
	stop := s.stop()
	if !s.withdrawDay.IsZero() {
		s.withdraw(h, s.withdrawDay)
	}
	meetings := 0
	for raw := tuesday(from.AddDate(0, 0, between(s.r, 1, 6))); ; raw = tuesday(raw.AddDate(0, 0, between(s.r, 19, 40))) {
		d, past := s.cal.within(raw)
		if !past || !d.Before(stop) || (s.sp.simple && meetings >= 1) {
			if !past && s.closeDay.IsZero() && s.withdrawDay.IsZero() && !s.sp.simple && raw.Before(s.cal.today.AddDate(0, 0, 42)) {
				s.meeting(h, raw, stop, "") // the next meeting, booked
			}
			break
		}
		meetings++
		minutes := pick(s.r, meetingNotes)
		if meetings == 1 {
			minutes = "Första gruppmötet. Alla presenterade sig; den unge berättade om sitt mål. Planen tas fram till nästa möte."
		}
		s.meeting(h, d, stop, minutes)
		if !set || d.Before(active) {
			continue
		}
		s.held = append(s.held, d)
		if chance(s.r, 0.55) {
			s.note(h, d, w.member[casework.AgencyPolice], casework.CatPolice, pick(s.r, s.prof.police))
		}
		if s.ageAt(d) < 16 && chance(s.r, 0.5) {
			s.note(h, d, w.member[casework.AgencySchool], casework.CatSchool, fmt.Sprintf(pick(s.r, schoolNotes), between(s.r, 45, 95)))
		}
		if chance(s.r, 0.3) {
			s.note(h, d, w.member[casework.AgencyLeisure], casework.CatLeisure, pick(s.r, leisureNotes))
		}
		if chance(s.r, 0.4) {
			s.note(h, d, w.member[casework.AgencyBUP], casework.CatHealth, pick(s.r, healthNotes))
		}
		if chance(s.r, 0.2) {
			s.note(h, d, s.coord, casework.CatFamily, pick(s.r, familyNotes))
		}
	}
}

// activePhase is the rest of the work after the plan is set: a revised plan after two or three
// months, a midway IRK check.
func (s *story) activePhase(h *history) {
	start, ok := s.entered(casework.StepActive)
	if !ok || s.sp.simple {
		return
	}
	w, stop := s.w, s.stop()
	if d, past := s.cal.within(start.AddDate(0, 0, between(s.r, 60, 100))); past && d.Before(stop) {
		p := s.plan
		p.SubGoals = append([]casework.SubGoal(nil), p.SubGoals...)
		for i := range p.SubGoals {
			if chance(s.r, 0.45) {
				p.SubGoals[i].Status = casework.GoalReached
			}
		}
		s.savePlan(h, d, s.coord, p)
		s.plan = p
	}
	if d, past := s.cal.within(start.AddDate(0, 0, between(s.r, 90, 130))); past && d.Before(stop) {
		better := 1
		if s.sp.closure == casework.ClosePlaced {
			better = 0
		}
		as := &casework.Assessment{Instrument: casework.IRKCode, TimePoint: casework.TPMidway, Ratings: s.ratings("", better),
			Note: "Uppföljande IRK vid halvtid, gjord tillsammans med den unge."}
		s.ev(h, d, "IRK midway", func() error { return w.st.RecordAssessment(w.as(s.coord), s.caseID, as) })
	}
}

// withdraw schedules the withdrawal of every consent in force or waiting to start.
func (s *story) withdraw(h *history, day time.Time) {
	by := s.first + " " + s.last
	for _, p := range s.people {
		if p.HasCustody {
			by = p.Name
			break
		}
	}
	how := pick(s.r, casework.WithdrawalModes)
	for _, pc := range s.consents {
		if pc.draw.After(day) || !pc.until.After(day) || !pc.withdrawn.IsZero() {
			continue
		}
		pc.withdrawn = day
		s.ev(h, day, "withdrawal", func() error {
			return ignore1(s.w.st.WithdrawConsent(s.w.as(s.coord), s.caseID, pc.c.ID, by, how,
				"Vill inte längre att skolan och polisen pratar om familjen."))
		})
	}
}

var closureReasons = map[casework.ClosureReason][]string{
	casework.CloseGoalsReached: {"Delmålen i planen är nådda. Den unge går i skolan och har inga nya anmälningar; avslut enligt plan.",
		"Målen nådda: godkända betyg i kärnämnena, sommarjobb klart, inga nya misstankar på sex månader."},
	casework.CloseMoved:            {"Familjen har flyttat till annan kommun. Överlämning till socialtjänsten där är gjord."},
	casework.ClosePlaced:           {"Placerad på HVB efter beslut enligt LVU. SIG-insatsen avslutas; placeringen tar över.", "Placerad i familjehem enligt SoL."},
	casework.CloseAgedOut:          {"Har fyllt 19 och ingår inte längre i målgruppen. Fortsatt kontakt via Arbetsförmedlingen och vuxenenheten."},
	casework.CloseConsentWithdrawn: {"Samtycket återkallat av vårdnadshavare; insatsen kan inte fortsätta. Erbjuden fortsatt kontakt med socialtjänsten."},
	casework.CloseDeclined:         {"Den unge och vårdnadshavarna tackar nej till SIG-insatsen och vill inte skriva under samtycket.", "Vårdnadshavarna vill inte att sekretessen bryts mot polisen."},
}

// closeCase closes the case for its reason; reaching the goals ends with an IRK check at
// closure and the plan's sub-goals marked reached.
func (s *story) closeCase(h *history) {
	w := s.w
	if s.sp.closure == casework.CloseGoalsReached {
		d := s.cal.weekday(s.closeDay.AddDate(0, 0, -between(s.r, 1, 6)))
		as := &casework.Assessment{Instrument: casework.IRKCode, TimePoint: casework.TPClosure, Ratings: s.ratings("", 2),
			Note: "IRK vid avslut."}
		s.ev(h, d, "IRK closure", func() error { return w.st.RecordAssessment(w.as(s.coord), s.caseID, as) })
		p := s.plan
		p.SubGoals = append([]casework.SubGoal(nil), p.SubGoals...)
		for i := range p.SubGoals {
			p.SubGoals[i].Status = casework.GoalReached
		}
		if len(p.SubGoals) > 2 && chance(s.r, 0.5) {
			p.SubGoals[len(p.SubGoals)-1].Status = casework.GoalNotReached
		}
		s.savePlan(h, s.closeDay, s.coord, p)
	}
	if s.sp.closure == casework.CloseNotStarted || s.sp.closure == casework.CloseNotNow || s.sp.closure == casework.CloseReferred {
		return
	}
	s.move(h, s.closeDay, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActClose, ClosureReason: s.sp.closure,
		Reason: pick(s.r, closureReasons[s.sp.closure])}})
}

var followUpNotes = map[bool][]string{
	true: {"Telefonsamtal med den unge. Går på gymnasiet, inga nya anmälningar enligt polisen.",
		"Samtal med den unge och mamma. Har sommarjobb och tränar fortfarande. Mår bra.",
		"Kontakt via sms och samtal. Bor kvar hemma, går i skolan. Vill höras av igen om ett halvår.",
		"Samtal med den unge: har halkat efter i skolan men har inga nya polisärenden."},
	false: {"Nådde inte den unge trots tre försök. Mamma berättar att det går bra i skolan.",
		"Inget svar på telefon eller brev. Ny anmälan som misstänkt enligt polisen; orosanmälan övervägs."},
}

// followUps makes the calls six and twelve months after a started case closed (Växjö calls
// every participant six months after the end); after the twelve-month call the case is
// followed up.
func (s *story) followUps(h *history) {
	if _, started := s.entered(casework.StepParties); !started || s.closeDay.IsZero() {
		return
	}
	w := s.w
	record := func(day time.Time, kind string) {
		reached := chance(s.r, 0.8)
		note := pick(s.r, followUpNotes[reached])
		if reached {
			s.calls = append(s.calls, call{kind: kind, day: day})
		}
		s.ev(h, day, "follow-up "+kind, func() error { return w.st.RecordFollowUp(w.as(s.coord), s.caseID, kind, reached, note) })
	}
	if d6, past := s.cal.within(s.closeDay.AddDate(0, 6, between(s.r, 0, 10))); past && !s.sp.followUp6Late {
		record(d6, "6")
	}
	if s.sp.step != casework.StepFollowedUp {
		return
	}
	d12 := s.cal.weekday(s.closeDay.AddDate(0, 12, between(s.r, 0, 10)))
	record(d12, "12")
	s.move(h, d12, s.coord, store.MoveInput{Move: casework.Move{Action: casework.ActFollowUpDone}})
}
