package economics

import (
	"time"

	"lots/internal/stats"
)

// Effects come from the follow-up manual's paired values (docs/uppfoljning.md): the same young
// person's value at intake and at one later time point. The cohort is the period's young people
// whose SIG or SSPF had started and whose case closed in the period — the dashboard's cohort —
// and every figure here rests on the young people with a value at both points.

// Recorded is what was recorded about one young person at one time point. A value not recorded,
// or recorded as not known, is absent.
type Recorded struct {
	// Offences are the suspected offences of the six months before the date, by the manual's
	// crime category; nil when not recorded.
	Offences map[string]float64
	// Placement is "none", "family_home", "hvb" or "sis"; "" when not recorded.
	Placement string
	// Days are the days placed in the year up to the point, from Lots' placements (placed_days.go).
	Days PlacedDays
	// Occupation is "school", "work", "internship" or "none"; "" when not recorded.
	Occupation string
	// Attendance is school attendance in percent; nil when not recorded.
	Attendance *float64
	// MeasuredOn is the date the values describe (the six months are counted back from it);
	// zero when not known.
	MeasuredOn time.Time
}

// windowDays is the length of the window the offences are counted in: 183 days before the date
// (docs/uppfoljning.md, police_suspect).
const windowDays = 183

// OffencesYear are a young person's offences a year at a later time point, and whether they
// were counted over twelve months. At 12 months after closure, when the offences at 6 months
// were recorded too and the two windows of 183 days do not overlap (the dates at least 183 days
// apart), the year is the two counts added: the twelve months after the work as recorded.
// Otherwise — and always before the work, where Lots records only the six months before intake
// — it is the six months' count twice. nil when not recorded.
func OffencesYear(y Youth, at string) (map[string]float64, bool) {
	b := y.Points[at].Offences
	if b == nil {
		return nil, false
	}
	out := make(map[string]float64, len(CrimeCategories))
	if at == AtFollow12 {
		f6, f12 := y.Points[AtFollow6], y.Points[AtFollow12]
		if f6.Offences != nil && !f6.MeasuredOn.IsZero() && !f12.MeasuredOn.IsZero() &&
			f12.MeasuredOn.Sub(f6.MeasuredOn) >= windowDays*24*time.Hour {
			for _, c := range CrimeCategories {
				out[c] = f6.Offences[c] + f12.Offences[c]
			}
			return out, true
		}
	}
	for _, c := range CrimeCategories {
		out[c] = 2 * b[c]
	}
	return out, false
}

// Youth is one young person of the cohort, without anything that identifies them: the form of
// work, the age band, whether 18 or older, the months from the decision to start to closure, and
// the values recorded at each time point.
type Youth struct {
	Program string // "sig" or "sspf"
	AgeBand string
	Adult   bool
	Months  float64
	Points  map[string]Recorded
}

// Monetised components of a young person's change, per year: the offences of each crime
// category avoided, the placements of each form ended, and whether the young person left "no
// occupation". compMonths carries the case's months for the cost.
const (
	compCrime      = 0
	compPlacement  = compCrime + 10
	compOccupation = compPlacement + 3
	compMonths     = compOccupation + 1
	nComp          = compMonths + 1
)

// Groups of components: each rests on its own paired young people. Attendance is paired too,
// but not valued in kronor.
const (
	groupCrime = iota
	groupPlacement
	groupOccupation
	nGroups
	groupAttendance = nGroups
)

// Afters are the later time points each measure is read at: offences, placement, occupation and
// attendance.
type Afters [nGroups + 1]string

// Same reads every measure at one time point.
func Same(at string) Afters { return Afters{at, at, at, at} }

func groupOf(k int) int {
	switch {
	case k < compPlacement:
		return groupCrime
	case k < compOccupation:
		return groupPlacement
	}
	return groupOccupation
}

// componentItems names each priced component's register item and what one unit of the
// component is worth in the item's unit (an offence is one offence; a placement ended is 365
// days; leaving no occupation is a year).
func componentItems() [compMonths]struct {
	code   string
	factor float64
} {
	var out [compMonths]struct {
		code   string
		factor float64
	}
	for i, c := range CrimeCategories {
		out[compCrime+i].code, out[compCrime+i].factor = "crime."+c, 1
	}
	for i, f := range PlacementForms {
		out[compPlacement+i].code, out[compPlacement+i].factor = "placement."+f, 365
	}
	out[compOccupation].code, out[compOccupation].factor = "employment.exclusion_year", 1
	return out
}

// row is one young person's changes and which groups are paired.
type row struct {
	v     [nComp]float64
	known [nGroups]bool
}

