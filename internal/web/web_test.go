package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store/storetest"
)

func TestHealthAndReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		c := srv.Client()
		for _, p := range []string{"/healthz", "/readyz"} {
			if code, _ := srv.Get(t, c, p); code != http.StatusOK {
				t.Errorf("%s: %d", p, code)
			}
		}
		srv.App.Store.Close() // the store goes away: ready no more, healthy still
		if code, _ := srv.Get(t, c, "/readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("readyz with a closed store: %d", code)
		}
		if code, _ := srv.Get(t, c, "/healthz"); code != http.StatusOK {
			t.Errorf("healthz with a closed store: %d", code)
		}
	})
}

func TestLoginSessionAndLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		anon := srv.Client()

		t.Run("anonymous visitor is sent to the login page, remembering the target", func(t *testing.T) {
			res, err := anon.Get(srv.URL + "/settings")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fsettings" {
				t.Fatalf("got %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})
		t.Run("session cookie is HttpOnly and SameSite", func(t *testing.T) {
			res, _ := srv.PostForm(t, srv.Client(), "/login", url.Values{"username": {"samordnare"}, "password": {"demo-lots-2026"}})
			var found bool
			for _, c := range res.Cookies() {
				if c.Name == "lots_session" {
					found = true
					if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
						t.Fatalf("cookie flags: %+v", c)
					}
				}
			}
			if !found {
				t.Fatal("no session cookie")
			}
		})
		t.Run("login returns to the page asked for", func(t *testing.T) {
			c := srv.Client()
			res, _ := srv.PostForm(t, c, "/login", url.Values{"username": {"samordnare"}, "password": {"demo-lots-2026"}, "next": {"/settings"}})
			if res.Header.Get("Location") != "/settings" {
				t.Fatalf("location %q", res.Header.Get("Location"))
			}
		})
		t.Run("login refuses to redirect off-site", func(t *testing.T) {
			c := srv.Client()
			res, _ := srv.PostForm(t, c, "/login", url.Values{"username": {"samordnare"}, "password": {"demo-lots-2026"}, "next": {"//evil.example/"}})
			if res.Header.Get("Location") != "/" {
				t.Fatalf("location %q", res.Header.Get("Location"))
			}
		})
		t.Run("wrong password answers 401 in Swedish", func(t *testing.T) {
			res, body := srv.PostForm(t, srv.Client(), "/login", url.Values{"username": {"samordnare"}, "password": {"nej"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Fel användarnamn eller lösenord.") {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
		t.Run("logout ends the session on the server", func(t *testing.T) {
			c := srv.Login(t, "polis")
			if code, _ := srv.Get(t, c, "/"); code != http.StatusOK {
				t.Fatalf("start page %d", code)
			}
			u, _ := url.Parse(srv.URL)
			stolen := c.Jar.Cookies(u)
			srv.PostForm(t, c, "/logout", nil)
			thief := srv.Client()
			thief.Jar.SetCookies(u, stolen)
			if code, _ := srv.Get(t, thief, "/"); code != http.StatusSeeOther {
				t.Fatalf("old session cookie still works after logout: %d", code)
			}
		})
	})
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	c := srv.Login(t, "admin")
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/districts", strings.NewReader("district_name=Evil"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site form post: %d", res.StatusCode)
	}
	_, body := srv.Get(t, c, "/admin/organisation")
	if strings.Contains(body, "Evil") {
		t.Fatal("the cross-site post created a district")
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	res, err := srv.Client().Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
		"X-Frame-Options":         "DENY",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, res.Header.Get(h), want)
		}
	}
}

// Which pages each role reaches: the administrator manages accounts and never case work;
// case workers never reach administration.
func TestPagesPerRole(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	pages := []string{"/admin/users", "/admin/users/new", "/admin/organisation", "/admin/settings", "/cases"}
	want := map[string]map[string]int{
		"admin":      {"/admin/users": 200, "/admin/users/new": 200, "/admin/organisation": 200, "/admin/settings": 200, "/cases": 403},
		"samordnare": {"/admin/users": 403, "/admin/users/new": 403, "/admin/organisation": 403, "/admin/settings": 403, "/cases": 303},
		"polis":      {"/admin/users": 403, "/admin/users/new": 403, "/admin/organisation": 403, "/admin/settings": 403, "/cases": 303},
		"styrgrupp":  {"/admin/users": 403, "/admin/users/new": 403, "/admin/organisation": 403, "/admin/settings": 403, "/cases": 403},
	}
	for user, codes := range want {
		c := srv.Login(t, user)
		for _, p := range pages {
			if code, _ := srv.Get(t, c, p); code != codes[p] {
				t.Errorf("%s %s: %d, want %d", user, p, code, codes[p])
			}
		}
	}
}

