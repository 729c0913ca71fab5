package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/store/storetest"
)

// offSiteTargets are values of next/back that browsers resolve to another site once they have
// removed what the WHATWG URL parser strips (tab, newline, CR) and read "\" as "/". Each is
// given as the decoded form value; the query strings below send them percent-encoded, as the
// outside test did (next=/%09/evil.example).
var offSiteTargets = []string{
	"//evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
	"\t//evil.example", "https://evil.example/", "javascript:alert(1)", "/\t\\evil.example",
}

func TestRedirectTargetsStayOnSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		hidden := regexp.MustCompile(`name="next" value="([^"]*)"`)
		for _, target := range offSiteTargets {
			t.Run("the login form's hidden field drops "+url.QueryEscape(target), func(t *testing.T) {
				code, body := srv.Get(t, srv.Client(), "/login?next="+url.QueryEscape(target))
				m := hidden.FindStringSubmatch(body)
				if code != http.StatusOK || m == nil || m[1] != "/" {
					t.Fatalf("status %d, hidden next %q", code, m)
				}
			})
			t.Run("login does not follow next="+url.QueryEscape(target), func(t *testing.T) {
				res, _ := srv.PostForm(t, srv.Client(), "/login", url.Values{"username": {"samordnare"}, "password": {"demo-lots-2026"}, "next": {target}})
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
					t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
				}
			})
			t.Run("the language switch does not follow back="+url.QueryEscape(target), func(t *testing.T) {
				for _, c := range []*http.Client{srv.Client(), srv.Login(t, "samordnare")} {
					res, _ := srv.PostForm(t, c, "/language", url.Values{"lang": {"en"}, "back": {target}})
					if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
						t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
					}
				}
			})
		}
		t.Run("a local target is kept", func(t *testing.T) {
			res, _ := srv.PostForm(t, srv.Client(), "/login", url.Values{"username": {"samordnare"}, "password": {"demo-lots-2026"}, "next": {"/settings"}})
			if res.Header.Get("Location") != "/settings" {
				t.Fatalf("location %q", res.Header.Get("Location"))
			}
			res, _ = srv.PostForm(t, srv.Client(), "/language", url.Values{"lang": {"sv"}, "back": {"/login?next=%2Fsettings"}})
			if res.Header.Get("Location") != "/login?next=%2Fsettings" {
				t.Fatalf("language back: location %q", res.Header.Get("Location"))
			}
		})
	})
}
