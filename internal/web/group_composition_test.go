package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// TestGroupComposition: the group page tells the coordinator the group is smaller than the
// municipality's range and which parties to consider; the administrator sets the range, a bad
// one is refused at its field, and the page follows the new range.
func TestGroupComposition(t *testing.T) {
	w := newCaseWorld(t, storetest.SQLite)
	caseID := w.concern(t, "Grupp", "Gustafsson", storetest.TestPersonalNumbers[7])
	f := storetest.Existing(t, w.st, "9999", map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	f.Advance(t, w.st, caseID, casework.StepActive, storetest.ConsentSpec{})
	path := "/cases/" + strconv.FormatInt(caseID, 10) + "/group"
	coord, admin := w.srv.Login(t, "samordnare"), w.srv.Login(t, "admin")

	status, body := w.srv.Get(t, coord, path)
	if status != http.StatusOK || !strings.Contains(body, "Gruppens sammansättning") ||
		!strings.Contains(body, "– färre än kommunens spann 8–12.") || !strings.Contains(body, "kärnan i varje grupp") {
		t.Fatalf("the group page: %d\n%s", status, body)
	}
	res, body := w.srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{"group_size_min": "9", "group_size_max": "3"}))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-group_size_max"`) {
		t.Fatalf("a range upside down: %d", res.StatusCode)
	}
	res, _ = w.srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{"group_size_min": "0", "group_size_max": "0"}))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a range of nothing: %d", res.StatusCode)
	}
	res, _ = w.srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{"group_size_min": "0", "group_size_max": "20"}))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a minimum of 0: %d", res.StatusCode)
	}
	res, _ = w.srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{"group_size_min": "1", "group_size_max": "20"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the range: %d", res.StatusCode)
	}
	if _, body = w.srv.Get(t, coord, path); !strings.Contains(body, "1–20") {
		t.Errorf("the page does not follow the range")
	}
}
