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
	"lots/internal/store/storetest"
)

// A security assessment and an exit pathway in the browser (issue 14): the coordinator is
// refused an assessment without a review date (the field named, nothing saved), records the
// exit pathway with a destination and a protected relocation, and an assessment that raises
// the level; the named police officer sees the destination and the alert; the school, named by
// the consent, finds no security page and no link to one. axe finds no violations on any page.
func TestSecurityAssessmentInTheBrowser(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	st := srv.App.Store
	f := storetest.Existing(t, st, demo.Code, map[casework.Role]string{casework.RoleCoordinator: "samordnare", casework.RoleGroupMember: "polis"})
	rc := f.Concern(t, st, casework.RoleCoordinator, "Vilma", "Värn", storetest.TestPersonalNumbers[7])
	f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	id := strconv.FormatInt(rc.CaseID, 10)
	path := srv.URL + "/cases/" + id + "/security"
	today := time.Now().In(casework.Stockholm)
	const threat = "Hotad av en äldre grupp i centrum"
	const dest = "Skyddat boende i Norrby"

	ctx := newBrowser(t)
	login(t, ctx, srv.URL, "samordnare", demo.Password)
	do(t, ctx, chromedp.Navigate(srv.URL+"/cases/"+id))
	waitPage(t, ctx, "case_show")
	clickAndWait(t, ctx, ".case-nav a[href$='/security']", "case_security")
	checkA11y(t, ctx, "the security page, empty")

	// Refused without a review date: the field named, the texts kept, nothing saved.
	do(t, ctx,
		chromedp.SetValue(css("#f-participant"), "youth"),
		chromedp.SetValue(css("#f-level"), "high"),
		chromedp.SendKeys(css("#f-threats"), threat),
		chromedp.Click(css("form[action$='/security'] button[type=submit]")),
		chromedp.WaitVisible(css("#e-review_on")),
	)
	if msg := text(t, ctx, "#e-review_on"); !strings.Contains(msg, "omvärdering") {
		t.Fatalf("the review date's error reads %q", msg)
	}
	if v := get(t, ctx, chromedp.Value(css("#f-threats"))); v != threat {
		t.Errorf("the threats typed were lost: %q", v)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("table.security-current tbody tr").length`); n != 0 {
		t.Fatalf("a refused assessment shows %d rows", n)
	}
	checkA11y(t, ctx, "the security page with a refused assessment")

	// The exit pathway: the police officer and the coordinator named, protected housing.
	police := get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#f-police_contact option")].find(o => o.textContent.includes("Erik Nilsson")).value`))
	social := get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#f-social_contact option")].find(o => o.textContent.includes("Anna Lindqvist") || o.textContent.startsWith("Samordnare")) ?.value || ""`))
	if social == "" {
		social = strconv.FormatInt(f.Users[casework.RoleCoordinator].ID, 10)
	}
	eval[bool](t, ctx, `(() => { document.querySelector("section[aria-labelledby='h-exit'] details").open = true; return true })()`)
	do(t, ctx,
		chromedp.SetValue(css("#f-stage"), "relocated"),
		chromedp.SetValue(css("#f-wish_on"), today.Format(casework.DateLayout)),
		chromedp.SetValue(css("#f-police_contact"), police),
		chromedp.SetValue(css("#f-social_contact"), social),
		chromedp.SendKeys(css("#f-destination"), dest),
		chromedp.Click(css("form[action$='/security/exit'] button[type=submit]")),
		chromedp.WaitVisible(css("#exit-destination")),
	)
	if got := text(t, ctx, "#exit-destination"); got != dest {
		t.Fatalf("the named coordinator sees the destination as %q", got)
	}
	checkA11y(t, ctx, "the security page with an exit pathway")

	// An assessment that raises the level (a first one above low) alerts the police contact.
	do(t, ctx,
		chromedp.SetValue(css("#f-participant"), "youth"),
		chromedp.SetValue(css("#f-level"), "high"),
		chromedp.SendKeys(css("#f-threats"), threat),
		chromedp.SetValue(css("#f-review_on"), today.AddDate(0, 0, 30).Format(casework.DateLayout)),
		chromedp.Click(css("form[action$='/security'] button[type=submit]")),
		chromedp.WaitVisible(css("table.security-current")),
	)
	if row := text(t, ctx, "table.security-current tbody tr"); !strings.Contains(row, threat) || !strings.Contains(row, "Hög") {
		t.Fatalf("the current assessment reads %q", row)
	}
	checkA11y(t, ctx, "the security page with an assessment")

	// The named police officer: the alert, the destination.
	pctx := newBrowser(t)
	login(t, pctx, srv.URL, "polis", demo.Password)
	do(t, pctx, chromedp.Navigate(srv.URL+"/security/alerts"))
	waitPage(t, pctx, "security_alerts")
	if got := text(t, pctx, ".security-alerts"); !strings.Contains(got, "Värn") || !strings.Contains(got, "Hög") {
		t.Fatalf("the police contact's alerts read %q", got)
	}
	checkA11y(t, pctx, "the security alerts")
	do(t, pctx, chromedp.Navigate(path))
	waitPage(t, pctx, "case_security")
	if got := text(t, pctx, "#exit-destination"); got != dest {
		t.Fatalf("the named police officer sees the destination as %q", got)
	}

	// The school, named by the consent: no link, and the page is "not found".
	sctx := newBrowser(t)
	login(t, sctx, srv.URL, "skola", demo.Password)
	do(t, sctx, chromedp.Navigate(srv.URL+"/cases/"+id))
	waitPage(t, sctx, "case_show")
	if n := eval[int](t, sctx, `document.querySelectorAll(".case-nav a[href$='/security']").length`); n != 0 {
		t.Error("the school is offered the security page")
	}
	do(t, sctx, chromedp.Navigate(path))
	waitPage(t, sctx, "error")
	if body := text(t, sctx, "main"); strings.Contains(body, threat) || strings.Contains(body, dest) {
		t.Fatal("the school was shown security information")
	}
}
