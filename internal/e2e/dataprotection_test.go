package e2e

import (
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

// The data-protection pages in the browser: the auditor makes a register extract for a young
// person and for a guardian, prints it and records its delivery; the auditor's review of a
// protected identity found afterwards; a case's legal hold; the administrator's retention page.
// Each passes axe.
func TestDataProtectionInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(consentE2ET0)
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := consentE2EFixture(t, srv)
	st := srv.App.Store
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	caseID := consentE2ECase(t, srv, f, "Ebba", "Utdragsson")
	// Identified (a test personnummer: the demo's young people have none of them), with an
	// address only she and her mother should read.
	if err := st.IdentifyYouth(coord, caseID, store.IdentifyInput{PersonalNumber: storetest.TestPersonalNumbers[0]}); err != nil {
		t.Fatal(err)
	}

	// Her own security assessment naming a person linked to the threat, and an exit pathway
	// with the police's assessment and a destination: the extract shows the assessment, names
	// what it withholds and why, and discloses neither the person, the assessment nor the place.
	if _, err := st.RecordSecurityAssessment(coord, caseID, casework.SecurityInput{Kind: casework.ParticipantYouth, Level: casework.ThreatHigh,
		Threats: "Hotad vid busshållplatsen", Linked: "Kalle Hotfull", AssessedOn: "2026-03-01", ReviewOn: "2026-04-01"}); err != nil {
		t.Fatal(err)
	}
	dest := "Skyddat boende i Norrby"
	if err := st.SaveExitPathway(coord, caseID, casework.ExitInput{Stage: casework.ExitRelocated, WishOn: "2026-03-02", PoliceAssessment: "Polisens hemliga bedömning",
		Programme: "Exitprogrammet", PoliceContactID: f.Users[casework.RoleGroupMember].ID, SocialContactID: f.Users[casework.RoleCoordinator].ID, Destination: &dest}); err != nil {
		t.Fatal(err)
	}

	// A placement in an HVB home: the extract shows it, without where.
	if _, err := st.SavePlacement(coord, caseID, 0, casework.PlacementInput{Form: "hvb", Basis: "sol", From: "2026-02-20", Place: "HVB Tallbacken, Tallvägen 9"}); err != nil {
		t.Fatal(err)
	}

	auditor := newBrowser(t)
	login(t, auditor, srv.URL, "granskare", demo.Password)

	t.Run("a young person's register extract: the form, the printable page, the delivery", func(t *testing.T) {
		do(t, auditor, chromedp.Navigate(srv.URL+"/audit"))
		clickAndWait(t, auditor, "main a[href='/audit/register']", "audit_register")
		checkA11y(t, auditor, "register extract form")
		do(t, auditor, chromedp.Click(css("#f-subject")), chromedp.SendKeys(css("#f-identity"), storetest.TestPersonalNumbers[0]))
		reloadAfterClick(t, auditor, "main form[action='/audit/register'] button[type=submit]", "audit_register")
		if h := text(t, auditor, "main h1"); h != "Registerutdrag: Ebba Utdragsson" {
			t.Fatalf("heading %q", h)
		}
		body := text(t, auditor, "main")
		if !strings.Contains(body, "mamma") || strings.Contains(body, "Mona") {
			t.Fatalf("the extract names the guardian, or lacks the relation: %s", body)
		}
		if !strings.Contains(body, "Vilka som har läst") {
			t.Fatal("no access-log part")
		}
		for _, want := range []string{"Säkerhetsbedömningar och avhopparspår", "Hotad vid busshållplatsen", "Exitprogrammet",
			"Uppgifter som inte lämnas ut, och varför", "Personer som kopplas till hoten, i 1 bedömning", "Polisens bedömning i avhopparspåret",
			"Var den unge bor efter flytten", "OSL 21 kap. 3 §", "Placeringar", "HVB, SoL (frivillig)", "2026-02-20 – pågår",
			"Var den unge var placerad, i 1 placering"} {
			if !strings.Contains(body, want) {
				t.Errorf("the extract lacks %q", want)
			}
		}
		for _, secret := range []string{"Kalle Hotfull", "Polisens hemliga", "Norrby", "Tallbacken", "Tallvägen"} {
			if strings.Contains(body, secret) {
				t.Errorf("the extract discloses %q", secret)
			}
		}
		checkA11y(t, auditor, "a young person's register extract")
		do(t, auditor, chromedp.SetValue(css("#f-how"), "in_person"))
		reloadAfterClick(t, auditor, "main form[action$='/delivered'] button[type=submit]", "audit_register")
		if !strings.Contains(text(t, auditor, "main"), "Hämtat personligen") {
			t.Fatalf("the delivery is not on the list: %s", text(t, auditor, "main"))
		}
		checkA11y(t, auditor, "the requests with a delivery")
	})

	t.Run("a guardian's register extract: the registrations by name, then the extract", func(t *testing.T) {
		do(t, auditor, chromedp.Navigate(srv.URL+"/audit/register"))
		waitPage(t, auditor, "audit_register")
		do(t, auditor, chromedp.Click(css("#f-subject-guardian")), chromedp.SendKeys(css("#f-name"), "mona utdragsson"))
		reloadAfterClick(t, auditor, "main form[action='/audit/register'] button[type=submit]", "audit_register")
		checkA11y(t, auditor, "an adult's registrations")
		do(t, auditor, chromedp.Click(css("input[name=person]")))
		reloadAfterClick(t, auditor, "#h-candidates ~ form button[type=submit]", "audit_register")
		body := text(t, auditor, "main")
		if !strings.Contains(body, "Mona Utdragsson") || strings.Contains(body, "Ebba") {
			t.Fatalf("the guardian's extract: %s", body)
		}
		checkA11y(t, auditor, "a guardian's register extract")
	})

	t.Run("the review of a protected identity found afterwards", func(t *testing.T) {
		other := consentE2ECase(t, srv, f, "Saga", "Skyddsson")
		clock.Advance(time.Minute) // registered before it was found protected (sessions stay alive)
		if err := st.UpdateYouth(coord, other, casework.YouthInput{FirstName: "Saga", LastName: "Skyddsson", BirthDate: "2011-04-05",
			DistrictID: f.Districts[0].ID, ProtectedIdentity: true}); err != nil {
			t.Fatal(err)
		}
		do(t, auditor, chromedp.Navigate(srv.URL+"/audit/identity"))
		waitPage(t, auditor, "audit_identity")
		if !strings.Contains(text(t, auditor, "main"), "Saga Skyddsson") {
			t.Fatalf("no review: %s", text(t, auditor, "main"))
		}
		checkA11y(t, auditor, "identification reviews")
		do(t, auditor, chromedp.SendKeys(css("main form textarea"), "Läsningarna gjordes i tjänsten."))
		reloadAfterClick(t, auditor, "main form[action$='/reviewed'] button[type=submit]", "audit_identity")
		if strings.Contains(text(t, auditor, "main"), "Saga Skyddsson") {
			t.Fatal("the closed review is still listed")
		}
	})

	t.Run("a case's legal hold and the retention page", func(t *testing.T) {
		c := newBrowser(t)
		login(t, c, srv.URL, "samordnare", demo.Password)
		do(t, c, chromedp.Navigate(srv.URL+"/cases/"+strconv.FormatInt(caseID, 10)+"/legal-hold"))
		waitPage(t, c, "case_legal_hold")
		checkA11y(t, c, "legal hold")
		do(t, c, chromedp.SendKeys(css("#f-reason"), "Klagomål till IVO"), chromedp.SetValue(css("#f-until"), "2027-03-10"))
		reloadAfterClick(t, c, "main form[action$='/legal-hold'] button[type=submit]", "case_legal_hold")
		if !strings.Contains(text(t, c, "main"), "Klagomål till IVO") {
			t.Fatalf("the hold is not listed: %s", text(t, c, "main"))
		}
		checkA11y(t, c, "legal hold set")

		admin := newBrowser(t)
		login(t, admin, srv.URL, "admin", demo.Password)
		do(t, admin, chromedp.Navigate(srv.URL+"/admin/retention"))
		waitPage(t, admin, "admin_retention")
		checkA11y(t, admin, "retention")
		// A period below its bound: the message at the field, the value kept.
		do(t, admin, chromedp.SetValue(css("#f-retention_case_closed"), "12"))
		reloadAfterClick(t, admin, "main form[action='/admin/retention'] button[type=submit]", "admin_retention")
		if v := eval[string](t, admin, `document.querySelector('#f-retention_case_closed').value`); v != "12" ||
			!strings.Contains(text(t, admin, "#e-retention_case_closed"), "tillåtna") {
			t.Fatalf("the refused period: value %q", v)
		}
		checkA11y(t, admin, "retention with an error")
	})
}
