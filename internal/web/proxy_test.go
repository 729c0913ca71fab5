package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/audit"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// loginVia posts a login as a request that passed through the proxy chain xff (the client's
// own entries first, the proxy's appended address last).
func loginVia(t *testing.T, srv *apptest.Server, xff, username, password string) (int, string) {
	t.Helper()
	v := url.Values{"username": {username}, "password": {password}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("X-Forwarded-For", xff)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Behind a trusted proxy (here the test's own loopback connection), the login brake counts the
// address the proxy saw, not what the client wrote into X-Forwarded-For; the audit log records
// the same address.
func TestProxyChainBrakeAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		const client = "203.0.113.7"
		t.Run("rotating X-Forwarded-For does not get past the per-address brake", func(t *testing.T) {
			for i := range 30 {
				// A different unknown user each time, so only the address brake can stop it.
				code, _ := loginVia(t, srv, fmt.Sprintf("198.51.100.%d, %s", i, client), fmt.Sprintf("nobody%d", i), "wrong-password")
				if code != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d", i, code)
				}
			}
			code, body := loginVia(t, srv, "192.0.2.200, "+client, "samordnare", demo.Password)
			if code != http.StatusUnauthorized || !strings.Contains(body, "För många misslyckade inloggningsförsök") {
				t.Fatalf("31st attempt from %s with the right password: %d (want the brake)", client, code)
			}
		})
		t.Run("another client behind the same proxy is not braked", func(t *testing.T) {
			if code, _ := loginVia(t, srv, "203.0.113.8", "samordnare", demo.Password); code != http.StatusSeeOther {
				t.Fatalf("status %d", code)
			}
		})
		t.Run("the audit log records the address the proxy saw", func(t *testing.T) {
			if code, _ := loginVia(t, srv, "10.66.66.66, 203.0.113.9", "polis", "wrong-password"); code != http.StatusUnauthorized {
				t.Fatalf("status %d", code)
			}
			if code, _ := loginVia(t, srv, "10.66.66.66, 203.0.113.10", "polis", demo.Password); code != http.StatusSeeOther {
				t.Fatalf("status %d", code)
			}
			m, err := srv.App.Store.MunicipalityByCode(context.Background(), demo.Code)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			err = srv.App.Store.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: m.ID, AfterSeq: -1}, func(e audit.Entry) error {
				if e.Username == "polis" && (e.Action == audit.ActionLogin || e.Action == audit.ActionLoginFailed) {
					got[e.Action] = e.Detail
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got[audit.ActionLoginFailed] != "wrong_password from 203.0.113.9" || got[audit.ActionLogin] != "password from 203.0.113.10" {
				t.Fatalf("login entries: %q", got)
			}
		})
	})
}

// A connection that is not from a trusted proxy is the client, whatever it writes.
func TestUntrustedPeerCannotSpoofItsAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		for i := range 30 {
			if code, _ := loginVia(t, srv, fmt.Sprintf("198.51.100.%d", i), fmt.Sprintf("nobody%d", i), "wrong-password"); code != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i, code)
			}
		}
		if code, body := loginVia(t, srv, "192.0.2.1", "samordnare", demo.Password); code != http.StatusUnauthorized || !strings.Contains(body, "För många") {
			t.Fatalf("status %d: the loopback client rotated its way past the brake", code)
		}
	})
}
