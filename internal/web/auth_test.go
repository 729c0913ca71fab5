package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// authWorld is a running Lots with Demo kommun's users on a clock that moves only when told.
type authWorld struct {
	srv   *apptest.Server
	clock *storetest.Clock
}

func newAuthWorld(t *testing.T, e storetest.Engine) authWorld {
	t.Helper()
	// Ten seconds into a 30 s step, whole seconds: TOTP codes are fixed until the test moves
	// the clock, and PostgreSQL's microseconds lose nothing.
	start := time.Now().UTC().Truncate(30 * time.Second).Add(10 * time.Second)
	clock := storetest.NewClock(start)
	return authWorld{srv: apptest.Start(t, e, apptest.Options{Now: clock.Now}), clock: clock}
}

// as is a context acting as the demo user.
func (w authWorld) as(t *testing.T, username string) context.Context {
	t.Helper()
	c, err := w.srv.App.Store.CredentialsByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.srv.App.Store.Actor(t.Context(), c.User.MunicipalityID, c.User.ID, casework.ViaSession)
	if err != nil {
		t.Fatal(err)
	}
	return casework.WithActor(t.Context(), a)
}

func (w authWorld) credentials(t *testing.T, username string) store.Credentials {
	t.Helper()
	c, err := w.srv.App.Store.CredentialsByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// visit GETs path with c and returns the status, the redirect target and the body.
func (w authWorld) visit(t *testing.T, c *http.Client, path string) (int, string, string) {
	t.Helper()
	res, err := c.Get(w.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// password posts the login form and returns the response and body.
func (w authWorld) password(t *testing.T, c *http.Client, username, password string, extra ...string) (*http.Response, string) {
	t.Helper()
	v := url.Values{"username": {username}, "password": {password}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return w.srv.PostForm(t, c, "/login", v)
}

// sessionCookie is the client's session token ("" when it has none).
func (w authWorld) sessionCookie(t *testing.T, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(w.srv.URL)
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == "lots_session" {
			return k.Value
		}
	}
	return ""
}

// api GETs an API path with c (its cookies go along) and, when bearer is set, a bearer token.
func (w authWorld) api(t *testing.T, c *http.Client, path, bearer string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func authCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// authValid reports whether c is one of the codes valid at at (±1 step of 30 s).
func authValid(t *testing.T, secret string, at time.Time, c string) bool {
	t.Helper()
	for k := -1; k <= 1; k++ {
		if authCode(t, secret, at.Add(time.Duration(k)*30*time.Second)) == c {
			return true
		}
	}
	return false
}

// authWrongCode is a six-digit code that is none of the codes valid at at.
func authWrongCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	for i := 0; ; i++ {
		if c := fmt.Sprintf("%06d", (i*7919+123456)%1_000_000); !authValid(t, secret, at, c) {
			return c
		}
	}
}

var totpSecretRE = regexp.MustCompile(`<span class="secret">([A-Z2-7]+)</span>`)

const (
	msgTOTPWrong      = "Koden stämmer inte. Kontrollera att du använder den senaste koden i appen."
	msgTooMany        = "För många misslyckade inloggningsförsök."
	msgLoginFailed    = "Fel användarnamn eller lösenord."
	msgSessionExpired = "Din session har gått ut. Logga in igen."
)

// TOTP from enrolment to login to switching it off, through the pages, as the coordinator
// (who sees the case the police report, so the case page is one the pending session is kept from).
func TestTOTPSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		const user = "samordnare"
		w := newAuthWorld(t, e)
		srv := w.srv
		rc, err := srv.App.Store.RegisterConcern(w.as(t, "polis"), store.ConcernInput{
			Youth:   casework.YouthInput{FirstName: "Tove", LastName: "Tvåsteg", PersonalNumber: storetest.TestPersonalNumbers[5]},
			Ratings: storetest.IRKRatings(3),
		})
		if err != nil {
			t.Fatal(err)
		}
		casePage := fmt.Sprintf("/cases/%d", rc.CaseID)
		c := srv.Login(t, user)
		if code, _, _ := w.visit(t, c, casePage); code != http.StatusOK {
			t.Fatalf("case page before enrolment: %d", code) // the pages the pending session is kept from must work
		}

		var secret string
		t.Run("the setup page shows a new secret as text and QR code, not yet on", func(t *testing.T) {
			code, _, body := w.visit(t, c, "/settings/totp")
			m := totpSecretRE.FindStringSubmatch(body)
			if code != http.StatusOK || m == nil {
				t.Fatalf("%d, no secret on the page", code)
			}
			secret = m[1]
			if !strings.Contains(body, `src="data:image/png;base64,`) {
				t.Error("no QR code")
			}
			if cr := w.credentials(t, user); cr.User.TOTPEnabled || cr.TOTPSecret != secret {
				t.Fatalf("after showing the page: enabled %v, stored secret matches %v", cr.User.TOTPEnabled, cr.TOTPSecret == secret)
			}
		})
		if secret == "" {
			t.FailNow()
		}

		t.Run("a wrong, empty or malformed code at enrolment is refused in Swedish and enrols nothing", func(t *testing.T) {
			old := authCode(t, secret, w.clock.Now().Add(-90*time.Second)) // three steps old
			if authValid(t, secret, w.clock.Now(), old) {
				old = authWrongCode(t, secret, w.clock.Now()) // by chance equal to a valid code
			}
			for _, bad := range []string{authWrongCode(t, secret, w.clock.Now()), "", "abcdef", old} {
				res, body := srv.PostForm(t, c, "/settings/totp", url.Values{"code": {bad}})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, msgTOTPWrong) {
					t.Fatalf("code %q: %d, Swedish message shown %v", bad, res.StatusCode, strings.Contains(body, msgTOTPWrong))
				}
				if m := totpSecretRE.FindStringSubmatch(body); m == nil || m[1] != secret {
					t.Fatalf("code %q: the page no longer shows the secret being set up", bad)
				}
			}
			if w.credentials(t, user).User.TOTPEnabled {
				t.Fatal("enrolled after wrong codes")
			}
			// A new login still needs no code.
			srv.Login(t, user)
		})

		t.Run("the right code enrols", func(t *testing.T) {
			res, _ := srv.PostForm(t, c, "/settings/totp", url.Values{"code": {authCode(t, secret, w.clock.Now())}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings" {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if _, _, body := w.visit(t, c, "/settings"); !strings.Contains(body, "Tvåstegsverifiering är påslagen.") {
				t.Error("no confirmation on the settings page")
			}
			cr := w.credentials(t, user)
			if !cr.User.TOTPEnabled || cr.TOTPSecret != secret {
				t.Fatalf("enabled %v, secret kept %v", cr.User.TOTPEnabled, cr.TOTPSecret == secret)
			}
			if _, _, body := w.visit(t, c, "/settings/totp"); totpSecretRE.MatchString(body) || !strings.Contains(body, `action="/settings/totp/disable"`) {
				t.Error("once on, the page must offer switching off and never show the secret again")
			}
		})

		t.Run("logging out and in with the password leads to the code page", func(t *testing.T) {
			if res, _ := srv.PostForm(t, c, "/logout", nil); res.Header.Get("Location") != "/login" {
				t.Fatalf("logout: %q", res.Header.Get("Location"))
			}
			res, _ := w.password(t, c, user, demo.Password)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/totp?next=%2F" {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if w.sessionCookie(t, c) == "" {
				t.Fatal("no pending session cookie")
			}
			if code, _, body := w.visit(t, c, "/login/totp"); code != http.StatusOK || !strings.Contains(body, "Tvåstegsverifiering") {
				t.Fatalf("code page: %d", code)
			}
		})

		t.Run("a session waiting for its code opens no page and cannot use the API", func(t *testing.T) {
			for _, p := range []string{"/", casePage, casePage + "/timeline", "/cases", "/settings", "/settings/totp", "/admin/users"} {
				if code, loc, _ := w.visit(t, c, p); code != http.StatusSeeOther || loc != "/login/totp" {
					t.Errorf("GET %s: %d %q, want 303 to /login/totp", p, code, loc)
				}
			}
			for _, p := range []string{"/settings/tokens", "/settings/totp/disable"} {
				res, _ := srv.PostForm(t, c, p, url.Values{"name": {"smuggel"}, "password": {demo.Password}})
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login/totp" {
					t.Errorf("POST %s: %d %q, want 303 to /login/totp", p, res.StatusCode, res.Header.Get("Location"))
				}
			}
			if !w.credentials(t, user).User.TOTPEnabled {
				t.Fatal("the pending session switched the second factor off")
			}
			token := w.sessionCookie(t, c)
			if code := w.api(t, c, "/api/v1/me", ""); code != http.StatusUnauthorized {
				t.Errorf("API with the pending session's cookie: %d", code)
			}
			if code := w.api(t, c, "/api/v1/me", token); code != http.StatusUnauthorized {
				t.Errorf("API with the pending session's token as bearer: %d", code)
			}
			// The same call works with a real API token: the refusal above is about the session.
			cr := w.credentials(t, user)
			sys := casework.WithActor(t.Context(), casework.SystemActor(cr.User.MunicipalityID, "test"))
			tok, _, err := srv.App.Auth.CreateAPIToken(sys, cr.User.ID, "test", 0)
			if err != nil {
				t.Fatal(err)
			}
			if code := w.api(t, srv.Client(), "/api/v1/me", tok); code != http.StatusOK {
				t.Errorf("API with an API token: %d", code)
			}
		})

		t.Run("a wrong code is refused in Swedish and the session stays pending", func(t *testing.T) {
			for _, bad := range []string{authWrongCode(t, secret, w.clock.Now()), "", "12a456"} {
				res, body := srv.PostForm(t, c, "/login/totp", url.Values{"code": {bad}, "next": {"/"}})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, msgTOTPWrong) {
					t.Fatalf("code %q: %d, Swedish message shown %v", bad, res.StatusCode, strings.Contains(body, msgTOTPWrong))
				}
			}
			if code, loc, _ := w.visit(t, c, "/"); code != http.StatusSeeOther || loc != "/login/totp" {
				t.Fatalf("start page after wrong codes: %d %q", code, loc)
			}
		})

		t.Run("the right code, typed as the app shows it, reaches the start page and the case", func(t *testing.T) {
			// Each code logs in once: the enrolment spent the code of this step.
			if res, _ := srv.PostForm(t, c, "/login/totp", url.Values{"code": {authCode(t, secret, w.clock.Now())}, "next": {"/"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("the enrolment's code used again: %d", res.StatusCode)
			}
			w.clock.Advance(30 * time.Second)
			right := authCode(t, secret, w.clock.Now())
			res, _ := srv.PostForm(t, c, "/login/totp", url.Values{"code": {right[:3] + " " + right[3:]}, "next": {"/"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if code, _, _ := w.visit(t, c, "/"); code != http.StatusOK {
				t.Fatalf("start page: %d", code)
			}
			if code, _, _ := w.visit(t, c, casePage); code != http.StatusOK {
				t.Fatalf("case page: %d", code)
			}
		})

		t.Run("the page asked for before login is reached after the code", func(t *testing.T) {
			c2 := srv.Client()
			res, _ := w.password(t, c2, user, demo.Password, "next", casePage)
			want := "/login/totp?next=" + url.QueryEscape(casePage)
			if res.Header.Get("Location") != want {
				t.Fatalf("location %q, want %q", res.Header.Get("Location"), want)
			}
			if _, _, body := w.visit(t, c2, want); !strings.Contains(body, `value="`+casePage+`"`) {
				t.Fatal("the code form does not carry the target")
			}
			// The clock moves on one step while the user types: the code of the step before is
			// still accepted (one step of skew), as long as it was not used.
			w.clock.Advance(30 * time.Second)
			typed := authCode(t, secret, w.clock.Now())
			w.clock.Advance(30 * time.Second)
			res, _ = srv.PostForm(t, c2, "/login/totp", url.Values{"code": {typed}, "next": {casePage}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != casePage {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
			// The same code once more, from another login, within its validity: refused.
			c5 := srv.Client()
			w.password(t, c5, user, demo.Password)
			if res, _ := srv.PostForm(t, c5, "/login/totp", url.Values{"code": {typed}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a used code accepted again: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})

		t.Run("a session waiting for its code can log out", func(t *testing.T) {
			c6 := srv.Client()
			w.password(t, c6, user, demo.Password)
			if res, _ := srv.PostForm(t, c6, "/logout", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
				t.Fatalf("logout: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if code, loc, _ := w.visit(t, c6, "/login/totp"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") || loc == "/login/totp" {
				t.Fatalf("after logout the code page: %d %q", code, loc)
			}
		})

		t.Run("a code two steps old is refused", func(t *testing.T) {
			c3 := srv.Client()
			w.password(t, c3, user, demo.Password)
			old := authCode(t, secret, w.clock.Now().Add(-60*time.Second))
			if authValid(t, secret, w.clock.Now(), old) {
				t.Skip("the old code happens to equal a valid one")
			}
			if res, _ := srv.PostForm(t, c3, "/login/totp", url.Values{"code": {old}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%d", res.StatusCode)
			}
			// Finish the login: a right code resets the count of wrong ones.
			if res, _ := srv.PostForm(t, c3, "/login/totp", url.Values{"code": {authCode(t, secret, w.clock.Now())}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("right code: %d", res.StatusCode)
			}
		})

		t.Run("five wrong codes block the second factor and the password, in Swedish, for the window", func(t *testing.T) {
			c4 := srv.Client()
			w.password(t, c4, user, demo.Password)
			for i := 0; i < 5; i++ {
				if res, _ := srv.PostForm(t, c4, "/login/totp", url.Values{"code": {authWrongCode(t, secret, w.clock.Now())}}); res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("wrong code %d: %d", i+1, res.StatusCode)
				}
			}
			res, body := srv.PostForm(t, c4, "/login/totp", url.Values{"code": {authCode(t, secret, w.clock.Now())}})
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, msgTooMany) {
				t.Fatalf("right code after five wrong: %d, Swedish message shown %v", res.StatusCode, strings.Contains(body, msgTooMany))
			}
			if code, loc, _ := w.visit(t, c4, "/"); code != http.StatusSeeOther || loc != "/login/totp" {
				t.Fatalf("start page while blocked: %d %q", code, loc)
			}
			if res, body := w.password(t, srv.Client(), user, demo.Password); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, msgTooMany) {
				t.Fatalf("password while blocked: %d", res.StatusCode)
			}
			w.clock.Advance(16 * time.Minute) // the window is 15 minutes; the pending session idles 30
			res, _ = srv.PostForm(t, c4, "/login/totp", url.Values{"code": {authCode(t, secret, w.clock.Now())}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Fatalf("right code after the window: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})

		t.Run("switching off needs the right password", func(t *testing.T) {
			res, body := srv.PostForm(t, c, "/settings/totp/disable", url.Values{"password": {"fel-lösenord-123"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Det nuvarande lösenordet stämmer inte.") {
				t.Fatalf("wrong password: %d", res.StatusCode)
			}
			if !w.credentials(t, user).User.TOTPEnabled {
				t.Fatal("switched off with a wrong password")
			}
			res, _ = srv.PostForm(t, c, "/settings/totp/disable", url.Values{"password": {demo.Password}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings" {
				t.Fatalf("right password: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if _, _, body := w.visit(t, c, "/settings"); !strings.Contains(body, "Tvåstegsverifiering är avstängd.") {
				t.Error("no confirmation on the settings page")
			}
			if cr := w.credentials(t, user); cr.User.TOTPEnabled || cr.TOTPSecret != "" {
				t.Fatalf("after switching off: enabled %v, secret kept %v", cr.User.TOTPEnabled, cr.TOTPSecret != "")
			}
			srv.PostForm(t, c, "/logout", nil)
			srv.Login(t, user) // straight to "/", no code
		})
	})
}

// A code typed at enrolment the way the app shows it ("123 456") is accepted at login but not
// at enrolment.
func TestTOTPEnrolmentAcceptsSpacedCode(t *testing.T) {
	w := newAuthWorld(t, storetest.SQLite)
	c := w.srv.Login(t, "skola")
	_, _, body := w.visit(t, c, "/settings/totp")
	m := totpSecretRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no secret")
	}
	right := authCode(t, m[1], w.clock.Now())
	if res, _ := w.srv.PostForm(t, c, "/settings/totp", url.Values{"code": {right[:3] + " " + right[3:]}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("spaced right code at enrolment: %d", res.StatusCode)
	}
}

// Sessions end after the municipality's idle time and at its absolute limit, whatever the use.
func TestSessionExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newAuthWorld(t, e)
		srv := w.srv
		m, err := srv.App.Store.MunicipalityByCode(t.Context(), demo.Code)
		if err != nil {
			t.Fatal(err)
		}
		st := m.Settings
		if d := casework.DefaultSettings(); st.SessionIdleMinutes != d.SessionIdleMinutes || st.SessionMaxHours != d.SessionMaxHours {
			t.Fatalf("Demo kommun's session limits %d min / %d h are not the defaults", st.SessionIdleMinutes, st.SessionMaxHours)
		}
		// Other limits than the defaults (30 min, 10 h), so the test sees the municipality's.
		st.SessionIdleMinutes, st.SessionMaxHours = 20, 2
		if err := srv.App.Store.UpdateSettings(w.as(t, "admin"), st); err != nil {
			t.Fatal(err)
		}
		works := func(t *testing.T, c *http.Client, when string) {
			t.Helper()
			if code, loc, _ := w.visit(t, c, "/settings"); code != http.StatusOK {
				t.Fatalf("%s: %d %q, want the page", when, code, loc)
			}
		}
		expired := func(t *testing.T, c *http.Client, when string) {
			t.Helper()
			res, err := c.Get(srv.URL + "/settings")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fsettings" {
				t.Fatalf("%s: %d %q, want the login page", when, res.StatusCode, res.Header.Get("Location"))
			}
			var cleared bool
			for _, k := range res.Cookies() {
				cleared = cleared || (k.Name == "lots_session" && k.MaxAge < 0)
			}
			if !cleared {
				t.Errorf("%s: the session cookie is not cleared", when)
			}
			if _, _, body := w.visit(t, c, "/login"); !strings.Contains(body, msgSessionExpired) {
				t.Errorf("%s: the login page does not say the session expired", when)
			}
		}

		t.Run("a session used within both limits works", func(t *testing.T) {
			c := srv.Login(t, "samordnare")
			for i := 0; i < 5; i++ { // 5 × 19 min: longer than the idle limit in all, never idle that long
				w.clock.Advance(19 * time.Minute)
				works(t, c, fmt.Sprintf("after %d min", 19*(i+1)))
			}
			w.clock.Advance(19*time.Minute + 59*time.Second)
			works(t, c, "idle one second less than the limit")
		})

		t.Run("a session idle longer than the limit is sent to the login page and ended on the server", func(t *testing.T) {
			c := srv.Login(t, "samordnare")
			loggedIn := w.clock.Now()
			token := w.sessionCookie(t, c)
			w.clock.Advance(20 * time.Minute)
			expired(t, c, "idle 20 min")
			// Back to a time within the limits: the session was deleted, not just refused.
			w.clock.Set(loggedIn.Add(time.Minute))
			thief := srv.Client()
			u, _ := url.Parse(srv.URL)
			thief.Jar.SetCookies(u, []*http.Cookie{{Name: "lots_session", Value: token, Path: "/"}})
			if code, loc, _ := w.visit(t, thief, "/"); code != http.StatusSeeOther || loc != "/login" {
				t.Fatalf("the expired session's token still works: %d %q", code, loc)
			}
			w.clock.Set(loggedIn.Add(20 * time.Minute))
		})

		t.Run("a session used regularly but older than the absolute limit is sent to the login page", func(t *testing.T) {
			c := srv.Login(t, "samordnare")
			for i := 0; i < 7; i++ {
				w.clock.Advance(15 * time.Minute)
				works(t, c, fmt.Sprintf("after %d min", 15*(i+1)))
			}
			w.clock.Advance(14 * time.Minute)
			works(t, c, "one minute before the limit")
			w.clock.Advance(time.Minute)
			expired(t, c, "at 2 h")
		})

		t.Run("a new login after expiry works", func(t *testing.T) {
			c := srv.Login(t, "samordnare")
			works(t, c, "fresh login")
		})
	})
}

// The login page's answer when the brake is on: 401 with the Swedish message, no session.
func TestLoginRateLimitPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newAuthWorld(t, e)
		srv := w.srv
		blocked := func(t *testing.T, res *http.Response, body, minutes string) {
			t.Helper()
			want := msgTooMany + " Försök igen om " + minutes + " minuter."
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, want) {
				t.Fatalf("%d, want 401 with %q", res.StatusCode, want)
			}
			if strings.Contains(body, msgLoginFailed) {
				t.Error("the blocked answer also says wrong password")
			}
			for _, k := range res.Cookies() {
				if k.Name == "lots_session" && k.Value != "" {
					t.Fatal("a blocked login got a session")
				}
			}
		}

		t.Run("five wrong passwords block the username, even with the right password", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				res, body := w.password(t, srv.Client(), "skola", "fel-lösenord")
				if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, msgLoginFailed) {
					t.Fatalf("attempt %d: %d", i+1, res.StatusCode)
				}
			}
			res, body := w.password(t, srv.Client(), "skola", demo.Password)
			blocked(t, res, body, "15")
			w.clock.Advance(5 * time.Minute)
			res, body = w.password(t, srv.Client(), "skola", demo.Password)
			blocked(t, res, body, "10")
			res, body = w.password(t, srv.Client(), " SKOLA ", demo.Password) // the same username, typed otherwise
			blocked(t, res, body, "10")
		})
		t.Run("another username from the same address is not blocked", func(t *testing.T) {
			srv.Login(t, "polis")
		})
		t.Run("thirty failures from one address block every username from it, X-Forwarded-For or not", func(t *testing.T) {
			for i := 0; i < 25; i++ { // 5 above + 25
				if res, _ := w.password(t, srv.Client(), fmt.Sprintf("okand-%d", i), "fel-lösenord"); res.StatusCode != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d", i, res.StatusCode)
				}
			}
			res, body := w.password(t, srv.Client(), "samordnare", demo.Password)
			blocked(t, res, body, "10")
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"username": {"samordnare"}, "password": {demo.Password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", srv.URL)
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			blocked(t, res, string(b), "10")
		})
		t.Run("after the window everyone logs in again", func(t *testing.T) {
			w.clock.Advance(10*time.Minute + time.Second)
			srv.Login(t, "skola")
			srv.Login(t, "samordnare")
		})
	})
}

// Changing the password checks the current one with the login's brake: after five wrong
// guesses the page answers 429 in Swedish and the password is not changed.
func TestPasswordChangeIsBraked(t *testing.T) {
	w := newAuthWorld(t, storetest.SQLite)
	c := w.srv.Login(t, "skola")
	form := func(current string) url.Values {
		return url.Values{"current": {current}, "password": {"ett-nytt-lösenord-2026"}, "repeat": {"ett-nytt-lösenord-2026"}}
	}
	for i := 0; i < 5; i++ {
		if res, body := w.srv.PostForm(t, c, "/settings/password", form("fel-lösenord-123")); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Det nuvarande lösenordet stämmer inte.") {
			t.Fatalf("wrong password %d: %d", i+1, res.StatusCode)
		}
	}
	if res, body := w.srv.PostForm(t, c, "/settings/password", form(demo.Password)); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, msgTooMany) {
		t.Fatalf("right password after five wrong: %d, Swedish message shown %v", res.StatusCode, strings.Contains(body, msgTooMany))
	}
	w.clock.Advance(16 * time.Minute)
	if res, _ := w.srv.PostForm(t, c, "/settings/password", form(demo.Password)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password after the window: %d", res.StatusCode)
	}
}

// Opening the setup page again (a reload, a second tab) shows the secret already prepared, so
// the QR code scanned from the first view still enrols.
func TestTOTPSetupPageKeepsThePreparedSecret(t *testing.T) {
	w := newAuthWorld(t, storetest.SQLite)
	c := w.srv.Login(t, "skola")
	_, _, first := w.visit(t, c, "/settings/totp")
	_, _, second := w.visit(t, c, "/settings/totp")
	m1, m2 := totpSecretRE.FindStringSubmatch(first), totpSecretRE.FindStringSubmatch(second)
	if m1 == nil || m2 == nil {
		t.Fatal("no secret on the setup page")
	}
	if m1[1] != m2[1] {
		t.Fatalf("the second view prepared a new secret: %q, then %q", m1[1], m2[1])
	}
	if res, _ := w.srv.PostForm(t, c, "/settings/totp", url.Values{"code": {authCode(t, m1[1], w.clock.Now())}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enrolling with the first view's secret: %d", res.StatusCode)
	}
}
