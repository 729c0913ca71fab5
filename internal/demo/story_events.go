package demo

import (
	"fmt"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// moment returns the story's next free moment on day: the working day starts between 08:15
// and 09:45 and the story's events that day follow each other 10–40 minutes apart, so a
// story's events on one day happen in the order they were scheduled.
func (s *story) moment(day time.Time) time.Time {
	if s.slots == nil {
		s.slots = map[time.Time]time.Time{}
	}
	t, ok := s.slots[day]
	if !ok {
		t = day.Add(8*time.Hour + 15*time.Minute + time.Duration(s.r.IntN(90))*time.Minute)
	}
	s.slots[day] = t.Add(time.Duration(between(s.r, 10, 40)) * time.Minute)
	return t.Add(time.Duration(s.r.IntN(60)) * time.Second)
}

// ev schedules fn on day.
func (s *story) ev(h *history, day time.Time, what string, fn func() error) {
	h.add(s.moment(day), fmt.Sprintf("%s %s: %s", s.first, s.last, what), fn)
}

// move schedules a move of the flow by user.
func (s *story) move(h *history, day time.Time, user string, m store.MoveInput) {
	s.ev(h, day, string(m.Action), func() error {
		_, err := s.w.st.Move(s.w.as(user), s.caseID, m)
		return err
	})
}

// youthInput is the young person as a reporter registers them.
func (s *story) youthInput() casework.YouthInput {
	in := casework.YouthInput{FirstName: s.first, LastName: s.last, PersonalNumber: s.pnr, DistrictID: s.district.ID,
		School: s.school, Address: s.address, ProtectedIdentity: s.sp.protected}
	if s.bg.language != "" && (s.bg.youthSpeaksLanguage || chance(s.r, 0.5)) {
		in.Languages = "svenska, " + s.bg.language
	}
	if s.pnr == "" {
		in.BirthDate = s.birth.Format("2006-01-02")
		in.Gender = string(casework.GenderFemale)
		if s.male {
			in.Gender = string(casework.GenderMale)
		}
		if s.sp.duplicateOf == 0 {
			in.Interpreter, in.Languages = true, s.bg.language
		}
	}
	return in
}

var genericConcern = map[casework.AgencyKind]string{
	casework.AgencyPolice:  "Anträffad vid flera tillfällen i sällskap med äldre ungdomar som är kända av polisen.",
	casework.AgencySchool:  "Skolan är orolig: ökad frånvaro, nytt umgänge och ett förändrat beteende den senaste terminen.",
	casework.AgencySocial:  "Vårdnadshavare oroliga över nytt umgänge, sena kvällar och pengar de inte vet var de kommer ifrån.",
	casework.AgencyLeisure: "Fritidsgården ser att den unge har fått ett nytt, äldre umgänge och är ute allt senare.",
}

// concern schedules a concern by the reporter of kind; first tells whether it opens the case
// (a later one must land on the same case).
func (s *story) concern(h *history, day time.Time, kind casework.AgencyKind, first bool) {
	user := s.w.reporterFor(kind)
	kind = s.w.kind[user]
	note := genericConcern[kind]
	if texts := s.prof.concern[kind]; len(texts) > 0 && (first || chance(s.r, 0.7)) {
		note = pick(s.r, texts)
	}
	in := store.ConcernInput{Youth: s.youthInput(), Ratings: s.ratings(kind, 0), Note: note, Program: s.program}
	if chance(s.r, 0.6) {
		in.Protective = pick(s.r, protectives)
	}
	s.ev(h, day, "concern by "+user, func() error {
		rc, err := s.w.st.RegisterConcern(s.w.as(user), in)
		if err != nil {
			return err
		}
		if !first && rc.CaseID != s.caseID {
			return fmt.Errorf("a second concern opened case %d instead of adding to %d", rc.CaseID, s.caseID)
		}
		if first && rc.CaseID == s.caseID {
			return fmt.Errorf("concern landed on the earlier case %d", rc.CaseID)
		}
		s.caseID = rc.CaseID
		return nil
	})
}

// events turns the planned days into the store calls that make the history.
func (s *story) events(h *history) {
	w, coord := s.w, s.coord
	if s.sp.closure == casework.CloseConsentWithdrawn {
		active, _ := s.entered(casework.StepActive)
		s.withdrawDay = s.cal.weekday(s.closeDay.AddDate(0, 0, -between(s.r, 0, 3)))
		if !s.withdrawDay.After(active) {
			s.withdrawDay = s.closeDay
		}
	}
	if s.sp.reopened {
		s.earlierCase(h)
	}
	s.concern(h, s.segs[0].day, s.reporter, true)
	taken, ok := s.entered(casework.StepAssessment)
	if !ok {
		if s.sp.closure == casework.CloseNotNow || s.sp.closure == casework.CloseReferred {
			s.prepClose(h, s.closeDay)
		}
		return
	}
	if !s.sp.simple && s.pnr != "" && chance(s.r, 0.3) {
		// A second agency reports the same young person while the case is open.
		last := s.end().AddDate(0, 0, -1)
		if l := s.segs[0].day.AddDate(0, 0, 150); l.Before(last) {
			last = l
		}
		if d := s.cal.weekday(s.segs[0].day.AddDate(0, 0, between(s.r, 10, 150))); d.After(s.segs[0].day) && d.Before(last) {
			others := []casework.AgencyKind{casework.AgencyPolice, casework.AgencySchool, casework.AgencyLeisure, casework.AgencySocial}
			k := pick(s.r, others)
			for k == s.reporter {
				k = pick(s.r, others)
			}
			s.concern(h, d, k, false)
		}
	}
	prep := w.prepUser(coord)
	s.move(h, taken, prep, store.MoveInput{Move: casework.Move{Action: casework.ActPrepTakeOn,
		Reason: fmt.Sprintf("Beredningsgruppen %s: tas emot för kartläggning.", shortDate(taken))}, CoordinatorID: w.users[coord].ID})
	relDay := s.cal.weekday(taken.AddDate(0, 0, between(s.r, 0, 3)))
	for i := range s.people {
		p := &s.people[i]
		s.ev(h, relDay, "person "+p.Relation, func() error { return w.st.SaveRelatedPerson(w.as(coord), s.caseID, p) })
	}
	s.assessment(h, taken)
	if s.reach() == casework.StepAssessment && !s.closeDay.IsZero() {
		s.closeCase(h)
		return
	}
	decisionDay, ok := s.entered(casework.StepDecision)
	if !ok {
		return
	}
	if s.program == casework.ProgramSSPF {
		// SSPF's own flow: the coordinator's assessment finds that SSPF applies (on the day SIG
		// would have decided to start) and the case goes straight to consent.
		startDay, ok := s.entered(casework.StepParties)
		if !ok {
			if s.sp.closure == casework.CloseNotStarted {
				s.move(h, s.closeDay, coord, store.MoveInput{Move: casework.Move{Action: casework.ActSSPFNotApplicable, Reason: pick(s.r, notStartedReasons)}})
				s.followUps(h)
			}
			return
		}
		s.move(h, startDay, coord, store.MoveInput{Move: casework.Move{Action: casework.ActSSPFApplies,
			Reason: fmt.Sprintf("Samordnarens bedömning: SSPF är aktuellt, %s risk.", riskWord[levels[s.level]])}})
		s.partiesPhase(h, startDay)
		s.consentPhase(h)
		s.planningPhase(h)
		s.groupWork(h)
		s.activePhase(h)
		if !s.closeDay.IsZero() {
			s.closeCase(h)
			s.followUps(h)
		}
		s.indicators(h)
		return
	}
	s.move(h, decisionDay, coord, store.MoveInput{Move: casework.Move{Action: casework.ActAssessmentDone,
		Reason: fmt.Sprintf("Kartläggningen klar: %s risk.", riskWord[levels[s.level]])}})
	partiesDay, ok := s.entered(casework.StepParties)
	if !ok {
		if s.sp.closure == casework.CloseNotStarted {
			s.move(h, s.closeDay, coord, store.MoveInput{Move: casework.Move{Action: casework.ActDecideNotStart, Reason: pick(s.r, notStartedReasons)}})
			s.followUps(h)
		}
		return
	}
	s.move(h, partiesDay, coord, store.MoveInput{Move: casework.Move{Action: casework.ActDecideStart,
		Reason: fmt.Sprintf("Beslut om SIG-insats i beredningsgruppen %s.", shortDate(partiesDay))}})
	s.partiesPhase(h, partiesDay)
	s.consentPhase(h)
	s.planningPhase(h)
	s.groupWork(h)
	s.activePhase(h)
	s.securityPhase(h)
	if !s.closeDay.IsZero() {
		s.closeCase(h)
		s.followUps(h)
	}
	s.indicators(h)
}

var riskWord = map[casework.RiskLevel]string{casework.RiskLow: "låg", casework.RiskModerate: "måttlig", casework.RiskHigh: "hög", casework.RiskVeryHigh: "mycket hög"}

var notStartedReasons = []string{
	"Kartläggningen visar låg risk. Insatser via elevhälsan och fritidsgården bedöms räcka (riskprincipen).",
	"Låg risk; familjen har redan stöd genom familjebehandlingen. Ny bedömning om oron ökar.",
}

var notNowReasons = []string{
	"Beredningsgruppen: inte aktuellt nu. Skolan och fältgruppen fortsätter; ny anmälan om oron ökar.",
	"Oron bedöms som låg i dag. Elevhälsan följer upp och återkommer vid behov.",
}

var referredReasons = []string{
	"Hänvisas till BUP och elevhälsan; behoven gäller främst psykisk hälsa.",
	"Hänvisas till föräldrastöd och fältgruppen; inga tecken på kriminalitet.",
	"Familjen har flyttat till grannkommunen; överlämnas till socialtjänsten där.",
}

func shortDate(d time.Time) string { return fmt.Sprintf("%d/%d", d.Day(), int(d.Month())) }

// prepClose is the preparatory group's "not now" or "refer elsewhere".
func (s *story) prepClose(h *history, day time.Time) {
	a, reason := casework.ActPrepNotNow, pick(s.r, notNowReasons)
	if s.sp.closure == casework.CloseReferred {
		a, reason = casework.ActPrepRefer, pick(s.r, referredReasons)
	}
	s.move(h, day, s.w.prepUser(s.coord), store.MoveInput{Move: casework.Move{Action: a, Reason: reason}})
}

// earlierCase is a case a year before the present one, closed "not now" by the preparatory
// group: the young person was reported again later.
func (s *story) earlierCase(h *history) {
	day := s.earlier
	s.concern(h, day, casework.AgencySchool, true)
	s.move(h, s.cal.weekday(day.AddDate(0, 0, between(s.r, 6, 14))), s.w.prepUser(s.coord),
		store.MoveInput{Move: casework.Move{Action: casework.ActPrepNotNow, Reason: notNowReasons[0]}})
}

// assessment schedules the intake assessments: IRK by the coordinator, and for some a
// SAVRY-structure assessment by the case officer, who is added to the case for it.
func (s *story) assessment(h *history, taken time.Time) {
	w, coord := s.w, s.coord
	until, done := s.entered(casework.StepDecision)
	if !done {
		until = s.end()
		if s.sp.step.Open() && s.sp.step != casework.StepAssessment {
			return
		}
	}
	span := int(until.Sub(taken).Hours() / 24)
	if span < 8 {
		if !done {
			return // taken on recently: nothing assessed yet
		}
		span = 8
	}
	level := levels[s.level]
	rs := s.ratings("", 0)
	if s.sp.savry && w.officer != "" {
		officer := w.officer
		assigned := s.cal.weekday(taken.AddDate(0, 0, between(s.r, 1, 3)))
		s.ev(h, assigned, "case officer", func() error {
			return w.st.AssignStaff(w.as(coord), s.caseID, w.users[officer].ID, casework.StaffCaseOfficer)
		})
		as := &casework.Assessment{Instrument: "savry-structure", TimePoint: casework.TPIntake, Ratings: s.savryRatings(),
			RiskLevel: level, RiskReason: "SAVRY-struktur, strukturerad professionell bedömning. " + riskReason(s.r, level, clearFactors(rs)),
			Note: "Samtal med den unge (två tillfällen), vårdnadshavare, mentor och områdespolis. Akten hos socialtjänsten genomgången."}
		day := s.cal.weekday(taken.AddDate(0, 0, span-between(s.r, 1, 4)))
		if day.Before(assigned) {
			day = assigned
		}
		s.ev(h, day, "SAVRY", func() error {
			return w.st.RecordAssessment(w.as(officer), s.caseID, as)
		})
	}
	if !done && span < 14 {
		return
	}
	as := &casework.Assessment{Instrument: casework.IRKCode, TimePoint: casework.TPIntake, Ratings: rs,
		RiskLevel: level, RiskReason: riskReason(s.r, level, clearFactors(rs)), Protective: pick(s.r, protectives)}
	if !done {
		as.RiskLevel, as.RiskReason = "", "" // still being assessed
	}
	s.ev(h, s.cal.weekday(taken.AddDate(0, 0, span-between(s.r, 1, 6))), "IRK intake", func() error {
		return w.st.RecordAssessment(w.as(coord), s.caseID, as)
	})
}

// savryRatings rates the SAVRY structure's items (codes only; the item texts are licensed).
func (s *story) savryRatings() []casework.Rating {
	var out []casework.Rating
	pHigh := []float64{0.05, 0.2, 0.4, 0.6}[s.level]
	pPresent := []float64{0.7, 0.5, 0.35, 0.2}[s.level]
	for _, in := range casework.BuiltinInstruments() {
		if in.Code != "savry-structure" {
			continue
		}
		for _, d := range in.Domains {
			for _, it := range d.Items {
				v := "low"
				switch {
				case d.Kind == "protective" && chance(s.r, pPresent):
					v = "present"
				case d.Kind == "protective":
					v = "absent"
				case chance(s.r, pHigh):
					v = "high"
				case chance(s.r, 0.4):
					v = "moderate"
				}
				out = append(out, casework.Rating{Item: it.Code, Value: v})
			}
		}
	}
	return out
}
