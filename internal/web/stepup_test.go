package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"lots/internal/store/storetest"
)

// Every export of personal data — the access-log extracts (page, CSV, Excel), a user's
// access-log extract and the register extract (page, JSON) — asks a login older than the
// step-up time to authenticate again; in the API a token made longer ago than that, or not
// in a session at all, gets a precise problem (stepup.required, RFC 9470's challenge).
func TestStepUpBeforeEveryExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newAuthWorld(t, e)
		srv := w.srv
		exports := []string{
			"/audit/youth?identity=R2026-000000",
			"/audit/youth?identity=R2026-000000&format=csv",
			"/audit/youth?identity=R2026-000000&format=xlsx",
			"/audit/user?user=1",
			"/audit/register?subject=youth&identity=R2026-000000",
			"/audit/register?subject=youth&identity=R2026-000000&format=json",
		}
		c := srv.Login(t, "granskare")
		for _, p := range exports {
			if code, loc, _ := w.visit(t, c, p); code == http.StatusSeeOther {
				t.Fatalf("%s: a login just made was sent to %s", p, loc)
			}
		}
		// A token made now, in this session (the settings page shows it once).
		res, body := srv.PostForm(t, c, "/settings/tokens", url.Values{"token_name": {"utdrag"}})
		m := regexp.MustCompile(`id="new-token">(lots_[A-Za-z0-9_-]+)<`).FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("token: %d", res.StatusCode)
		}
		token := m[1]
		api := func(path, tok string) (int, string, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var p map[string]any
			_ = json.Unmarshal(b, &p)
			return res.StatusCode, res.Header.Get("WWW-Authenticate"), p
		}
		apiExports := []string{"/api/v1/audit/youth?identity=R2026-000000", "/api/v1/audit/register?identity=R2026-000000"}
		for _, p := range apiExports {
			if code, _, prob := api(p, token); code != http.StatusNotFound || prob["key"] != "error.not_found" {
				t.Fatalf("%s with a fresh token: %d %v", p, code, prob)
			}
		}

		w.clock.Advance(16 * time.Minute)
		for _, p := range exports {
			code, loc, _ := w.visit(t, c, p)
			if code != http.StatusSeeOther || loc != "/login/reauth?next="+url.QueryEscape(p) {
				t.Errorf("%s after 16 minutes: %d %q", p, code, loc)
			}
		}
		for _, p := range apiExports {
			code, challenge, prob := api(p, token)
			if code != http.StatusUnauthorized || prob["key"] != "stepup.required" || prob["code"] != "unauthorized" ||
				!strings.Contains(prob["message"].(string), "logga in på nytt") {
				t.Errorf("%s with an old token: %d %v", p, code, prob)
			}
			if !strings.Contains(challenge, `error="insufficient_user_authentication"`) || !strings.Contains(challenge, "max_age=900") {
				t.Errorf("%s: challenge %q", p, challenge)
			}
		}
		// Step up, make a new token: both pass again.
		if res, _ := srv.PostForm(t, c, "/login/reauth", url.Values{"current": {"demo-lots-2026"}, "next": {"/settings"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("step-up: %d", res.StatusCode)
		}
		if code, loc, _ := w.visit(t, c, exports[1]); code == http.StatusSeeOther {
			t.Fatalf("after step-up: %s", loc)
		}
		_, body = srv.PostForm(t, c, "/settings/tokens", url.Values{"token_name": {"utdrag 2"}})
		m = regexp.MustCompile(`id="new-token">(lots_[A-Za-z0-9_-]+)<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no second token")
		}
		if code, _, prob := api(apiExports[1], m[1]); code != http.StatusNotFound {
			t.Fatalf("new token after step-up: %d %v", code, prob)
		}
		// A role without the permission is refused as always, fresh or not.
		coord := srv.Login(t, "samordnare")
		_, body = srv.PostForm(t, coord, "/settings/tokens", url.Values{"token_name": {"inte mitt"}})
		if m = regexp.MustCompile(`id="new-token">(lots_[A-Za-z0-9_-]+)<`).FindStringSubmatch(body); m == nil {
			t.Fatal("no coordinator token")
		}
		for _, p := range apiExports {
			if code, _, prob := api(p, m[1]); code != http.StatusForbidden {
				t.Fatalf("%s by the coordinator: %d %v", p, code, prob)
			}
		}
		// A token made outside a session (the operator's command) never counts as fresh.
		if code, _, prob := api(apiExports[0], apiToken(t, srv, "granskare")); code != http.StatusUnauthorized || prob["key"] != "stepup.required" {
			t.Fatalf("operator's token: %d %v", code, prob)
		}
	})
}
