package economics

import (
	"fmt"
	"math"
	"testing"

	"lots/internal/casework"
)

// script is a source of known numbers, so a Monte Carlo can be computed by hand.
type script struct {
	t       *testing.T
	floats  []float64
	indexes []int
}

func (s *script) Float64() float64 {
	if len(s.floats) == 0 {
		s.t.Fatal("the model drew more uniform numbers than the script has")
	}
	v := s.floats[0]
	s.floats = s.floats[1:]
	return v
}

func (s *script) IntN(n int) int {
	if len(s.indexes) == 0 {
		s.t.Fatal("the model drew more indexes than the script has")
	}
	v := s.indexes[0]
	s.indexes = s.indexes[1:]
	if v >= n {
		s.t.Fatalf("index %d of %d", v, n)
	}
	return v
}

// robberyCohort is five young people followed for 12 months each: four had one robbery in the
// six months before intake and none in the six months before the six-month follow-up; the
// fifth had none either time. Nothing else was recorded.
func robberyCohort() []Youth {
	var ys []Youth
	for i := range 5 {
		before := 0.0
		if i < 4 {
			before = 1
		}
		ys = append(ys, Youth{Program: "sig", AgeBand: "16-17", Months: 12, Points: map[string]Recorded{
			AtIntake:  {Offences: map[string]float64{"robbery": before}},
			AtFollow6: {Offences: map[string]float64{"robbery": 0}},
		}})
	}
	return ys
}

// handInput: a robbery costs 100 000 (50 000–200 000); the coordinator's post 600 000 a year
// (no range); one post over a half-year of 30 case-months; half of the change is SIG's, it
// lasts one year, no discounting. Everything in 2023 prices.
func handInput() Input {
	return Input{
		Programme: Programme{Months: 6, Served: 5, CaseMonths: 30},
		Cohort:    robberyCohort(),
		Register: []UnitCost{
			{Code: "crime.robbery", Category: CatCrime, Unit: PerOffence, Amount: 10_000_000, Low: 5_000_000, High: 20_000_000, PriceYear: 2023, Source: "test", Shares: One(Others)},
			{Code: "staff.coordinator", Category: CatStaff, Unit: PerFTEYear, Amount: 60_000_000, Low: 60_000_000, High: 60_000_000, PriceYear: 2023, Source: "test", Shares: One(MunicipalitySocial)},
		},
		Index: NewIndex(nil),
		Assumptions: Assumptions{PriceYear: 2023, CoordinatorFTE: 1, Attribution: Range{0.5, 0.5, 0.5}, Persistence: Range{1, 1, 1},
			Discount: Range{0, 0, 0}, After: AtFollow6, Draws: 2, Seed: 1},
	}
}

func handModel(t *testing.T) *model {
	in := handInput()
	items, err := pricedItems(in.Register, in.Index, 2023)
	if err != nil {
		t.Fatal(err)
	}
	lines := costLines(in.Programme, items, in.Assumptions, nil)
	return newModel(in.Cohort, Same(AtFollow6), items, lines, in.Programme.CaseMonths, in.Assumptions)
}

func TestPointEstimateByHand(t *testing.T) {
	o := handModel(t).point()
	// Robberies a year: 2 × (1 − 0) for four young people, 0 for the fifth: mean 8/5 = 1.6.
	// Benefit = 5 young people × 0.5 × 1.6 × 100 000 × Annuity(1, 0) = 400 000.
	near(t, "benefit", o.benefit, 400_000, 1e-6)
	// Cost: 0.5 FTE-years × 600 000 = 300 000 over 30 case-months = 10 000 a case-month;
	// the cohort's cases ran 5 × 12 = 60 months: 600 000.
	near(t, "cost", o.cost, 600_000, 1e-6)
	near(t, "benefit to others (victims, unallocated)", o.bp[perspectiveIndex(Others)], 400_000, 1e-6)
	near(t, "cost to social services", o.cp[perspectiveIndex(MunicipalitySocial)], 600_000, 1e-6)
}

