package demo

import (
	"hash/fnv"
	"time"

	"lots/internal/casework"
)

// securityPhase gives a few open, active cases whose consent covers the police security
// assessments (issue 14:2) — the young person's by the coordinator, a sibling's by the police,
// a raised level some weeks later — and makes the first such case with a very high risk a
// defector (issue 14:4): the wish to leave, the police assessment, the hand-off to an exit
// programme and protected housing in another municipality, which turns on protected identity.
// The choice draws nothing from the story's random source (a hash of the name decides), so the
// rest of the demo stays as it was.
func (s *story) securityPhase(h *history) {
	w := s.w
	start, ok := s.entered(casework.StepActive)
	police, okp := w.users["polis"]
	if !ok || !okp || s.sp.simple || s.sp.protected || !s.closeDay.IsZero() || s.level < 2 {
		return
	}
	day, past := s.cal.within(start.AddDate(0, 0, 14))
	if !past || !day.Before(s.stop()) || !s.covered(day, police.AgencyID, casework.CatPolice) {
		return
	}
	hs := fnv.New32a()
	hs.Write([]byte(s.first + s.last))
	pick := hs.Sum32()
	defector := !w.defector && s.level == 3
	if !defector && pick%3 != 0 {
		return
	}
	review := func(d time.Time, days int) string {
		return d.AddDate(0, 0, days).In(casework.Stockholm).Format(casework.DateLayout)
	}
	coord := s.coord
	s.ev(h, day, "security assessment", func() error {
		_, err := w.st.RecordSecurityAssessment(w.as(coord), s.caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatElevated,
			Threats: "Konflikt med en äldre grupp i centrum efter ett rån i somras.", Linked: "Två namngivna äldre killar i gruppen (se polisens anteckning).",
			Escalation: "Hot i sociala medier, har blivit förföljd hem från skolan en gång.", Measures: "Skolväg med vuxen, trygghetsnummer till områdespolisen.",
			ReviewOn: review(day, 42)})
		return err
	})
	s.ev(h, day, "security assessment sibling", func() error {
		_, err := w.st.RecordSecurityAssessment(w.as("polis"), s.caseID, casework.SecurityInput{Kind: casework.ParticipantSibling, Name: "Lillasyster, 12 år",
			Level: casework.ThreatLow, Threats: "Inga kända hot mot syskonet.", Measures: "Skolan informerad om vem som hämtar.", ReviewOn: review(day, 90)})
		return err
	})
	later, past := s.cal.within(day.AddDate(0, 0, 21))
	if !past || !later.Before(s.stop()) {
		return
	}
	s.ev(h, later, "security assessment raised", func() error {
		_, err := w.st.RecordSecurityAssessment(w.as("polis"), s.caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh,
			Threats: "Hotet har trappats upp: uppsökt i hemmet av personer ur gruppen.", Escalation: "Hot riktade även mot familjen.",
			Measures: "Tillfälligt boende hos släkting, polisen gör förstärkt tillsyn.", ReviewOn: review(later, 28)})
		return err
	})
	if !defector {
		return
	}
	w.defector = true
	exitDay, past := s.cal.within(later.AddDate(0, 0, 10))
	if !past || !exitDay.Before(s.stop()) {
		return
	}
	dest := "Skyddat boende i Norrby kommun, adress hos polisens kontakt"
	s.ev(h, later, "exit wish", func() error {
		return w.st.SaveExitPathway(w.as(coord), s.caseID, casework.ExitInput{Stage: casework.ExitWish,
			WishOn: later.In(casework.Stockholm).Format(casework.DateLayout), PoliceContactID: police.ID, SocialContactID: w.users[coord].ID})
	})
	s.ev(h, exitDay, "exit relocation", func() error {
		return w.st.SaveExitPathway(w.as(coord), s.caseID, casework.ExitInput{Stage: casework.ExitRelocated,
			WishOn:           later.In(casework.Stockholm).Format(casework.DateLayout),
			PoliceAssessment: "Hög risk att stanna i kommunen. Polisen följer upp via kontakten i mottagande kommun.",
			Programme:        "Exitprogrammet, överlämnad vid möte med socialtjänsten",
			PoliceContactID:  police.ID, SocialContactID: w.users[coord].ID, Destination: &dest})
	})
}
