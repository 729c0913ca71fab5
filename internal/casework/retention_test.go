package casework

import (
	"testing"
	"time"
)

func TestRetentionRules(t *testing.T) {
	closed := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		kind RecordKind
		p    int
		now  time.Time
		due  bool
	}{
		{"a concern not taken on is kept its twelve months", RetConcernNotTakenOn, 12, closed.AddDate(1, 0, -1), false},
		{"a concern not taken on is due on the day twelve months after", RetConcernNotTakenOn, 12, time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC), true},
		{"a month-end counts to the next month's end (31 January + 1 month = 28 February)", RetConsentScan, 1, time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC), true},
		{"a closed case is kept five years", RetCaseClosed, 60, closed.AddDate(5, 0, -1), false},
		{"a closed case is due after five years", RetCaseClosed, 60, closed.AddDate(5, 0, 0), true},
		{"sessions count in days", RetSessions, 1, closed.Add(24 * time.Hour), true},
		{"sessions one second short of a day", RetSessions, 1, closed.Add(24*time.Hour - time.Second), false},
		{"an access-log entry is kept its ten years", RetAccessLog, 120, closed.AddDate(10, 0, -1), false},
		{"an access-log entry is due ten years after it was written", RetAccessLog, 120, closed.AddDate(10, 0, 0), true},
		{"statistics are never deleted", RetStatistics, 0, closed.AddDate(50, 0, 0), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, ok := RetentionRuleOf(c.kind)
			if !ok {
				t.Fatal("no rule")
			}
			if got := r.Due(closed, c.now, c.p); got != c.due {
				t.Fatalf("due %v, want %v (expires %s)", got, c.due, r.Expires(closed, c.p))
			}
			if got := r.Due(closed, c.now, c.p); got && closed.After(r.Horizon(c.now, c.p)) {
				t.Fatalf("due, but after the horizon %s", r.Horizon(c.now, c.p))
			}
		})
	}
	if (RetentionRule{Kind: RetCaseClosed, Deletes: true}).Due(time.Time{}, closed, 0) {
		t.Error("a record without its event is due")
	}
}

func TestRetentionSettings(t *testing.T) {
	s := DefaultSettings()
	if s.RetentionPeriod(RetCaseClosed) != 60 {
		t.Fatal("default")
	}
	s.Retention = map[RecordKind]int{RetCaseClosed: 120, RetConcernNotTakenOn: 1}
	if s.RetentionPeriod(RetCaseClosed) != 120 || s.RetentionPeriod(RetConcernNotTakenOn) != 3 {
		t.Fatalf("a setting, and one below the bound clamped: %d %d", s.RetentionPeriod(RetCaseClosed), s.RetentionPeriod(RetConcernNotTakenOn))
	}
	for _, c := range []struct {
		name string
		in   map[RecordKind]int
		ok   bool
	}{
		{"within bounds", map[RecordKind]int{RetCaseClosed: 60, RetSessions: 0, RetAPITokens: 30}, true},
		{"below the least the law's main rule allows", map[RecordKind]int{RetCaseClosed: 59}, false},
		{"above the most", map[RecordKind]int{RetConsentScan: 61}, false},
		{"statistics cannot be given a period", map[RecordKind]int{RetStatistics: 12}, false},
		{"the access log within its bounds", map[RecordKind]int{RetAccessLog: 60}, true},
		{"the access log below its bound", map[RecordKind]int{RetAccessLog: 59}, false},
		{"the access log shorter than closed cases are kept", map[RecordKind]int{RetAccessLog: 72, RetCaseClosed: 84}, false},
		{"the access log as long as closed cases", map[RecordKind]int{RetAccessLog: 84, RetCaseClosed: 84}, true},
		{"an unknown kind", map[RecordKind]int{"youths": 12}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := ValidateRetention(c.in); (err == nil) != c.ok {
				t.Fatalf("got %v", err)
			}
		})
	}
	if ClosedCaseKind(false, false) != RetConcernNotTakenOn || ClosedCaseKind(true, false) != RetCaseNotStarted || ClosedCaseKind(true, true) != RetCaseClosed {
		t.Error("closed case kinds")
	}
}
