package economics

import (
	"math"

	"lots/internal/stats"
)

// Input is what a report is computed from: what the store measured, the register, the index
// and the assumptions.
type Input struct {
	Programme   Programme
	Cohort      []Youth
	Register    []UnitCost // MergeRegister's result: defaults with the municipality's items laid over
	Index       Index
	Assumptions Assumptions
}

// Report is the steering group's report of one period: what the work cost, its effects, what
// they may be worth and how sure that is. Every figure resting on fewer than MinCell young people
// is withheld; a money result on too few young people is not computed at all.
type Report struct {
	Assumptions Assumptions // as used
	PriceYear   int
	// Afters are the time points each measure was read at (the one asked for, or each
	// measure's latest with enough young people).
	Afters Afters

	// N is the cohort: young people whose SIG or SSPF had started and whose case closed in the
	// period. TooFew is true when they are fewer than MinCell: no money result then.
	N      *stats.Cell
	TooFew bool
	// NoEffects is true when no monetised change rests on MinCell paired young people: there is
	// no benefit to weigh against the cost.
	NoEffects bool
	// Paired are the young people paired in offences, placement, occupation and attendance.
	Paired     [nGroups + 1]int
	MeanMonths float64 // the cohort's months from the decision to start to closure

	// The programme's cost in the period.
	Costs              []CostLine
	CostTotal          *stats.Cell // rests on the young people served
	CostPerServed      *stats.Cell
	CostPerCaseMonth   *stats.Cell
	InterventionTotal  *stats.Cell
	Served             *stats.Cell
	CaseMonths         float64
	CostPerParticipant *stats.Cell // cost a case-month × the cohort's mean months

	Usage   []UsageRow
	Effects Effects

	// Point is the point estimate (every input at its value); Simulation the Monte Carlo. Both
	// nil when TooFew or NoEffects.
	Point      *Estimate
	Simulation *Distribution

	BreakEven []BreakEven
	// Used are the register items the calculation used, in the price year.
	Used []UsedItem
}

// Estimate is the point estimate for the cohort.
type Estimate struct {
	Benefit, Cost, Net float64 // the cohort's
	Ratio              float64 // benefit/cost; NaN without cost
	// Per participant (the cohort's young people).
	BenefitPer, CostPer, NetPer float64
	Perspectives                []PerspectiveResult
	// AtLow and AtHigh are the point estimate with the attribution at the low and the high end
	// of its range, everything else at its value: the attribution has no source, so the report
	// shows what the result is at both ends.
	AtLow, AtHigh Sensitivity
}

// Sensitivity is the point estimate with one assumption set to another value.
type Sensitivity struct {
	Value              float64 // the assumption's value
	Benefit, Cost, Net float64
	Ratio              float64 // NaN without cost
}

// PerspectiveResult is who pays and who gains: the point estimate's benefit, cost and net for
// one perspective, and the Monte Carlo's mean net.
type PerspectiveResult struct {
	Perspective        Perspective
	Benefit, Cost, Net float64
	MeanNet            float64
	HasSimulation      bool
}

// BreakEven says how much of something the period's programme cost equals: young people kept
// out of a placement for a year, out of a gang career of 15 years, away from early school
// failure — what would have to happen for the work to pay for itself, not a claim that it did.
type BreakEven struct {
	Code  string  // the reference item
	Value float64 // its worth in the price year (a career discounted)
	Count float64 // the programme cost divided by it
}

// UsedItem is a register item as the calculation used it.
type UsedItem struct {
	Item             UnitCost
	Value, Low, High float64 // in the price year
}

