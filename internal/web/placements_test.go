package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// budgetPlacements is the placements page's statement budget: the case page's reads and the
// placements.
const budgetPlacements = 6

// TestPlacementsPage: the coordinator records a placement and a SiS wait on the page; bad input
// comes back in Swedish at each field with the values kept and nothing saved; the page costs
// one read transaction within its budget; the police, under a consent that does not cover
// social services' information, get the answer for a case that does not exist.
func TestPlacementsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newCaseWorld(t, e)
		caseID := w.concern(t, "Placerad", "Pettersson", storetest.TestPersonalNumbers[8])
		f := storetest.Existing(t, w.st, "9999", map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
		f.Advance(t, w.st, caseID, casework.StepActive, storetest.ConsentSpec{})
		path := "/cases/" + strconv.FormatInt(caseID, 10) + "/placements"
		coord, police := w.srv.Login(t, "samordnare"), w.srv.Login(t, "polis")

		res, body := w.srv.PostForm(t, coord, path, url.Values{"form": {"hvb"}, "legal_basis": {"sol"}, "from": {"2026-13-01"},
			"place": {"Hemmet Ekbacken"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv första dagen placerad som ÅÅÅÅ-MM-DD.") ||
			!strings.Contains(body, `id="e-from"`) || !strings.Contains(body, "Hemmet Ekbacken") {
			t.Fatalf("bad from day: %d\n%s", res.StatusCode, body)
		}
		res, _ = w.srv.PostForm(t, coord, path, url.Values{"form": {"hvb"}, "legal_basis": {"sol"}, "from": {"2026-01-01"}, "to": {"2026-01-31"},
			"place": {"Hemmet Ekbacken, Ekvägen 1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving: %d", res.StatusCode)
		}
		res, body = w.srv.PostForm(t, coord, path, url.Values{"form": {"family_home"}, "legal_basis": {"lvu"}, "from": {"2026-02-01"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Skriv skälet till flytten.") || !strings.Contains(body, `id="e-reason"`) {
			t.Fatalf("a move without a reason: %d", res.StatusCode)
		}
		wait := w.clock.Now().In(casework.Stockholm).AddDate(0, 0, -10).Format(casework.DateLayout)
		res, _ = w.srv.PostForm(t, coord, path, url.Values{"form": {"sis"}, "legal_basis": {"lvu"}, "waiting": {"on"}, "requested_on": {wait},
			"reason": {"Behov av låst vård"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the SiS wait: %d", res.StatusCode)
		}
		status, body, calls := w.srv.CountedGet(t, coord, path)
		if status != http.StatusOK || !strings.Contains(body, "Hemmet Ekbacken, Ekvägen 1") || !strings.Contains(body, "Väntar på SiS-plats sedan "+wait+" (10 dagar)") ||
			!strings.Contains(body, "Väntan är längre än 7 dagar.") {
			t.Fatalf("the list: %d\n%s", status, body)
		}
		t.Logf("%s placements page: %v", e, calls)
		if calls.Statements > budgetPlacements || calls.ReadTx > 1 || calls.WriteTx != 0 {
			t.Errorf("placements page: %v; budget %d statements, one read transaction, no write:\n\t%s", calls, budgetPlacements, strings.Join(calls.Queries, "\n\t"))
		}
		if status, body := w.srv.Get(t, police, path); status != http.StatusNotFound || strings.Contains(body, "Ekbacken") {
			t.Errorf("the police without social services' information: %d", status)
		}
	})
}