func TestMonteCarloByHand(t *testing.T) {
	m := handModel(t)
	// Each draw takes one number for the robbery, one for the coordinator, three for attribution,
	// persistence and discount (their ranges are single values), then five bootstrap indexes.
	src := &script{t: t,
		floats:  []float64{0.5, 0.3, 0.7, 0.7, 0.7, 0.9, 0.3, 0.7, 0.7, 0.7, 0.1, 0.3, 0.7, 0.7, 0.7},
		indexes: []int{0, 0, 4, 4, 4, 0, 1, 2, 3, 0, 1, 1, 2, 2, 3},
	}
	d := m.simulate(3, src)
	// The robbery's triangle has its peak at 100 000 over 50 000–200 000: F(peak) = 1/3.
	// Draw 1: u = 0.5 ≥ 1/3 → 200 000 − √(0.5 × 150 000 × 100 000) = 113 397.46.
	// Sample {0, 0, 4, 4, 4}: robberies avoided 2 + 2 + 0 + 0 + 0 = 4, mean 0.8.
	// Benefit 5 × 0.5 × 0.8 × 113 397.46 = 226 794.92; cost 10 000 × 60 = 600 000.
	net1 := 226_794.91924311226 - 600_000
	// Draw 2: u = 0.9 → 200 000 − √(0.1 × 150 000 × 100 000) = 161 270.17.
	// Sample {0, 1, 2, 3, 0}: 2 × 5 = 10, mean 2. Benefit 5 × 0.5 × 2 × 161 270.17 = 806 350.83.
	net2 := 806_350.8326896292 - 600_000
	// Draw 3: u = 0.1 < 1/3 → 50 000 + √(0.1 × 150 000 × 50 000) = 77 386.13.
	// Sample {1, 1, 2, 2, 3}: mean 2. Benefit 5 × 0.5 × 2 × 77 386.13 = 386 930.64.
	net3 := 386_930.6393762915 - 600_000
	near(t, "lowest net", d.Net[0], net1, 1e-6)
	near(t, "middle net", d.Net[1], net3, 1e-6)
	near(t, "highest net", d.Net[2], net2, 1e-6)
	near(t, "mean net", d.MeanNet, (net1+net2+net3)/3, 1e-6)
	near(t, "mean cost", d.MeanCost, 600_000, 1e-6)
	near(t, "chance benefits exceed costs", d.ProbBenefitsExceedCosts, 1.0/3, 1e-12)
	near(t, "median ratio", d.RatioP50, 386_930.6393762915/600_000, 1e-9)
	if len(src.floats) != 0 || len(src.indexes) != 0 {
		t.Errorf("numbers left over: %v %v", src.floats, src.indexes)
	}
}

func TestTriangular(t *testing.T) {
	near(t, "u = 0 is the low end", Triangular(0, 10, 20, 40), 10, 0)
	near(t, "u at the peak's share is the peak", Triangular(1.0/3, 10, 20, 40), 20, 1e-9)
	near(t, "below the peak: low + √(u (high − low)(mode − low))", Triangular(0.1, 10, 20, 40), 10+5.477225575051661, 1e-9)
	near(t, "above the peak: high − √((1 − u)(high − low)(high − mode))", Triangular(0.9, 10, 20, 40), 40-7.745966692414834, 1e-9)
	near(t, "u near 1 is near the high end", Triangular(0.999999, 10, 20, 40), 40, 0.05)
	near(t, "a single value is that value", Triangular(0.3, 5, 5, 5), 5, 0)
}

func TestSameSeedSameResult(t *testing.T) {
	in := largeInput(40)
	a, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Build(in)
	if fmt.Sprint(a.Simulation.Net) != fmt.Sprint(b.Simulation.Net) {
		t.Fatal("the same seed gave two results")
	}
	in.Assumptions.Seed++
	c, _ := Build(in)
	if a.Simulation.MeanNet == c.Simulation.MeanNet {
		t.Fatal("another seed gave the same result")
	}
	// The draws are spread: uncertainty is not zero, and the point estimate lies inside.
	s := a.Simulation
	if !(s.P5 < s.P50 && s.P50 < s.P95) || a.Point.Net < s.Net[0] || a.Point.Net > s.Net[len(s.Net)-1] {
		t.Errorf("distribution %v %v %v, point %v", s.P5, s.P50, s.P95, a.Point.Net)
	}
}

// largeInput is a realistic cohort of n young people and a half-year's programme, over the
// national default register with a coordinator's post added.
func largeInput(n int) Input {
	var ys []Youth
	for i := range n {
		before, after := map[string]float64{}, map[string]float64{}
		before[CrimeCategories[i%10]] = float64(1 + i%4)
		before["violence"] += float64(i % 3)
		after[CrimeCategories[(i+3)%10]] = float64(i % 2)
		place := []string{"none", "none", "none", "hvb", "family_home", "none", "sis", "none"}
		occ := []string{"school", "none", "school", "work", "none"}
		att := float64(30 + i%50)
		att2 := att + 10
		ys = append(ys, Youth{Program: Programs[i%2], AgeBand: AgeBands[i%4], Adult: i%4 == 3, Months: float64(6 + i%12), Points: map[string]Recorded{
			AtIntake:  {Offences: before, Placement: place[i%8], Occupation: occ[i%5], Attendance: &att},
			AtFollow6: {Offences: after, Placement: place[(i+5)%8], Occupation: occ[(i+2)%5], Attendance: &att2},
		}})
	}
	own := []UnitCost{{Code: "staff.coordinator", Category: CatStaff, Unit: PerFTEYear, Amount: 72_000_000, Low: 65_000_000, High: 80_000_000,
		PriceYear: 2023, Source: "test", Shares: One(MunicipalitySocial)}}
	return Input{
		Programme: Programme{Months: 6, Served: n + n/2, CaseMonths: float64(n) * 5,
			MemberHours:        map[StaffGroup]float64{StaffSocial: float64(n) * 6, StaffSchool: float64(n) * 4, StaffState: float64(n) * 3},
			Methods:            []MethodUse{{Method: "ester", Catalogue: true, Plans: n, Youths: n, Starts: n, ByAge: map[string]int{"13-15": n}, ByProgram: map[string]int{"sig": n}}},
			InterventionYouths: n},
		Cohort:      ys,
		Register:    MergeRegister(DefaultRegister(), own),
		Index:       NewIndex(nil),
		Assumptions: Assumptions{PriceYear: 2023, CoordinatorFTE: 2, Attribution: Range{0.25, 0.1, 0.5}, Persistence: Range{2, 1, 5}, Discount: Range{0.035, 0, 0.05}, Draws: 10000, Seed: 7},
	}
}

