package demo

import (
	"time"

	"lots/internal/casework"
)

// Placements in the demo (issue 14:3, docs/placements.md), chosen without drawing from the
// stories' random numbers, so every other part of the demo stays as it was:
//
//   - each case closed because the young person was placed gets the placement (LVU, an HVB)
//     that closed it, recorded the last weekday before closing; the first of them had a family home
//     before, then waited for a SiS place and moved there with a reason;
//   - the first two active cases, not protected, have a young person waiting for a SiS place:
//     one for twelve days (more than the week that makes it an alert), one for three, the
//     first after an HVB placement that broke down.
func placeDemo(h *history, stories []*story) {
	closed, waiting := 0, 0
	for _, s := range stories {
		switch {
		case s.sp.closure == casework.ClosePlaced && !s.closeDay.IsZero():
			s.placedAtClosure(h, closed == 0)
			closed++
		case s.sp.step == casework.StepActive && !s.sp.protected && waiting < 2:
			if s.waitForSiS(h, []int{12, 3}[waiting], waiting == 0) {
				waiting++
			}
		}
	}
}

// placementEvent schedules a placement recorded by the case's coordinator on day, at a fixed
// hour (no random draw).
func (s *story) placementEvent(h *history, day time.Time, hour int, id *int64, in casework.PlacementInput) {
	w := s.w
	h.add(day.Add(time.Duration(hour)*time.Hour), s.first+" "+s.last+": placement "+in.Form, func() error {
		p, err := w.st.SavePlacement(w.as(s.coord), s.caseID, *id, in)
		*id = p.ID
		return err
	})
}

// weekdayBefore is the last weekday before d.
func weekdayBefore(d time.Time) time.Time {
	d = d.AddDate(0, 0, -1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

func dayOf(t time.Time) string { return t.Format(casework.DateLayout) }

// placedAtClosure records the placement that closed the case; with history, a family home
// before it and a wait for SiS in between.
func (s *story) placedAtClosure(h *history, history bool) {
	taken, ok := s.entered(casework.StepAssessment) // the coordinator works the case from here
	rec := weekdayBefore(s.closeDay)
	if !ok || !rec.After(taken) {
		return
	}
	from := s.closeDay.AddDate(0, 0, -7)
	var fh, sis int64
	if history && taken.Before(s.closeDay.AddDate(0, 0, -45)) {
		req := s.cal.weekday(s.closeDay.AddDate(0, 0, -40))
		s.placementEvent(h, req, 16, &fh, casework.PlacementInput{Form: "family_home", Basis: "sol", From: dayOf(s.closeDay.AddDate(0, 0, -150)),
			To: dayOf(req.AddDate(0, 0, -1)), Place: "Familjehemmet Lind, Björkvägen 4, Demoby",
			Reason: "Frivillig placering efter samtal med den unge och vårdnadshavarna."})
		s.placementEvent(h, req, 17, &sis, casework.PlacementInput{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: dayOf(req),
			Reason: "Familjehemmet sade upp placeringen efter hot; omedelbart omhändertagande enligt 6 § LVU och plats begärd hos SiS."})
		s.placementEvent(h, rec, 16, &sis, casework.PlacementInput{Form: "sis", Basis: "lvu", RequestedOn: dayOf(req), From: dayOf(from),
			Place: "SiS särskilda ungdomshem, Demovägen 1", Reason: "Plats hos SiS efter väntan; flytt från jourhem."})
		return
	}
	var hvb int64
	s.placementEvent(h, rec, 16, &hvb, casework.PlacementInput{Form: "hvb", Basis: "lvu", From: dayOf(from),
		Place: "HVB Granen, Skogsstigen 12, Demoby", Reason: "Vård enligt 3 § LVU; insatserna i SIG räckte inte."})
}

// waitForSiS records a young person waiting for a SiS place for days days, and reports
// whether the case was long enough in its active step.
func (s *story) waitForSiS(h *history, days int, before bool) bool {
	active, ok := s.entered(casework.StepActive)
	req := s.cal.today.AddDate(0, 0, -days)
	rec := s.cal.weekday(req)
	if !ok || !active.Before(req.AddDate(0, 0, -60)) || rec.Before(req) || rec.After(s.cal.last) {
		return false
	}
	var hvb, sis int64
	if before {
		s.placementEvent(h, rec, 15, &hvb, casework.PlacementInput{Form: "hvb", Basis: "sol", From: dayOf(req.AddDate(0, 0, -50)),
			To: dayOf(req.AddDate(0, 0, -1)), Place: "HVB Udden, Strandvägen 2, Demoby",
			Reason: "Frivillig placering för att bryta kontakten med gruppen."})
	}
	s.placementEvent(h, rec, 16, &sis, casework.PlacementInput{Form: "sis", Basis: "lvu", Waiting: true, RequestedOn: dayOf(req),
		Reason: "Avvek från HVB-hemmet och återfall i brott; beslut om vård enligt 3 § LVU, plats begärd hos SiS."})
	return true
}
