package mapping_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/mapping"
	"lots/internal/stats"
)

var districts = []mapping.District{{ID: 1, Name: "Norr"}, {ID: 2, Name: "Söder"}, {ID: 3, Name: "Väster"}}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := testdataFS.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A file in the layout Statistics Sweden's database exports: a title, a blank line, the
// header, a region with its code, ages as "13 år", thousands with a space, "100+ år".
func TestPopulationFileInSCBLayout(t *testing.T) {
	want := []mapping.PopRow{
		{1, 2024, 13, "f", 115}, {1, 2024, 13, "m", 120}, {2, 2024, 14, "f", 98}, {2, 2024, 14, "m", 1020}, {3, 2024, 100, "m", 0},
		{1, 2025, 13, "f", 117}, {1, 2025, 13, "m", 118}, {2, 2025, 14, "f", 99}, {2, 2025, 14, "m", 1011}, {3, 2025, 100, "m", 1},
	}
	utf := mustRead(t, "folkmangd.csv")
	latin, err := charmap.ISO8859_1.NewEncoder().Bytes(utf)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"UTF-8": utf, "UTF-8 with BOM": append([]byte("\xef\xbb\xbf"), utf...), "Latin-1": latin} {
		t.Run(name, func(t *testing.T) {
			got, err := mapping.ParsePopulation(b, districts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
			if y := mapping.Years(got); !reflect.DeepEqual(y, []int{2024, 2025}) {
				t.Errorf("years %v", y)
			}
		})
	}
}

// errorsOf returns each error's key with its line and column.
func errorsOf(t *testing.T, err error) []string {
	t.Helper()
	fe := casework.FieldErrorsOf(err)
	if fe == nil {
		t.Fatalf("want field errors, got %v", err)
	}
	c := i18n.MustLoad()
	var out []string
	for _, e := range fe {
		out = append(out, c.Error(casework.LocaleSv, e))
	}
	return out
}

// latin1 is s in Latin-1.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

