package economics

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// A published half-year's report is frozen: computed once when the half-year's release (or a
// later part of it, the follow-ups six and twelve months after) falls due, stored with the
// release, and shown from there, so a value recorded late does not change a report already
// published (docs/economics.md, section 14). MarshalFrozen and UnmarshalFrozen write and read
// it. The report is the suppressed aggregates only; hidden values are zero already.

// frozenReport is the stored form: JSON has no NaN, so the ratios that are "not a number"
// (no cost) are written as zero and named in NaN.
type frozenReport struct {
	Version int      `json:"version"`
	Report  *Report  `json:"report"`
	NaN     []string `json:"nan,omitempty"`
}

// frozenVersion is the stored form's version.
const frozenVersion = 1

// nanFields are the report's numbers that may be NaN, by name.
func nanFields(r *Report) map[string]*float64 {
	out := map[string]*float64{}
	if e := r.Point; e != nil {
		out["point.ratio"], out["point.at_low.ratio"], out["point.at_high.ratio"] = &e.Ratio, &e.AtLow.Ratio, &e.AtHigh.Ratio
	}
	if d := r.Simulation; d != nil {
		out["simulation.ratio_p5"], out["simulation.ratio_p50"], out["simulation.ratio_p95"] = &d.RatioP5, &d.RatioP50, &d.RatioP95
	}
	for i := range r.BreakEven {
		out[fmt.Sprintf("break_even.%d.count", i)] = &r.BreakEven[i].Count
	}
	return out
}

// MarshalFrozen writes a report to be stored. The report is not changed.
func MarshalFrozen(r *Report) ([]byte, error) {
	fields := nanFields(r)
	var names []string
	for name, f := range fields {
		if math.IsNaN(*f) {
			names = append(names, name)
			*f = 0
		}
	}
	defer func() {
		for _, name := range names {
			*fields[name] = math.NaN()
		}
	}()
	slices.Sort(names)
	return json.Marshal(frozenReport{Version: frozenVersion, Report: r, NaN: names})
}

// UnmarshalFrozen reads a stored report.
func UnmarshalFrozen(b []byte) (*Report, error) {
	var f frozenReport
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("frozen report: %w", err)
	}
	if f.Version != frozenVersion || f.Report == nil {
		return nil, fmt.Errorf("frozen report: version %d", f.Version)
	}
	fields := nanFields(f.Report)
	for _, name := range f.NaN {
		if p, ok := fields[name]; ok {
			*p = math.NaN()
		}
	}
	return f.Report, nil
}

// Difference is one figure of a published report beside the same figure computed again now.
type Difference struct {
	Key            string  // what the figure is (economics2.diff.<key>)
	Kind           string  // "count" (young people), "money" (kronor), "ratio", "share"
	Published, Now float64 // valid when shown
	PublishedShown bool
	NowShown       bool
}

// Delta is now minus published; ok false when either is hidden.
func (d Difference) Delta() (float64, bool) {
	if !d.PublishedShown || !d.NowShown {
		return 0, false
	}
	return d.Now - d.Published, true
}

// DeltaHidden reports whether a difference between two counts of young people rests on fewer
// than five (a change of one to four young people): it is shown as "<5", not as a number, so
// two looks at the same half-year cannot be subtracted to single out a few young people.
func (d Difference) DeltaHidden() bool {
	v, ok := d.Delta()
	return ok && d.Kind == "count" && v != 0 && math.Abs(v) < 5
}

// Compare lists the headline figures of a published report and of the same half-year
// computed again (or with other assumptions).
func Compare(published, now *Report) []Difference {
	var out []Difference
	cell := func(key, kind string, a, b interface {
		Show() bool
	}, av, bv float64) {
		out = append(out, Difference{Key: key, Kind: kind, Published: av, Now: bv, PublishedShown: a.Show(), NowShown: b.Show()})
	}
	cell("cohort", "count", published.N, now.N, published.N.Value, now.N.Value)
	cell("paired_offences", "count", published.Effects.Offences.N, now.Effects.Offences.N, published.Effects.Offences.N.Value, now.Effects.Offences.N.Value)
	cell("paired_placement", "count", published.Effects.Placement.N, now.Effects.Placement.N, published.Effects.Placement.N.Value, now.Effects.Placement.N.Value)
	cell("paired_occupation", "count", published.Effects.Occupation.N, now.Effects.Occupation.N, published.Effects.Occupation.N.Value, now.Effects.Occupation.N.Value)
	cell("cost_total", "money", published.CostTotal, now.CostTotal, published.CostTotal.Value, now.CostTotal.Value)
	money := func(key, kind string, get func(*Report) (float64, bool)) {
		a, aok := get(published)
		b, bok := get(now)
		out = append(out, Difference{Key: key, Kind: kind, Published: a, Now: b, PublishedShown: aok, NowShown: bok})
	}
	point := func(f func(*Estimate) float64) func(*Report) (float64, bool) {
		return func(r *Report) (float64, bool) {
			if r.Point == nil {
				return 0, false
			}
			v := f(r.Point)
			return v, !math.IsNaN(v)
		}
	}
	money("benefit", "money", point(func(e *Estimate) float64 { return e.Benefit }))
	money("cost", "money", point(func(e *Estimate) float64 { return e.Cost }))
	money("net", "money", point(func(e *Estimate) float64 { return e.Net }))
	money("ratio", "ratio", point(func(e *Estimate) float64 { return e.Ratio }))
	money("chance", "share", func(r *Report) (float64, bool) {
		if r.Simulation == nil {
			return 0, false
		}
		return r.Simulation.ProbBenefitsExceedCosts, true
	})
	return out
}
