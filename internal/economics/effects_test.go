package economics

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// offenceYouth has three violent offences before, one in the six months after closure and two
// at twelve months, the twelve months' date given.
func offenceYouth(f12 string) Youth {
	return Youth{Program: "sig", AgeBand: "15-17", Months: 10, Points: map[string]Recorded{
		AtIntake:   {Offences: map[string]float64{"violence": 3}, MeasuredOn: day("2024-09-01")},
		AtFollow6:  {Offences: map[string]float64{"violence": 1}, MeasuredOn: day("2025-07-01")},
		AtFollow12: {Offences: map[string]float64{"violence": 2, "theft": 1}, MeasuredOn: day(f12)},
	}}
}

func TestOffencesYearCountsTwelveMonthsWhereRecorded(t *testing.T) {
	cases := []struct {
		name     string
		y        Youth
		at       string
		violence float64
		theft    float64
		twelve   bool
	}{
		// 2025-07-01 to 2026-01-01 is 184 days: the windows do not overlap, the year is 1 + 2.
		{"both windows", offenceYouth("2026-01-01"), AtFollow12, 3, 1, true},
		// Exactly 183 days apart still do not overlap.
		{"183 days apart", offenceYouth("2025-12-31"), AtFollow12, 3, 1, true},
		// 182 days apart would count a day twice: six months twice instead.
		{"overlapping windows", offenceYouth("2025-12-30"), AtFollow12, 4, 2, false},
		// At six months only six months exist.
		{"six months", offenceYouth("2026-01-01"), AtFollow6, 2, 0, false},
	}
	for _, c := range cases {
		got, twelve := OffencesYear(c.y, c.at)
		if got["violence"] != c.violence || got["theft"] != c.theft || twelve != c.twelve {
			t.Errorf("%s: %v twelve=%v, want violence %v theft %v twelve=%v", c.name, got, twelve, c.violence, c.theft, c.twelve)
		}
	}
	// Without the six months' count the twelve months' is doubled.
	y := offenceYouth("2026-01-01")
	delete(y.Points, AtFollow6)
	if got, twelve := OffencesYear(y, AtFollow12); got["violence"] != 4 || twelve {
		t.Errorf("without 6 months: %v %v", got, twelve)
	}
	// Without a date the windows cannot be placed: doubled.
	y = offenceYouth("2026-01-01")
	r := y.Points[AtFollow6]
	r.MeasuredOn = time.Time{}
	y.Points[AtFollow6] = r
	if _, twelve := OffencesYear(y, AtFollow12); twelve {
		t.Error("a point without its date must not be added")
	}
}

func TestEffectsAndBenefitUseTheTwelveMonths(t *testing.T) {
	var ys []Youth
	for range 6 {
		ys = append(ys, offenceYouth("2026-01-01"))
	}
	for range 5 {
		ys = append(ys, offenceYouth("2025-12-01")) // overlapping: doubled
	}
	e := measureEffects(ys, Same(AtFollow12))
	if e.Offences.N.Value != 11 || !e.Offences.Whole.Show() || e.Offences.Whole.Value != 6 {
		t.Fatalf("paired %v, counted over twelve months %+v", e.Offences.N.Value, e.Offences.Whole)
	}
	// Before: 3 × 2 each; after: 3 violent (1 + 2) for six, 4 (2 × 2) for the seventh.
	if b, a := e.Offences.Before["violence"].Value, e.Offences.After["violence"].Value; b != 66 || a != 6*3+5*4 {
		t.Errorf("violence a year before %v after %v, want 66 and 38", b, a)
	}
	// The model's change per young person is the same year: 6 − 3 for the six.
	r := pair(ys[0], Same(AtFollow12))
	if got := r.v[compCrime+0]; got != 3 {
		t.Errorf("change in violence %v, want 3", got)
	}
	// Fewer than five counted over twelve months is hidden; so is Whole when the others (the
	// paired minus Whole) are fewer than five. The paired count stays.
	for _, c := range []struct{ whole, rest int }{{3, 4}, {6, 1}} {
		ys = ys[:0]
		for range c.whole {
			ys = append(ys, offenceYouth("2026-01-01"))
		}
		for range c.rest {
			ys = append(ys, offenceYouth("2025-12-01"))
		}
		if e := measureEffects(ys, Same(AtFollow12)); e.Offences.Whole.Show() || !e.Offences.N.Show() {
			t.Errorf("%d of %d counted over twelve months must be hidden: %+v", c.whole, c.whole+c.rest, e.Offences.Whole)
		}
	}
	// All of them counted over twelve months: shown.
	ys = ys[:0]
	for range 5 {
		ys = append(ys, offenceYouth("2026-01-01"))
	}
	if e := measureEffects(ys, Same(AtFollow12)); !e.Offences.Whole.Show() || e.Offences.Whole.Value != 5 {
		t.Errorf("5 of 5: %+v", e.Offences.Whole)
	}
}
