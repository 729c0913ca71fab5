package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/mapping"
)

// The preparatory group's meetings (docs/daily-work.md): a schedule per municipality, an
// agenda per meeting that is the waiting list as it stood when the meeting began, and a
// decision per concern that is the intake's move, minuted with the meeting it was made at.

// PrepSchedule is the municipality's meeting schedule (casework.DefaultPrepSchedule until it
// sets one).
func (s *Store) PrepSchedule(ctx context.Context) (casework.PrepSchedule, error) {
	a, _, err := s.permit(ctx, access.PrepGroup, What{Action: audit.ActionRead, Object: "prep_schedule"})
	if err != nil {
		return casework.PrepSchedule{}, err
	}
	var p casework.PrepSchedule
	err = s.view(ctx, func(tx *Tx) error {
		p, err = tx.prepSchedule(a.User.MunicipalityID)
		return err
	})
	return p, err
}

func (tx *Tx) prepSchedule(mid int64) (casework.PrepSchedule, error) {
	p := casework.DefaultPrepSchedule()
	var wd int
	var from time.Time
	err := tx.QueryRow(`SELECT weekday, start_minute, every_weeks, from_day FROM prep_schedules WHERE municipality_id = $1`, mid).
		Scan(&wd, &p.Start, &p.EveryWeeks, &from)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return p, nil
	case err != nil:
		return p, casework.Internal(err)
	}
	p.Weekday, p.From = time.Weekday(wd), casework.Today(from)
	return p, nil
}