func TestBadPopulationFilesAreRefusedWithLineAndColumn(t *testing.T) {
	head := "\"region\";\"ålder\";\"kön\";\"2024\"\n"
	cases := []struct {
		name, file string
		want       []string
	}{
		{"comma instead of semicolon", "region,ålder,kön,2024\nNorr,13 år,män,12\n", []string{"Rad 1, kolumn 1: fel avgränsare"}},
		{"unknown district", head + "Norr;13 år;män;12\nÖster;13 år;män;12\n", []string{"Rad 3, kolumn 1: okänd stadsdel ”Öster”"}},
		{"negative count", head + "Norr;13 år;män;-3\n", []string{"Rad 2, kolumn 4: ogiltigt antal ”-3”"}},
		{"duplicate row", head + "Norr;13 år;män;12\nSöder;13 år;män;1\nnorr;13;1;14\n", []string{"Rad 4, kolumn 4: samma stadsdel, ålder, kön och år finns redan på rad 2"}},
		{"a total is not summed", head + "Norr;totalt ålder;män;12\n", []string{"Rad 2, kolumn 2: ogiltig ålder"}},
		{"every error at once", head + "Öster;13 år;män;x\nNorr;14 år;båda;1\n", []string{"Rad 2, kolumn 1: okänd stadsdel", "Rad 2, kolumn 4: ogiltigt antal", "Rad 3, kolumn 3: ogiltigt kön"}},
		{"bad encoding", head + "Norr;13 \x81r;män;12\n", []string{"Rad 2, kolumn 2: teckenkodningen kan inte läsas (byte 0x81)"}},
		{"a damaged UTF-8 file", head + "Norr;13 år;män;12\n\"S\xf6der\";\"13;år\";kvinnor;4\n", []string{"Rad 3, kolumn 1: teckenkodningen kan inte läsas (byte 0xF6)"}},
		{"Windows-1252's quotes in a Latin-1 file", latin1(head) + "Norr;13 \xe5r;\x93m\xe4n\x94;12\n", []string{"Rad 2, kolumn 3: teckenkodningen kan inte läsas (byte 0x93)"}},
		{"a NUL byte", head + "Norr;13 år;män;1\x002\n", []string{"Rad 2, kolumn 4: teckenkodningen"}},
		{"short line", head + "Norr;13 år;12\n", []string{"Rad 2, kolumn 1: raden har 3 fält, rubriken 4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := mapping.ParsePopulation([]byte(c.file), districts)
			if rows != nil {
				t.Errorf("a refused file returned %d rows", len(rows))
			}
			got := errorsOf(t, err)
			if len(got) != len(c.want) {
				t.Fatalf("errors %q, want %d like %q", got, len(c.want), c.want)
			}
			for i := range got {
				if !strings.Contains(got[i], c.want[i]) {
					t.Errorf("error %d: %q lacks %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

const registry = "namn;typ;huvudman;stadsdel;adress;ålder från;ålder till;nivå;kapacitet;årskostnad;betalare;kvällar;helger;behov;insatser\n" +
	"Fritidsgården Norr;youth_centre;Kultur och fritid;Norr;Storgatan 1;13;17;universell;60;2000000;Kultur- och fritidsnämnden;ja;nej;leisure,peers;\n" +
	"Fältarna;field_workers;Socialtjänsten;;;13;20;selektiv;0;1500000;Socialnämnden;ja;ja;peers,attitudes;\n" +
	"BUP;bup;Regionen;;;0;17;indikerad;0;0;Regionen;nej;nej;personality,substances,family;\n" +
	"Söders IF;sport;Söders IF;Söder;;7;19;universell;200;300000;Föreningen och kommunen;nej;ja;leisure,school_work;\n"

func TestResourceRegistryRoundTrips(t *testing.T) {
	rs, err := mapping.ParseResources([]byte(registry), districts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 || rs[0].District != 1 || rs[1].District != 0 || !rs[1].Weekends || rs[0].Cost != 2000000 || rs[2].Level != "indicated" {
		t.Fatalf("parsed %+v", rs)
	}
	again, err := mapping.ParseResources(mapping.WriteResources(rs, districts), districts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, rs) {
		t.Errorf("written and read again:\n%+v\nwant\n%+v", again, rs)
	}
}

func TestBadRegistryLinesAreNamed(t *testing.T) {
	head, _, _ := strings.Cut(registry, "\n")
	file := head + "\nA;youth_centre;;Öster;;13;17;universell;;;;ja;nej;leisure;\nA;gym;;;;18;12;mellan;-1;;;kanske;nej;luck;\n"
	_, err := mapping.ParseResources([]byte(file), districts)
	got := strings.Join(errorsOf(t, err), "\n")
	for _, want := range []string{"Rad 2, kolumn 4: okänd stadsdel ”Öster”", "Rad 3, kolumn 1: samma namn finns redan på rad 2", "Rad 3, kolumn 2: okänd typ ”gym”",
		"Rad 3, kolumn 7: ogiltig ålder ”12”", "Rad 3, kolumn 8: okänd nivå ”mellan”", "Rad 3, kolumn 9: ogiltigt tal ”-1”", "Rad 3, kolumn 12: skriv ja eller nej",
		"Rad 3, kolumn 14: okänt IRK-behov ”luck”"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
}

// open adds n young people open at the period's end in a district and age band, as the store
// counts them (the step, the age band and the gender tie together).
func open(raw *stats.Raw, district int64, band string, n int) {
	raw.AddStep(district, string(casework.StepActive), n)
	raw.AddCaseload(district, 0, n)
	raw.AddAge(district, band, stats.ColOpen, n)
	raw.AddProgram(district, string(casework.ProgramSIG), stats.ColOpen, n)
	raw.AddGender(district, "male", stats.ColOpen, n-n/2)
	raw.AddGender(district, "female", stats.ColOpen, n/2)
}

// release builds, publishes and reads back a half-year, as the store hands it over: hidden
// figures without their values.
func release(t testing.TB, raw *stats.Raw) *stats.Dashboard {
	t.Helper()
	b, err := stats.MarshalPart(stats.Build(raw), stats.PartMain, raw.Now)
	if err != nil {
		t.Fatal(err)
	}
	d, err := stats.LoadRelease(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fig is a published figure of the hand-built release: a value, or hidden as "<5" (-1) or
// "–" (-2).
type fig = float64

// handRelease writes a release whose open cases by age band per view are given, as the
// dashboard stores it (stats/release.go), and reads it back.
func handRelease(t *testing.T, p stats.Period, views map[int64]map[string]fig) *stats.Dashboard {
	t.Helper()
	type cell struct {
		V float64 `json:"v"`
		N int     `json:"n"`
		S bool    `json:"s,omitempty"`
		P bool    `json:"p,omitempty"`
	}
	type row struct {
		Code  string
		Cells []cell
	}
	type table struct {
		ID   string
		Cols []struct{ Code string }
		Rows []row
	}
	type view struct {
		Slice  int64    `json:"slice"`
		Tables []*table `json:"tables"`
	}
	var vs []view
	for slice, bands := range views {
		tb := &table{ID: "breakdown_age", Cols: []struct{ Code string }{{"open"}, {"opened"}, {"closed"}}}
		for _, b := range stats.AgeBands {
			v, ok := bands[b]
			c := cell{S: true, P: true}
			switch {
			case ok && v == -2:
				c.P = false
			case ok && v >= 0:
				c = cell{V: v, N: int(v)}
			}
			tb.Rows = append(tb.Rows, row{Code: b, Cells: []cell{c, {S: true, P: true}, {S: true, P: true}}})
		}
		vs = append(vs, view{Slice: slice, Tables: []*table{tb}})
	}
	b, err := json.Marshal(map[string]any{"format": "lots-dashboard-release-1", "period": p.String(), "part": stats.PartMain,
		"computed_at": p.End(), "views": vs})
	if err != nil {
		t.Fatal(err)
	}
	d, err := stats.LoadRelease(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// pop gives every age of a band the same number of people, split between the sexes.
func pop(district int64, year, from, to, perAge int) []mapping.PopRow {
	var out []mapping.PopRow
	for a := from; a <= to; a++ {
		out = append(out, mapping.PopRow{District: district, Year: year, Age: a, Sex: "m", People: perAge / 2},
			mapping.PopRow{District: district, Year: year, Age: a, Sex: "f", People: perAge - perAge/2})
	}
	return out
}

// A hand-built municipality whose gaps are known: Norr has many young people in cases and a
// youth centre closed at weekends, with no one working with criminal history or school; Söder
// has fewer cases; Väster is too small to show.
func TestGapAnalysisOnAHandBuiltMunicipality(t *testing.T) {
	p := stats.Period{Year: 2025, Half: 2}
	// As the dashboard published it: Väster's two young people are "<5", and Söder's 13–15 is
	// hidden to protect them ("–").
	d := handRelease(t, p, map[int64]map[string]fig{
		stats.All: {"0-12": -2, "13-15": 29, "16-17": 18, "18-20": -1},
		1:         {"0-12": -2, "13-15": 21, "16-17": 10, "18-20": -1},
		2:         {"13-15": -2, "16-17": 8},
		3:         {"13-15": -1, "16-17": -1},
	})
	var people []mapping.PopRow
	people = append(people, pop(1, 2025, 13, 15, 350)...) // 1 050 aged 13–15: 20 per 1 000
	people = append(people, pop(1, 2025, 16, 17, 250)...) // 500: 20 per 1 000
	people = append(people, pop(2, 2025, 13, 15, 400)...)
	people = append(people, pop(2, 2025, 16, 17, 400)...)
	people = append(people, pop(3, 2025, 13, 15, 100)...)
	people = append(people, pop(3, 2024, 13, 15, 999)...) // another year, not used
	rs, err := mapping.ParseResources([]byte(registry), districts)
	if err != nil {
		t.Fatal(err)
	}
	pic := mapping.Build(d, 2025, people, rs, districts)

	if len(pic.Rows) != 4 || pic.Rows[3].ID != stats.All {
		t.Fatalf("rows %+v", pic.Rows)
	}
	cell := func(row int, band string) mapping.Cell {
		for _, c := range pic.Rows[row].Cells {
			if c.Band == band {
				return c
			}
		}
		t.Fatalf("no band %s", band)
		return mapping.Cell{}
	}
	norr := cell(0, "13-15")
	if !norr.Open.Shown || norr.Open.Value != 21 || norr.Population != 1050 || math.Abs(norr.OpenPer1000.Value-20) > 1e-9 {
		t.Errorf("Norr 13–15: %+v", norr)
	}
	if got := strings.Join(norr.Missing, " "); got != "criminal_history school_work" {
		t.Errorf("Norr 13–15 misses %q, want criminal history and school", got)
	}
	if !norr.Evenings || !norr.Weekends || norr.Resources != 3 || !norr.Priority {
		t.Errorf("Norr 13–15: the youth centre, the field workers and BUP serve it, open evenings and (the field workers) weekends, a priority: %+v", norr)
	}
	if got := strings.Join(cell(1, "16-17").Missing, " "); got != "criminal_history" {
		t.Errorf("Söder 16–17 misses %q", got)
	}
	for _, c := range pic.Rows[1].Cells {
		if c.Priority {
			t.Errorf("Söder %s is below the municipality (or hidden) and no priority: %+v", c.Band, c)
		}
	}
	// Väster's two young people are hidden, and so is their rate, with the label "<5".
	v := cell(2, "13-15")
	if v.Open.Shown || !v.Open.Primary || v.OpenPer1000.Shown || !v.OpenPer1000.Primary || v.Priority {
		t.Errorf("Väster 13–15 must be hidden as fewer than five: %+v", v)
	}
	// Nothing shown rests on fewer than five; a hidden count hides its rate with the same label.
	secondary := 0
	for _, r := range pic.Rows {
		for _, c := range r.Cells {
			if c.Open.Shown && c.Open.Value < stats.MinCell {
				t.Errorf("%s %s shows %v", r.Name, c.Band, c.Open.Value)
			}
			if !c.Open.None && c.Open.Shown != c.OpenPer1000.Shown && c.Population > 0 {
				t.Errorf("%s %s: count shown %v, rate shown %v", r.Name, c.Band, c.Open.Shown, c.OpenPer1000.Shown)
			}
			if c.Open.Secondary() {
				secondary++
			}
		}
	}
	if c := cell(1, "13-15"); secondary != 3 || !c.Open.Secondary() || !c.OpenPer1000.Secondary() {
		t.Errorf("Söder 13–15 is hidden to protect Väster, with its rate, as \"–\": %+v", c)
	}
	gaps := pic.Gaps()
	if len(gaps) != 2 || gaps[0].District != "Norr" || gaps[1].District != "Norr" {
		t.Errorf("gaps %+v, want Norr's two bands", gaps)
	}
	// Money: the district's own resources over its young people.
	if r := pic.Rows[0]; r.Cost != 2000000 || math.Abs(r.CostPerYoung.Value-2000000.0/1550) > 1e-6 {
		t.Errorf("Norr's money %+v", r)
	}
	if all := pic.Rows[3]; all.Cost != 3800000 || all.Resources != 4 {
		t.Errorf("the municipality's money %+v", all)
	}
}

func TestPopulationYearIsTheLatestUpToThePeriod(t *testing.T) {
	for _, c := range []struct {
		years []int
		p     stats.Period
		want  int
	}{
		{[]int{2023, 2024, 2025}, stats.Period{Year: 2024, Half: 2}, 2024},
		{[]int{2023}, stats.Period{Year: 2026, Half: 1}, 2023},
		{[]int{2027, 2028}, stats.Period{Year: 2026, Half: 1}, 2027},
		{nil, stats.Period{Year: 2026, Half: 1}, 0},
	} {
		if got := mapping.PopulationYear(c.years, c.p); got != c.want {
			t.Errorf("%v for %v: %d, want %d", c.years, c.p, got, c.want)
		}
	}
}

func TestLoadStateWarnsAtTheCap(t *testing.T) {
	for _, c := range []struct {
		n, cap int
		want   string
	}{{0, 10, mapping.LoadOK}, {9, 10, mapping.LoadOK}, {10, 10, mapping.LoadFull}, {11, 10, mapping.LoadOver}, {10, 0, mapping.LoadFull}, {8, 8, mapping.LoadFull}} {
		if got := mapping.LoadState(c.n, c.cap); got != c.want {
			t.Errorf("%d of %d: %s, want %s", c.n, c.cap, got, c.want)
		}
	}
}

// Keys built from values have their texts in both languages.
func TestEveryMappingEnumHasAText(t *testing.T) {
	c := i18n.MustLoad()
	var keys []string
	for _, k := range mapping.Kinds {
		keys = append(keys, "mapping.kind."+k)
	}
	for _, l := range mapping.Levels {
		keys = append(keys, "mapping.level."+l)
	}
	for _, s := range []string{mapping.LoadOK, mapping.LoadFull, mapping.LoadOver} {
		keys = append(keys, "capacity.state."+s)
	}
	for _, f := range []string{"population", "resources"} {
		keys = append(keys, "mapping."+f+"_imported")
	}
	for _, n := range casework.IRKNeeds {
		keys = append(keys, "indicator.irk_domain."+n)
	}
	for _, k := range keys {
		for _, l := range i18n.Locales {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// bigMunicipality is 300 districts with open cases in five age bands, ten years of
// population and a resource each.
func bigMunicipality(t testing.TB) (*stats.Dashboard, map[int][]mapping.PopRow, []mapping.Resource, []mapping.District) {
	p := stats.Period{Year: 2025, Half: 2}
	raw := stats.NewRaw(p, p.End())
	var ds []mapping.District
	people := map[int][]mapping.PopRow{} // per year, as the store reads one year
	var rs []mapping.Resource
	for d := int64(1); d <= 300; d++ {
		raw.Districts = append(raw.Districts, stats.Named{ID: d, Name: "D"})
		ds = append(ds, mapping.District{ID: d, Name: "D"})
		for i, band := range mapping.Bands[:5] {
			open(raw, d, band, int(d+int64(i))%13)
		}
		for y := 2016; y <= 2025; y++ {
			people[y] = append(people[y], pop(d, y, 0, 25, 40)...)
		}
		rs = append(rs, mapping.Resource{Name: "R", District: d, AgeFrom: 10, AgeTo: 19, Needs: []string{"leisure"}, Cost: 1000})
	}
	return release(t, raw), people, rs, ds
}

// cpuTime is the process's user and system time: the machine running the tests is shared, so
// wall time says little about the work done.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The gap analysis for 300 districts × 5 age bands × 10 years takes under 100 ms (of CPU:
// the best of three runs).
func TestGapAnalysisOf300DistrictsTenYearsIsFast(t *testing.T) {
	d, people, rs, ds := bigMunicipality(t)
	best := time.Hour
	for run := 0; run < 3; run++ {
		runtime.GC()
		start := cpuTime()
		for y := 2016; y <= 2025; y++ {
			if pic := mapping.Build(d, y, people[y], rs, ds); len(pic.Rows) != 301 {
				t.Fatalf("%d rows", len(pic.Rows))
			}
		}
		best = min(best, cpuTime()-start)
	}
	if best > 100*time.Millisecond {
		t.Errorf("ten years of gap analysis took %v of CPU", best)
	}
	t.Logf("ten years of gap analysis: %v of CPU", best)
}

func BenchmarkGapAnalysis(b *testing.B) {
	d, people, rs, ds := bigMunicipality(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for y := 2016; y <= 2025; y++ {
			mapping.Build(d, y, people[y], rs, ds)
		}
	}
}

// On releases the dashboard builds from random small municipalities, the picture shows no
// count resting on fewer than five young people, and a rate is hidden exactly when its count
// is, with the same label.
func TestPictureKeepsTheReleaseSuppression(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 5))
	p := stats.Period{Year: 2025, Half: 2}
	shown := 0
	for trial := 0; trial < 40; trial++ {
		raw := stats.NewRaw(p, p.End())
		var ds []mapping.District
		var people []mapping.PopRow
		nd := 1 + r.IntN(5)
		for d := int64(1); d <= int64(nd); d++ {
			raw.Districts = append(raw.Districts, stats.Named{ID: d, Name: "D"})
			ds = append(ds, mapping.District{ID: d, Name: "D"})
			for _, band := range stats.AgeBands {
				if k := r.IntN(30) - 10; k > 0 {
					open(raw, d, band, k)
				}
			}
			people = append(people, pop(d, 2025, 0, 30, 10+r.IntN(200))...)
		}
		pic := mapping.Build(release(t, raw), 2025, people, nil, ds)
		for _, row := range pic.Rows {
			for _, c := range row.Cells {
				if c.Open.Shown && c.Open.Value < stats.MinCell {
					t.Fatalf("trial %d: %s %s shows %v", trial, row.Name, c.Band, c.Open.Value)
				}
				if c.Open.Shown {
					shown++
				}
				if c.OpenPer1000.Shown != c.Open.Shown || c.OpenPer1000.Primary != c.Open.Primary {
					t.Fatalf("trial %d: %s %s count %+v rate %+v", trial, row.Name, c.Band, c.Open, c.OpenPer1000)
				}
			}
		}
	}
	if shown == 0 {
		t.Fatal("no trial showed a figure: the test proves nothing")
	}
}

// The planned length and the wait, with a fixed clock: a case decided on 3 March 2025 is
// planned to 3 January 2026 (ten months); from 4 December it is ending, from 3 January over.
func TestPlannedLengthAndWait(t *testing.T) {
	decided := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, 12, 3, 9, 0, 0, 0, time.UTC), mapping.PlanRunning},
		{time.Date(2025, 12, 4, 9, 0, 0, 0, time.UTC), mapping.PlanEnding},
		{time.Date(2026, 1, 2, 22, 0, 0, 0, time.UTC), mapping.PlanEnding},
		{time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC), mapping.PlanOverrun},
	} {
		if got := mapping.PlanState(decided, 10, c.now); got != c.want {
			t.Errorf("at %s: %q, want %q", c.now, got, c.want)
		}
	}
	// Whole days in Stockholm: late on a Monday evening to the next Monday morning is a week;
	// half past midnight in Stockholm (23:30 UTC) is already Tuesday.
	if d := mapping.WaitedDays(time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)); d != 7 {
		t.Errorf("Monday to Monday: %d days", d)
	}
	if d := mapping.WaitedDays(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)); d != 6 {
		t.Errorf("Tuesday to Monday: %d days", d)
	}
}

// The picture's export: the whole municipality's bands with their rates rounded, a hidden rate
// null and suppressed, nothing to show null and not suppressed; the priority gaps counted; no
// name carried. Nothing to compare (no population, no registry): no mapping.
func TestPictureExport(t *testing.T) {
	if m := (mapping.Picture{Rows: []mapping.Row{{ID: stats.All}}}).Export(); m != nil {
		t.Fatalf("an empty picture exported %+v", m)
	}
	norra := mapping.Row{ID: 7, Name: "Norra", Cells: []mapping.Cell{{Band: "13-15", Priority: true, OpenPer1000: mapping.Figure{Value: 30, Shown: true}}}}
	all := mapping.Row{ID: stats.All, Resources: 2, CostPerYoung: mapping.Figure{Value: 1234.56789, Shown: true}, Cells: []mapping.Cell{
		{Band: "13-15", Population: 900, OpenPer1000: mapping.Figure{Value: 100.0 / 9, Shown: true}, Resources: 2, Evenings: true, Missing: []string{"family"}},
		{Band: "16-17", Population: 600, OpenPer1000: mapping.Figure{Primary: true}},
		{Band: "18-20", OpenPer1000: mapping.Figure{None: true}},
	}}
	m := (mapping.Picture{Year: 2025, Rows: []mapping.Row{norra, all}}).Export()
	if m == nil || m.PopulationYear != 2025 || m.Districts != 1 || m.Resources != 2 || m.PriorityGaps != 1 || *m.CostPerYoung != 1234.5679 || len(m.Bands) != 3 {
		t.Fatalf("%+v", m)
	}
	if b := m.Bands[0]; b.OpenPer1000 == nil || *b.OpenPer1000 != 11.1111 || b.Suppressed || !b.Evenings || b.Missing[0] != "family" {
		t.Errorf("shown band %+v", b)
	}
	if b := m.Bands[1]; b.OpenPer1000 != nil || !b.Suppressed {
		t.Errorf("hidden band %+v", b)
	}
	if b := m.Bands[2]; b.OpenPer1000 != nil || b.Suppressed {
		t.Errorf("empty band %+v", b)
	}
}
