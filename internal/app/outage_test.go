package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestDatabaseOutage: while no database can be reached (a failover under way) pages answer
// 503 with a Swedish page, /readyz is not ready, and a write waits for the database to come
// back and commits once; afterwards everything works again without a restart (issue 18).
func TestDatabaseOutage(t *testing.T) {
	var proxy *apptest.CutProxy
	srv := apptest.Start(t, storetest.Postgres, apptest.Options{FailoverWait: 10 * time.Second,
		DB: apptest.ThroughCutProxy(t, func(p *apptest.CutProxy) { proxy = p })})
	c := srv.Login(t, "samordnare")
	if code, body := srv.Get(t, c, "/readyz"); code != http.StatusOK || body != "ready: primary\n" {
		t.Fatalf("readyz before: %d %q", code, body)
	}

	m, err := srv.App.Store.MunicipalityByCode(context.Background(), demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := srv.App.Store.CredentialsByUsername(context.Background(), "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := srv.App.Auth.CreateAPIToken(casework.WithActor(context.Background(), casework.SystemActor(m.ID, "test")), cred.User.ID, "outage", 0)
	if err != nil {
		t.Fatal(err)
	}

	proxy.Cut()
	t.Run("pages answer 503 with a Swedish page, and the session survives", func(t *testing.T) {
		res, err := c.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "Lots når inte databasen just nu") ||
			res.Header.Get("Retry-After") == "" {
			t.Fatalf("start page during the outage: %d, Retry-After %q, Swedish message %v", res.StatusCode,
				res.Header.Get("Retry-After"), strings.Contains(string(b), "Lots når inte databasen"))
		}
		for _, ck := range res.Cookies() {
			if ck.Name == "lots_session" && ck.MaxAge < 0 {
				t.Fatal("the outage logged the user out")
			}
		}
	})
	t.Run("the API answers a problem with code unavailable", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var p struct{ Code, Key string }
		if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusServiceUnavailable || p.Code != "unavailable" || p.Key != "error.unavailable" || res.Header.Get("Retry-After") == "" {
			t.Fatalf("API during the outage: %d %+v, Retry-After %q", res.StatusCode, p, res.Header.Get("Retry-After"))
		}
	})
	t.Run("readyz is not ready", func(t *testing.T) {
		if code, _ := srv.Get(t, c, "/readyz"); code != http.StatusServiceUnavailable {
			t.Fatalf("readyz during the outage: %d", code)
		}
	})
	t.Run("a write made during the outage commits once when the database is back", func(t *testing.T) {
		ctx := context.Background()
		if _, err := srv.App.Store.MunicipalityByCode(ctx, demo.Code); err == nil {
			t.Fatal("a read succeeded during the outage")
		}
		done := make(chan error, 1)
		go func() {
			done <- srv.App.Store.AuditSystem(ctx, audit.Entry{MunicipalityID: m.ID, Username: "system", Via: "system",
				Action: audit.ActionLoginFailed, Object: "session", Detail: "written during the outage"})
		}()
		time.Sleep(1500 * time.Millisecond)
		proxy.Restore()
		if err := <-done; err != nil {
			t.Fatalf("write across the outage: %v", err)
		}
		n := 0
		if err := srv.App.Store.AuditEntries(ctx, store.AuditFilter{MunicipalityID: m.ID, AfterSeq: -1}, func(e audit.Entry) error {
			if e.Detail == "written during the outage" {
				n++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("the write is there %d times, want once", n)
		}
		if _, err := srv.App.Store.VerifyAudit(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("afterwards pages and readiness work again without a restart", func(t *testing.T) {
		if code, _ := srv.Get(t, c, "/"); code != http.StatusOK {
			t.Fatalf("start page after the outage: %d", code)
		}
		if code, _ := srv.Get(t, c, "/readyz"); code != http.StatusOK {
			t.Fatalf("readyz after the outage: %d", code)
		}
	})
}
