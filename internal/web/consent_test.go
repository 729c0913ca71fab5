package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// consentT0 is a Tuesday at 10:00 in Stockholm: the clock of the consent and audit tests.
var consentT0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// consentFixture is the demo municipality seen as a storetest fixture, so its helpers can take
// a case along the flow as the demo coordinator "samordnare".
func consentFixture(t *testing.T, srv *apptest.Server) *storetest.Fixture {
	return srv.DemoFixture(t, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
}

// consentCase registers a young person without personnummer (so no demo person is met by
// chance) with a guardian, and takes the case to the consent step.
func consentCase(t *testing.T, srv *apptest.Server, f *storetest.Fixture, first, last, guardian string) int64 {
	t.Helper()
	st := srv.App.Store
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	rc, err := st.RegisterConcern(coord, store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: first, LastName: last, BirthDate: "2011-04-05", DistrictID: f.Districts[0].ID},
		Ratings: storetest.IRKRatings(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(t, st, rc.CaseID, casework.StepConsent, storetest.ConsentSpec{})
	if guardian != "" {
		p := &casework.RelatedPerson{Kind: casework.RelationKind("guardian"), Name: guardian, Relation: "mamma", HasCustody: true}
		if err := st.SaveRelatedPerson(coord, rc.CaseID, p); err != nil {
			t.Fatal(err)
		}
	}
	return rc.CaseID
}

// postMultipart posts a file as a browser form would.
func postMultipart(t *testing.T, srv *apptest.Server, c *http.Client, path string, fields map[string]string, field, filename string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// smallPDF is a real, minimal PDF document (one empty page).
const smallPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

var (
	consentAgencyBox = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`name="agency" value="(\d+)"[^>]*> ` + regexp.QuoteMeta(name))
	}
	consentSignerOpt = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`<option value="(\d+)">` + regexp.QuoteMeta(name) + ` \(`)
	}
	consentIDInList = regexp.MustCompile(`id="consent-(\d+)"`)
)

func find(t *testing.T, re *regexp.Regexp, body string) string {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s not found in\n%s", re, body)
	}
	return m[1]
}

// The consent and audit pages on both engines, on one running Lots each (starting one loads
// the demo and its history, which takes a while).
func TestConsentAndAuditPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(consentT0)
		srv := apptest.Start(t, e, apptest.Options{Now: clock.Now})
		f := consentFixture(t, srv)
		t.Run("the consent's life cycle", func(t *testing.T) { consentLifeCycle(t, srv, f) })
		t.Run("the consent form's texts", func(t *testing.T) { consentTextsUpload(t, srv) })
		t.Run("the auditor's pages", func(t *testing.T) { auditorPages(t, srv, f) })
		t.Run("the settings of the consent", func(t *testing.T) { settingsConsentRule(t, srv) }) // last: it changes who signs
	})
}