// SetPrepSchedule changes the municipality's meeting schedule. Meetings already held keep
// their decisions (and so stay in the list), whatever the new rhythm.
//
// Access is decided before the input is read: one who may not is refused whatever was sent
// (the API has no page in front that refuses first).
func (s *Store) SetPrepSchedule(ctx context.Context, p casework.PrepSchedule) error {
	w := What{Action: audit.ActionUpdate, Object: "prep_schedule"}
	a, d, err := s.permit(ctx, access.PrepGroup, w)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	w.Detail = fmt.Sprintf("every %d weeks on %s at %s from %s", p.EveryWeeks, p.Weekday, p.StartText(), p.From.Format(time.DateOnly))
	return s.update(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`INSERT INTO prep_schedules (municipality_id, weekday, start_minute, every_weeks, from_day, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (municipality_id) DO UPDATE SET weekday = EXCLUDED.weekday,
			start_minute = EXCLUDED.start_minute, every_weeks = EXCLUDED.every_weeks, from_day = EXCLUDED.from_day,
			updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
			a.User.MunicipalityID, int(p.Weekday), p.Start, p.EveryWeeks, casework.Today(p.From).UTC(), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return tx.audit(a, w, d)
	})
}

// PrepMeetingRef is a meeting in the list: when, whether it has begun, how many decisions
// were minuted at it.
type PrepMeetingRef struct {
	At      time.Time
	Begun   bool
	Decided int
}

// PrepMeetings lists the meetings: those held with decisions minuted, the schedule's last
// three that have begun and its next four. It names no young person.
func (s *Store) PrepMeetings(ctx context.Context) (casework.PrepSchedule, []PrepMeetingRef, error) {
	w := What{Action: audit.ActionList, Object: "prep_meeting"}
	a, d, err := s.permit(ctx, access.PrepGroup, w)
	if err != nil {
		return casework.PrepSchedule{}, nil, err
	}
	mid, now := a.User.MunicipalityID, s.now()
	var sched casework.PrepSchedule
	decided := map[int64]int{}
	err = s.view(ctx, func(tx *Tx) error {
		var err error
		if sched, err = tx.prepSchedule(mid); err != nil {
			return err
		}
		type held struct {
			at time.Time
			n  int
		}
		hs, err := queryAll(tx.ctx, tx, `SELECT meeting_at, COUNT(*) FROM prep_decisions WHERE municipality_id = $1 GROUP BY meeting_at`,
			[]any{mid}, func(sc scanner) (held, error) {
				var h held
				return h, sc.Scan(&h.at, &h.n)
			})
		for _, h := range hs {
			decided[h.at.Unix()] = h.n
		}
		return err
	})
	if err != nil {
		return sched, nil, err
	}
	seen := map[int64]bool{}
	var out []PrepMeetingRef
	add := func(at time.Time) {
		if !seen[at.Unix()] {
			seen[at.Unix()] = true
			out = append(out, PrepMeetingRef{At: at, Begun: !at.After(now), Decided: decided[at.Unix()]})
		}
	}
	for _, at := range sched.Around(now, 3, 4) {
		add(at)
	}
	for u := range decided {
		add(time.Unix(u, 0))
	}
	sortRefs(out)
	return sched, out, s.auditRead(ctx, a, w, d)
}

func sortRefs(r []PrepMeetingRef) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j].At.Before(r[j-1].At); j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
}

// prepMeetingOn is the meeting on a calendar day: the one decisions were minuted at, else the
// schedule's; not found when there is neither.
func (tx *Tx) prepMeetingOn(mid int64, day time.Time) (time.Time, error) {
	day = casework.Today(day)
	var at time.Time
	err := tx.QueryRow(`SELECT meeting_at FROM prep_decisions WHERE municipality_id = $1 AND meeting_at >= $2 AND meeting_at < $3
		ORDER BY meeting_at LIMIT 1`, mid, day.UTC(), day.AddDate(0, 0, 1).UTC()).Scan(&at)
	switch {
	case err == nil:
		return at, nil
	case !errors.Is(err, sql.ErrNoRows):
		return at, casework.Internal(err)
	}
	sched, err := tx.prepSchedule(mid)
	if err != nil {
		return at, err
	}
	at, ok := sched.OnDay(day)
	if !ok {
		return at, casework.NotFound("prep_meeting")
	}
	return at, nil
}

// PrepAgendaItem is a concern on a meeting's agenda: the waiting list's row, the days from the
// concern to its first meeting against casework.PrepTargetDays, and the decision minuted at
// this meeting ("" none yet).
type PrepAgendaItem struct {
	CaseRow
	FirstMeeting time.Time
	Days         int
	Late         bool
	Decision     casework.Action
}

// PrepMeeting is one meeting and its agenda.
type PrepMeeting struct {
	At    time.Time
	Begun bool
	Items []PrepAgendaItem
	// Late is how many on the agenda waited longer than the target for their first meeting.
	Late int
}

// PrepMeetingOn is the meeting on a day with its agenda: the concerns waiting when it began
// that the actor may see (the waiting list's access rule and audit entry, Cases).
func (s *Store) PrepMeetingOn(ctx context.Context, day time.Time) (PrepMeeting, error) {
	var m PrepMeeting
	a, _, err := s.permit(ctx, access.PrepGroup, What{Action: audit.ActionRead, Object: "prep_meeting"})
	if err != nil {
		return m, err
	}
	mid := a.User.MunicipalityID
	var sched casework.PrepSchedule
	if err := s.view(ctx, func(tx *Tx) error {
		var err error
		if m.At, err = tx.prepMeetingOn(mid, day); err != nil {
			return err
		}
		sched, err = tx.prepSchedule(mid)
		return err
	}); err != nil {
		return m, err
	}
	m.Begun = !m.At.After(s.now())
	page, err := s.Cases(ctx, CaseQuery{WaitingAt: m.At})
	if err != nil {
		return m, err
	}
	if len(page.Rows) == 0 {
		return m, nil
	}
	decisions := map[int64]casework.Action{}
	err = s.view(ctx, func(tx *Tx) error {
		ds, err := queryAll(tx.ctx, tx, `SELECT case_id, action FROM prep_decisions WHERE municipality_id = $1 AND meeting_at = $2`,
			[]any{mid, m.At.UTC()}, func(sc scanner) (struct {
				id  int64
				act string
			}, error) {
				var x struct {
					id  int64
					act string
				}
				return x, sc.Scan(&x.id, &x.act)
			})
		for _, x := range ds {
			decisions[x.id] = casework.Action(x.act)
		}
		return err
	})
	if err != nil {
		return m, err
	}
	for _, r := range page.Rows {
		it := PrepAgendaItem{CaseRow: r, Decision: decisions[r.CaseID]}
		// The time from the concern to its first meeting, counted as capacity counts the wait
		// from decision to the first group meeting (mapping.WaitedDays: Stockholm days).
		it.FirstMeeting = sched.Next(r.OpenedAt)
		if it.FirstMeeting.After(m.At) {
			it.FirstMeeting = m.At // raised at a meeting off the current schedule
		}
		it.Days = mapping.WaitedDays(r.OpenedAt, it.FirstMeeting)
		it.Late = it.Days > casework.PrepTargetDays
		if it.Late {
			m.Late++
		}
		m.Items = append(m.Items, it)
	}
	return m, nil
}

// PrepDecisions are the decisions a meeting minutes, as the intake's moves.
var PrepDecisions = []casework.Action{casework.ActPrepTakeOn, casework.ActPrepNotNow, casework.ActPrepRefer}

// DecidePrep minutes the preparatory group's decision on a concern at the meeting on day: the
// decision is the case's move (Move: the door, the state machine, the reason a "not now"
// needs, the audit entry) and the minute is written in the same transaction. A meeting that
// has not begun, a concern that was not on its agenda, a decision that is not the group's or
// a missing reason is refused with the field named, and nothing is saved.
func (s *Store) DecidePrep(ctx context.Context, day time.Time, caseID int64, act casework.Action, reason string) error {
	a, _, err := s.permit(ctx, access.PrepGroup, What{Action: audit.ActionUpdate, Object: "prep_meeting"})
	if err != nil {
		return err
	}
	var at time.Time
	if err := s.view(ctx, func(tx *Tx) error {
		at, err = tx.prepMeetingOn(a.User.MunicipalityID, day)
		return err
	}); err != nil {
		return err
	}
	var fe casework.FieldErrors
	if caseID <= 0 {
		fe.Add("case", "prepgroup.case_choose")
	}
	known := false
	for _, d := range PrepDecisions {
		known = known || d == act
	}
	if !known {
		fe.Add("decision", "prepgroup.decision_choose")
	}
	if at.After(s.now()) {
		fe.Add("decision", "prepgroup.not_begun")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	_, err = s.move(ctx, caseID, MoveInput{Move: casework.Move{Action: act, Reason: reason}}, func(tx *Tx, a casework.Actor, lc *loadedCase) error {
		if lc.Case.OpenedAt.After(at) {
			return casework.Invalid("case", "prepgroup.not_on_agenda")
		}
		if _, err := tx.Exec(`INSERT INTO prep_decisions (municipality_id, case_id, meeting_at, action, decided_at, decided_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, a.User.MunicipalityID, caseID, at.UTC(), string(act), tx.now, a.User.ID); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
	return err
}
