package casework_test

import (
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
)

// The preparatory group's schedule: every five weeks on Thursdays at 13:30 from a Monday; the
// time stays 13:30 across the change to summer time; a concern is raised at the next meeting.
func TestPrepScheduleMeetings(t *testing.T) {
	p := casework.PrepSchedule{Weekday: time.Thursday, Start: 13*60 + 30, EveryWeeks: 5, From: sthlm(2026, 3, 2, 0, 0)}
	tests := []struct {
		name   string
		at     time.Time
		next   time.Time
		around []time.Time
	}{
		{"before the first meeting, the first", sthlm(2026, 3, 1, 12, 0), sthlm(2026, 3, 5, 13, 30), nil},
		{"at the first meeting's minute, that meeting", sthlm(2026, 3, 5, 13, 30), sthlm(2026, 3, 5, 13, 30),
			[]time.Time{sthlm(2026, 3, 5, 13, 30), sthlm(2026, 4, 9, 13, 30)}},
		{"a minute after it, five weeks on, at 13:30 summer time", sthlm(2026, 3, 5, 13, 31), sthlm(2026, 4, 9, 13, 30),
			[]time.Time{sthlm(2026, 3, 5, 13, 30), sthlm(2026, 4, 9, 13, 30)}},
		{"months later (5 March + 5 × 35 days)", sthlm(2026, 9, 1, 8, 0), sthlm(2026, 10, 1, 13, 30),
			[]time.Time{sthlm(2026, 8, 27, 13, 30), sthlm(2026, 10, 1, 13, 30)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Next(tc.at); !got.Equal(tc.next) || got.In(casework.Stockholm).Format("15:04") != "13:30" {
				t.Errorf("next %v, want %v", got, tc.next)
			}
			if tc.around != nil {
				got := p.Around(tc.at, 1, 1)
				if len(got) != 2 || !got[0].Equal(tc.around[0]) || !got[1].Equal(tc.around[1]) {
					t.Errorf("around %v, want %v", got, tc.around)
				}
			}
		})
	}
	if _, ok := p.OnDay(sthlm(2026, 4, 9, 0, 0)); !ok {
		t.Error("no meeting on 9 April")
	}
	if _, ok := p.OnDay(sthlm(2026, 4, 16, 0, 0)); ok {
		t.Error("a meeting on 16 April, four weeks early")
	}
}

// A schedule is refused field by field.
func TestPrepScheduleRefused(t *testing.T) {
	p := casework.PrepSchedule{Weekday: 7, Start: 24 * 60, EveryWeeks: 0}
	var fields []string
	for _, e := range casework.FieldErrorsOf(p.Validate()) {
		fields = append(fields, e.Field)
	}
	if want := "weekday start every_weeks from"; strings.Join(fields, " ") != want {
		t.Errorf("refused %v, want %s", fields, want)
	}
	if m, ok := casework.ParseClock("9:05"); !ok || m != 9*60+5 {
		t.Errorf("9:05 read as %d %v", m, ok)
	}
	if _, ok := casework.ParseClock("25:00"); ok {
		t.Error("25:00 accepted")
	}
}
