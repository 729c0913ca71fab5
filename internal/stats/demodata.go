package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"lots/internal/casework"
)

// The demo's national comparison: export files of a handful of invented municipalities, made
// when the demo loads from invented counts with the real Build and NewExport, so they pass the
// import's checks and show suppression as real files do.

// DemoExports returns the export files of the invented municipalities (kommunkod 9901–9906,
// which belong to no real municipality) for the two whole half-years before now, so the
// national view of the demo is alive for the period the dashboard opens on, whenever the demo
// runs. The files are deterministic: a municipality's file for a period is the same bytes
// whenever it is made (the counts are drawn from a generator seeded by municipality and
// period, and the file is dated three days after the period), so importing them again leaves
// the ones already there unchanged. They come by municipality, then period.
func DemoExports(now time.Time) ([][]byte, error) {
	last := PeriodOf(now).Prev() // the last whole half-year, the one the dashboard opens on
	periods := []Period{last.Prev(), last}
	var out [][]byte
	for i, m := range demoMunicipalities {
		for _, p := range periods {
			b, err := demoExport(i, p)
			if err != nil {
				return nil, fmt.Errorf("demo export %s %s: %w", m.code, p, err)
			}
			out = append(out, b)
		}
	}
	return out, nil
}

// demoExport makes the file of the i-th invented municipality for p, as compact JSON.
func demoExport(i int, p Period) ([]byte, error) {
	m := demoMunicipalities[i]
	r := rand.New(rand.NewPCG(uint64(i+1), uint64(p.Year*10+p.Half)))
	e, err := NewExport(Build(syntheticRaw(r, p, m.size, m.districts, m.success)), m.code, m.name, p.End().Add(72*time.Hour))
	if err != nil {
		return nil, err
	}
	b, err := e.Marshal()
	if err != nil {
		return nil, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return nil, err
	}
	return append(compact.Bytes(), '\n'), nil
}

// demoMunicipalities are invented: their kommunkoder 9901–9906 belong to no real municipality.
var demoMunicipalities = []struct {
	code, name string
	size       int // young people who start SIG per half-year, roughly
	districts  int
	success    float64 // how well it goes, 0–1
}{
	{"9901", "Norrviken (exempel)", 40, 4, .7},
	{"9902", "Sjöstad (exempel)", 25, 3, .55},
	{"9903", "Bergsala (exempel)", 60, 5, .6},
	{"9904", "Åmark (exempel)", 15, 2, .5},
	{"9905", "Lindköping (exempel)", 32, 3, .65},
	{"9906", "Östvik (exempel)", 22, 2, .45},
}

