package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lots/internal/store/storetest"
)

// The passkey ceremonies' JSON answers: a login older than the step-up time cannot add a
// passkey (a stolen session cannot add the thief's), an answer without its ceremony is refused
// with the page's message, and Lots reached by IP address says passkeys need its domain name.
func TestPasskeyPagesRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newAuthWorld(t, e)
		srv := w.srv
		post := func(c *http.Client, path, body string) (int, map[string]string) {
			t.Helper()
			req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var out map[string]string
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("%s: not JSON: %s", path, b)
			}
			return res.StatusCode, out
		}
		c := srv.Login(t, "samordnare")
		if code, out := post(c, "/settings/passkeys/begin", ""); code != http.StatusUnprocessableEntity || !strings.Contains(out["error"], "domännamn") {
			t.Fatalf("begin by IP address: %d %v", code, out)
		}
		if code, out := post(srv.Client(), "/login/passkey", `{"credential": {"id": "x"}}`); code != http.StatusUnauthorized || !strings.Contains(out["error"], "Börja om") {
			t.Fatalf("an answer without a ceremony: %d %v", code, out)
		}
		if code, out := post(srv.Client(), "/login/passkey", `inte json`); code != http.StatusBadRequest || out["error"] == "" {
			t.Fatalf("not JSON: %d %v", code, out)
		}
		w.clock.Advance(16 * time.Minute)
		if code, out := post(c, "/settings/passkeys/begin", ""); code != http.StatusUnauthorized || !strings.Contains(out["error"], "logga in på nytt") {
			t.Fatalf("begin on an old login: %d %v", code, out)
		}
		if code, out := post(c, "/settings/passkeys", `{"name": "x", "credential": {"id": "x"}}`); code != http.StatusUnauthorized {
			t.Fatalf("add on an old login: %d %v", code, out)
		}
		if code, _, body := w.visit(t, c, "/settings/passkeys"); code != http.StatusOK || !strings.Contains(body, `id="passkey-stepup"`) || strings.Contains(body, `id="passkey-add"`) {
			t.Fatalf("page on an old login: %d", code)
		}
	})
}
