package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/stats"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// demoFixture describes the demo municipality as a storetest fixture, so the fixture's helpers
// (Concern, Advance) work on the running app's store.
func demoFixture(t *testing.T, srv *apptest.Server) *storetest.Fixture {
	t.Helper()
	ctx := context.Background()
	st := srv.App.Store
	cred, err := st.CredentialsByUsername(ctx, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	mid := cred.User.MunicipalityID
	m, err := st.Municipality(ctx, mid)
	if err != nil {
		t.Fatal(err)
	}
	f := &storetest.Fixture{Municipality: m, Agencies: map[casework.AgencyKind]casework.Agency{}, Users: map[casework.Role]casework.User{}}
	if f.Districts, err = st.Districts(ctx, mid); err != nil {
		t.Fatal(err)
	}
	ags, err := st.Agencies(ctx, mid)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags {
		if _, ok := f.Agencies[a.Kind]; !ok {
			f.Agencies[a.Kind] = a
		}
	}
	for r, name := range map[casework.Role]string{casework.RoleCoordinator: "samordnare", casework.RoleGroupMember: "polis", casework.RoleAnalyst: "analytiker"} {
		c, err := st.CredentialsByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		f.Users[r] = c.User
	}
	return f
}

// concerns registers n concerns about new young people in a district, as the police.
func concerns(t *testing.T, srv *apptest.Server, f *storetest.Fixture, district int64, n int, from int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		rc, err := srv.App.Store.RegisterConcern(f.Ctx(t, srv.App.Store, casework.RoleGroupMember), store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "Test", LastName: fmt.Sprintf("Uppföljning%d", from+i), PersonalNumber: storetest.TestPersonalNumbers[from+i], DistrictID: district},
			Ratings: storetest.IRKRatings(2),
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rc.CaseID)
	}
	return ids
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// The dashboard is for those who see aggregates: coordinators, the steering group and analysts;
// not the administrator, not a group member. So are its exports and the national view.
func TestFollowupPagesPerRole(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	pages := []string{"/followup", "/followup/export.csv", "/followup/export.xlsx", "/followup/national"}
	want := map[string]int{"samordnare": 200, "styrgrupp": 200, "analytiker": 200, "admin": 403, "polis": 403, "skola": 403, "handlaggare": 403}
	for user, code := range want {
		c := srv.Login(t, user)
		for _, p := range pages {
			if got, _ := srv.Get(t, c, p); got != code {
				t.Errorf("%s %s: %d, want %d", user, p, got, code)
			}
		}
	}
}

