package casework

import "time"

// FollowUp is one of the long-term follow-ups after a case closed (step 11; Växjö calls every
// participant six months after the end): its kind ("6", "12") and how many months after
// closure it is due.
type FollowUp struct {
	Kind   string
	Months int
}

// FollowUps are the follow-ups after closure, in order.
var FollowUps = []FollowUp{{"6", 6}, {"12", 12}}

// FollowUpOf returns the follow-up of a kind.
func FollowUpOf(kind string) (FollowUp, bool) {
	for _, f := range FollowUps {
		if f.Kind == kind {
			return f, true
		}
	}
	return FollowUp{}, false
}

// Due is when the follow-up is due after a closure.
func (f FollowUp) Due(closed time.Time) time.Time { return AddMonths(closed, f.Months) }

// Opens is when the follow-up may be recorded: a month before it is due.
func (f FollowUp) Opens(closed time.Time) time.Time { return AddMonths(closed, f.Months-1) }

// Done returns when the follow-up was recorded on a case with these milestones (zero: not yet).
func (f FollowUp) Done(m Milestones) time.Time {
	if f.Kind == "6" {
		return m.FollowUp6
	}
	return m.FollowUp12
}

// HasFollowUps reports whether a case gets follow-ups: closed after SIG was started.
func HasFollowUps(step Step, m Milestones) bool {
	return !step.Open() && !m.DecidedStart.IsZero() && !m.Closed.IsZero()
}

// CheckFollowUp decides whether the follow-up of kind may be recorded now on a case at step
// with milestones m: the kind exists, the case is closed after SIG started, and the follow-up's
// time has come.
func CheckFollowUp(kind string, step Step, m Milestones, now time.Time) error {
	f, ok := FollowUpOf(kind)
	if !ok {
		return Invalid("kind", "followup.kind_invalid")
	}
	if step != StepClosed || m.DecidedStart.IsZero() {
		return Errorf(EConflict, "followup.not_closed", "follow-up needs a closed, started case")
	}
	if now.Before(f.Opens(m.Closed)) {
		return Errorf(EConflict, "followup.too_early", "follow-up before its time")
	}
	return nil
}