// Build computes the report. It fails only when the price year or an item's price year has no
// index, which validation prevents.
func Build(in Input) (*Report, error) {
	a := in.Assumptions.WithDefaults()
	items, err := pricedItems(in.Register, in.Index, a.PriceYear)
	if err != nil {
		return nil, err
	}
	after := ChooseAfters(in.Cohort, a.After)
	r := &Report{Assumptions: a, PriceYear: a.PriceYear, Afters: after, CaseMonths: in.Programme.CaseMonths}
	var cells []*stats.Cell
	var groups []stats.Group
	add := func(c *stats.Cell) *stats.Cell { cells = append(cells, c); return c }

	// The cohort.
	n := len(in.Cohort)
	r.N = add(stats.Count(n))
	r.TooFew = n < stats.MinCell
	months := 0.0
	for _, y := range in.Cohort {
		months += y.Months
	}
	if n > 0 {
		r.MeanMonths = months / float64(n)
	}
	g := paired(in.Cohort, after)
	r.Paired = g
	r.NoEffects = true
	for _, x := range g[:nGroups] {
		if x >= stats.MinCell {
			r.NoEffects = false
		}
	}
	r.Effects = measureEffects(in.Cohort, after)

	// The programme's cost.
	var own []UnitCost
	for _, u := range in.Register {
		if u.Category == CatOther {
			own = append(own, u)
		}
	}
	r.Costs = costLines(in.Programme, items, a, own)
	r.Served = add(stats.Count(in.Programme.Served))
	total, interventions := 0.0, 0.0
	ig := stats.Group{}
	for i := range r.Costs {
		l := &r.Costs[i]
		total += l.Amount
		if l.Kind == CostIntervention {
			interventions += l.Amount
			l.Cell = add(stats.Derived(stats.KindSum, l.Amount, l.Youths))
			ig.Parts = append(ig.Parts, l.Cell)
		} else {
			l.Cell = add(stats.Derived(stats.KindSum, l.Amount, in.Programme.Served, r.Served))
		}
	}
	r.InterventionTotal = add(stats.Derived(stats.KindSum, interventions, in.Programme.InterventionYouths))
	ig.Total = r.InterventionTotal
	groups = append(groups, ig)
	r.CostTotal = add(stats.Derived(stats.KindSum, total, in.Programme.Served, r.Served))
	perServed, perMonth := 0.0, 0.0
	if in.Programme.Served > 0 {
		perServed = total / float64(in.Programme.Served)
	}
	if in.Programme.CaseMonths > 0 {
		perMonth = total / in.Programme.CaseMonths
	}
	r.CostPerServed = add(stats.Derived(stats.KindMean, perServed, in.Programme.Served, r.Served))
	r.CostPerCaseMonth = add(stats.Derived(stats.KindMean, perMonth, in.Programme.Served, r.Served))
	r.CostPerParticipant = add(stats.Derived(stats.KindMean, perMonth*r.MeanMonths, n, r.N, r.CostPerCaseMonth))
	r.Usage = usageRows(in.Programme, add, func(g stats.Group) { groups = append(groups, g) })

	stats.Suppress(cells, groups)
	forget(cells)

	// The register items used, in the price year.
	seen := map[string]bool{}
	use := func(code string) {
		if seen[code] {
			return
		}
		seen[code] = true
		it, ok := items[code]
		if !ok {
			return
		}
		for _, u := range in.Register {
			if u.Code == code {
				r.Used = append(r.Used, UsedItem{Item: u, Value: it.value, Low: it.low, High: it.high})
			}
		}
	}
	for _, c := range componentItems() {
		use(c.code)
	}
	for _, l := range r.Costs {
		use(l.Code)
	}

	// Break-even: what the period's programme cost equals.
	if r.CostTotal.Show() && total > 0 {
		for _, be := range []struct {
			code  string
			years float64
		}{{"reference.placement_year", 1}, {"reference.gang_member_year", 15}, {"reference.school_failure", 0}} {
			it, ok := items[be.code]
			if !ok {
				continue
			}
			v := it.value
			if be.years > 0 {
				v = CareerCost(it.value, 1, be.years, a.Discount.Value)
			}
			use(be.code)
			r.BreakEven = append(r.BreakEven, BreakEven{Code: be.code, Value: v, Count: BreakEvenCount(total, v)})
		}
	}

	if r.TooFew || r.NoEffects {
		return r, nil
	}
	m := newModel(in.Cohort, after, items, r.Costs, in.Programme.CaseMonths, a)
	p := m.point()
	e := &Estimate{Benefit: p.benefit, Cost: p.cost, Net: p.benefit - p.cost, Ratio: ratio(p.benefit, p.cost)}
	e.BenefitPer, e.CostPer, e.NetPer = e.Benefit/float64(n), e.Cost/float64(n), e.Net/float64(n)
	at := func(att float64) Sensitivity {
		mm := *m
		mm.a.Attribution.Value = att
		q := mm.point()
		return Sensitivity{Value: att, Benefit: q.benefit, Cost: q.cost, Net: q.benefit - q.cost, Ratio: ratio(q.benefit, q.cost)}
	}
	e.AtLow, e.AtHigh = at(a.Attribution.Low), at(a.Attribution.High)
	d := m.simulate(a.Draws, newSource(a.Seed))
	d.Seed = a.Seed
	for i, pp := range Perspectives {
		e.Perspectives = append(e.Perspectives, PerspectiveResult{Perspective: pp, Benefit: p.bp[i], Cost: p.cp[i], Net: p.bp[i] - p.cp[i],
			MeanNet: d.PerspectiveBenefit[i] - d.PerspectiveCost[i], HasSimulation: true})
	}
	r.Point, r.Simulation = e, d
	return r, nil
}

func ratio(b, c float64) float64 {
	if c <= 0 {
		return math.NaN()
	}
	return b / c
}

// CareerCost is what a cost of perYear a person costs for persons people over years years,
// discounted at rate (0: not discounted).
func CareerCost(perYear float64, persons int, years, rate float64) float64 {
	return perYear * float64(persons) * Annuity(years, rate)
}

// BreakEvenCount is how many successes worth benefit each a cost equals: the cost divided by the
// benefit (a share when below one: 250 000 for a return of 15 000 000 is 1/60, one success in
// sixty pays for all).
func BreakEvenCount(cost, benefit float64) float64 {
	if benefit <= 0 {
		return math.NaN()
	}
	return cost / benefit
}

// AvoidedPerPlacement is what a young person not placed saves a year when the alternative costs
// programme a year: Växjö's placement a year minus its SIG a year.
func AvoidedPerPlacement(placementYear, programmeYear float64) float64 {
	return placementYear - programmeYear
}
