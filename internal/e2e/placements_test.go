package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lots/internal/app/apptest"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// Placements in the browser: the coordinator records an HVB placement, is refused a move
// without a reason (the message at the field, the values kept), records the move with its
// reason and a SiS wait past the week's alert, and opens a placement to change it; then the
// group page's advice on its composition. Every page passes axe.
func TestPlacementsInTheBrowser(t *testing.T) {
	clock := storetest.NewClock(consentE2ET0) // 2026-03-10
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	f := consentE2EFixture(t, srv)
	caseID := consentE2ECase(t, srv, f, "Pelle", "Placerad")
	path := srv.URL + "/cases/" + strconv.FormatInt(caseID, 10) + "/placements"

	c := newBrowser(t)
	login(t, c, srv.URL, "samordnare", demo.Password)
	do(t, c, chromedp.Navigate(path))
	waitPage(t, c, "case_placements")
	checkA11y(t, c, "placements, none yet")
	submit := "main form[action$='/placements'] button[type=submit]"

	do(t, c, chromedp.SetValue(css("#f-form"), "hvb"), chromedp.SetValue(css("#f-legal_basis"), "sol"),
		chromedp.SetValue(css("#f-from"), "2026-01-05"), chromedp.SetValue(css("#f-to"), "2026-02-10"),
		chromedp.SendKeys(css("#f-place"), "HVB Solgläntan, Skogsvägen 3"))
	reloadAfterClick(t, c, submit, "case_placements")
	if body := text(t, c, "main"); !strings.Contains(body, "HVB Solgläntan, Skogsvägen 3") || !strings.Contains(body, "2026-01-05 – 2026-02-10") {
		t.Fatalf("the placement is not listed: %s", body)
	}
	checkA11y(t, c, "placements with one")

	do(t, c, chromedp.SetValue(css("#f-form"), "family_home"), chromedp.SetValue(css("#f-legal_basis"), "lvu"),
		chromedp.SetValue(css("#f-from"), "2026-02-11"))
	reloadAfterClick(t, c, submit, "case_placements")
	if msg := text(t, c, "#e-reason"); !strings.Contains(msg, "Skriv skälet till flytten.") {
		t.Fatalf("no message at the reason: %q", msg)
	}
	if v := eval[string](t, c, `document.querySelector('#f-from').value`); v != "2026-02-11" {
		t.Errorf("the from day was not kept: %q", v)
	}
	checkA11y(t, c, "a move without a reason")
	do(t, c, chromedp.SetValue(css("#f-to"), "2026-02-27"), chromedp.SendKeys(css("#f-reason"), "Hemmet sade upp placeringen"))
	reloadAfterClick(t, c, submit, "case_placements")

	do(t, c, chromedp.SetValue(css("#f-form"), "sis"), chromedp.SetValue(css("#f-legal_basis"), "lvu"), chromedp.Click(css("#f-waiting")),
		chromedp.SetValue(css("#f-requested_on"), "2026-02-28"), chromedp.SendKeys(css("#f-reason"), "Behov av låst vård"))
	reloadAfterClick(t, c, submit, "case_placements")
	body := text(t, c, "main")
	if !strings.Contains(body, "Väntar på SiS-plats sedan 2026-02-28 (10 dagar)") || !strings.Contains(body, "Väntan är längre än 7 dagar.") {
		t.Fatalf("no wait alert: %s", body)
	}
	if moves := text(t, c, "dl.facts dd:nth-of-type(3)"); moves != "1" {
		t.Errorf("moves %q, want 1", moves)
	}
	checkA11y(t, c, "placements with a SiS wait past the alert")

	clickAndWait(t, c, "main table.placements a", "case_placement_edit")
	checkA11y(t, c, "changing a placement")

	// The group page's advice on its composition (issue 14:7).
	do(t, c, chromedp.Navigate(srv.URL+"/cases/"+strconv.FormatInt(caseID, 10)+"/group"))
	waitPage(t, c, "group_show")
	if adv := text(t, c, "#h-composition + p"); !strings.Contains(adv, "färre än kommunens spann 8–12") {
		t.Errorf("group size advice %q", adv)
	}
	checkA11y(t, c, "the group page with its composition advice")
}
