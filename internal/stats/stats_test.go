package stats_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
)

// Every indicator, value, crime category, time point and dashboard table in the code is
// defined in the follow-up manual, so the manual and Lots stay in step.
func TestManualDescribesEveryIndicator(t *testing.T) {
	b, err := os.ReadFile("../../docs/uppfoljning.md")
	if err != nil {
		t.Fatal(err)
	}
	manual := string(b)
	need := func(code string) {
		if !strings.Contains(manual, "`"+code+"`") {
			t.Errorf("docs/uppfoljning.md does not define `%s`", code)
		}
	}
	for _, in := range stats.Indicators {
		need(in.Code)
		heading := false
		for _, line := range strings.Split(manual, "\n") {
			heading = heading || strings.HasPrefix(line, "#### ") && strings.Contains(line, "`"+in.Code+"`")
		}
		if !heading {
			t.Errorf("docs/uppfoljning.md has no definition heading for %s", in.Code)
		}
		for _, v := range in.Values {
			need(v)
		}
		if in.Code == "police_suspect" {
			for _, p := range in.Parts {
				need(p)
			}
		}
	}
	for _, tp := range stats.TimePoints {
		need(tp)
	}
	d := stats.Build(stats.NewRaw(stats.Period{Year: 2026, Half: 1}, time.Now()))
	v, _ := d.View(stats.All)
	for _, tab := range v.Tables {
		need(tab.ID)
	}
}