// checkPublished checks the figures of an export from its shown values alone: no count of
// young people below five, and no hidden count that a shown total minus the shown parts would
// give (one hidden part, or hidden parts summing to fewer than five).
func checkPublished(t *testing.T, rows [][]string) {
	t.Helper()
	type key struct{ table, col string }
	type part struct {
		hidden bool
		v      float64
	}
	totals, parts := map[key]part{}, map[key][]part{}
	for _, r := range rows {
		table, row, col, value, number := r[5], r[6], r[7], r[3], r[4]
		if value == "" || value == "…" { // no such figure, or not published yet
			continue
		}
		hidden := value == "<5" || value == "–"
		v, _ := strconv.ParseFloat(strings.Replace(number, ",", ".", 1), 64)
		if !hidden && number == "" && value != "–" {
			t.Fatalf("%s/%s/%s: value %q without a number", table, row, col, value)
		}
		isCount := !strings.ContainsAny(value, "%,") && col != "median_days" && col != "before" && col != "after" && col != "change" &&
			!strings.HasPrefix(table, "outcome_police") && table != "goals" && table != "outcome_irk"
		if isCount && !hidden && value != "–" && v < 5 {
			t.Fatalf("%s/%s/%s shows %v, a count below five", table, row, col, v)
		}
		if !isCount {
			continue
		}
		k := key{table, col}
		if row == "total" {
			totals[k] = part{hidden, v}
		} else {
			parts[k] = append(parts[k], part{hidden, v})
		}
	}
	for k, tot := range totals {
		if tot.hidden {
			continue
		}
		rest, n := tot.v, 0
		for _, p := range parts[k] {
			if p.hidden {
				n++
			} else {
				rest -= p.v
			}
		}
		if n == 1 || (n > 1 && rest < 5) {
			t.Fatalf("%s column %s: %d hidden parts can be computed as %v", k.table, k.col, n, rest)
		}
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "Tabell" {
		t.Fatalf("CSV header %v", rows[0])
	}
	return rows[1:]
}

// The exports hold exactly the dashboard's figures, with every small number hidden — also where
// a total minus its parts would reveal it — in CSV and in Excel, for the municipality and for
// a district.
func TestDashboardExportsHideSmallCells(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := demoFixture(t, srv)
	concerns(t, srv, f, f.Districts[0].ID, 8, 0)
	concerns(t, srv, f, f.Districts[1].ID, 3, 8)
	// The half-year is published a month after it ends; the running one is not shown.
	c := srv.Login(t, "analytiker")
	if _, b := get(t, c, srv.URL+"/followup"); !bytes.Contains(b, []byte("andra halvåret 2025")) || bytes.Contains(b, []byte("första halvåret 2026</option>")) {
		t.Fatal("the running half-year is offered, or the last one is not")
	}
	clock.Set(stats.DueAt(stats.Period{Year: 2026, Half: 1}, stats.PartMain).Add(time.Hour))
	c = srv.Login(t, "analytiker")
	for _, q := range []string{"", "?district=" + strconv.FormatInt(f.Districts[0].ID, 10)} {
		res, b := get(t, c, srv.URL+"/followup/export.csv"+q)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		rows := readCSV(t, b)
		checkPublished(t, rows)
		opened := ""
		for _, r := range rows {
			if r[5] == "flow" && r[6] == "opened" && r[7] == "total" {
				opened = r[3]
			}
		}
		// Eight in Norra, three in Södra: the municipality's 11 shows only if that pins no
		// "<5" down; else it is "–", hidden to protect another figure, never "<5".
		if n, err := strconv.Atoi(strings.ReplaceAll(opened, "\u00a0", "")); q == "" && opened != "–" && (err != nil || n != 11) {
			t.Fatalf("opened in the half-year: %q, and 11 were registered in it", opened)
		}
		res, b = get(t, c, srv.URL+"/followup/export.xlsx"+q)
		if res.StatusCode != 200 {
			t.Fatalf("xlsx: %d", res.StatusCode)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("xlsx does not open: %v", err)
		}
		cells, err := x.GetRows("Uppföljning")
		if err != nil {
			t.Fatal(err)
		}
		hidden := 0
		for _, r := range cells {
			for _, v := range r {
				if v == "<5" {
					hidden++
				}
			}
		}
		if hidden == 0 {
			t.Fatal("the workbook hides nothing")
		}
		x.Close()
	}
	// The page says the same: the three young people of Södra are not shown.
	_, b := get(t, c, srv.URL+"/followup?district="+strconv.FormatInt(f.Districts[1].ID, 10))
	if !bytes.Contains(b, []byte("<td class=\"fu-hidden\">&lt;5</td>")) {
		t.Fatal("the district's page shows no hidden figure")
	}
	// A figure hidden to protect another is "–", explained beside the "<5" (issue 19: figures
	// labelled "<5" were provably five or more).
	_, b = get(t, c, srv.URL+"/followup")
	if !bytes.Contains(b, []byte("<td class=\"fu-hidden fu-protected\">–</td>")) || !bytes.Contains(b, []byte("– betyder en siffra som vilar på fem eller fler")) {
		t.Fatal("the page shows no figure hidden to protect another, or does not explain it")
	}
}

// The indicator form records inside the case: errors in Swedish with the values kept and
// nothing saved; a saved recording shows again; a group member without consent sees nothing
// and the administrator no case at all.
func TestIndicatorForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		f := demoFixture(t, srv)
		id := concerns(t, srv, f, f.Districts[0].ID, 1, 20)[0]
		f.Advance(t, srv.App.Store, id, casework.StepActive, storetest.ConsentSpec{})
		path := fmt.Sprintf("/cases/%d/indicators", id)
		coord := srv.Login(t, "samordnare")

		code, body := srv.Get(t, coord, path+"?at=intake")
		if code != 200 || !strings.Contains(body, `name="ind_school_attendance"`) || !strings.Contains(body, `name="ind_police_suspect_violence"`) {
			t.Fatalf("form: %d", code)
		}
		today := time.Now().In(stats.Stockholm).Format(time.DateOnly)
		bad := url.Values{"at": {"intake"}, "measured_on": {today}, "ind_school_attendance": {"150"}, "ind_housing": {"guardians"}, "ind_police_suspect_theft": {"två"}}
		res, body := srv.PostForm(t, coord, path, bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad values: %d", res.StatusCode)
		}
		for _, want := range []string{"Ange ett tal mellan 0 och 100.", "Ange ett tal, eller ? om uppgiften inte är känd.", `value="150"`, `value="två"`, `<option value="guardians" selected>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused form lacks %q", want)
			}
		}
		if _, body := srv.Get(t, coord, path+"?at=intake"); strings.Contains(body, `<option value="guardians" selected>`) {
			t.Fatal("a refused form saved a value")
		}
		good := url.Values{"at": {"intake"}, "measured_on": {today}, "ind_school_attendance": {"6"}, "ind_housing": {"guardians"}, "ind_police_suspect_theft": {"2"}}
		res, _ = srv.PostForm(t, coord, path, good)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), path) {
			t.Fatalf("saving: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = srv.Get(t, coord, path+"?at=intake")
		if !strings.Contains(body, `value="6"`) || !strings.Contains(body, `<option value="guardians" selected>`) || !strings.Contains(body, "Tidigare registreringar") {
			t.Fatal("the saved values are not shown again")
		}
		// The next follow-up meeting starts from the lasting values, not from last month's attendance.
		_, body = srv.Get(t, coord, path+"?at=meeting")
		if !strings.Contains(body, `<option value="guardians" selected>`) || strings.Contains(body, `id="f-ind_school_attendance" name="ind_school_attendance" value="6"`) {
			t.Fatal("the meeting form is not prefilled with the lasting values only")
		}
		if code, _ := srv.Get(t, srv.Login(t, "bup"), path); code != http.StatusNotFound {
			t.Fatalf("BUP without consent: %d", code)
		}
		if code, _ := srv.Get(t, srv.Login(t, "admin"), path); code != http.StatusForbidden {
			t.Fatalf("administrator: %d", code)
		}
		if code, _ := srv.Get(t, srv.Login(t, "styrgrupp"), path); code != http.StatusForbidden {
			t.Fatalf("steering group: %d", code)
		}
	})
}

// National support imports files; a tampered one is refused whole with the reason in Swedish.
func TestNationalImportPage(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	ctx := context.Background()
	m := casework.Municipality{Code: store.NationalSupportCode, Name: "Nationellt stöd"}
	if err := srv.App.Store.CreateMunicipality(ctx, &m); err != nil {
		t.Fatal(err)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "test"))
	ag := casework.Agency{Name: "Förstärkningsteamet", Kind: casework.AgencyOther}
	if err := srv.App.Store.CreateAgency(sys, &ag); err != nil {
		t.Fatal(err)
	}
	hash, _ := srv.App.Hasher.Hash("demo-lots-2026")
	u := casework.User{Username: "nationell", Name: "Nationell analytiker", AgencyID: ag.ID, Roles: casework.NewRoleSet(casework.RoleAnalyst)}
	if err := srv.App.Store.CreateUser(sys, &u, hash); err != nil {
		t.Fatal(err)
	}
	nat := srv.Login(t, "nationell")
	demo, err := stats.DemoExports(srv.App.Store.Now())
	if err != nil {
		t.Fatal(err)
	}
	upload := func(files map[string][]byte) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for name, b := range files {
			w, _ := mw.CreateFormFile("files", name)
			_, _ = w.Write(b)
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/followup/national/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := nat.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	tampered := bytes.Replace(demo[1], []byte(`"value":`), []byte(`"value":1`), 1)
	res, body := upload(map[string][]byte{"bra.json": demo[0], "ändrad.json": tampered})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Filen ändrad.json avvisades") || !strings.Contains(body, "Ingenting lästes in.") {
		t.Fatalf("tampered upload: %d", res.StatusCode)
	}
	if strings.Contains(body, "Kommunerna sida vid sida") {
		t.Fatal("a file of a refused batch was imported")
	}
	res, body = upload(map[string][]byte{"a.json": demo[0], "b.json": demo[2], "c.json": demo[4]})
	if res.StatusCode != 200 || !strings.Contains(body, "inläst") || !strings.Contains(body, "Kommunerna sida vid sida") {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	// A municipality cannot import.
	c := srv.Login(t, "analytiker")
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/followup/national/import", strings.NewReader(""))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode == 200 {
		t.Fatal("a municipality's analyst imported")
	}
}

// Every catalogue key the follow-up builds from codes exists in both languages.
func TestFollowupTextsExist(t *testing.T) {
	c := i18n.MustLoad()
	var keys []string
	for _, in := range stats.Indicators {
		keys = append(keys, "indicator."+in.Code)
		if !in.Derived {
			keys = append(keys, "indicator."+in.Code+".hint")
		}
		for _, v := range in.Values {
			keys = append(keys, "indicator."+in.Code+"."+v)
		}
		for _, p := range in.Parts {
			keys = append(keys, "indicator."+in.Code+"."+p)
		}
	}
	for _, tp := range stats.TimePoints {
		keys = append(keys, "indicator.at."+tp)
	}
	d := stats.Build(stats.NewRaw(stats.Period{Year: 2026, Half: 1}, time.Now()))
	v, _ := d.View(stats.All)
	for _, tab := range v.Tables {
		keys = append(keys, "dashboard.table."+tab.ID, "dashboard.note."+tab.ID, "dashboard.section."+tab.Section, "dashboard.section."+tab.Section+"_intro", "dashboard.corner."+tab.Section)
		for _, h := range tab.Cols {
			if h.Key != "" {
				keys = append(keys, h.Key)
			}
		}
		for _, r := range tab.Rows {
			if r.Key != "" {
				keys = append(keys, r.Key)
			}
		}
	}
	for _, l := range []casework.Locale{casework.LocaleSv, casework.LocaleEn} {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// The dashboard's figures are rendered once per release, view and language and kept: the
// same view shows the same figures again; another language, another district and a release
// whose follow-up part has since been published each show their own.
func TestDashboardFiguresKeptPerReleaseViewAndLanguage(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := demoFixture(t, srv)
	concerns(t, srv, f, f.Districts[0].ID, 8, 0)
	concerns(t, srv, f, f.Districts[1].ID, 6, 8)
	clock.Set(stats.DueAt(stats.Period{Year: 2026, Half: 1}, stats.PartMain).Add(time.Hour))
	c := srv.Login(t, "analytiker")
	sections := func(q string) string {
		t.Helper()
		_, b := get(t, c, srv.URL+"/followup"+q)
		s := string(b)
		i, j := strings.Index(s, `<section class="fu-section"`), strings.LastIndex(s, `</section>`)
		if i < 0 || j < i {
			t.Fatalf("/followup%s shows no figures", q)
		}
		return s[i:j]
	}
	q := "?period=2026H1"
	first := sections(q)
	if again := sections(q); again != first {
		t.Error("the same view showed other figures the second time")
	}
	district := sections(q + "&district=" + strconv.FormatInt(f.Districts[0].ID, 10))
	if district == first {
		t.Error("a district showed the whole municipality's figures")
	}
	srv.PostForm(t, c, "/language", url.Values{"lang": {"en"}, "back": {"/followup"}})
	en := sections(q)
	if en == first {
		t.Error("English showed the Swedish figures")
	}
	srv.PostForm(t, c, "/language", url.Values{"lang": {"sv"}, "back": {"/followup"}})
	if sv := sections(q); sv != first {
		t.Error("back in Swedish, other figures than the first time")
	}
	// The six-month follow-up part of 2026H1 is published later: the release read then is
	// another, and its figures are rendered anew (the pending marks go).
	clock.Set(stats.DueAt(stats.Period{Year: 2026, Half: 1}, stats.Parts[len(stats.Parts)-1]).Add(time.Hour))
	c = srv.Login(t, "analytiker")
	if later := sections(q); later == first {
		t.Error("a release with a later part published showed the figures kept from before")
	}
}
