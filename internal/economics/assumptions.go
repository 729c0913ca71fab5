package economics

import (
	"math"
	"slices"

	"lots/internal/casework"
)

// Range is an uncertain input: the value used for the point estimate and the range the Monte
// Carlo draws from (a triangular distribution with its peak at the value).
type Range struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// Ordered reports whether low ≤ value ≤ high.
func (r Range) Ordered() bool { return r.Low <= r.Value && r.Value <= r.High }

// Assumptions are what Lots cannot know and the municipality sets: how much of the coordinator's
// time SIG takes, how much of the observed change is SIG's doing, how long it lasts, the discount
// rate, the price year the report is shown in, and the Monte Carlo's size and seed. The report's
// "what if" form changes them for one view without saving.
type Assumptions struct {
	// PriceYear is the year whose prices every amount is shown in; it needs a price index.
	PriceYear int `json:"price_year"`
	// CoordinatorFTE is the coordinators' posts that SIG and SSPF take, in full-time
	// equivalents (1.5: one full-time and one half-time).
	CoordinatorFTE float64 `json:"coordinator_fte"`
	// Attribution is the share (0–1) of the observed change the municipality attributes to the
	// work. Lots cannot know it: there is no comparison group. Default 0.25 (0.10–0.50), an
	// assumption with no source, deliberately well below one.
	Attribution Range `json:"attribution"`
	// Persistence is how many years an effect lasts, in years (fractions allowed). Default 2
	// (1–5), an assumption.
	Persistence Range `json:"persistence_years"`
	// Discount is the yearly discount rate of later years' benefits. Default 3.5 %, the rate of
	// HM Treasury's Green Book (the UK's appraisal guidance, to which the Greater Manchester
	// model is supplementary); the range 0–5 % is an assumption.
	Discount Range `json:"discount_rate"`
	// After is the time point the follow-up is read at: "closure", "followup_6" or
	// "followup_12"; "" takes the latest with enough young people.
	After string `json:"after"`
	// Draws is the number of Monte Carlo draws (100–100 000), Seed its seed: the same seed gives
	// the same result.
	Draws int    `json:"draws"`
	Seed  uint64 `json:"seed"`
}

// Time points of the follow-up the calculation reads (docs/uppfoljning.md).
const (
	AtIntake   = "intake"
	AtClosure  = "closure"
	AtFollow6  = "followup_6"
	AtFollow12 = "followup_12"
)

// AfterPoints are the later time points, latest first.
var AfterPoints = []string{AtFollow12, AtFollow6, AtClosure}

// DefaultAssumptions are the defaults described on Assumptions; the price year is the latest
// the shipped index has.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		PriceYear:   NewIndex(nil).Latest(),
		Attribution: Range{0.25, 0.10, 0.50},
		Persistence: Range{2, 1, 5},
		Discount:    Range{0.035, 0, 0.05},
		Draws:       10000,
		Seed:        2026,
	}
}

// WithDefaults fills what an older stored version lacks.
func (a Assumptions) WithDefaults() Assumptions {
	d := DefaultAssumptions()
	if a.PriceYear == 0 {
		a.PriceYear = d.PriceYear
	}
	if a.Attribution == (Range{}) {
		a.Attribution = d.Attribution
	}
	if a.Persistence == (Range{}) {
		a.Persistence = d.Persistence
	}
	if a.Discount == (Range{}) {
		a.Discount = d.Discount
	}
	if a.Draws == 0 {
		a.Draws = d.Draws
	}
	return a
}

// Validate checks the assumptions against the price index. Each fault names its field:
// price_year, coordinator_fte, attribution, attribution_low, attribution_high, persistence…,
// discount…, draws, after.
func (a Assumptions) Validate(ix Index) error {
	var fe casework.FieldErrors
	if !ix.Has(a.PriceYear) {
		fe.Add("price_year", "economics.price_year_no_index", a.PriceYear)
	}
	if a.CoordinatorFTE < 0 || a.CoordinatorFTE > 100 || math.IsNaN(a.CoordinatorFTE) {
		fe.Add("coordinator_fte", "economics.fte_range")
	} else if !twoDecimals(a.CoordinatorFTE) {
		fe.Add("coordinator_fte", "economics.fte_decimals")
	}
	rng := func(field string, r Range, max float64, key string) {
		for _, x := range []struct {
			suffix string
			v      float64
		}{{"", r.Value}, {"_low", r.Low}, {"_high", r.High}} {
			if x.v < 0 || x.v > max || math.IsNaN(x.v) {
				fe.Add(field+x.suffix, key)
				return
			}
		}
		if r.Low > r.Value {
			fe.Add(field+"_low", "economics.range_low")
		}
		if r.High < r.Value {
			fe.Add(field+"_high", "economics.range_high")
		}
	}
	rng("attribution", a.Attribution, 1, "economics.attribution_range")
	rng("persistence", a.Persistence, 30, "economics.persistence_range")
	rng("discount", a.Discount, 0.2, "economics.discount_range")
	if a.Draws < 100 || a.Draws > 100000 {
		fe.Add("draws", "economics.draws_range")
	}
	if a.After != "" && !slices.Contains(AfterPoints, a.After) {
		fe.Add("after", "economics.after_invalid")
	}
	return fe.Err()
}

func twoDecimals(v float64) bool { return math.Abs(v*100-math.Round(v*100)) < 1e-6 }

// Annuity is what a benefit of one a year is worth over years years, discounted at rate: the
// first year counts in full, year k (from 0) is divided by (1 + rate)^k, and a fraction of a year
// counts as that fraction of the last year.
func Annuity(years, rate float64) float64 {
	if years <= 0 {
		return 0
	}
	whole := math.Floor(years)
	frac := years - whole
	if rate == 0 {
		return years
	}
	v := 1 / (1 + rate)
	vn := math.Pow(v, whole)
	return (1-vn)/(1-v) + frac*vn
}
