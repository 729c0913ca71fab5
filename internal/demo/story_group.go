package demo

import (
	"time"

	"lots/internal/casework"
)

// The group around the young person: set up when the consent is given (the professionals it
// covers, the young person, the guardians and an adult they trust), then meeting on Tuesdays at
// 15:00 (Skellefteå's fixed slot); the coordinator writes the minutes the next working day. An
// open case has its next meeting booked.

var meetingPlaces = []string{"Mötesrum Linden, socialtjänsten", "Fritidsgården Söder", "Elevhälsans rum, skolan", "Mötesrum Eken, socialtjänsten"}

// tuesday is the first Tuesday on or after d.
func tuesday(d time.Time) time.Time {
	for d.Weekday() != time.Tuesday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// partyOn reports whether a consent signed by the end of day lets agency take part that day.
func (s *story) partyOn(day time.Time, agency int64) bool {
	for _, pc := range s.consents {
		done := pc.complete()
		if !done.IsZero() && !done.After(day) && !pc.from.After(day) && pc.until.After(day.AddDate(0, 0, 1)) &&
			pc.withdrawn.IsZero() && containsID(pc.agencies, agency) {
			return true
		}
	}
	return false
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// groupSetup adds the members on day, right after the consent is given.
func (s *story) groupSetup(h *history, day time.Time) {
	w := s.w
	add := func(what string, in casework.MemberInput) {
		s.ev(h, day, "member "+what, func() error {
			m, err := w.st.AddGroupMember(w.as(s.coord), s.caseID, in)
			if err == nil {
				s.members = append(s.members, m.ID)
			}
			return err
		})
	}
	add("youth", casework.MemberInput{Kind: casework.MemberYouth})
	if s.sp.simple {
		return
	}
	add("coordinator", casework.MemberInput{Kind: casework.MemberProfessional, UserID: w.users[s.coord].ID, Role: "Samordnare"})
	for _, k := range []casework.AgencyKind{casework.AgencyPolice, casework.AgencySchool, casework.AgencyLeisure, casework.AgencyBUP} {
		if user := w.member[k]; user != "" && s.partyOn(day, w.users[user].AgencyID) {
			add(user, casework.MemberInput{Kind: casework.MemberProfessional, UserID: w.users[user].ID, Role: w.users[user].Title})
		}
	}
	for i := range s.people {
		p := &s.people[i]
		kind := casework.MemberGuardian
		if p.Kind == casework.RelTrustedAdult {
			kind = casework.MemberTrustedAdult
		} else if p.Kind != casework.RelGuardian && p.Kind != casework.RelParent {
			continue
		}
		if p.Kind == casework.RelParent && chance(s.r, 0.5) {
			continue // a parent without custody is not always in the group
		}
		s.ev(h, day, "member "+p.Relation, func() error {
			m, err := w.st.AddGroupMember(w.as(s.coord), s.caseID, casework.MemberInput{Kind: kind, PersonID: p.ID})
			if err == nil {
				s.members = append(s.members, m.ID)
			}
			return err
		})
	}
}

// meeting books a group meeting on day at 15:00 and records it the next working day, before
// stop: who came (most of the group) and the minutes. A meeting after the last day is booked
// on the last day and stays planned.
func (s *story) meeting(h *history, day, stop time.Time, minutes string) {
	w := s.w
	in := casework.MeetingInput{Start: day.Add(15 * time.Hour), DurationMinutes: 60, Place: pick(s.r, meetingPlaces),
		PreMeeting: chance(s.r, 0.3)}
	rec, past := s.cal.within(day.AddDate(0, 0, 1))
	recorded := past && rec.Before(stop)
	if !recorded && (!s.closeDay.IsZero() || !s.withdrawDay.IsZero()) {
		return // the case ended before the meeting could be held
	}
	var id int64
	booked := s.cal.weekday(day.AddDate(0, 0, -between(s.r, 5, 12)))
	if booked.Before(s.bookAfter) {
		booked = s.bookAfter
	}
	s.ev(h, booked, "meeting booked", func() error {
		m, err := w.st.CreateMeeting(w.as(s.coord), s.caseID, in)
		id = m.ID
		return err
	})
	if !recorded {
		return
	}
	absent := s.r.IntN(7)
	s.ev(h, rec, "meeting minutes", func() error {
		var present []int64
		for i, m := range s.members {
			if (i+absent)%7 != 0 {
				present = append(present, m)
			}
		}
		return w.st.RecordMeeting(w.as(s.coord), s.caseID, id, casework.MeetingRecord{Present: present, MinutesText: minutes}, true)
	})
}