var generatedPassword = regexp.MustCompile(`id="created-password">([a-z0-9-]+)<`)

func TestAdministratorCreatesUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		admin := srv.Login(t, "admin")
		_, form := srv.Get(t, admin, "/admin/users/new")
		agency := regexp.MustCompile(`<option value="(\d+)">Polisen`).FindStringSubmatch(form)
		if agency == nil {
			t.Fatal("no police agency in the form")
		}

		t.Run("bad input is refused with every error in Swedish and nothing saved", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/users", url.Values{"username": {"X Y"}, "name": {""}, "email": {"inte-en-adress"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			for _, msg := range []string{"Användarnamnet får bara innehålla", "Skriv ett namn.", "E-postadressen ser inte rätt ut.", "Välj en verksamhet i kommunen.", "Välj minst en roll."} {
				if !strings.Contains(body, msg) {
					t.Errorf("missing %q", msg)
				}
			}
			if !strings.Contains(body, `value="inte-en-adress"`) {
				t.Error("typed e-mail not kept")
			}
			_, list := srv.Get(t, admin, "/admin/users")
			if strings.Contains(list, "X Y") {
				t.Error("invalid user was saved")
			}
		})
		var password string
		t.Run("a new user gets a password shown once", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/users", url.Values{
				"username": {"ny.polis"}, "name": {"Nora Polis"}, "agency": {agency[1]}, "roles": {"group_member"}, "title": {"Ungdomsutredare"},
			})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			m := generatedPassword.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no password shown")
			}
			password = m[1]
		})
		t.Run("the new user logs in with it", func(t *testing.T) {
			res, _ := srv.PostForm(t, srv.Client(), "/login", url.Values{"username": {"ny.polis"}, "password": {password}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Fatalf("login: %d", res.StatusCode)
			}
		})
		t.Run("the same username twice is refused", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/users", url.Values{
				"username": {"ny.polis"}, "name": {"Nora Två"}, "agency": {agency[1]}, "roles": {"group_member"},
			})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Användarnamnet används redan.") {
				t.Fatalf("%d", res.StatusCode)
			}
		})
	})
}

func TestSettingsFormKeepsOldValuesOnError(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	admin := srv.Login(t, "admin")
	res, body := srv.PostForm(t, admin, "/admin/settings", url.Values{
		"min_age": {"15"}, "max_age": {"12"}, "group_within_days": {"sju"}, "action_plan_within_days": {"10"},
		"assessment_within_days": {"42"}, "consent_validity_months": {"6"}, "session_idle_minutes": {"30"}, "session_max_hours": {"10"},
		"reminder_days_before": {"2"},
	})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ange ett heltal.") {
		t.Fatalf("%d", res.StatusCode)
	}
	m, err := srv.App.Store.MunicipalityByCode(t.Context(), "9999")
	if err != nil {
		t.Fatal(err)
	}
	if m.Settings.MinAge != casework.DefaultSettings().MinAge {
		t.Fatalf("a refused form changed the settings: %+v", m.Settings)
	}
}

func TestLanguageSwitch(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	c := srv.Login(t, "skola")
	srv.PostForm(t, c, "/language", url.Values{"lang": {"en"}, "back": {"/"}})
	if _, body := srv.Get(t, c, "/"); !strings.Contains(body, "Welcome, Maria Svensson") {
		t.Fatal("English not used after switching")
	}
	// The choice is stored on the account: a new login keeps it.
	c2 := srv.Login(t, "skola")
	if _, body := srv.Get(t, c2, "/"); !strings.Contains(body, `lang="en"`) {
		t.Fatal("language not kept across logins")
	}
}

// A form too large to read is refused through the one error renderer: a Swedish message on
// the page, status 422, and nothing registered.
func TestAnUnreadableFormIsRefusedInSwedish(t *testing.T) {
	srv := apptest.Start(t, storetest.SQLite, apptest.Options{})
	c := srv.Login(t, "polis")
	res, body := srv.PostForm(t, c, "/concerns", url.Values{"first_name": {"Zyxwa"}, "last_name": {"Qvortup"}, "concern": {strings.Repeat("x", 300<<10)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Formuläret kunde inte läsas") {
		t.Fatalf("%d %.300s", res.StatusCode, body)
	}
	if _, list := srv.Get(t, c, "/concerns"); strings.Contains(list, "Qvortup") {
		t.Fatal("the refused concern was registered")
	}
	if _, found := srv.Get(t, srv.Login(t, "samordnare"), "/cases?q=Qvortup"); strings.Contains(found, "Qvortup") {
		t.Fatal("the refused concern reached the coordinator")
	}
}