// syntheticRaw invents the counts of a municipality for a period: plausible, not real.
func syntheticRaw(r *rand.Rand, p Period, size, districts int, success float64) *Raw {
	raw := NewRaw(p, p.End().Add(24*time.Hour))
	raw.Deadlines = Deadlines{Assessment: 42, Group: 7, Plan: 10}
	for d := 1; d <= districts; d++ {
		raw.Districts = append(raw.Districts, Named{ID: int64(d), Name: fmt.Sprintf("Stadsdel %d", d)})
	}
	share := func(x float64) int { return max(int(float64(size)*x/float64(districts)+r.Float64()*3), 0) }
	// spread deals n cases out over categories by weight, so parts add up to their total as
	// they do in a real municipality (the suppression check insists).
	spread := func(n int, weights []float64) []int {
		sum := 0.0
		for _, w := range weights {
			sum += w
		}
		out := make([]int, len(weights))
		for range n {
			x, i := r.Float64()*sum, 0
			for ; i < len(weights)-1 && x >= weights[i]; i++ {
				x -= weights[i]
			}
			out[i]++
		}
		return out
	}
	for d := int64(1); d <= int64(districts); d++ {
		open := 0 // cases open now
		for _, st := range casework.Steps {
			if st.Open() && st != casework.StepMotivation {
				n := share(.2)
				raw.AddStep(d, string(st), n)
				open += n
			}
		}
		for i := 0; i < share(.25); i++ {
			raw.AddWaiting(d, 3+r.IntN(40), 1)
		}
		raw.AddCaseload(d, 0, open) // none has a coordinator: the caseload table is not exported
		opened, closed := 0, 0
		for m := 0; m < 6; m++ {
			o, s, c := share(.3), share(.17), share(.15)
			raw.AddFlow(d, "opened", m, o)
			raw.AddFlow(d, "started", m, s)
			raw.AddFlow(d, "closed", m, c)
			opened, closed = opened+o, closed+c
		}
		reasons := []string{"goals_reached", "moved", "placed", "declined", "not_now", "referred", "aged_out", "other"}
		var weights []float64
		for _, reason := range reasons {
			w := map[string]float64{"goals_reached": success, "not_now": .4, "referred": .3}[reason]
			if w == 0 {
				w = .12
			}
			weights = append(weights, w)
		}
		for i, n := range spread(closed, weights) {
			raw.AddClosure(d, reasons[i], reasons[i] != "not_now" && reasons[i] != "referred", n)
		}
		for _, m := range []string{"concern_to_decision", "concern_to_group", "concern_to_plan"} {
			base := map[string]int{"concern_to_decision": 35, "concern_to_group": 45, "concern_to_plan": 52}[m]
			for i := 0; i < share(.6); i++ {
				raw.AddTime(d, m, base+r.IntN(30)-10, 1)
			}
		}
		for _, k := range []string{"assessment", "group", "plan"} {
			raw.AddDeadline(d, k, true, share(.4+success/2))
			raw.AddDeadline(d, k, false, share(.3))
		}
		proposed := share(1)
		raw.AddConsent(d, "proposed", proposed)
		raw.AddConsent(d, "consented", int(float64(proposed)*(.6+success/3)))
		raw.AddConsent(d, "withdrawn", share(.08))
		for _, later := range LaterPoints {
			n := share(map[string]float64{AtClosure: 1, AtFollow6: .8, AtFollow12: .6}[later])
			f := float64(n)
			raw.AddNumbers(d, "school_attendance", later, PairSum{N: n, Before: f * (30 + r.Float64()*20), After: f * (45 + 30*success + r.Float64()*10)})
			raw.AddNumbers(d, "passed_subjects", later, PairSum{N: n, Before: f * (4 + r.Float64()*3), After: f * (6 + 5*success)})
			raw.AddNumbers(d, "own_progress", later, PairSum{N: n, Before: f * 3.5, After: f * (4 + 4*success)})
			before, after := 0.0, 0.0
			for _, c := range CrimeCategories {
				b := float64(r.IntN(n + 1))
				a := b * (1 - success) * r.Float64()
				a = float64(int(a))
				before, after = before+b, after+a
				raw.AddNumbers(d, "police_suspect."+c, later, PairSum{N: n, Before: b, After: a})
			}
			raw.AddNumbers(d, "police_suspect", later, PairSum{N: n, Before: before, After: after})
			raw.AddNumbers(d, "police_victim", later, PairSum{N: n, Before: f * .6, After: f * .3})
			for _, code := range []string{"placement", "occupation", "housing", "income", "substance_use", "organised_leisure"} {
				in, _ := IndicatorByCode(code)
				for i := 0; i < n; i++ {
					b := in.Values[r.IntN(len(in.Values))]
					a := in.Values[0]
					if r.Float64() > success {
						a = in.Values[r.IntN(len(in.Values))]
					}
					if code == "occupation" && r.Float64() < success {
						a = "school"
					}
					raw.AddChoices(d, code, later, b, a, 1)
				}
			}
		}
		for _, dom := range IRKDomains {
			n := share(.9)
			raw.AddNumbers(d, "irk_domain."+dom, AtClosure, PairSum{N: n, Before: float64(n) * 1.5, After: float64(n) * (1.5 - success)})
		}
		plans := share(.9)
		raw.AddGoals(d, GoalSums{Plans: plans, SubGoals: plans * 4, Reached: int(float64(plans*4) * success)})
		for col, n := range []int{open, opened, closed} {
			for i, k := range spread(n, []float64{1, 1, 1}) {
				raw.AddAge(d, []string{"13-15", "16-17", "18-20"}[i], col, k)
			}
			for i, k := range spread(n, []float64{.2, .8}) {
				raw.AddGender(d, []string{"female", "male"}[i], col, k)
			}
			for i, k := range spread(n, []float64{.7, .3}) {
				raw.AddProgram(d, Programs[i], col, k)
			}
		}
	}
	return raw
}
