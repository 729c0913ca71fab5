package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// TestMetricsNameRoutesNeverPeople: after requests whose paths and queries carry ids and a
// name, /metrics has the request, statement and pool figures under route patterns — and
// neither the ids nor the name anywhere.
func TestMetricsNameRoutesNeverPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		srv := apptest.Start(t, engine, apptest.Options{})
		c := srv.Login(t, "samordnare")
		for _, path := range []string{"/", "/cases/4242424242", "/cases?q=Kalle+Anka", "/no/such/page/777777", "/api/v1/cases/31313131"} {
			srv.Get(t, c, path)
		}
		text := scrape(t, srv.App.MetricsHandler(), "")

		for _, leak := range []string{"4242424242", "Kalle", "777777", "31313131", "samordnare"} {
			if strings.Contains(text, leak) {
				t.Errorf("/metrics contains %q", leak)
			}
		}
		patterns := append(srv.App.Web.Routes(), "unmatched")
		for _, rt := range srv.App.API.Routes() {
			patterns = append(patterns, rt.Method+" "+rt.Path)
		}
		routes := map[string]bool{}
		for _, m := range regexp.MustCompile(`route="([^"]*)"`).FindAllStringSubmatch(text, -1) {
			routes[m[1]] = true
			if !slices.Contains(patterns, m[1]) {
				t.Errorf("route label %q is not a registered pattern", m[1])
			}
		}
		for _, want := range []string{"GET /{$}", "GET /cases/{id}", "GET /cases", "GET /api/v1/cases/{id}", "/"} {
			if !routes[want] {
				t.Errorf("no figures for route %q; routes: %v", want, routes)
			}
		}
		pools := []string{`pool="writer"`, `pool="readers"`}
		if engine == storetest.Postgres {
			pools = []string{`pool="pool"`}
		}
		for _, want := range append(pools,
			`lots_http_request_duration_seconds_count{code="2xx",route="GET /{$}"} 1`,
			`lots_http_db_statements_per_request_count{route="GET /{$}"} 1`,
			`lots_http_db_transactions_per_request_count{kind="read",route="GET /{$}"} 1`,
			"lots_db_statements_total", `lots_db_transactions_total{kind="write"}`,
			"lots_audit_batch_size_count", "lots_audit_batch_wait_seconds_bucket", "go_goroutines", "process_resident_memory_bytes") {
			if !strings.Contains(text, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		// The reads' audit entries were group-committed, and the store told the metrics.
		if m := regexp.MustCompile(`(?m)^lots_audit_batch_size_count (\d+)$`).FindStringSubmatch(text); m == nil || m[1] == "0" {
			t.Errorf("no audit batch counted: %v", m)
		}
	})
}

// TestMetricsOnTheMainAddressNeedTheToken: with a metrics token, /metrics on the main address
// answers the token only.
func TestMetricsOnTheMainAddressNeedTheToken(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{MetricsToken: "a-long-metrics-token-0123"})
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong-token-0123456789", 401}, {"Bearer a-long-metrics-token-0123", 200}} {
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.want || (tc.want == 200) != strings.Contains(string(b), "lots_db_statements_total") {
			t.Errorf("%q: status %d, want %d", tc.auth, res.StatusCode, tc.want)
		}
	}
}

func scrape(t *testing.T, h http.Handler, auth string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("/metrics: status %d", rec.Code)
	}
	return rec.Body.String()
}
