package mapping

import (
	"time"

	"lots/internal/casework"
)

// Capacity: a SIG coordinator carries 8–10 young people at a time (the SKL booklet, sources
// 004); more and the group work suffers. The municipality sets its cap (default 10); Lots warns
// when a coordinator reaches it — the next young person would overload them — and when they
// are over it.

// DefaultCaseloadCap is the cap of active young people per coordinator when none is set.
const DefaultCaseloadCap = 10

// MaxCaseloadCap bounds the setting.
const MaxCaseloadCap = 50

// Load states.
const (
	LoadOK   = "ok"
	LoadFull = "full" // at the cap: the next young person overloads
	LoadOver = "over" // above the cap
)

// LoadState is a coordinator's state with n active young people under cap.
func LoadState(n, cap int) string {
	if cap <= 0 {
		cap = DefaultCaseloadCap
	}
	switch {
	case n > cap:
		return LoadOver
	case n == cap:
		return LoadFull
	}
	return LoadOK
}

// Caseload is one staff member's active young people: the open cases they coordinate.
type Caseload struct {
	UserID int64
	Name   string
	Active int
	State  string
	// Ending and Overrun count their cases whose planned length runs out within a month, or
	// has run out.
	Ending, Overrun int
}

// Planned length and waiting: the intervention is planned for 8–10 months (some need more
// than a year), and the group should meet within a week of the decision.
const (
	DefaultPlannedMonths = 10
	DefaultWaitDays      = 7
	// EndingWithinDays is how long before a case's planned end Lots says it is ending.
	EndingWithinDays = 30
)

// Plan states of an open case with a decided start.
const (
	PlanRunning = ""
	PlanEnding  = "ending"  // its planned length runs out within EndingWithinDays
	PlanOverrun = "overrun" // its planned length has run out
)

// PlanState is where a case started at start stands against its planned length at now.
func PlanState(start time.Time, months int, now time.Time) string {
	if months <= 0 {
		months = DefaultPlannedMonths
	}
	end := start.In(casework.Stockholm).AddDate(0, months, 0)
	switch {
	case !now.Before(end):
		return PlanOverrun
	case !now.Before(end.AddDate(0, 0, -EndingWithinDays)):
		return PlanEnding
	}
	return PlanRunning
}

// WaitedDays are the whole days from a decision to now, in Stockholm's calendar.
func WaitedDays(decided, now time.Time) int {
	d0 := decided.In(casework.Stockholm)
	d1 := now.In(casework.Stockholm)
	a := time.Date(d0.Year(), d0.Month(), d0.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(d1.Year(), d1.Month(), d1.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}
