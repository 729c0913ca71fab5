package economics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"lots/internal/stats"
)

// The model, in formulas (docs/economics.md says the same in words):
//
//	per participant and year, b = Σ_k mean_k × c_k × f_k
//
// where k runs over the monetised changes (offences of each crime category avoided a year,
// placements of each form ended, leaving "no occupation"), mean_k is the change averaged over
// the young people paired in k's group, c_k the unit cost in the price year and f_k what one
// change is in the item's unit (365 days for a placement). Then
//
//	benefit  B = n × attribution × b × Annuity(persistence, discount)
//	cost     C = (Σ_j q_j × c_j / case months of the period) × Σ months of the cohort's cases
//	net benefit = B − C, benefit/cost ratio = B / C
//
// with n the cohort's young people, q_j the programme's quantities of the period (FTE-years,
// hours, intervention units) and c_j their unit costs. The Monte Carlo draws every c, the
// attribution, the persistence and the discount rate from triangular distributions over their
// ranges (peak at the value), and resamples the cohort with replacement (a bootstrap), so the
// result also carries the uncertainty of a small cohort.

// priced is a register item in the price year.
type priced struct {
	code             string
	unit             Unit
	value, low, high float64
	perCourse        float64
	shares           Shares
}

// pricedItems converts the register's priced items to the price year.
func pricedItems(reg []UnitCost, ix Index, year int) (map[string]priced, error) {
	out := map[string]priced{}
	for _, u := range reg {
		if !u.Priced() {
			continue
		}
		v, lo, hi, err := u.In(ix, year)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", u.Code, err)
		}
		pc := u.PerCourse
		if pc == 0 {
			pc = 1
		}
		out[u.Code] = priced{code: u.Code, unit: u.Unit, value: v, low: lo, high: hi, perCourse: pc, shares: u.Shares}
	}
	return out, nil
}

// model is the calculation prepared for drawing.
type model struct {
	n          int
	rows       []row
	groupOK    [nGroups]bool // the group rests on at least MinCell paired young people
	compItem   [compMonths]int
	compFactor [compMonths]float64
	items      []priced
	shares     [][len7]float64 // per item, by perspective (Perspectives' order)
	costs      []costTerm
	caseMonths float64
	a          Assumptions
}

// len7 is the number of perspectives.
const len7 = 7

type costTerm struct {
	item     int
	quantity float64
}

func newModel(cohort []Youth, after Afters, items map[string]priced, lines []CostLine, caseMonths float64, a Assumptions) *model {
	m := &model{n: len(cohort), caseMonths: caseMonths, a: a}
	for _, y := range cohort {
		m.rows = append(m.rows, pair(y, after))
	}
	g := paired(cohort, after)
	for i := range nGroups {
		m.groupOK[i] = g[i] >= stats.MinCell
	}
	index := map[string]int{}
	use := func(code string) int {
		if i, ok := index[code]; ok {
			return i
		}
		it, ok := items[code]
		if !ok {
			return -1
		}
		index[code] = len(m.items)
		m.items = append(m.items, it)
		var sh [len7]float64
		for pi, p := range Perspectives {
			sh[pi] = it.shares[p]
		}
		m.shares = append(m.shares, sh)
		return index[code]
	}
	for k, ci := range componentItems() {
		m.compItem[k], m.compFactor[k] = use(ci.code), ci.factor
	}
	for _, l := range lines {
		if l.Priced && l.Quantity > 0 {
			m.costs = append(m.costs, costTerm{item: use(l.Code), quantity: l.Quantity})
		}
	}
	return m
}

// outcome is one evaluation of the model.
type outcome struct {
	benefit, cost float64
	bp, cp        [len7]float64 // by perspective
}

// evaluate computes the outcome for drawn unit costs, attribution, persistence and discount,
// over the component sums and paired counts of a sample of the cohort.
func (m *model) evaluate(vals []float64, att, per, disc float64, sum *[nComp]float64, cnt *[nGroups]int) outcome {
	var o outcome
	ann := Annuity(per, disc)
	scale := float64(m.n) * att * ann
	for k := range compMonths {
		g, it := groupOf(k), m.compItem[k]
		if it < 0 || !m.groupOK[g] || cnt[g] == 0 {
			continue
		}
		v := sum[k] / float64(cnt[g]) * vals[it] * m.compFactor[k] * scale
		o.benefit += v
		for p := range len7 {
			o.bp[p] += v * m.shares[it][p]
		}
	}
	if m.caseMonths > 0 {
		months := sum[compMonths] / m.caseMonths
		for _, c := range m.costs {
			v := c.quantity * vals[c.item] * months
			o.cost += v
			for p := range len7 {
				o.cp[p] += v * m.shares[c.item][p]
			}
		}
	}
	return o
}

// point is the point estimate: every input at its value, the whole cohort.
func (m *model) point() outcome {
	vals := make([]float64, len(m.items))
	for i, it := range m.items {
		vals[i] = it.value
	}
	var sum [nComp]float64
	var cnt [nGroups]int
	for _, r := range m.rows {
		m.add(&sum, &cnt, r)
	}
	return m.evaluate(vals, m.a.Attribution.Value, m.a.Persistence.Value, m.a.Discount.Value, &sum, &cnt)
}

func (m *model) add(sum *[nComp]float64, cnt *[nGroups]int, r row) {
	for k := range nComp {
		sum[k] += r.v[k]
	}
	for g := range nGroups {
		if r.known[g] {
			cnt[g]++
		}
	}
}

