package e2e

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// consentE2ET0 is a Tuesday at 10:00 in Stockholm.
var consentE2ET0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// consentE2EFixture is the demo municipality as a storetest fixture: its agencies by kind and
// the demo coordinator "samordnare".
func consentE2EFixture(t *testing.T, srv *apptest.Server) *storetest.Fixture {
	return srv.DemoFixture(t, map[casework.Role]string{casework.RoleCoordinator: "samordnare", casework.RoleGroupMember: "polis"})
}

// consentE2ECase registers a young person (no personnummer, so no demo person is met) with a
// guardian, at the consent step with the police and the school as parties.
func consentE2ECase(t *testing.T, srv *apptest.Server, f *storetest.Fixture, first, last string) int64 {
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
	p := &casework.RelatedPerson{Kind: casework.RelationKind("guardian"), Name: "Mona " + last, Relation: "mamma", HasCustody: true}
	if err := st.SaveRelatedPerson(coord, rc.CaseID, p); err != nil {
		t.Fatal(err)
	}
	return rc.CaseID
}

// reloadAfterClick clicks sel and waits for a new page named name: the old page is marked
// first, so a page that answers with the same template is not mistaken for the answer.
func reloadAfterClick(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	eval[bool](t, ctx, `document.body.dataset.stale = "1", true`)
	do(t, ctx, chromedp.Click(css(sel)), chromedp.WaitVisible(css("body[data-page='"+name+"']:not([data-stale]) main")))
}

// pageName is the template the browser shows (the layout puts it on <body data-page>).
func pageName(t *testing.T, ctx context.Context) string {
	t.Helper()
	do(t, ctx, chromedp.WaitReady(css("body")))
	return eval[string](t, ctx, `document.body.dataset.page || ''`)
}

// The consent and audit pages in the browser, on one running Lots (starting one loads the
// demo's history).
func TestConsentInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(consentE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := consentE2EFixture(t, srv)
	t.Run("the police see what the consent gives, and only while it holds", func(t *testing.T) { policeSeeWhatTheConsentGives(t, srv, f) })
	t.Run("the printed consent form in Arabic is right to left", func(t *testing.T) { consentFormPrintsInArabic(t, srv, f) })
	t.Run("the auditor's pages are accessible", func(t *testing.T) { auditPagesAreAccessible(t, srv, f) })
}

