package stats_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
)

var update = flag.Bool("update", false, "rewrite the demo export files in demodata/")

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

var demoPeriods = []stats.Period{{Year: 2025, Half: 2}, {Year: 2026, Half: 1}}

// syntheticRaw invents the counts of a municipality for a period: plausible, not real.
func syntheticRaw(r *rand.Rand, p stats.Period, size, districts int, success float64) *stats.Raw {
	raw := stats.NewRaw(p, p.End().Add(24*time.Hour))
	raw.Deadlines = stats.Deadlines{Assessment: 42, Group: 7, Plan: 10}
	for d := 1; d <= districts; d++ {
		raw.Districts = append(raw.Districts, stats.Named{ID: int64(d), Name: fmt.Sprintf("Stadsdel %d", d)})
	}
	share := func(x float64) int { return max(int(float64(size)*x/float64(districts)+r.Float64()*3), 0) }
	for d := int64(1); d <= int64(districts); d++ {
		for _, st := range casework.Steps {
			if st.Open() && st != casework.StepMotivation {
				raw.AddStep(d, string(st), share(.2))
			}
		}
		for i := 0; i < share(.25); i++ {
			raw.AddWaiting(d, 3+r.IntN(40), 1)
		}
		raw.AddCaseload(d, 0, share(.25))
		for m := 0; m < 6; m++ {
			raw.AddFlow(d, "opened", m, share(.3))
			raw.AddFlow(d, "started", m, share(.17))
			raw.AddFlow(d, "closed", m, share(.15))
		}
		for _, reason := range []string{"goals_reached", "moved", "placed", "declined", "not_now", "referred", "aged_out", "other"} {
			w := map[string]float64{"goals_reached": success, "not_now": .4, "referred": .3}[reason]
			if w == 0 {
				w = .12
			}
			n := share(w)
			raw.AddClosure(d, reason, reason != "not_now" && reason != "referred", n)
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
		for _, later := range stats.LaterPoints {
			n := share(map[string]float64{stats.AtClosure: 1, stats.AtFollow6: .8, stats.AtFollow12: .6}[later])
			f := float64(n)
			raw.AddNumbers(d, "school_attendance", later, stats.PairSum{N: n, Before: f * (30 + r.Float64()*20), After: f * (45 + 30*success + r.Float64()*10)})
			raw.AddNumbers(d, "passed_subjects", later, stats.PairSum{N: n, Before: f * (4 + r.Float64()*3), After: f * (6 + 5*success)})
			raw.AddNumbers(d, "own_progress", later, stats.PairSum{N: n, Before: f * 3.5, After: f * (4 + 4*success)})
			before, after := 0.0, 0.0
			for _, c := range stats.CrimeCategories {
				b := float64(r.IntN(n + 1))
				a := b * (1 - success) * r.Float64()
				a = float64(int(a))
				before, after = before+b, after+a
				raw.AddNumbers(d, "police_suspect."+c, later, stats.PairSum{N: n, Before: b, After: a})
			}
			raw.AddNumbers(d, "police_suspect", later, stats.PairSum{N: n, Before: before, After: after})
			raw.AddNumbers(d, "police_victim", later, stats.PairSum{N: n, Before: f * .6, After: f * .3})
			for _, code := range []string{"placement", "occupation", "housing", "income", "substance_use", "organised_leisure"} {
				in, _ := stats.IndicatorByCode(code)
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
		for _, dom := range stats.IRKDomains {
			n := share(.9)
			raw.AddNumbers(d, "irk_domain."+dom, stats.AtClosure, stats.PairSum{N: n, Before: float64(n) * 1.5, After: float64(n) * (1.5 - success)})
		}
		plans := share(.9)
		raw.AddGoals(d, stats.GoalSums{Plans: plans, SubGoals: plans * 4, Reached: int(float64(plans*4) * success)})
		for _, band := range []string{"13-15", "16-17", "18-20"} {
			for col := 0; col < 3; col++ {
				raw.AddAge(d, band, col, share(.35))
			}
		}
		for _, g := range []string{"female", "male"} {
			w := map[string]float64{"female": .2, "male": .8}[g]
			for col := 0; col < 3; col++ {
				raw.AddGender(d, g, col, share(w))
			}
		}
	}
	return raw
}

// The demo files are made from invented counts with the real Build and NewExport, so they pass
// the import's checks; -update rewrites them.
func TestDemoExports(t *testing.T) {
	if *update {
		for i, m := range demoMunicipalities {
			for _, p := range demoPeriods {
				r := rand.New(rand.NewPCG(uint64(i+1), uint64(p.Year*10+p.Half)))
				d := stats.Build(syntheticRaw(r, p, m.size, m.districts, m.success))
				e, err := stats.NewExport(d, m.code, m.name, p.End().Add(72*time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				b, err := e.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				var compact bytes.Buffer
				if err := json.Compact(&compact, b); err != nil {
					t.Fatal(err)
				}
				name := filepath.Join("demodata", m.code+"-"+p.String()+".json")
				if err := os.WriteFile(name, append(compact.Bytes(), '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	files := stats.DemoExports()
	if len(files) < 5 || len(files) > 16 {
		t.Fatalf("%d demo files", len(files))
	}
	seen := map[string]bool{}
	for _, b := range files {
		e, err := stats.ParseExport(b)
		if err != nil {
			t.Fatalf("demo file rejected: %v", err)
		}
		seen[e.Municipality.Code] = true
		if !bytes.Contains(b, []byte(`"suppressed":true`)) {
			t.Errorf("%s %s: nothing suppressed, which is unlikely for a small municipality", e.Municipality.Code, e.Period)
		}
	}
	if len(seen) < 5 || len(seen) > 8 {
		t.Fatalf("demo files cover %d municipalities, want 5–8", len(seen))
	}
}
