package web_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// A retention rule changed so that records fall due at once is not saved until the
// administrator has seen how many and confirmed; a change that deletes nothing more is saved
// at once; "run now" then deletes them.
func TestRetentionChangeAsksBeforeDeleting(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{Now: clock.Now})
	st := srv.App.Store
	f := srv.DemoFixture(t, map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	rc := f.Concern(t, st, casework.RoleCoordinator, "Gunnel", "Gallrad", storetest.TestPersonalNumbers[2])
	if _, err := st.Move(coord, rc.CaseID, store.MoveInput{Move: casework.Move{Action: casework.ActPrepNotNow, Reason: "Inte nu"}}); err != nil {
		t.Fatal(err)
	}
	admin := srv.Login(t, "admin")
	post := func(v url.Values) (int, string) {
		t.Helper()
		res, body := srv.PostForm(t, admin, "/admin/retention", v)
		return res.StatusCode, html.UnescapeString(body)
	}
	periods := func(notTaken string) url.Values {
		return url.Values{"retention_concern_not_taken_on": {notTaken}, "retention_case_not_started": {"24"}, "retention_case_closed": {"60"},
			"retention_consent_scan": {"24"}, "retention_meeting_minutes": {"24"}, "retention_plan_versions": {"24"},
			"retention_sessions": {"1"}, "retention_api_tokens": {"90"}, "retention_access_log": {"120"}}
	}
	if status, _ := post(periods("60")); status != 303 {
		t.Fatalf("saving a longer period: %d", status)
	}
	clock.Set(time.Date(2028, 3, 10, 9, 0, 0, 0, time.UTC)) // two years on: due under 12 months, not under 60
	admin = srv.Login(t, "admin")
	status, page := post(periods("12"))
	if status != 200 || !strings.Contains(page, `id="confirm"`) || !strings.Contains(page, "Anmälningar som inte ledde till något: 1") {
		t.Fatalf("no confirmation of what the change deletes: %d", status)
	}
	m, err := st.MunicipalityByCode(t.Context(), demo.Code)
	if err != nil || m.Settings.RetentionPeriod(casework.RetConcernNotTakenOn) != 60 {
		t.Fatalf("saved before it was confirmed: %v", m.Settings.Retention)
	}
	v := periods("12")
	v.Set("confirm", "1")
	if status, _ := post(v); status != 303 {
		t.Fatalf("confirmed: %d", status)
	}
	if m, _ := st.MunicipalityByCode(t.Context(), demo.Code); m.Settings.RetentionPeriod(casework.RetConcernNotTakenOn) != 12 {
		t.Fatal("not saved after confirmation")
	}
	if res, _ := srv.PostForm(t, admin, "/admin/retention/run", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("run now: %d", res.StatusCode)
	}
	if _, err := st.CaseDetail(coord, rc.CaseID); casework.ErrorCode(err) != casework.ENotFound {
		t.Fatalf("the case was not deleted: %v", err)
	}
}
