package stats

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"lots/internal/casework"
)

// Period is a calendar half-year, "2026H1" (January–June) or "2026H2" (July–December), in
// Swedish time. The dashboard and the national export use half-years only: periods that never
// overlap cannot be subtracted from each other to reveal a small cell (a year minus its first
// half would be its second half).
type Period struct {
	Year int
	Half int // 1 or 2
}

var periodPattern = regexp.MustCompile(`^([0-9]{4})H([12])$`)

// ParsePeriod reads "2026H1".
func ParsePeriod(s string) (Period, error) {
	m := periodPattern.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("period %q: want YYYYH1 or YYYYH2", s)
	}
	y, _ := strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	if y < 2000 || y > 2100 {
		return Period{}, fmt.Errorf("period %q: year out of range", s)
	}
	return Period{Year: y, Half: h}, nil
}

// PeriodOf returns the half-year t falls in (Swedish time).
func PeriodOf(t time.Time) Period {
	t = t.In(Stockholm)
	h := 1
	if t.Month() > time.June {
		h = 2
	}
	return Period{Year: t.Year(), Half: h}
}

func (p Period) String() string { return fmt.Sprintf("%dH%d", p.Year, p.Half) }

// IsZero reports whether p is unset.
func (p Period) IsZero() bool { return p.Year == 0 }

// Start is the first moment of the period.
func (p Period) Start() time.Time {
	return time.Date(p.Year, time.Month(1+6*(p.Half-1)), 1, 0, 0, 0, 0, Stockholm)
}

// End is the first moment after the period.
func (p Period) End() time.Time { return p.Start().AddDate(0, 6, 0) }

// Next and Prev step a half-year.
func (p Period) Next() Period {
	if p.Half == 1 {
		return Period{p.Year, 2}
	}
	return Period{p.Year + 1, 1}
}

// Prev is the half-year before.
func (p Period) Prev() Period {
	if p.Half == 2 {
		return Period{p.Year, 1}
	}
	return Period{p.Year - 1, 2}
}

// Before reports whether p comes before q.
func (p Period) Before(q Period) bool {
	return p.Year < q.Year || (p.Year == q.Year && p.Half < q.Half)
}

// Months returns the first moment of each of the period's six months.
func (p Period) Months() []time.Time {
	out := make([]time.Time, 6)
	for i := range out {
		out[i] = p.Start().AddDate(0, i, 0)
	}
	return out
}

// Periods lists the half-years from first to last, newest first.
func Periods(first, last Period) []Period {
	var out []Period
	for p := last; !p.Before(first); p = p.Prev() {
		out = append(out, p)
		if len(out) > 60 {
			break
		}
	}
	return out
}

// Stockholm is the time zone periods and months are counted in: Lots' one zone.
var Stockholm = casework.Stockholm