// pair makes the young person's row, each measure at its later time point.
func pair(y Youth, after Afters) row {
	var r row
	r.v[compMonths] = y.Months
	a := y.Points[AtIntake]
	if b, _ := OffencesYear(y, after[groupCrime]); a.Offences != nil && b != nil {
		r.known[groupCrime] = true
		for i, c := range CrimeCategories {
			// A year's offences before (the six months before intake twice) and after.
			r.v[compCrime+i] = 2*a.Offences[c] - b[c]
		}
	}
	if v, ok := placedChange(a, y.Points[after[groupPlacement]]); ok {
		r.known[groupPlacement] = true
		copy(r.v[compPlacement:], v)
	} else if b := y.Points[after[groupPlacement]]; a.Placement != "" && b.Placement != "" {
		r.known[groupPlacement] = true
		for i, f := range PlacementForms {
			r.v[compPlacement+i] = indicator(a.Placement == f) - indicator(b.Placement == f)
		}
	}
	if b := y.Points[after[groupOccupation]]; a.Occupation != "" && b.Occupation != "" {
		r.known[groupOccupation] = true
		r.v[compOccupation] = indicator(a.Occupation == "none") - indicator(b.Occupation == "none")
	}
	return r
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// paired counts the young people with a pair in each measure (the monetised groups, then
// attendance).
func paired(ys []Youth, after Afters) (n [nGroups + 1]int) {
	for _, y := range ys {
		r := pair(y, after)
		for g := range nGroups {
			if r.known[g] {
				n[g]++
			}
		}
		if y.Points[AtIntake].Attendance != nil && y.Points[after[groupAttendance]].Attendance != nil {
			n[groupAttendance]++
		}
	}
	return n
}

// ChooseAfters are the time points the follow-up is read at: the one asked for for every
// measure, or else for each measure the latest at which at least MinCell young people have a
// pair — failing that, the one with the most (the figures are then hidden). Each measure's pair
// is one the dashboard publishes too.
func ChooseAfters(ys []Youth, asked string) Afters {
	if asked != "" {
		return Same(asked)
	}
	out := Same(AtClosure)
	var best [nGroups + 1]int
	for i := len(AfterPoints) - 1; i >= 0; i-- { // closure first, so later points win ties
		at := AfterPoints[i]
		n := paired(ys, Same(at))
		for g := range out {
			if n[g] >= best[g] || n[g] >= stats.MinCell {
				out[g], best[g] = at, n[g]
			}
		}
	}
	return out
}

// Effects are the cohort's changes as the report shows them, every figure suppressed.
type Effects struct {
	// Offences: young people paired (N), offences a year before and after by crime category
	// and in all (before: six months' count twice; after: see OffencesYear). Whole are the
	// young people whose year after was counted over twelve months rather than six twice.
	Offences struct {
		At            string
		N             *stats.Cell
		Whole         *stats.Cell
		Before, After map[string]*stats.Cell
		TotalBefore   *stats.Cell
		TotalAfter    *stats.Cell
	}
	// Placement: young people paired, placed by form before and after, days placed a year
	// (estimated: placed on the date × 365) and placements avoided (net).
	Placement ChoiceEffect
	// Occupation: young people by occupation before and after; Adult: of those 18 or older,
	// in work or study (school, work, internship) before and after.
	Occupation ChoiceEffect
	Adult      ChoiceEffect
	// Attendance: mean school attendance before and after, in percent.
	Attendance struct {
		At               string
		N, Before, After *stats.Cell
	}
}

// ChoiceEffect counts young people by value before and after.
type ChoiceEffect struct {
	At            string // the later time point
	Values        []string
	N             *stats.Cell
	Before, After map[string]*stats.Cell

	// PlacedBefore and PlacedAfter are the young people placed in any form (nil for other
	// choices); read them with Placed.
	PlacedBefore, PlacedAfter *stats.Cell
}

// Placed are the young people placed in any form before and after (nil for other choices).
// Placements avoided, net, are placed before minus placed after; days placed a year are
// estimated as the young people placed on the date, each counted a whole year.
func (c ChoiceEffect) Placed() (before, after *stats.Cell) { return c.PlacedBefore, c.PlacedAfter }

// measureEffects counts the cohort's pairs and suppresses them.
func measureEffects(ys []Youth, after Afters) Effects {
	var e Effects
	e.Offences.At, e.Attendance.At = after[groupCrime], after[groupAttendance]
	var cells []*stats.Cell
	var groups []stats.Group
	add := func(c *stats.Cell) *stats.Cell { cells = append(cells, c); return c }

	// Offences: sums over the paired young people.
	n, whole := 0, 0
	before, afterSum := map[string]float64{}, map[string]float64{}
	for _, y := range ys {
		a := y.Points[AtIntake].Offences
		b, twelve := OffencesYear(y, after[groupCrime])
		if a == nil || b == nil {
			continue
		}
		n++
		if twelve {
			whole++
		}
		for _, c := range CrimeCategories {
			before[c] += 2 * a[c]
			afterSum[c] += b[c]
		}
	}
	e.Offences.N = add(stats.Count(n))
	e.Offences.Whole = add(stats.Count(whole))
	e.Offences.Before, e.Offences.After = map[string]*stats.Cell{}, map[string]*stats.Cell{}
	tb, ta := 0.0, 0.0
	for _, c := range CrimeCategories {
		e.Offences.Before[c] = add(stats.Derived(stats.KindSum, before[c], n, e.Offences.N))
		e.Offences.After[c] = add(stats.Derived(stats.KindSum, afterSum[c], n, e.Offences.N))
		tb, ta = tb+before[c], ta+afterSum[c]
	}
	e.Offences.TotalBefore = add(stats.Derived(stats.KindSum, tb, n, e.Offences.N))
	e.Offences.TotalAfter = add(stats.Derived(stats.KindSum, ta, n, e.Offences.N))

	choice := func(at string, values []string, get func(Recorded) string, keep func(Youth) bool) ChoiceEffect {
		ce := ChoiceEffect{At: at, Values: values, Before: map[string]*stats.Cell{}, After: map[string]*stats.Cell{}}
		cb, ca := map[string]int{}, map[string]int{}
		n := 0
		for _, y := range ys {
			if !keep(y) {
				continue
			}
			a, b := get(y.Points[AtIntake]), get(y.Points[at])
			if a == "" || b == "" {
				continue
			}
			n++
			cb[a]++
			ca[b]++
		}
		ce.N = add(stats.Count(n))
		gb, ga := stats.Group{Total: ce.N}, stats.Group{Total: ce.N}
		for _, v := range values {
			ce.Before[v], ce.After[v] = add(stats.Count(cb[v])), add(stats.Count(ca[v]))
			gb.Parts, ga.Parts = append(gb.Parts, ce.Before[v]), append(ga.Parts, ce.After[v])
		}
		groups = append(groups, gb, ga)
		return ce
	}
	all := func(Youth) bool { return true }
	e.Placement = choice(after[groupPlacement], append([]string{"none"}, PlacementForms...), func(r Recorded) string { return r.Placement }, all)
	// Placed in any form: N minus "none", protected together with "none" against N.
	for _, side := range []struct {
		m   map[string]*stats.Cell
		out **stats.Cell
	}{{e.Placement.Before, &e.Placement.PlacedBefore}, {e.Placement.After, &e.Placement.PlacedAfter}} {
		n := int(e.Placement.N.Value) - int(side.m["none"].Value)
		*side.out = add(stats.Count(n))
		groups = append(groups, stats.Group{Total: e.Placement.N, Parts: []*stats.Cell{side.m["none"], *side.out}})
	}
	e.Occupation = choice(after[groupOccupation], []string{"school", "work", "internship", "none"}, func(r Recorded) string { return r.Occupation }, all)
	e.Adult = choice(after[groupOccupation], []string{"occupied", "none"}, func(r Recorded) string {
		switch r.Occupation {
		case "":
			return ""
		case "none":
			return "none"
		}
		return "occupied"
	}, func(y Youth) bool { return y.Adult })

	// Attendance: means over the paired.
	na, sb, sa := 0, 0.0, 0.0
	for _, y := range ys {
		a, b := y.Points[AtIntake].Attendance, y.Points[after[groupAttendance]].Attendance
		if a == nil || b == nil {
			continue
		}
		na++
		sb += *a
		sa += *b
	}
	e.Attendance.N = add(stats.Count(na))
	mb, ma := 0.0, 0.0
	if na > 0 {
		mb, ma = sb/float64(na), sa/float64(na)
	}
	e.Attendance.Before = add(stats.Derived(stats.KindMean, mb, na, e.Attendance.N))
	e.Attendance.After = add(stats.Derived(stats.KindMean, ma, na, e.Attendance.N))

	stats.Suppress(cells, groups)
	// Those counted six months twice are the paired minus Whole: never shown, so Whole is
	// hidden too when they are between one and four (the paired count stays, it is the
	// measure's).
	if rest := n - whole; rest > 0 && rest < stats.MinCell && !e.Offences.Whole.Suppressed {
		e.Offences.Whole.Suppressed = true
	}
	forget(cells)
	return e
}

// forget zeroes hidden values, so nothing hidden can leave the package by mistake.
func forget(cells []*stats.Cell) {
	for _, c := range cells {
		if c.Suppressed {
			c.Value, c.N = 0, 0
		}
	}
}