func TestFewerThanFiveYoungPeopleIsTooFewToSay(t *testing.T) {
	for _, tc := range []struct {
		n      int
		tooFew bool
	}{{0, true}, {4, true}, {5, false}, {12, false}} {
		t.Run(fmt.Sprintf("%d young people", tc.n), func(t *testing.T) {
			in := largeInput(12)
			in.Cohort = in.Cohort[:tc.n]
			r, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			if r.TooFew != tc.tooFew {
				t.Fatalf("TooFew = %v", r.TooFew)
			}
			if tc.tooFew {
				if r.Point != nil || r.Simulation != nil || r.N.Show() || r.CostPerParticipant.Show() {
					t.Fatal("a money result was computed on fewer than five young people")
				}
				return
			}
			if r.Point == nil || r.Simulation == nil || !r.N.Show() {
				t.Fatal("no result on five or more")
			}
		})
	}
}

func TestEffectsAreSuppressed(t *testing.T) {
	in := largeInput(12)
	// Only four of the twelve have a placement recorded at both points.
	for i := range in.Cohort {
		if i >= 4 {
			p := in.Cohort[i].Points[AtFollow6]
			p.Placement = ""
			in.Cohort[i].Points[AtFollow6] = p
		}
	}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	e := r.Effects
	if e.Placement.N.Show() || e.Placement.N.Value != 0 {
		t.Errorf("placement rests on four young people and is shown: %+v", e.Placement.N)
	}
	for _, v := range e.Placement.Values {
		if e.Placement.Before[v].Show() {
			t.Errorf("placement %s before is shown", v)
		}
	}
	if r.Paired[groupPlacement] != 4 {
		t.Fatalf("paired %v", r.Paired)
	}
	if !e.Offences.N.Show() || !e.Offences.TotalBefore.Show() {
		t.Errorf("offences of twelve are hidden")
	}
	// A value that only one young person has is hidden, and so much more that it cannot be
	// computed back from the total.
	shown, hidden := 0, 0
	for _, v := range e.Occupation.Values {
		if e.Occupation.After[v].Show() {
			shown += int(e.Occupation.After[v].Value)
		} else {
			hidden++
		}
	}
	if hidden == 1 {
		t.Error("exactly one occupation hidden: the total minus the others reveals it")
	}
	// Placement is left out of the money as well.
	m := newModel(in.Cohort, Same(AtFollow6), nil, nil, 0, in.Assumptions.WithDefaults())
	if m.groupOK[groupPlacement] || !m.groupOK[groupCrime] {
		t.Errorf("groups %v", m.groupOK)
	}
}

func TestUsageBreakdownIsSuppressed(t *testing.T) {
	in := largeInput(12)
	in.Programme.Methods = []MethodUse{
		{Method: "komet", Catalogue: true, Plans: 9, Youths: 9, ByAge: map[string]int{"13-15": 6, "16-17": 3}, ByProgram: map[string]int{"sig": 8, "sspf": 1}},
		{Method: "fft", Catalogue: true, Plans: 3, Youths: 3, ByAge: map[string]int{"16-17": 3}, ByProgram: map[string]int{"sig": 3}},
	}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]UsageRow{}
	for _, u := range r.Usage {
		by[u.Method] = u
	}
	k := by["komet"]
	if !k.Youths.Show() || k.Youths.Value != 9 {
		t.Errorf("Komet's nine young people hidden: %+v", k.Youths)
	}
	if k.ByAge["16-17"].Show() || k.ByAge["13-15"].Show() {
		t.Error("three of nine are 16–17: both bands must be hidden, or 9 − 6 reveals the three")
	}
	if k.ByProgram["sspf"].Show() || k.ByProgram["sig"].Show() {
		t.Error("one SSPF of nine: SIG must be hidden too")
	}
	if by["fft"].Youths.Show() || by["fft"].Plans.Show() {
		t.Error("FFT's three young people are shown")
	}
}

