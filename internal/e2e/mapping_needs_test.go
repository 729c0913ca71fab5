package e2e

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/mapping"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The needs per district and age band in the browser (issue 13:3): the steering group picks
// a need — young people with a concern, in SIG, an IRK risk factor — for the map and the district
// table, reads every need of the whole municipality in the summary, and sets its mapping
// beside another municipality's on the national page (issue 13, the comparison). Nothing
// resting on fewer than five young people is shown; every page passes axe.
func TestMappingNeedsInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(mapE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	f := storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	// Fifteen concerns about 14-year-olds: eight in Centrum, seven in Norra.
	for i := range 15 {
		if _, err := st.RegisterConcern(coord, store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "Behov", LastName: fmt.Sprintf("Exempel%d", i), BirthDate: fmt.Sprintf("2012-0%d-05", 1+i%9), DistrictID: f.Districts[i%2].ID},
			Ratings: storetest.IRKRatings(3),
		}); err != nil {
			t.Fatal(err)
		}
	}
	sys := casework.WithActor(context.Background(), casework.SystemActor(f.Municipality.ID, "test"))
	var ds []mapping.District
	for _, d := range f.Districts {
		ds = append(ds, mapping.District{ID: d.ID, Name: d.Name})
	}
	popFile, err := os.ReadFile(mapPopulation(t))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := mapping.ParsePopulation(popFile, ds)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ImportPopulation(sys, rows); err != nil {
		t.Fatal(err)
	}
	var features []string
	for i, d := range ds {
		x := 18 + 0.06*float64(i)
		features = append(features, fmt.Sprintf(`{"type": "Feature", "properties": {"name": %q}, "geometry": {"type": "Polygon", "coordinates": [[[%v, 59.3], [%v, 59.3], [%v, 59.33], [%v, 59.33], [%v, 59.3]]]}}`,
			d.Name, x, x+0.05, x+0.05, x, x))
	}
	shapes, err := mapping.ParseGeoJSON([]byte(`{"type": "FeatureCollection", "features": [`+strings.Join(features, ",")+`]}`), ds)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ImportShapes(sys, shapes); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))

	// Another municipality's file of the half-year, with its mapping: concerns per 1 000.
	var other []byte
	files, err := stats.DemoExports(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	concerns, peers, sig := 12.5, 6.25, 20.0
	for _, b := range files {
		e, err := stats.ParseExport(b)
		if err != nil {
			t.Fatal(err)
		}
		if e.Period != "2026H1" || other != nil {
			continue
		}
		e.Mapping = &stats.ExportMapping{PopulationYear: 2025, Districts: 7, Resources: 12, PriorityGaps: 3, Bands: []stats.ExportMappingBand{
			{Band: "13-15", Population: 2400, Suppressed: true, Missing: []string{"family"}, Needs: []stats.ExportNeed{
				{Need: stats.NeedConcerns, Per1000: &concerns}, {Need: "irk.peers", Per1000: &peers}, {Need: stats.NeedPlaced, Suppressed: true},
				{Need: stats.NeedSIG, Per1000: &sig}}},
		}}
		if other, err = e.Marshal(); err != nil {
			t.Fatal(err)
		}
	}
	if other == nil {
		t.Fatal("no demo file of 2026H1")
	}
	if _, err := st.ImportNationalExportsAsOperator(context.Background(), []store.ExportFile{{Name: "annan.json", Data: other}}); err != nil {
		t.Fatal(err)
	}

	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "styrgrupp", demo.Password)
	small := regexp.MustCompile(`\((\d+)\)`)
	noSmallCounts := func(sel string) {
		t.Helper()
		for _, m := range small.FindAllStringSubmatch(text(t, ctx, sel), -1) {
			if n, _ := strconv.Atoi(m[1]); n < stats.MinCell {
				t.Errorf("%s shows a count of %d", sel, n)
			}
		}
		cells := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('`+sel+` td')).map(td => td.textContent.trim())`)
		for _, c := range cells {
			if c == "" || c == "<5" || c == "–" {
				continue
			}
			if n, err := strconv.Atoi(c); err == nil && n < stats.MinCell {
				t.Errorf("%s shows %q", sel, c)
			}
		}
	}

	t.Run("the map and the district table show the chosen need", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping?period=2026H1&measure=concerns&map=13-15"))
		waitPage(t, ctx, "mapping_show")
		checkA11y(t, ctx, "the picture of concerns")
		if sel := get(t, ctx, chromedp.Value(css("#f-measure"))); sel != "concerns" {
			t.Errorf("the measure %q", sel)
		}
		if title := eval[string](t, ctx, `document.querySelector('#map-t').textContent`); !strings.Contains(title, "Unga med orosanmälan per 1 000 unga") || !strings.Contains(title, "13–15") {
			t.Errorf("map title %q", title)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#map svg path.map-area').length`); n != 4 {
			t.Errorf("the map has %d districts", n)
		}
		if c := text(t, ctx, "#needs-c"); !strings.Contains(c, "Unga med orosanmälan") {
			t.Errorf("the needs table's caption %q", c)
		}
		noSmallCounts("#needs")
		// Every need of the whole municipality, one row each.
		if n := eval[int](t, ctx, `document.querySelectorAll('#needs-summary tbody tr').length`); n != len(mapping.Measures) {
			t.Errorf("the summary has %d rows, want %d", n, len(mapping.Measures))
		}
		if row := text(t, ctx, "#needs-summary tr[data-measure='irk.peers'] th"); !strings.Contains(row, "Kamrater") {
			t.Errorf("the peers row %q", row)
		}
		noSmallCounts("#needs-summary")
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping?period=2026H1&measure=irk.peers"))
		waitPage(t, ctx, "mapping_show")
		if title := eval[string](t, ctx, `document.querySelector('#map-t').textContent`); !strings.Contains(title, "Kamrater") || !strings.Contains(title, "alla åldrar") {
			t.Errorf("map title %q", title)
		}
		checkA11y(t, ctx, "the picture of a risk factor")
		// The young people in SIG, chosen in the selector.
		eval[string](t, ctx, `document.body.dataset.before = '1'`)
		do(t, ctx, chromedp.SetValue(css("#f-measure"), stats.NeedSIG),
			chromedp.Click(css(".map-section form button[type=submit]")), chromedp.WaitVisible(css("body[data-page='mapping_show']:not([data-before]) main")))
		if sel := get(t, ctx, chromedp.Value(css("#f-measure"))); sel != stats.NeedSIG {
			t.Errorf("the measure %q", sel)
		}
		if title := eval[string](t, ctx, `document.querySelector('#map-t').textContent`); !strings.Contains(title, "Unga i SIG per 1 000 unga") {
			t.Errorf("map title %q", title)
		}
		if c := text(t, ctx, "#needs-c"); !strings.Contains(c, "Unga i SIG") {
			t.Errorf("the needs table's caption %q", c)
		}
		noSmallCounts("#needs")
		for code, label := range map[string]string{stats.NeedSIG: "Unga i SIG", stats.NeedSSPF: "Unga i SSPF"} {
			if row := text(t, ctx, "#needs-summary tr[data-measure='"+code+"'] th"); row != label {
				t.Errorf("the summary's %s row %q", code, row)
			}
		}
		checkA11y(t, ctx, "the picture of the young people in SIG")
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping?period=2026H1&measure=nonsense"))
		waitPage(t, ctx, "mapping_show")
		if sel := get(t, ctx, chromedp.Value(css("#f-measure"))); sel != "open" {
			t.Errorf("an unknown measure shows %q", sel)
		}
	})

	t.Run("the national page sets the mapping beside another municipality's", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(srv.URL+"/followup/national?period=2026H1&measure=concerns"))
		waitPage(t, ctx, "national_show")
		checkA11y(t, ctx, "the national page with the mapping")
		body := text(t, ctx, "#national-needs tbody")
		if !strings.Contains(body, "Demo kommun") || !strings.Contains(strings.ReplaceAll(body, "\u00a0", " "), "12,5") {
			t.Errorf("the municipalities' concerns %q", body)
		}
		gaps := text(t, ctx, "#national-gaps tbody")
		if !strings.Contains(gaps, "2025") {
			t.Errorf("the municipalities' gaps %q", gaps)
		}
		for _, name := range []string{"Centrum", "Norra", "Södra", "Västra"} {
			if strings.Contains(text(t, ctx, "#h-nat-map + p + form + div"), name) {
				t.Errorf("a district is named: %s", name)
			}
		}
		// The other municipality's file is version 5: it carries the young people in SIG.
		do(t, ctx, chromedp.Navigate(srv.URL+"/followup/national?period=2026H1&measure=sig"))
		waitPage(t, ctx, "national_show")
		if body := text(t, ctx, "#national-needs tbody"); !strings.Contains(body, "20") {
			t.Errorf("the municipalities' young people in SIG %q", body)
		}
		do(t, ctx, chromedp.Navigate(srv.URL+"/followup/national?period=2026H1&measure=placed"))
		waitPage(t, ctx, "national_show")
		if body := text(t, ctx, "#national-needs tbody"); !strings.Contains(body, "<5") {
			t.Errorf("a need the file hides %q", body)
		}
	})
}
