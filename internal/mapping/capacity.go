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
	// Qualified is the date they qualified as a social worker (zero: not recorded); Heavy their
	// open heavy cases, Mismatched those of them the experience rule warns about.
	Qualified         time.Time
	Heavy, Mismatched int
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

// The experience rule. The heaviest cases should not go to newly graduated social workers
// (the domain notes, SKL 2018). A case's weight is the professional's overall risk judgement
// at the assessment (cases.risk_level): low 1, moderate 2, high 3, very high 4; not yet
// assessed 0. A case is heavy from the municipality's level (default high). A social worker's
// experience is the whole years since the date they qualified; with fewer than the
// municipality's years (default 2) — or no date recorded — a heavy case is a warning when
// assigned, or refused when the municipality has chosen so.

// Experience rule modes.
const (
	RuleWarn   = "warn"
	RuleRefuse = "refuse"
)

// Defaults of the experience rule and the group cap.
const (
	DefaultExperienceYears = 2
	MaxExperienceYears     = 10
	DefaultHeavyFrom       = casework.RiskHigh
	// DefaultGroupCap is the cap of young people whose operative group one professional sits
	// in (the police, the school, the social services' own): the same 8–10 as a coordinator's.
	DefaultGroupCap = 10
	// MaxExtensionMonths bounds one extension of a planned length.
	MaxExtensionMonths = 24
)

// CaseWeight is a case's weight from its risk level: 0 not assessed, 1 low … 4 very high.
func CaseWeight(r casework.RiskLevel) int {
	for i, x := range casework.RiskLevels {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// Heavy reports whether a case at risk level r is heavy when cases are heavy from level from.
func Heavy(r, from casework.RiskLevel) bool {
	w, f := CaseWeight(r), CaseWeight(from)
	if f == 0 {
		f = CaseWeight(DefaultHeavyFrom)
	}
	return w > 0 && w >= f
}

// ExperienceYears are the whole years from qualified to now in Stockholm's calendar; -1 when
// the date is not recorded (zero).
func ExperienceYears(qualified, now time.Time) int {
	if qualified.IsZero() {
		return -1
	}
	q, n := qualified.In(casework.Stockholm), now.In(casework.Stockholm)
	y := n.Year() - q.Year()
	if n.Month() < q.Month() || (n.Month() == q.Month() && n.Day() < q.Day()) {
		y--
	}
	return max(y, 0)
}

// Assignment outcomes of the experience rule.
const (
	AssignOK     = ""
	AssignWarn   = "warn"   // allowed, with a warning
	AssignRefuse = "refuse" // refused
)

// Rule is the municipality's experience rule.
type Rule struct {
	Years     int                // experience needed for a heavy case
	HeavyFrom casework.RiskLevel // the risk level from which a case is heavy
	Mode      string             // RuleWarn or RuleRefuse
}

// Check decides an assignment of a case at risk level r to a social worker qualified on
// qualified (zero: not recorded) at now. A light or unassessed case is always fine.
func (ru Rule) Check(r casework.RiskLevel, qualified, now time.Time) string {
	if !Heavy(r, ru.HeavyFrom) {
		return AssignOK
	}
	if y := ExperienceYears(qualified, now); y >= 0 && y >= ru.Years {
		return AssignOK
	}
	if ru.Mode == RuleRefuse {
		return AssignRefuse
	}
	return AssignWarn
}

// PlannedMonths is a case's planned length: the municipality's plus its extensions.
func PlannedMonths(base, extended int) int {
	if base <= 0 {
		base = DefaultPlannedMonths
	}
	return base + max(extended, 0)
}