// The consent over HTTP: drawn up, refused with Swedish errors when wrong, signed by each
// signer, in force — and the police see the case exactly while it holds.
func consentLifeCycle(t *testing.T, srv *apptest.Server, f *storetest.Fixture) {
	caseID := consentCase(t, srv, f, "Nilas", "Nordh", "Mona Nordh")
	cid := strconv.FormatInt(caseID, 10)
	base := "/cases/" + cid + "/consents"
	coord := srv.Login(t, "samordnare")
	police := srv.Login(t, "polis")
	_, overview := srv.Get(t, coord, "/cases/"+cid)
	caseRouteExists := strings.Contains(overview, "Nilas")
	policeSees := func(want int) {
		t.Helper()
		if code, _ := srv.Get(t, police, base); code != want {
			t.Fatalf("police on the consent page: %d, want %d", code, want)
		}
		if caseRouteExists {
			if code, _ := srv.Get(t, police, "/cases/"+cid); code != want {
				t.Fatalf("police on the case: %d, want %d", code, want)
			}
		}
	}

	code, list := srv.Get(t, coord, base)
	if code != http.StatusOK || !strings.Contains(list, "Inget samtycke är upprättat ännu.") {
		t.Fatalf("empty list: %d\n%s", code, list)
	}
	policeSees(http.StatusNotFound)

	_, form := srv.Get(t, coord, base+"/new")
	policeID := find(t, consentAgencyBox("Polisen, lokalpolisområde Demo"), form)
	schoolID := find(t, consentAgencyBox("Grundskoleförvaltningen"), form)
	if !strings.Contains(form, `value="2026-03-10"`) || !strings.Contains(form, `name="months" value="6"`) {
		t.Error("the form does not start from today and the municipality's six months")
	}
	if !strings.Contains(form, "Grunduppgifter om ärendet ingår alltid.") {
		t.Error("the form does not say that basic information is always included")
	}

	t.Run("a refused form shows Swedish errors at the fields and saves nothing", func(t *testing.T) {
		res, body := srv.PostForm(t, coord, base, url.Values{
			"valid_from": {"2026-13-45"}, "months": {"30"}, "category": {"hemligt"}, "language": {"fi"},
		})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, msg := range []string{"Skriv datumet som ÅÅÅÅ-MM-DD.", "Giltighetstiden ska vara mellan 1 och 24 månader.",
			"Välj minst en part som sekretessen ska hävas mellan.", "Okänd uppgiftskategori.", "Välj ett språk för blanketten."} {
			if !strings.Contains(body, msg) {
				t.Errorf("missing %q", msg)
			}
		}
		if !strings.Contains(body, `value="30"`) || !strings.Contains(body, `value="2026-13-45"`) {
			t.Error("typed values not kept")
		}
		if _, list := srv.Get(t, coord, base); !strings.Contains(list, "Inget samtycke är upprättat ännu.") {
			t.Error("a refused form saved a consent")
		}
	})

	t.Run("an end date instead of months: after the start and within 24 months", func(t *testing.T) {
		for _, bad := range []string{"2026-03-10", "2028-03-11", "14 juni"} {
			res, body := srv.PostForm(t, coord, base, url.Values{
				"valid_from": {"2026-03-10"}, "months": {"6"}, "valid_until": {bad}, "agency": {policeID},
				"category": {"police"}, "language": {"sv"},
			})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-valid_until"`) {
				t.Errorf("end date %q: %d", bad, res.StatusCode)
			}
		}
		if _, list := srv.Get(t, coord, base); !strings.Contains(list, "Inget samtycke är upprättat ännu.") {
			t.Fatal("a refused end date saved a consent")
		}
		// A right one is shown as the period's end (this case's consent is drawn up below; a
		// second case takes this one).
		other := consentCase(t, srv, f, "Terminia", "Slutsson", "Tea Slutsson")
		otherBase := "/cases/" + strconv.FormatInt(other, 10) + "/consents"
		res, body := srv.PostForm(t, coord, otherBase, url.Values{
			"valid_from": {"2026-03-10"}, "months": {"6"}, "valid_until": {"2026-06-14"}, "agency": {policeID},
			"category": {"police"}, "language": {"sv"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("end date: %d\n%s", res.StatusCode, body)
		}
		if _, list := srv.Get(t, coord, otherBase); !strings.Contains(list, "2026-03-10 – 2026-06-14") {
			t.Error("the consent does not end on the date given")
		}
	})

	res, body := srv.PostForm(t, coord, base, url.Values{
		"valid_from": {"2026-03-10"}, "months": {"6"}, "agency": {policeID, schoolID},
		"category": {"police", "school"}, "language": {"sv"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draw up: %d\n%s", res.StatusCode, body)
	}
	_, list = srv.Get(t, coord, base)
	consentID := find(t, consentIDInList, list)
	for _, want := range []string{"Väntar på underskrifter", "Underskrift saknas: Nilas Nordh (den unga), Mona Nordh (vårdnadshavare)",
		"Polisen, lokalpolisområde Demo", "Skolgång och betyg", "Polisiära uppgifter", "2026-03-10 – 2026-09-10"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	policeSees(http.StatusNotFound) // drawn up is not signed

	sign := func(name, day string) (*http.Response, string) {
		_, list := srv.Get(t, coord, base)
		return srv.PostForm(t, coord, base+"/"+consentID+"/signatures", url.Values{
			"signer": {find(t, consentSignerOpt(name), list)}, "signed_on": {day}, "signed_how": {"paper"},
		})
	}
	t.Run("a signature in the future is refused and not recorded", func(t *testing.T) {
		res, body := sign("Nilas Nordh", "2026-03-11")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Underskriftsdatumet kan inte ligga i framtiden.") {
			t.Fatalf("%d\n%s", res.StatusCode, body)
		}
		if _, list := srv.Get(t, coord, base); !strings.Contains(list, "Nilas Nordh (den unga)") {
			t.Fatal("the refused signature was recorded")
		}
	})
	if res, body := sign("Nilas Nordh", "2026-03-10"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("youth signs: %d\n%s", res.StatusCode, body)
	}
	_, list = srv.Get(t, coord, base)
	if !strings.Contains(list, "Underskrift saknas: Mona Nordh (vårdnadshavare)") || strings.Contains(list, "Nilas Nordh (den unga)</option>") {
		t.Fatal("after the youth signed, only the guardian should be missing")
	}
	policeSees(http.StatusNotFound)
	if res, body := sign("Mona Nordh", "2026-03-10"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("guardian signs: %d\n%s", res.StatusCode, body)
	}
	_, list = srv.Get(t, coord, base)
	if !strings.Contains(list, `consent-status-valid">Gäller<`) || strings.Contains(list, "Underskrift saknas") {
		t.Fatalf("signed by all, the consent should be in force:\n%s", list)
	}
	policeSees(http.StatusOK)

	t.Run("the police see the consent but cannot change it", func(t *testing.T) {
		_, pl := srv.Get(t, police, base)
		if strings.Contains(pl, "Återkalla") || strings.Contains(pl, "/signatures") || strings.Contains(pl, "Upprätta samtycke") {
			t.Error("the police are offered the coordinator's forms")
		}
		res, _ := srv.PostForm(t, police, base+"/"+consentID+"/withdrawal", url.Values{"withdrawn_by": {"Nilas Nordh"}, "withdrawn_how": {"phone"}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("police withdrawal: %d", res.StatusCode)
		}
	})

	t.Run("the printable form in Arabic is right to left and shows only the consent", func(t *testing.T) {
		code, page := srv.Get(t, coord, base+"/"+consentID+"/form?lang=ar")
		if code != http.StatusOK || !strings.Contains(page, `<html lang="ar" dir="rtl">`) {
			t.Fatalf("%d\n%s", code, page)
		}
		for _, want := range []string{"Nilas Nordh", "Mona Nordh", "Polisen, lokalpolisområde Demo", "ولي الأمر", "Sara Lindqvist"} {
			if !strings.Contains(page, want) {
				t.Errorf("the form lacks %q", want)
			}
		}
		for _, not := range []string{"R2026-", "mamma", "Norra", "Centrum"} {
			if strings.Contains(page, not) {
				t.Errorf("the form shows %q, which is not the consent's", not)
			}
		}
		code, page = srv.Get(t, coord, base+"/"+consentID+"/form")
		if code != http.StatusOK || !strings.Contains(page, `<html lang="sv" dir="ltr">`) || !strings.Contains(page, "10 mars 2026 till 10 september 2026") {
			t.Fatalf("Swedish form: %d", code)
		}
		if code, _ := srv.Get(t, coord, base+"/"+consentID+"/form?lang=fi"); code != http.StatusNotFound {
			t.Fatalf("unknown language: %d", code)
		}
	})

	t.Run("the signed form is checked by its content", func(t *testing.T) {
		path := base + "/" + consentID + "/evidence"
		res, body := postMultipart(t, srv, coord, path, nil, "file", "blankett.pdf", []byte("Detta är ingen PDF, bara text.\n"))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ladda upp den underskrivna blanketten som PDF, JPEG eller PNG.") {
			t.Fatalf("text renamed .pdf: %d", res.StatusCode)
		}
		big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), store.MaxEvidenceBytes+200<<10)...)
		res, body = postMultipart(t, srv, coord, path, nil, "file", "stor.pdf", big)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Filen är för stor (högst 10 MB).") {
			t.Fatalf("over-size: %d", res.StatusCode)
		}
		if _, list := srv.Get(t, coord, base); strings.Contains(list, path+`">`) {
			t.Fatal("a refused file was stored")
		}
		res, _ = postMultipart(t, srv, coord, path, nil, "file", "samtycke nilas.pdf", []byte(smallPDF))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a real PDF: %d", res.StatusCode)
		}
		got, err := coord.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if got.StatusCode != http.StatusOK || got.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;") || got.Header.Get("X-Content-Type-Options") != "nosniff" ||
			string(data) != smallPDF {
			t.Fatalf("download: %d %v", got.StatusCode, got.Header)
		}
	})

	t.Run("renewing starts from the current consent", func(t *testing.T) {
		_, form := srv.Get(t, coord, base+"/new?renews="+consentID)
		if !regexp.MustCompile(`name="agency" value="`+policeID+`"[^>]* checked`).MatchString(form) ||
			!strings.Contains(form, `value="2026-09-10"`) || !strings.Contains(form, `name="renews" value="`+consentID+`"`) {
			t.Fatal("the renewal form is not filled from the current consent")
		}
	})

	t.Run("withdrawal asks first, then ends the police's access at once", func(t *testing.T) {
		_, confirm := srv.Get(t, coord, base+"/"+consentID+"/withdraw")
		if !strings.Contains(confirm, "upphör samtycket att gälla direkt") {
			t.Fatal("the confirmation does not say access ends at once")
		}
		res, body := srv.PostForm(t, coord, base+"/"+consentID+"/withdrawal", url.Values{"withdrawn_how": {"phone"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ange vem som återkallade samtycket.") {
			t.Fatalf("withdrawal without who: %d", res.StatusCode)
		}
		policeSees(http.StatusOK)
		res, _ = srv.PostForm(t, coord, base+"/"+consentID+"/withdrawal", url.Values{
			"withdrawn_by": {"Mona Nordh"}, "withdrawn_how": {"phone"}, "withdrawn_note": {"Ringde på morgonen"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdrawal: %d", res.StatusCode)
		}
		policeSees(http.StatusNotFound)
		_, list := srv.Get(t, coord, base)
		if !strings.Contains(list, "Återkallat 2026-03-10 10:00 av Mona Nordh (Per telefon).") {
			t.Fatalf("list after withdrawal:\n%s", list)
		}
	})
}

// The municipal settings hold the consent's signer rule and the roles that see protected
// details; saving keeps what the form does not show.
func settingsConsentRule(t *testing.T, srv *apptest.Server) {
	admin := srv.Login(t, "admin")
	_, page := srv.Get(t, admin, "/admin/settings")
	for _, want := range []string{"Kindas SSPF", "Munkfors", `name="protected_roles" value="coordinator"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the settings page lacks %q", want)
		}
	}
	if strings.Contains(page, `name="protected_roles" value="admin"`) {
		t.Error("the administrator, who never sees a case, is offered protected details")
	}
	form := url.Values{
		"min_age": {"12"}, "max_age": {"18"}, "group_within_days": {"7"}, "action_plan_within_days": {"10"},
		"assessment_within_days": {"42"}, "consent_validity_months": {"6"}, "session_idle_minutes": {"30"}, "session_max_hours": {"10"},
		"consent_youth_signs_from_age": {"15"}, "consent_guardians_until_age": {"18"}, "protected_roles": {"coordinator"},
		"motivation_phase": {"on"}, "task_reminders": {"on"}, "reminder_days_before": {"3"},
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("consent_youth_signs_from_age", "30")
	bad.Set("reminder_days_before", "45")
	bad["protected_roles"] = []string{"coordinator", "admin"}
	res, body := srv.PostForm(t, admin, "/admin/settings", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ange en ålder mellan 0 och 18.") ||
		!strings.Contains(body, "Välj bland rollerna som arbetar i ärenden.") || !strings.Contains(body, "Påminnelsen skickas 1–30 dagar före.") {
		t.Fatalf("bad settings: %d", res.StatusCode)
	}
	if res, _ := srv.PostForm(t, admin, "/admin/settings", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	m, err := srv.App.Store.MunicipalityByCode(t.Context(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	st := m.Settings
	if st.ConsentYouthSignsFromAge != 15 || st.ConsentGuardiansUntilAge != 18 || len(st.ProtectedRoles) != 1 || st.ProtectedRoles[0] != casework.RoleCoordinator ||
		!st.TaskReminders || st.ReminderDaysBefore != 3 {
		t.Fatalf("saved %+v", st)
	}
}

// An administrator downloads a language's texts, uploads an edited file, and a bad file is
// refused whole with every problem named.
func consentTextsUpload(t *testing.T, srv *apptest.Server) {
	admin := srv.Login(t, "admin")
	res, err := admin.Get(srv.URL + "/admin/consent-texts?download=ar")
	if err != nil {
		t.Fatal(err)
	}
	file, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || !bytes.Contains(file, []byte(`"_note"`)) {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
	bad := bytes.Replace(file, []byte(`{until}`), []byte(`{slut}`), 1)
	bad = bytes.Replace(bad, []byte(`"title"`), []byte(`"titel"`), 1)
	res2, body := postMultipart(t, srv, admin, "/admin/consent-texts", map[string]string{"language": "ar"}, "file", "ar.json", bad)
	if res2.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", res2.StatusCode)
	}
	for _, want := range []string{"Ingenting sparades.", "Filen saknar texterna: title.", "Filen har nycklar som inte finns: titel.",
		"Texten period_text ska innehålla platshållarna {from} {until}"} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
	}
	if _, page := srv.Get(t, admin, "/admin/consent-texts"); strings.Contains(page, "Kommunens egna") {
		t.Fatal("a refused file was saved")
	}
	good := bytes.Replace(file, []byte(`"title": "`), []byte(`"title": "نموذج البلدية: `), 1)
	if res, body := postMultipart(t, srv, admin, "/admin/consent-texts", map[string]string{"language": "ar"}, "file", "ar.json", good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good file: %d\n%s", res.StatusCode, body)
	}
	if _, page := srv.Get(t, admin, "/admin/consent-texts"); !strings.Contains(page, "Kommunens egna") {
		t.Fatal("the uploaded texts are not listed as the municipality's own")
	}
	res, err = admin.Get(srv.URL + "/admin/consent-texts?download=ar")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Equal(again, good) {
		t.Fatal("the download is not the uploaded file")
	}
	if res, _ := srv.PostForm(t, admin, "/admin/consent-texts/reset", url.Values{"language": {"ar"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if _, page := srv.Get(t, admin, "/admin/consent-texts"); strings.Contains(page, "Kommunens egna") {
		t.Fatal("reset kept the own texts")
	}
	if code, _ := srv.Get(t, srv.Login(t, "samordnare"), "/admin/consent-texts"); code != http.StatusForbidden {
		t.Fatalf("a coordinator on the texts page: %d", code)
	}
}
