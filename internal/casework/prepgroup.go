package casework

import (
	"fmt"
	"strings"
	"time"
)

// The preparatory group (beredningsgruppen) meets on a schedule — weekly, every five weeks —
// on a weekday and a time, and decides on the new concerns: take the case on, not now (with a
// reason), or refer it elsewhere. Its decisions are the intake's moves (ActPrepTakeOn,
// ActPrepNotNow, ActPrepRefer); a meeting only says when they were made.

// PrepTargetDays is the target for the time from a concern to the first preparatory group
// meeting it can be raised at: one week.
const PrepTargetDays = 7

// PrepSchedule is a municipality's rhythm of preparatory group meetings: every EveryWeeks
// weeks on Weekday at Start (minutes after midnight, Stockholm), the first on or after From.
type PrepSchedule struct {
	Weekday    time.Weekday
	Start      int // minutes after midnight
	EveryWeeks int
	From       time.Time // a calendar day (Stockholm midnight)
}

// DefaultPrepSchedule is the schedule until the municipality sets its own: every Tuesday at
// 09:00.
func DefaultPrepSchedule() PrepSchedule {
	return PrepSchedule{Weekday: time.Tuesday, Start: 9 * 60, EveryWeeks: 1, From: time.Date(2026, 1, 6, 0, 0, 0, 0, Stockholm)}
}

// ParseClock reads "HH:MM" as minutes after midnight.
func ParseClock(s string) (int, bool) {
	var h, m int
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// StartText is the start as "HH:MM".
func (p PrepSchedule) StartText() string { return fmt.Sprintf("%02d:%02d", p.Start/60, p.Start%60) }

// Validate names each field at fault.
func (p PrepSchedule) Validate() error {
	var fe FieldErrors
	if p.Weekday < time.Sunday || p.Weekday > time.Saturday {
		fe.Add("weekday", "prepgroup.weekday_invalid")
	}
	if p.Start < 0 || p.Start >= 24*60 {
		fe.Add("start", "prepgroup.start_invalid")
	}
	if p.EveryWeeks < 1 || p.EveryWeeks > 8 {
		fe.Add("every_weeks", "prepgroup.every_weeks_invalid")
	}
	if p.From.IsZero() {
		fe.Add("from", "prepgroup.from_invalid")
	}
	return fe.Err()
}

// first is the first meeting: the first Weekday on or after From.
func (p PrepSchedule) first() time.Time {
	d := Today(p.From)
	d = d.AddDate(0, 0, (int(p.Weekday)-int(d.Weekday())+7)%7)
	return p.at(d)
}

func (p PrepSchedule) at(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), p.Start/60, p.Start%60, 0, 0, Stockholm)
}

// step is the n:th meeting (0 the first). Days, not hours, are added, so the time stays the
// same across summer time.
func (p PrepSchedule) step(n int) time.Time {
	f := p.first()
	return p.at(time.Date(f.Year(), f.Month(), f.Day()+7*p.EveryWeeks*n, 0, 0, 0, 0, Stockholm))
}

// index is the number of the last meeting starting at or before t (-1: none yet).
func (p PrepSchedule) index(t time.Time) int {
	f := p.first()
	if t.Before(f) {
		return -1
	}
	days := int(Today(t).Sub(Today(f)).Hours()/24+0.5) / (7 * p.EveryWeeks)
	for days > 0 && p.step(days).After(t) {
		days--
	}
	for !p.step(days + 1).After(t) {
		days++
	}
	return days
}

// Next is the first meeting at or after t.
func (p PrepSchedule) Next(t time.Time) time.Time {
	i := p.index(t)
	if i >= 0 && p.step(i).Equal(t) {
		return p.step(i)
	}
	return p.step(i + 1)
}

// Around is up to before meetings that have started by now (the latest last) and after
// meetings still to come.
func (p PrepSchedule) Around(now time.Time, before, after int) []time.Time {
	var out []time.Time
	i := p.index(now)
	for n := max(0, i-before+1); n <= i; n++ {
		out = append(out, p.step(n))
	}
	for n := i + 1; n <= i+after; n++ {
		out = append(out, p.step(n))
	}
	return out
}

// OnDay is the meeting on a calendar day, if the schedule has one.
func (p PrepSchedule) OnDay(day time.Time) (time.Time, bool) {
	m := p.Next(Today(day))
	return m, Today(m).Equal(Today(day))
}