func TestPriceYearMovesEveryAmount(t *testing.T) {
	in := largeInput(20)
	a, _ := Build(in)
	in.Assumptions.PriceYear = 2015
	b, _ := Build(in)
	f := 313.35 / 403.70
	near(t, "benefit in 2015 prices", b.Point.Benefit, a.Point.Benefit*f, 1e-3)
	near(t, "cost in 2015 prices", b.Point.Cost, a.Point.Cost*f, 1e-3)
	in.Assumptions.PriceYear = 2040
	if _, err := Build(in); err == nil {
		t.Error("a price year without an index gave a report")
	}
	if err := in.Assumptions.Validate(in.Index); err == nil {
		t.Error("a price year without an index validated")
	} else {
		wantField(t, err, "price_year")
	}
}

func TestValidateAssumptions(t *testing.T) {
	ix := NewIndex(nil)
	for _, tc := range []struct {
		name   string
		change func(*Assumptions)
		field  string
	}{
		{"attribution above one", func(a *Assumptions) { a.Attribution.High = 1.2 }, "attribution_high"},
		{"attribution low above the value", func(a *Assumptions) { a.Attribution.Low = 0.3 }, "attribution_low"},
		{"negative persistence", func(a *Assumptions) { a.Persistence.Low = -1 }, "persistence_low"},
		{"discount high below the value", func(a *Assumptions) { a.Discount.High = 0.01 }, "discount_high"},
		{"three decimals of a post", func(a *Assumptions) { a.CoordinatorFTE = 1.255 }, "coordinator_fte"},
		{"too few draws", func(a *Assumptions) { a.Draws = 10 }, "draws"},
		{"an unknown time point", func(a *Assumptions) { a.After = "followup_24" }, "after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := DefaultAssumptions()
			tc.change(&a)
			err := a.Validate(ix)
			wantField(t, err, tc.field)
			if casework.ErrorCode(err) != casework.EInvalid {
				t.Errorf("code %v", casework.ErrorCode(err))
			}
		})
	}
	if err := DefaultAssumptions().Validate(ix); err != nil {
		t.Fatal(err)
	}
}

func TestHistogram(t *testing.T) {
	h := Histogram([]float64{-10, -5, 0, 1, 9, 10}, 4)
	want := []int{1, 1, 2, 2} // [-10,-5) [-5,0) [0,5) [5,10]
	for i, b := range h {
		if b.Count != want[i] {
			t.Fatalf("bins %+v", h)
		}
	}
	if math.Abs(h[3].To-10) > 0 || h[0].Below || h[3].Above {
		t.Fatal("the last bin ends at the maximum")
	}
	// A long tail: 995 values from 0 to 994 and five far out at a million.
	var vs []float64
	for i := range 995 {
		vs = append(vs, float64(i))
	}
	for range 5 {
		vs = append(vs, 1e6)
	}
	h = Histogram(vs, 10)
	if !h[9].Above || !h[0].Below || h[9].To > 1000 || h[9].Count < 5 || h[0].Count < 90 {
		t.Fatalf("the tail squeezes the bins: %+v", h)
	}
	total := 0
	for _, b := range h {
		total += b.Count
	}
	if total != len(vs) {
		t.Fatalf("%d of %d values in the bins", total, len(vs))
	}
}

// The attribution has no source: the report shows the point estimate at both ends of its range.
// The benefit is proportional to the attribution and the cost does not depend on it.
func TestAttributionAtBothEnds(t *testing.T) {
	in := largeInput(40)
	in.Assumptions.Attribution = Range{0.25, 0.10, 0.50}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	p := r.Point
	if p.Benefit <= 0 {
		t.Fatalf("no benefit to scale: %+v", p)
	}
	for _, c := range []struct {
		s   Sensitivity
		att float64
	}{{p.AtLow, 0.10}, {p.AtHigh, 0.50}} {
		near(t, "attribution", c.s.Value, c.att, 0)
		near(t, "benefit", c.s.Benefit, p.Benefit*c.att/0.25, 1e-6)
		near(t, "cost", c.s.Cost, p.Cost, 1e-9)
		near(t, "net", c.s.Net, c.s.Benefit-p.Cost, 1e-6)
		near(t, "ratio", c.s.Ratio, c.s.Benefit/p.Cost, 1e-9)
	}
	// The ends agree with a report computed at that attribution.
	in.Assumptions.Attribution = Range{0.50, 0.10, 0.50}
	hi, _ := Build(in)
	near(t, "net at 50 %", hi.Point.Net, p.AtHigh.Net, 1e-6)
}
