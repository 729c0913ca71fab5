package casework

import "time"

// DeadlineKind names a deadline of the flow.
type DeadlineKind string

const (
	DeadlineAssessment DeadlineKind = "assessment"  // assessment done within AssessmentWithinDays of taking the case on
	DeadlineGroup      DeadlineKind = "group"       // group convened within GroupWithinDays of the decision to start
	DeadlinePlan       DeadlineKind = "plan"        // action plan within ActionPlanWithinDays of the decision to start
	DeadlineConsent    DeadlineKind = "consent"     // the current consent expires
	DeadlineFollowUp6  DeadlineKind = "followup_6"  // the 6-month follow-up after closure
	DeadlineFollowUp12 DeadlineKind = "followup_12" // the 12-month follow-up after closure
)

// Milestones are the moments the deadlines are computed from; zero when not reached.
type Milestones struct {
	TakenOn        time.Time // preparatory group took the case on
	AssessmentDone time.Time
	DecidedStart   time.Time
	GroupConvened  time.Time // first group meeting held
	PlanSet        time.Time
	Closed         time.Time
	FollowUp6      time.Time
	FollowUp12     time.Time
	ConsentExpires time.Time // valid-until of the consent valid now
}

// Deadline is one due date and whether it is met.
type Deadline struct {
	Kind DeadlineKind
	Due  time.Time
	Met  time.Time // when it was met; zero if not yet
}

// State of a deadline at a moment.
func (d Deadline) State(now time.Time, near time.Duration) string {
	switch {
	case !d.Met.IsZero() && d.Met.After(d.Due):
		return "met_late"
	case !d.Met.IsZero():
		return "met"
	case now.After(d.Due):
		return "overdue"
	case d.Due.Sub(now) <= near:
		return "near"
	}
	return "pending"
}

// Open reports whether the deadline still waits to be met.
func (d Deadline) Open() bool { return d.Met.IsZero() }

// addDays adds whole calendar days.
func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

// AddMonths adds calendar months, ending on the last day of the target month when the day does
// not exist there: six months from 31 August is 28 (29) February, not 3 March.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// Deadlines computes a case's deadlines from its milestones and the municipality's settings
// for its track (SSPF has its own days; its decision to start is finding that SSPF applies,
// its group meeting the network meeting). A case closed before the decision to start has no
// group, plan or follow-up deadlines.
func Deadlines(p Program, step Step, m Milestones, settings Settings) []Deadline {
	s := settings.Track(p)
	var out []Deadline
	if !m.TakenOn.IsZero() {
		out = append(out, Deadline{Kind: DeadlineAssessment, Due: addDays(m.TakenOn, s.AssessmentWithinDays), Met: m.AssessmentDone})
	}
	started := !m.DecidedStart.IsZero()
	if started && (step.Open() || !m.GroupConvened.IsZero()) {
		out = append(out, Deadline{Kind: DeadlineGroup, Due: addDays(m.DecidedStart, s.GroupWithinDays), Met: m.GroupConvened})
	}
	if started && (step.Open() || !m.PlanSet.IsZero()) {
		out = append(out, Deadline{Kind: DeadlinePlan, Due: addDays(m.DecidedStart, s.ActionPlanWithinDays), Met: m.PlanSet})
	}
	if step.Open() && !m.ConsentExpires.IsZero() {
		out = append(out, Deadline{Kind: DeadlineConsent, Due: m.ConsentExpires})
	}
	if started && !m.Closed.IsZero() {
		for _, f := range FollowUps {
			out = append(out, Deadline{Kind: DeadlineKind("followup_" + f.Kind), Due: f.Due(m.Closed), Met: f.Done(m)})
		}
	}
	// An unmet deadline of a closed case is moot, except the follow-ups, which come after.
	if !step.Open() {
		kept := out[:0]
		for _, d := range out {
			if !d.Met.IsZero() || d.Kind == DeadlineFollowUp6 || d.Kind == DeadlineFollowUp12 {
				kept = append(kept, d)
			}
		}
		out = kept
	}
	return out
}