// The police see only the anonymous card before consent, the covered parts while it holds,
// and nothing after withdrawal. The coordinator draws the consent up, has it signed and
// withdraws it in the browser; each page passes axe.
func policeSeeWhatTheConsentGives(t *testing.T, srv *apptest.Server, f *storetest.Fixture) {
	caseID := consentE2ECase(t, srv, f, "Idris", "Sandberg")
	cid := strconv.FormatInt(caseID, 10)
	st := srv.App.Store
	coordCtx := f.Ctx(t, st, casework.RoleCoordinator)
	policeCtx := f.Ctx(t, st, casework.RoleGroupMember)

	police := newBrowser(t)
	login(t, police, srv.URL, "polis", demo.Password)
	coord := newBrowser(t)
	login(t, coord, srv.URL, "samordnare", demo.Password)

	t.Run("before consent: the anonymous card, nothing that identifies", func(t *testing.T) {
		cardID, err := st.CardIDOfCase(context.Background(), caseID)
		if err != nil {
			t.Fatal(err)
		}
		do(t, police, chromedp.Navigate(srv.URL+"/cards/"+strconv.FormatInt(cardID, 10)))
		if name := pageName(t, police); name != "cards_show" {
			t.Fatalf("the police, a party of the case, get page %q instead of the anonymous card", name)
		}
		card, err := st.CardOf(policeCtx, cardID)
		if err != nil || card.AgeBand == "" {
			t.Fatalf("card: %+v %v", card, err)
		}
		body := text(t, police, "main")
		if strings.Contains(body, "Idris") || strings.Contains(body, "Sandberg") || !strings.Contains(body, card.AgeBand) {
			t.Fatalf("the card names the young person or lacks the age band %q: %s", card.AgeBand, body)
		}
		checkA11y(t, police, "the anonymous card")
		do(t, police, chromedp.Navigate(srv.URL+"/cases/"+cid))
		if name := pageName(t, police); name != "error" || strings.Contains(text(t, police, "main"), "Idris") {
			t.Fatalf("police on the case before consent: page %q", name)
		}
		do(t, police, chromedp.Navigate(srv.URL+"/cases/"+cid+"/consents"))
		if name := pageName(t, police); name != "error" {
			t.Fatalf("police on the consents before consent: page %q", name)
		}
	})

	t.Run("the coordinator draws the consent up; errors are shown and accessible", func(t *testing.T) {
		do(t, coord, chromedp.Navigate(srv.URL+"/cases/"+cid+"/consents"))
		waitPage(t, coord, "consent_list")
		checkA11y(t, coord, "consent list, empty")
		clickAndWait(t, coord, "main a.button[href$='/consents/new']", "consent_new")
		checkA11y(t, coord, "draw-up form")
		do(t, coord,
			chromedp.SetValue(css("#f-months"), "40"),
			chromedp.Click(css("form.consent-new button[type=submit]")),
			chromedp.WaitVisible(css("#error-summary")),
		)
		summary := text(t, coord, "#error-summary")
		for _, want := range []string{"Giltighetstiden ska vara mellan 1 och 24 månader.", "Välj minst en part som sekretessen ska hävas mellan."} {
			if !strings.Contains(summary, want) {
				t.Errorf("error summary lacks %q: %s", want, summary)
			}
		}
		checkA11y(t, coord, "draw-up form with errors")
		police := strconv.FormatInt(f.Agencies[casework.AgencyPolice].ID, 10)
		do(t, coord,
			chromedp.SetValue(css("#f-months"), "6"),
			chromedp.Click(css("input[name=agency][value='"+police+"']")),
			chromedp.Click(css("input[name=category][value=police]")),
			chromedp.Click(css("form.consent-new button[type=submit]")),
		)
		waitPage(t, coord, "consent_list")
		if body := text(t, coord, "main"); !strings.Contains(body, "Underskrift saknas: Idris Sandberg (den unga), Mona Sandberg (vårdnadshavare)") {
			t.Fatalf("after drawing up: %s", body)
		}
		checkA11y(t, coord, "consent list with an unsigned consent")
	})

	t.Run("unsigned, the consent gives the police nothing", func(t *testing.T) {
		do(t, police, chromedp.Navigate(srv.URL+"/cases/"+cid))
		if name := pageName(t, police); name != "error" {
			t.Fatalf("police on the case with an unsigned consent: %q", name)
		}
	})

	t.Run("each signer signs; the consent is in force", func(t *testing.T) {
		for range 2 { // the form offers the first unsigned signer
			reloadAfterClick(t, coord, "form.consent-sign button[type=submit]", "consent_list")
		}
		if body := text(t, coord, "main"); !strings.Contains(body, "Gäller") || strings.Contains(body, "Underskrift saknas") {
			t.Fatalf("after both signed: %s", body)
		}
	})

	if err := st.AddNote(policeCtx, caseID, casework.CatPolice, "Polisens anteckning: sedd vid centrum"); err != nil {
		t.Fatalf("the police may add a note in a covered category: %v", err)
	}
	if err := st.AddNote(coordCtx, caseID, casework.CatHealth, "Hälsoanteckning: väntar på BUP"); err != nil {
		t.Fatal(err)
	}

	t.Run("with consent: the case and the covered categories, not the others", func(t *testing.T) {
		do(t, police, chromedp.Navigate(srv.URL+"/cases/"+cid+"/consents"))
		waitPage(t, police, "consent_list")
		if body := text(t, police, "main"); !strings.Contains(body, "Idris Sandberg") || !strings.Contains(body, "Polisiära uppgifter") {
			t.Fatalf("police consent page: %s", body)
		}
		do(t, police, chromedp.Navigate(srv.URL+"/cases/"+cid))
		if name := pageName(t, police); name == "error" {
			t.Fatal("the police do not see the case with a signed consent covering them")
		}
		tl, err := st.Timeline(policeCtx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		var sawPolice bool
		for _, ev := range tl {
			sawPolice = sawPolice || ev.Category == casework.CatPolice
			if ev.Category == casework.CatHealth {
				t.Fatal("the police see a health event the consent does not cover")
			}
		}
		if !sawPolice {
			t.Fatal("the police do not see their own category")
		}
		do(t, police, chromedp.Navigate(srv.URL+"/cases/"+cid+"/timeline"))
		if pageName(t, police) != "error" {
			if body := text(t, police, "main"); strings.Contains(body, "Hälsoanteckning") {
				t.Fatal("the timeline page shows the police a health note")
			}
		}
	})

	t.Run("after withdrawal: nothing, at once", func(t *testing.T) {
		do(t, coord, chromedp.Navigate(srv.URL+"/cases/"+cid+"/consents"))
		clickAndWait(t, coord, "a.consent-danger", "consent_withdraw")
		checkA11y(t, coord, "withdrawal confirmation")
		do(t, coord,
			chromedp.Click(css("#f-withdrawn_by")),
			chromedp.Click(css("input[name=withdrawn_how][value=phone]")),
			chromedp.Click(css("form button.danger")),
		)
		waitPage(t, coord, "consent_list")
		for _, path := range []string{"/cases/" + cid, "/cases/" + cid + "/consents", "/cases/" + cid + "/timeline"} {
			do(t, police, chromedp.Navigate(srv.URL+path))
			if name := pageName(t, police); name != "error" {
				t.Errorf("police on %s after withdrawal: %q", path, name)
			}
		}
		if _, err := st.CaseDetail(policeCtx, caseID); casework.ErrorCode(err) != casework.ENotFound {
			t.Fatalf("store after withdrawal: %v", err)
		}
	})
}

// The printed consent form: Swedish and Arabic pass axe, Arabic is right to left on screen
// and prints to a PDF.
func consentFormPrintsInArabic(t *testing.T, srv *apptest.Server, f *storetest.Fixture) {
	caseID := consentE2ECase(t, srv, f, "Yasmin", "Haddad")
	c := f.Consent(t, srv.App.Store, caseID, storetest.ConsentSpec{Unsigned: true})
	form := srv.URL + "/cases/" + strconv.FormatInt(caseID, 10) + "/consents/" + strconv.FormatInt(c.ID, 10) + "/form"

	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	do(t, ctx, chromedp.Navigate(form+"?lang=sv"))
	waitPage(t, ctx, "consent_form")
	if h := text(t, ctx, "main h1"); h != "Samtycke: får vi prata med varandra om dig?" {
		t.Fatalf("Swedish heading %q", h)
	}
	checkA11y(t, ctx, "printable form in Swedish")

	do(t, ctx, chromedp.Navigate(form+"?lang=ar"))
	waitPage(t, ctx, "consent_form")
	if dir := eval[string](t, ctx, `document.dir`); dir != "rtl" {
		t.Fatalf("document.dir = %q", dir)
	}
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector('main')).direction`); d != "rtl" {
		t.Fatalf("computed direction of main = %q", d)
	}
	// Logical properties mirror the layout: a list's indent is on the right in Arabic.
	if pad := eval[string](t, ctx, `getComputedStyle(document.querySelector('.consent-form-list')).paddingRight`); pad == "0px" {
		t.Fatal("the list is not indented from the right in Arabic")
	}
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "ar" {
		t.Fatalf("lang = %q", lang)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "Yasmin Haddad") || !strings.Contains(body, "ولي الأمر") {
		t.Fatalf("Arabic form: %s", body)
	}
	checkA11y(t, ctx, "printable form in Arabic")
	pdf := get(t, ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if len(pdf) < 1000 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the printed form is not a PDF (%d bytes)", len(pdf))
	}
}

// The auditor's extract and review pass axe.
func auditPagesAreAccessible(t *testing.T, srv *apptest.Server, f *storetest.Fixture) {
	caseID := consentE2ECase(t, srv, f, "Alva", "Lind")
	st := srv.App.Store
	if _, err := st.CaseDetail(f.Ctx(t, st, casework.RoleGroupMember), caseID); casework.ErrorCode(err) != casework.ENotFound {
		t.Fatal(err) // a refused attempt, for the review to find
	}
	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "granskare", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/audit"))
	waitPage(t, ctx, "audit_index")
	checkA11y(t, ctx, "audit start")
	do(t, ctx, chromedp.Navigate(srv.URL+"/audit/youth?case="+strconv.FormatInt(caseID, 10)))
	waitPage(t, ctx, "audit_youth")
	if h := text(t, ctx, "main h1"); h != "Loggutdrag för Alva Lind" {
		t.Fatalf("extract heading %q", h)
	}
	checkA11y(t, ctx, "access-log extract")
	do(t, ctx, chromedp.Navigate(srv.URL+"/audit/review?from=2026-03-01&to=2026-03-10"))
	waitPage(t, ctx, "audit_review")
	if body := text(t, ctx, "main"); !strings.Contains(body, "Erik Nilsson") {
		t.Fatalf("review: %s", body)
	}
	checkA11y(t, ctx, "log review")
	clickAndWait(t, ctx, "main a[href^='/audit/user?']", "audit_user")
	checkA11y(t, ctx, "a user's entries")
}
