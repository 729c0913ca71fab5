package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// mapE2ET0 is a Monday in March 2026; the half-year it falls in is published on 1 August.
var mapE2ET0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// mapPopulation is a small population file in the layout Statistics Sweden exports, in
// Latin-1 as older exports are: 100 young people of each age 12–17 in each demo district.
func mapPopulation(t *testing.T) string {
	var b strings.Builder
	b.WriteString("\"Folkmängd efter region, ålder, kön och år\"\n\n\"region\";\"ålder\";\"kön\";\"2025\"\n")
	for _, d := range []string{"Centrum", "Norra", "Södra", "Västra"} {
		for age := 12; age <= 17; age++ {
			fmt.Fprintf(&b, "\"%s\";\"%d år\";\"män\";50\n\"%s\";\"%d år\";\"kvinnor\";50\n", d, age, d, age)
		}
	}
	latin := make([]byte, 0, b.Len())
	for _, r := range b.String() {
		latin = append(latin, byte(r))
	}
	return writeTemp(t, "folkmangd.csv", latin)
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const mapRegistryHead = "namn;typ;huvudman;stadsdel;adress;ålder från;ålder till;nivå;kapacitet;årskostnad;betalare;kvällar;helger;behov;insatser\n"

// The administrator loads the population and the resource registry (a bad file refused line
// by line, nothing saved), sees the coordinator at the caseload cap warned about and changes
// the cap; the steering group reads the picture of needs, population and resources. Every
// page passes axe.
func TestMappingInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(mapE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	f := storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	// Ten young people taken on by Sara Lindqvist: her caseload is at the cap of ten.
	for i := range 10 {
		rc, err := st.RegisterConcern(coord, store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "Karta", LastName: fmt.Sprintf("Exempel%d", i), BirthDate: fmt.Sprintf("201%d-0%d-05", i%3, 1+i%9), DistrictID: f.Districts[i%2].ID},
			Ratings: storetest.IRKRatings(3),
		})
		if err != nil {
			t.Fatal(err)
		}
		f.Advance(t, st, rc.CaseID, casework.StepAssessment, storetest.ConsentSpec{})
	}
	clock.Set(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "admin", demo.Password)

	t.Run("the population file is imported", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping/data"))
		waitPage(t, ctx, "mapping_data")
		checkA11y(t, ctx, "the empty data page")
		do(t, ctx,
			chromedp.SetUploadFiles(css("#f-population"), []string{mapPopulation(t)}),
			chromedp.Click(css("form[action='/mapping/population'] button[type=submit]")),
		)
		waitPage(t, ctx, "mapping_job")
		waitJobEnd(t, ctx, "done")
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping/data"), chromedp.WaitVisible(css("#population")))
		if got := text(t, ctx, "#population tbody"); !strings.Contains(got, "2025") || !strings.Contains(got, "2400") {
			t.Fatalf("population %q", got)
		}
	})

	t.Run("a bad registry is refused line by line and nothing is saved", func(t *testing.T) {
		bad := mapRegistryHead + "Gården;youth_centre;Fritid;Österby;;13;17;universell;40;1000000;Fritid;ja;nej;leisure;\n" +
			"Gården;gym;;;;13;17;universell;;-5;;ja;nej;;\n"
		do(t, ctx,
			chromedp.SetUploadFiles(css("#f-resources"), []string{writeTemp(t, "bad.csv", []byte(bad))}),
			chromedp.Click(css("form[action='/mapping/resources'] button[type=submit]")),
			chromedp.WaitVisible(css("#file-errors")),
		)
		errs := text(t, ctx, "#file-errors")
		for _, want := range []string{"Rad 2, kolumn 4: okänd stadsdel ”Österby”", "Rad 3, kolumn 1: samma namn finns redan på rad 2", "Rad 3, kolumn 2: okänd typ ”gym”", "Rad 3, kolumn 10: ogiltigt tal ”-5”"} {
			if !strings.Contains(errs, want) {
				t.Errorf("errors lack %q:\n%s", want, errs)
			}
		}
		checkA11y(t, ctx, "the refused registry")
		if n := eval[int](t, ctx, `document.querySelectorAll('#registry tbody tr').length`); n != 0 {
			t.Fatalf("a refused file saved %d resources", n)
		}
	})

	t.Run("the registry is imported", func(t *testing.T) {
		good := mapRegistryHead + "Gården;youth_centre;Fritid;Norra;Torget 1;13;17;universell;40;1000000;Fritidsnämnden;ja;nej;leisure,peers;\n" +
			"Fältarna;field_workers;Socialtjänsten;;;13;20;selektiv;;800000;Socialnämnden;ja;ja;peers,attitudes;\n"
		do(t, ctx,
			chromedp.SetUploadFiles(css("#f-resources"), []string{writeTemp(t, "good.csv", []byte(good))}),
			chromedp.Click(css("form[action='/mapping/resources'] button[type=submit]")),
			chromedp.WaitVisible(css("#registry")),
		)
		if got := text(t, ctx, "#registry tbody"); !strings.Contains(got, "Fältarna") || !strings.Contains(got, "Hela kommunen") || !strings.Contains(got, "Fritidsgård") {
			t.Fatalf("registry %q", got)
		}
		checkA11y(t, ctx, "the data page")
	})

	t.Run("boundaries are imported; names that match no district are listed", func(t *testing.T) {
		square := func(name string, x, y float64) string {
			return fmt.Sprintf(`{"type": "Feature", "properties": {"name": %q}, "geometry": {"type": "Polygon", "coordinates": [[[%v, %v], [%v, %v], [%v, %v], [%v, %v], [%v, %v]]]}}`,
				name, x, y, x+0.05, y, x+0.05, y+0.03, x, y+0.03, x, y)
		}
		collection := func(fs ...string) []byte {
			return []byte(`{"type": "FeatureCollection", "features": [` + strings.Join(fs, ",") + `]}`)
		}
		do(t, ctx,
			chromedp.SetUploadFiles(css("#f-shapes"), []string{writeTemp(t, "bad.geojson", collection(square("Centrum", 18, 59.3), square("Österby", 18.1, 59.3)))}),
			chromedp.Click(css("form[action='/mapping/shapes'] button[type=submit]")),
			chromedp.WaitVisible(css("#file-errors")),
		)
		if errs := text(t, ctx, "#file-errors"); !strings.Contains(errs, "Dessa namn matchar ingen stadsdel: Österby.") {
			t.Fatalf("errors %q", errs)
		}
		if n := text(t, ctx, "#shapes-count"); !strings.HasPrefix(n, "0 av 4") {
			t.Fatalf("a refused file saved boundaries: %q", n)
		}
		good := collection(square("Centrum", 18, 59.3), square("Norra", 18, 59.33), square("Södra", 18, 59.27), square("Västra", 17.95, 59.3))
		do(t, ctx,
			chromedp.SetUploadFiles(css("#f-shapes"), []string{writeTemp(t, "good.geojson", good)}),
			chromedp.Click(css("form[action='/mapping/shapes'] button[type=submit]")),
			chromedp.WaitVisible(css(".flash")),
		)
		if n := text(t, ctx, "#shapes-count"); !strings.HasPrefix(n, "4 av 4") {
			t.Fatalf("boundaries %q", n)
		}
	})

	t.Run("the capacity view warns at the cap, and the cap is the administrator's", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(srv.URL+"/capacity"))
		waitPage(t, ctx, "capacity")
		if w := text(t, ctx, "#capacity-warning"); !strings.Contains(w, "1 samordnare är vid taket") {
			t.Fatalf("warning %q", w)
		}
		if row := text(t, ctx, "#caseloads tr.load-full"); !strings.Contains(row, "Sara Lindqvist") || !strings.Contains(row, "10") {
			t.Fatalf("Sara's row %q", row)
		}
		checkA11y(t, ctx, "the capacity view")
		do(t, ctx,
			chromedp.SetValue(css("#f-caseload_cap"), "0"),
			chromedp.Click(css("form[action='/capacity/cap'] button[type=submit]")),
			chromedp.WaitVisible(css("#e-caseload_cap")),
		)
		if msg := text(t, ctx, "#e-caseload_cap"); msg != "Ange ett heltal från 1 till 50." {
			t.Fatalf("error %q", msg)
		}
		checkA11y(t, ctx, "the refused cap")
		do(t, ctx,
			chromedp.SetValue(css("#f-caseload_cap"), "12"),
			chromedp.Click(css("form[action='/capacity/cap'] button[type=submit]")),
			chromedp.WaitVisible(css(".flash")),
		)
		if n := eval[int](t, ctx, `document.querySelectorAll('#capacity-warning').length`); n != 0 {
			t.Fatal("still warned with a cap of twelve")
		}
	})

	t.Run("the steering group reads the picture", func(t *testing.T) {
		clickAndWait(t, ctx, ".user-menu button", "login")
		login(t, ctx, srv.URL, "styrgrupp", demo.Password)
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping?period=2026H1"))
		waitPage(t, ctx, "mapping_show")
		checkA11y(t, ctx, "the picture")
		rows := text(t, ctx, "#needs tbody")
		for _, want := range []string{"Centrum", "Norra", "Södra", "Västra", "Hela kommunen"} {
			if !strings.Contains(rows, want) {
				t.Errorf("the needs table lacks %s:\n%s", want, rows)
			}
		}
		// Ten young people in two districts: every figure rests on fewer than five or is
		// hidden to protect one; nothing small is shown.
		cells := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('#needs tbody td')).map(td => td.textContent.trim())`)
		for _, c := range cells {
			if c != "<5" && c != "–" && c != "" {
				t.Errorf("a figure of a small municipality is shown: %q", c)
			}
		}
		// The current-state report as Excel: the needs, resources and gaps sheets.
		raw := fetchBytes(t, ctx, eval[string](t, ctx, `document.querySelector('#export-xlsx').href`))
		x, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("the workbook does not open: %v", err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "Behov,Resurser,Gap,Alla behov,Behov per mått" {
			t.Errorf("sheets %s", got)
		}
		if rows, _ := x.GetRows("Resurser"); len(rows) != 6 || rows[2][0] != "Norra" || rows[2][3] != "1000000" {
			t.Errorf("the resources sheet %q", rows)
		}

		// The map: four districts drawn from their boundaries, with a legend; it prints.
		if n := eval[int](t, ctx, `document.querySelectorAll('#map svg path.map-area').length`); n != 4 {
			t.Fatalf("the map has %d districts", n)
		}
		// Norra and Södra have young people, too few to show; Centrum and Västra none at all.
		if n := eval[int](t, ctx, `document.querySelectorAll('#map path.map-hidden').length`); n != 2 {
			t.Errorf("%d districts drawn as hidden, want Norra and Södra", n)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#map path.map-none').length`); n != 2 {
			t.Errorf("%d districts drawn without a figure, want Centrum and Västra", n)
		}
		if title := eval[string](t, ctx, `document.querySelector('#map-t').textContent`); !strings.Contains(title, "per stadsdel") {
			t.Errorf("map title %q", title)
		}
		do(t, ctx, emulateMedia("print"))
		if eval[string](t, ctx, `getComputedStyle(document.querySelector('#map')).display`) == "none" {
			t.Error("the map does not print")
		}
		do(t, ctx, emulateMedia(""))
		do(t, ctx, chromedp.Navigate(srv.URL+"/mapping?period=2026H1&map=13-15"))
		waitPage(t, ctx, "mapping_show")
		if sel := get(t, ctx, chromedp.Value(css("#f-map"))); sel != "13-15" {
			t.Errorf("the map's indicator %q", sel)
		}
		checkA11y(t, ctx, "the map of one band")
		if res := text(t, ctx, "#resources tbody tr:nth-child(2)"); !strings.Contains(res, "Norra") || !strings.Contains(strings.ReplaceAll(res, "\u00a0", " "), "1 000 000") {
			t.Errorf("Norra's resources %q", res)
		}
	})
}

// fetchBytes downloads href in the page's session.
func fetchBytes(t *testing.T, ctx context.Context, href string) []byte {
	t.Helper()
	b64 := eval[string](t, ctx, `fetch(`+strconv.Quote(href)+`, {credentials: 'same-origin'})
		.then(r => { if (!r.ok) throw new Error('status ' + r.status); return r.arrayBuffer(); })
		.then(b => { let s = ''; const u = new Uint8Array(b); for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); })`)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
