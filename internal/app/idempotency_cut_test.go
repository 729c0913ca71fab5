package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store/storetest"
)

// TestIdempotentRetryAfterAConnectionCut: an API client whose write met a cut database
// connection (503) sends it again with its Idempotency-Key, as many times as it likes: one
// concern is registered, and every answer after the first success is that answer again.
func TestIdempotentRetryAfterAConnectionCut(t *testing.T) {
	var proxy *apptest.CutProxy
	srv := apptest.Start(t, storetest.Postgres, apptest.Options{FailoverWait: time.Second,
		DB: apptest.ThroughCutProxy(t, func(p *apptest.CutProxy) { proxy = p })})
	ctx := context.Background()
	m, err := srv.App.Store.MunicipalityByCode(ctx, demo.Code)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := srv.App.Store.CredentialsByUsername(ctx, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := srv.App.Auth.CreateAPIToken(casework.WithActor(ctx, casework.SystemActor(m.ID, "test")), cred.User.ID, "cut", 0)
	if err != nil {
		t.Fatal(err)
	}
	ratings := make([]map[string]string, 0, 8)
	for _, r := range storetest.IRKRatings(1) {
		ratings = append(ratings, map[string]string{"item": r.Item, "value": r.Value})
	}
	body, _ := json.Marshal(map[string]any{"youth": map[string]any{"first_name": "Ida", "last_name": "Avklippt", "birth_date": "2011-02-02"}, "ratings": ratings})
	post := func() (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/concerns", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "0f8a6c1e-cut")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Idempotent-Replayed"), string(b)
	}
	count := func() int {
		t.Helper()
		db, err := sql.Open("pgx", srv.App.Config.DB)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM youths WHERE last_name = 'Avklippt'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	proxy.Cut()
	if code, _, b := post(); code != http.StatusServiceUnavailable {
		t.Fatalf("during the cut: %d %s", code, b)
	}
	proxy.Restore()
	code, replayed, first := post()
	if code != http.StatusCreated || replayed != "" {
		t.Fatalf("the retry after the cut: %d %q %s", code, replayed, first)
	}
	for range 2 {
		if code, replayed, b := post(); code != http.StatusCreated || replayed != "true" || b != first {
			t.Fatalf("a later retry: %d %q %s; want the first answer %s", code, replayed, b, first)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("%d concerns after a cut and three retries; want 1", n)
	}
}