// source is the randomness the Monte Carlo uses: math/rand/v2's *rand.Rand, or in a test a
// script of known numbers.
type source interface {
	Float64() float64
	IntN(n int) int
}

// Triangular draws from the triangular distribution over [low, high] with its peak at mode,
// by the inverse of its distribution function at u (uniform on [0, 1)).
func Triangular(u, low, mode, high float64) float64 {
	if high <= low {
		return mode
	}
	fc := (mode - low) / (high - low)
	if u < fc {
		return low + math.Sqrt(u*(high-low)*(mode-low))
	}
	return high - math.Sqrt((1-u)*(high-low)*(high-mode))
}

// Distribution is the Monte Carlo's result.
type Distribution struct {
	Draws int
	Seed  uint64
	// Net is every draw's net benefit, sorted.
	Net                                 []float64
	MeanBenefit, MeanCost, MeanNet      float64
	P5, P50, P95                        float64 // of the net benefit
	RatioP5, RatioP50, RatioP95         float64 // of the benefit/cost ratio (NaN without cost)
	ProbBenefitsExceedCosts             float64
	PerspectiveBenefit, PerspectiveCost [len7]float64 // means, by perspective
}

// simulate runs draws draws with src. The order of the random numbers in each draw is fixed:
// one per drawn item (in the model's order), then the attribution, the persistence and the
// discount rate, then n indexes of the bootstrap sample.
func (m *model) simulate(draws int, src source) *Distribution {
	d := &Distribution{Draws: draws, Net: make([]float64, draws)}
	ratios := make([]float64, 0, draws)
	vals := make([]float64, len(m.items))
	wins := 0
	for i := range draws {
		for j, it := range m.items {
			vals[j] = Triangular(src.Float64(), it.low, it.value, it.high)
		}
		a := m.a
		att := Triangular(src.Float64(), a.Attribution.Low, a.Attribution.Value, a.Attribution.High)
		per := Triangular(src.Float64(), a.Persistence.Low, a.Persistence.Value, a.Persistence.High)
		disc := Triangular(src.Float64(), a.Discount.Low, a.Discount.Value, a.Discount.High)
		var sum [nComp]float64
		var cnt [nGroups]int
		for range m.n {
			m.add(&sum, &cnt, m.rows[src.IntN(m.n)])
		}
		o := m.evaluate(vals, att, per, disc, &sum, &cnt)
		d.Net[i] = o.benefit - o.cost
		d.MeanBenefit += o.benefit
		d.MeanCost += o.cost
		for p := range len7 {
			d.PerspectiveBenefit[p] += o.bp[p]
			d.PerspectiveCost[p] += o.cp[p]
		}
		if o.benefit > o.cost {
			wins++
		}
		if o.cost > 0 {
			ratios = append(ratios, o.benefit/o.cost)
		}
	}
	if draws == 0 {
		return d
	}
	f := float64(draws)
	d.MeanBenefit /= f
	d.MeanCost /= f
	d.MeanNet = d.MeanBenefit - d.MeanCost
	for p := range len7 {
		d.PerspectiveBenefit[p] /= f
		d.PerspectiveCost[p] /= f
	}
	d.ProbBenefitsExceedCosts = float64(wins) / f
	sort.Float64s(d.Net)
	d.P5, d.P50, d.P95 = Quantile(d.Net, .05), Quantile(d.Net, .5), Quantile(d.Net, .95)
	d.RatioP5, d.RatioP50, d.RatioP95 = math.NaN(), math.NaN(), math.NaN()
	if len(ratios) > 0 {
		sort.Float64s(ratios)
		d.RatioP5, d.RatioP50, d.RatioP95 = Quantile(ratios, .05), Quantile(ratios, .5), Quantile(ratios, .95)
	}
	return d
}

// newSource is the Monte Carlo's generator for a seed: PCG, so a seed gives the same numbers
// on every machine and Go version that keeps math/rand/v2's PCG.
func newSource(seed uint64) source { return rand.New(rand.NewPCG(seed, 0x4c6f7473)) } // "Lots"

// Quantile of sorted values, interpolating linearly between order statistics (R's type 7, as
// package stats does).
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// Bin is one bar of a histogram: draws with From ≤ net < To (the last bin includes To). Below
// and Above mark end bins that also hold the draws beyond them.
type Bin struct {
	From, To     float64
	Count        int
	Below, Above bool
}

// Histogram divides the sorted values into bins of equal width. With many values the bins span
// the middle 98 % (the 1st to the 99th percentile) and the end bins take the rest, so a long
// tail does not squeeze the rest into one bar.
func Histogram(sorted []float64, bins int) []Bin {
	if len(sorted) == 0 || bins < 1 {
		return nil
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	if len(sorted) >= 200 {
		if a, b := Quantile(sorted, .01), Quantile(sorted, .99); b > a {
			lo, hi = a, b
		}
	}
	if hi == lo {
		return []Bin{{From: lo, To: hi, Count: len(sorted)}}
	}
	w := (hi - lo) / float64(bins)
	out := make([]Bin, bins)
	for i := range out {
		out[i].From, out[i].To = lo+float64(i)*w, lo+float64(i+1)*w
	}
	out[bins-1].To = hi
	for _, v := range sorted {
		i := min(max(int((v-lo)/w), 0), bins-1)
		out[i].Count++
		out[0].Below = out[0].Below || v < lo
		out[bins-1].Above = out[bins-1].Above || v > hi
	}
	return out
}

// perspectiveIndex is the position of p in Perspectives.
func perspectiveIndex(p Perspective) int { return slices.Index(Perspectives, p) }