// The schema in the repository describes the file Lots writes: the same members, required,
// and the same kinds.
func TestSchemaMatchesTheExport(t *testing.T) {
	b, err := os.ReadFile("../../docs/stats-export.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       struct {
			Figure struct {
				Required   []string `json:"required"`
				Properties struct {
					Kind struct {
						Enum []string `json:"enum"`
					} `json:"kind"`
				} `json:"properties"`
			} `json:"figure"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			tag := rt.Field(i).Tag.Get("json")
			if strings.Contains(tag, ",omitempty") {
				if _, ok := schema.Properties[strings.Split(tag, ",")[0]]; !ok {
					t.Errorf("the schema lacks the optional member %s", tag)
				}
				continue // optional: not required
			}
			out = append(out, strings.Split(tag, ",")[0])
		}
		sort.Strings(out)
		return out
	}
	sorted := func(s []string) []string { s = append([]string(nil), s...); sort.Strings(s); return s }
	if got, want := sorted(schema.Required), tags(stats.Export{}); !reflect.DeepEqual(got, want) {
		t.Errorf("schema requires %v, the file has %v", got, want)
	}
	if got, want := sorted(schema.Defs.Figure.Required), tags(stats.Figure{}); !reflect.DeepEqual(got, want) {
		t.Errorf("schema's figure requires %v, the file has %v", got, want)
	}
	kinds := []string{stats.KindCount, stats.KindMean, stats.KindMedian, stats.KindShare, stats.KindSum}
	if got := sorted(schema.Defs.Figure.Properties.Kind.Enum); !reflect.DeepEqual(got, kinds) {
		t.Errorf("schema's kinds %v, want %v", got, kinds)
	}
}

// randomRaw invents counts for a municipality of a few districts, many of them small.
func randomRaw(r *rand.Rand) *stats.Raw {
	p := stats.Period{Year: 2026, Half: 1}
	raw := stats.NewRaw(p, p.End())
	raw.Deadlines = stats.Deadlines{Assessment: 42, Group: 7, Plan: 10}
	nd := 1 + r.IntN(4)
	for d := 1; d <= nd; d++ {
		raw.Districts = append(raw.Districts, stats.Named{ID: int64(d), Name: "D"})
	}
	raw.Coordinators = []stats.Named{{ID: 7, Name: "A"}, {ID: 8, Name: "B"}}
	n := func() int { return r.IntN(12) }
	for d := int64(1); d <= int64(nd); d++ {
		// SIG's steps: the invented counts stay those the seeded trials were chosen on (SSPF's
		// own steps are rows of the dashboard too, counted nothing here).
		for _, st := range casework.StepsOf(casework.ProgramSIG) {
			if st.Open() {
				k := n()
				raw.AddStep(d, string(st), k)
				raw.AddCaseload(d, []int64{0, 7, 8}[r.IntN(3)], k)
				raw.AddAge(d, stats.AgeBands[r.IntN(len(stats.AgeBands))], stats.ColOpen, k)
				raw.AddGender(d, "male", stats.ColOpen, k)
				raw.AddProgram(d, "sig", stats.ColOpen, k)
			}
		}
		for m := 0; m < 6; m++ {
			o, c := n(), n()
			raw.AddFlow(d, "opened", m, o)
			raw.AddAge(d, "13-15", stats.ColOpened, o)
			raw.AddGender(d, []string{"female", "male"}[r.IntN(2)], stats.ColOpened, o)
			raw.AddProgram(d, "sig", stats.ColOpened, o)
			raw.AddFlow(d, "closed", m, c)
			raw.AddClosure(d, []string{"goals_reached", "moved", "not_now"}[r.IntN(3)], r.IntN(2) == 0, c)
			raw.AddAge(d, "16-17", stats.ColClosed, c)
			raw.AddGender(d, "female", stats.ColClosed, c)
			raw.AddProgram(d, "sig", stats.ColClosed, c)
		}
		raw.AddDeadline(d, "group", true, n())
		raw.AddDeadline(d, "group", false, n())
		pr := n()
		raw.AddConsent(d, "proposed", pr)
		raw.AddConsent(d, "consented", r.IntN(pr+1))
		for _, later := range stats.LaterPoints {
			k := n()
			raw.AddNumbers(d, "school_attendance", later, stats.PairSum{N: k, Before: float64(k) * 30, After: float64(k) * 60})
			for i := 0; i < n(); i++ {
				raw.AddChoices(d, "placement", later, "none", []string{"none", "hvb", "sis"}[r.IntN(3)], 1)
			}
		}
	}
	return raw
}

// On random small municipalities the dashboard never shows a small cell, nor lets one be
// computed from a total and its shown parts — in the municipality's view, in each district's,
// or between them.
func TestDashboardProtectsSmallCellsOnRandomData(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 300; trial++ {
		d := stats.Build(randomRaw(r))
		if err := d.Verify(); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if err := d.CheckPublished(); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
}

func TestHiddenValuesAreForgotten(t *testing.T) {
	raw := stats.NewRaw(stats.Period{Year: 2026, Half: 1}, time.Now())
	raw.Districts = []stats.Named{{ID: 1, Name: "Norra"}}
	raw.AddStep(1, "active", 3)
	d := stats.Build(raw)
	v, _ := d.View(stats.All)
	c := v.Table("active_by_step").Cell("active", "count")
	if !c.Suppressed || c.Value != 0 || c.N != 0 {
		t.Fatalf("a hidden cell keeps %v resting on %d", c.Value, c.N)
	}
}

func exportOf(t *testing.T) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(9, 9))
	raw := randomRaw(r)
	raw.AddNumbers(1, "police_suspect", stats.AtFollow6, stats.PairSum{N: 20, Before: 90, After: 2})
	e, err := stats.NewExport(stats.Build(raw), "9901", "Testkommun", time.Date(2026, 7, 2, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExportRoundTrip(t *testing.T) {
	b := exportOf(t)
	e, err := stats.ParseExport(b)
	if err != nil {
		t.Fatal(err)
	}
	m := stats.FigureMap(e)
	if f := m["outcome_police_suspect/followup_6/before"]; f.Value == nil || *f.Value != 90 || *f.N != 20 {
		t.Fatalf("crimes before: %+v", f)
	}
	if _, ok := m["caseload/total/count"]; ok {
		t.Fatal("the caseload per coordinator is exported")
	}
	for _, f := range e.Figures {
		if f.Kind == stats.KindChange {
			t.Fatal("changes are exported")
		}
		if !f.Suppressed && f.Kind == stats.KindCount && *f.Value < stats.MinCell {
			t.Fatalf("%s shows %v", f.Key(), *f.Value)
		}
	}
	// Whitespace is not content: the same file compacted keeps its checksum.
	var compact map[string]any
	_ = json.Unmarshal(b, &compact)
	c, _ := json.Marshal(compact)
	if _, err := stats.ParseExport(c); err != nil {
		t.Fatalf("the compacted file: %v", err)
	}
}

func TestImportRejectsBadFiles(t *testing.T) {
	good := exportOf(t)
	edit := func(f func(m map[string]any), rechecksum bool) []byte {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		if rechecksum {
			m["checksum"], _ = stats.Checksum(b)
			b, _ = json.Marshal(m)
		}
		return b
	}
	figure := func(m map[string]any, kind string, suppressed bool) map[string]any {
		for _, x := range m["figures"].([]any) {
			f := x.(map[string]any)
			if f["kind"] == kind && f["suppressed"] == suppressed {
				return f
			}
		}
		t.Fatalf("no %s figure", kind)
		return nil
	}
	tests := []struct {
		name string
		file []byte
		key  string
	}{
		{"a newer schema version", edit(func(m map[string]any) { m["schema_version"] = stats.ExportTrackVersion + 1 }, true), "national.reject_schema_version"},
		{"economics in a version 1 file", edit(func(m map[string]any) {
			m["schema_version"] = 1
			m["economics"] = map[string]any{"price_year": 2023, "n": nil, "cost_per_youth": nil, "avoided_cost_per_youth": nil,
				"probability_benefits_exceed_costs": nil, "attribution": 0.25, "persistence_years": 2, "discount_rate": 0.035, "after": "closure", "suppressed": true}
		}, true), "national.reject_structure"},
		{"economics resting on three young people", edit(func(m map[string]any) {
			m["economics"] = map[string]any{"price_year": 2023, "n": 3, "cost_per_youth": 500000, "avoided_cost_per_youth": 400000,
				"probability_benefits_exceed_costs": 0.4, "attribution": 0.25, "persistence_years": 2, "discount_rate": 0.035, "after": "closure", "suppressed": false}
		}, true), "national.reject_small_cell"},
		{"suppressed economics with a value", edit(func(m map[string]any) {
			m["economics"] = map[string]any{"price_year": 2023, "n": nil, "cost_per_youth": 500000, "avoided_cost_per_youth": nil,
				"probability_benefits_exceed_costs": nil, "attribution": 0.25, "persistence_years": 2, "discount_rate": 0.035, "after": "closure", "suppressed": true}
		}, true), "national.reject_suppressed_value"},
		{"another format", edit(func(m map[string]any) { m["format"] = "csv" }, true), "national.reject_format"},
		{"a negative count", edit(func(m map[string]any) { f := figure(m, "count", false); f["value"], f["n"] = -7, -7 }, true), "national.reject_negative"},
		{"a changed figure with the old checksum", edit(func(m map[string]any) { f := figure(m, "sum", false); f["value"] = 1 }, false), "national.reject_checksum"},
		{"a changed name with the old checksum", edit(func(m map[string]any) { m["municipality"].(map[string]any)["name"] = "Annan" }, false), "national.reject_checksum"},
		{"a small count shown", edit(func(m map[string]any) {
			f := figure(m, "count", true)
			f["value"], f["n"], f["suppressed"] = 2, 2, false
		}, true), "national.reject_small_cell"},
		{"a hidden figure with a value", edit(func(m map[string]any) { f := figure(m, "count", true); f["value"] = 12 }, true), "national.reject_suppressed_value"},
		{"a share above one", edit(func(m map[string]any) { f := figure(m, "share", false); f["value"] = 1.5 }, true), "national.reject_figure"},
		{"min_cell of three", edit(func(m map[string]any) { m["min_cell"] = 3 }, true), "national.reject_min_cell"},
		{"a quarter as period", edit(func(m map[string]any) { m["period"] = "2026Q2" }, true), "national.reject_period"},
		{"an unknown member", edit(func(m map[string]any) { m["persons"] = []string{"x"} }, true), "national.reject_structure"},
		{"not JSON", []byte("PK\x03\x04"), "national.reject_not_json"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is rejected", func(t *testing.T) {
			_, err := stats.ParseExport(tt.file)
			ie, ok := err.(*stats.ImportError)
			if !ok || ie.Key != tt.key {
				t.Fatalf("got %v, want %s", err, tt.key)
			}
		})
	}
}

func TestParseForm(t *testing.T) {
	all := casework.ConsentCategories
	tests := []struct {
		name   string
		form   map[string]string
		want   map[string]float64 // code/part → number
		errors []string           // fields at fault
	}{
		{"decimal comma and percent sign", map[string]string{"ind_school_attendance": "65,5 %"}, map[string]float64{"school_attendance/": 65.5}, nil},
		{"attendance above 100 is refused", map[string]string{"ind_school_attendance": "150"}, nil, []string{"ind_school_attendance"}},
		{"police reports are the sum of their categories", map[string]string{"ind_police_suspect_theft": "2", "ind_police_suspect_robbery": "1"},
			map[string]float64{"police_suspect/": 3, "police_suspect/theft": 2, "police_suspect/violence": 0}, nil},
		{"not a number", map[string]string{"ind_police_suspect_theft": "två"}, nil, []string{"ind_police_suspect_theft"}},
		{"half a crime", map[string]string{"ind_police_victim": "1,5"}, nil, []string{"ind_police_victim"}},
		{"an unknown choice", map[string]string{"ind_placement": "prison"}, nil, []string{"ind_placement"}},
		{"own rating below the scale", map[string]string{"ind_own_progress": "0"}, nil, []string{"ind_own_progress"}},
		{"every error at once", map[string]string{"ind_own_progress": "0", "ind_placement": "x"}, nil, []string{"ind_placement", "ind_own_progress"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := stats.ParseForm(func(f string) string { return tt.form[f] }, all)
			fe := casework.FieldErrorsOf(err)
			var fields []string
			for _, e := range fe {
				fields = append(fields, e.Field)
			}
			sort.Strings(fields)
			want := append([]string(nil), tt.errors...)
			sort.Strings(want)
			if strings.Join(fields, ",") != strings.Join(want, ",") {
				t.Fatalf("errors at %v, want %v", fields, want)
			}
			got := map[string]float64{}
			for _, v := range vs {
				got[v.Code+"/"+v.Part] = v.Number
			}
			for k, w := range tt.want {
				if g, ok := got[k]; !ok || math.Abs(g-w) > 1e-9 {
					t.Errorf("%s = %v (recorded %v), want %v", k, g, ok, w)
				}
			}
		})
	}
	vs, _ := stats.ParseForm(func(f string) string {
		return map[string]string{"ind_school_attendance": "80", "ind_police_victim": "2"}[f]
	},
		[]casework.Category{casework.CatSchool})
	if len(vs) != 1 || vs[0].Code != "school_attendance" {
		t.Fatalf("a category the actor may not record was read: %+v", vs)
	}
}

func TestPeriods(t *testing.T) {
	p, err := stats.ParsePeriod("2026H2")
	if err != nil || p.Start().Month() != time.July || p.End().Year() != 2027 {
		t.Fatalf("2026H2: %v %v %v", p, p.Start(), err)
	}
	for _, bad := range []string{"2026", "2026H3", "26H1", "2026h1", "2026Q1"} {
		if _, err := stats.ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// New year's night in Stockholm belongs to the new half-year.
	if got := stats.PeriodOf(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)); got.String() != "2026H1" {
		t.Fatalf("23:30 UTC on 31 December is %s", got)
	}
	if ps := stats.Periods(stats.Period{Year: 2025, Half: 1}, stats.Period{Year: 2026, Half: 2}); len(ps) != 4 || ps[0].String() != "2026H2" {
		t.Fatalf("periods %v", ps)
	}
}

func TestCompareQuartiles(t *testing.T) {
	mk := func(code string, v float64) *stats.Export {
		n := 10
		return &stats.Export{Municipality: stats.ExportMunicipality{Code: code}, Figures: []stats.Figure{{Table: "goals", Row: "x", Col: "value", Kind: stats.KindShare, Value: &v, N: &n}}}
	}
	own := mk("0001", .9)
	others := []*stats.Export{mk("0002", .1), mk("0003", .2), mk("0004", .3), mk("0005", .4), mk("0001", .5)}
	sp := stats.Compare(own, others)
	if len(sp) != 1 {
		t.Fatal(sp)
	}
	s := sp[0]
	// Own municipality once, with its live value: .1 .2 .3 .4 .9.
	if s.Count != 5 || s.Median != .3 || s.Min != .1 || s.Max != .9 || math.Abs(s.Q1-.2) > 1e-9 || math.Abs(s.Q3-.4) > 1e-9 || s.Own != .9 {
		t.Fatalf("spread %+v", s)
	}
}
