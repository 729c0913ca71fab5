package casework

import "testing"

func TestClosureExpectsFutureMeeting(t *testing.T) {
	for _, c := range []struct {
		name string
		p    Program
		r    ClosureReason
		want bool
	}{
		{"SIG with goals reached expects one", ProgramSIG, CloseGoalsReached, true},
		{"a case of no stated track reads as SIG", "", CloseGoalsReached, true},
		{"SIG closed because the family moved does not", ProgramSIG, CloseMoved, false},
		{"SSPF with goals reached does not", ProgramSSPF, CloseGoalsReached, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ClosureExpectsFutureMeeting(c.p, c.r); got != c.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

func TestWatchLastDay(t *testing.T) {
	for _, c := range []struct {
		name, until, key string
	}{
		{"today is allowed", "2026-03-10", ""},
		{"24 months ahead is allowed", "2028-03-10", ""},
		{"a day past 24 months is refused", "2028-03-11", "watch.until_range"},
		{"yesterday is refused", "2026-03-09", "watch.until_range"},
		{"a day that does not exist is refused", "2026-02-30", "watch.until_invalid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := Watch{Reason: "Oro", Until: c.until}
			err := w.Validate("2026-03-10")
			got := ""
			if fe := FieldErrorsOf(err); len(fe) > 0 {
				got = fe[0].Key
				if fe[0].Field != "until" {
					t.Errorf("field %q", fe[0].Field)
				}
			}
			if got != c.key {
				t.Errorf("got %q, want %q", got, c.key)
			}
		})
	}
}
