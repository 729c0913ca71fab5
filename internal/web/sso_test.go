package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/audit"
	"lots/internal/auth"
	"lots/internal/auth/idptest"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// ssoWorld is a running Lots with Demo kommun and a real OpenID Connect provider (idptest, on
// its own port) registered as Demo kommun's "entra".
type ssoWorld struct {
	srv   *apptest.Server
	idp   *idptest.Provider
	admin context.Context
	p     store.SSOProvider
}

func newSSOWorld(t *testing.T, e storetest.Engine) ssoWorld {
	t.Helper()
	srv := apptest.Start(t, e, apptest.Options{})
	idp := idptest.Start(t, "lots-demo", "klienthemlighet", nil)
	w := ssoWorld{srv: srv, idp: idp}
	w.admin = authWorld{srv: srv}.as(t, "admin")
	a, _ := casework.ActorFrom(w.admin)
	ags, err := srv.App.Store.Agencies(w.admin, a.User.MunicipalityID)
	if err != nil || len(ags) == 0 {
		t.Fatal(err)
	}
	w.p = store.SSOProvider{Slug: "entra", Name: "Demo kommun (Entra ID)", Issuer: idp.URL, ClientID: "lots-demo",
		ClientSecret: "klienthemlighet", AgencyID: ags[0].ID, CreateUsers: true, Active: true,
		Groups: []store.SSOGroupRole{{GroupID: "g-sig", Role: casework.RoleCoordinator}, {GroupID: "g-polis", Role: casework.RoleGroupMember}}}
	if err := srv.App.Store.SaveSSOProvider(w.admin, &w.p); err != nil {
		t.Fatal(err)
	}
	idp.Add("anna", idptest.Person{Subject: "sub-anna", Username: "anna.berg@demo.example", Name: "Anna Berg",
		Email: "anna.berg@demo.example", Groups: []string{"g-sig", "g-annat"}, AMR: []string{"pwd", "mfa"}})
	idp.Add("otto", idptest.Person{Subject: "sub-otto", Username: "otto@demo.example", Name: "Otto Utan", Groups: []string{"g-annat"}})
	return w
}

// ssoTry is one sign-in through the provider: the callback Lots was sent back to and Lots'
// answer to it.
type ssoTry struct {
	callback string
	res      *http.Response
	body     string
}

// signIn goes from Lots' SSO link through the provider's login form, as login, and back.
func (w ssoWorld) signIn(t *testing.T, c *http.Client, login, next string) ssoTry {
	t.Helper()
	return w.signInFrom(t, c, login, "/login/sso/entra?next="+url.QueryEscape(next))
}

// signInFrom is signIn starting at Lots' path start.
func (w ssoWorld) signInFrom(t *testing.T, c *http.Client, login, start string) ssoTry {
	t.Helper()
	res, err := c.Get(w.srv.URL + start)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	authURL, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || err != nil || !strings.HasPrefix(authURL.String(), w.idp.URL+"/authorize") {
		t.Fatalf("start: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := authURL.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", authURL)
	}
	q.Set("login", login)
	res, err = c.PostForm(w.idp.URL+"/authorize", q)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cb := res.Header.Get("Location")
	if !strings.HasPrefix(cb, w.srv.URL+"/login/sso/entra/callback?") {
		t.Fatalf("provider sent the browser to %q (%d)", cb, res.StatusCode)
	}
	return w.callback(t, c, cb)
}

func (w ssoWorld) callback(t *testing.T, c *http.Client, cb string) ssoTry {
	t.Helper()
	res, err := c.Get(cb)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return ssoTry{callback: cb, res: res, body: b.String()}
}

func hasSessionCookie(res *http.Response) bool {
	for _, c := range res.Cookies() {
		if c.Name == "lots_session" && c.Value != "" {
			return true
		}
	}
	return false
}

// lastEntry is the municipality's latest audit entry with action.
func (w ssoWorld) lastEntry(t *testing.T, action string) audit.Entry {
	t.Helper()
	var last audit.Entry
	err := w.srv.App.Store.AuditEntries(t.Context(), store.AuditFilter{MunicipalityID: w.p.MunicipalityID, AfterSeq: -1}, func(e audit.Entry) error {
		if e.Action == action {
			last = e
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return last
}

func (w ssoWorld) user(t *testing.T, username string) casework.User {
	t.Helper()
	c, err := w.srv.App.Store.CredentialsByUsername(t.Context(), username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return c.User
}

func TestOIDCLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSSOWorld(t, e)

		t.Run("the login page offers the provider", func(t *testing.T) {
			code, body := w.srv.Get(t, w.srv.Client(), "/login")
			if code != http.StatusOK || !strings.Contains(body, `href="/login/sso/entra?next=`) || !strings.Contains(body, "Logga in med Demo kommun (Entra ID)") {
				t.Fatalf("%d %s", code, body)
			}
		})

		t.Run("a person first seen whose groups give a role becomes a user and is signed in", func(t *testing.T) {
			c := w.srv.Client()
			try := w.signIn(t, c, "anna", "/settings")
			if try.res.StatusCode != http.StatusSeeOther || try.res.Header.Get("Location") != "/settings" || !hasSessionCookie(try.res) {
				t.Fatalf("callback: %d %q %s", try.res.StatusCode, try.res.Header.Get("Location"), try.body)
			}
			if code, body := w.srv.Get(t, c, "/settings"); code != http.StatusOK || !strings.Contains(body, "Anna Berg") {
				t.Fatalf("settings %d", code)
			}
			u := w.user(t, "anna.berg")
			if u.Roles.String() != "coordinator" || u.Name != "Anna Berg" || u.AgencyID != w.p.AgencyID {
				t.Fatalf("user %+v", u)
			}
			if e := w.lastEntry(t, audit.ActionLogin); e.UserID != u.ID || !strings.Contains(e.Detail, "oidc") || !strings.Contains(e.Detail, "second factor") {
				t.Fatalf("login entry %+v", e)
			}
		})

		t.Run("the callback cannot be replayed", func(t *testing.T) {
			c := w.srv.Client()
			try := w.signIn(t, c, "anna", "/")
			again := w.callback(t, c, try.callback)
			if again.res.StatusCode != http.StatusUnauthorized || hasSessionCookie(again.res) || !strings.Contains(again.body, "redan använts") {
				t.Fatalf("replay: %d %s", again.res.StatusCode, again.body)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:state_mismatch" && e.Ground != "denied:state_unknown" {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("a callback in another browser than the one that began is refused", func(t *testing.T) {
			c := w.srv.Client()
			res, _ := c.Get(w.srv.URL + "/login/sso/entra")
			res.Body.Close()
			authURL, _ := url.Parse(res.Header.Get("Location"))
			q := authURL.Query()
			q.Set("login", "anna")
			res, _ = c.PostForm(w.idp.URL+"/authorize", q)
			res.Body.Close()
			other := w.callback(t, w.srv.Client(), res.Header.Get("Location"))
			if other.res.StatusCode != http.StatusUnauthorized || hasSessionCookie(other.res) {
				t.Fatalf("other browser: %d", other.res.StatusCode)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:state_mismatch" {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("a person whose groups map to no role is refused with a clear page, and no user or session is made", func(t *testing.T) {
			try := w.signIn(t, w.srv.Client(), "otto", "/")
			if try.res.StatusCode != http.StatusForbidden || hasSessionCookie(try.res) || !strings.Contains(try.body, "ger ingen roll i Lots") {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
			if _, err := w.srv.App.Store.CredentialsByUsername(t.Context(), "otto"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("user made: %v", err)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:sso.no_role" {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("a provider's refusal is shown, not signed in", func(t *testing.T) {
			try := w.signIn(t, w.srv.Client(), "ingen-sadan", "/")
			if try.res.StatusCode != http.StatusUnauthorized || hasSessionCookie(try.res) || !strings.Contains(try.body, "avbröt inloggningen") {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
		})

		bad := []struct {
			name, reason string
			tamper       func(map[string]any)
			foreign      bool
		}{
			{"an expired ID token", "id_token_expired", func(c map[string]any) { c["exp"] = time.Now().Add(-10 * time.Minute).Unix() }, false},
			{"an ID token for another client", "id_token_invalid", func(c map[string]any) { c["aud"] = "another-app" }, false},
			{"an ID token with a wrong nonce", "nonce", func(c map[string]any) { c["nonce"] = "replayed-from-elsewhere" }, false},
			{"an ID token from another issuer", "id_token_invalid", func(c map[string]any) { c["iss"] = "https://evil.example" }, false},
			{"an ID token signed with a key the provider does not publish", "id_token_invalid", nil, true},
		}
		for _, b := range bad {
			t.Run(b.name+" is refused, logged, and no session is made", func(t *testing.T) {
				w.idp.Tamper, w.idp.SignWithForeignKey = b.tamper, b.foreign
				defer func() { w.idp.Tamper, w.idp.SignWithForeignKey = nil, false }()
				try := w.signIn(t, w.srv.Client(), "anna", "/")
				if try.res.StatusCode != http.StatusUnauthorized || hasSessionCookie(try.res) || !strings.Contains(try.body, "kunde inte godtas") {
					t.Fatalf("%d %s", try.res.StatusCode, try.body)
				}
				if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:"+b.reason {
					t.Fatalf("entry %+v", e)
				}
			})
		}

		t.Run("a token expired by less than the clock skew allowed is accepted", func(t *testing.T) {
			w.idp.Tamper = func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }
			defer func() { w.idp.Tamper = nil }()
			if try := w.signIn(t, w.srv.Client(), "anna", "/"); try.res.StatusCode != http.StatusSeeOther || !hasSessionCookie(try.res) {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
		})

		t.Run("the provider's new signing key is fetched when a token names it", func(t *testing.T) {
			w.idp.Rotate(t)
			if try := w.signIn(t, w.srv.Client(), "anna", "/"); try.res.StatusCode != http.StatusSeeOther || !hasSessionCookie(try.res) {
				t.Fatalf("after rotation (%s): %d %s", w.idp.KeyID(), try.res.StatusCode, try.body)
			}
		})

		t.Run("a step-up through the provider needs its word that it authenticated the person just now", func(t *testing.T) {
			w.idp.Tamper = func(c map[string]any) { c["auth_time"] = time.Now().Add(-2 * time.Hour).Unix() }
			try := w.signInFrom(t, w.srv.Client(), "anna", "/login/sso/entra?fresh=1&next=%2Faudit")
			w.idp.Tamper = nil
			if try.res.StatusCode != http.StatusUnauthorized || hasSessionCookie(try.res) || !strings.Contains(try.body, "bekräftade inte") {
				t.Fatalf("old auth_time: %d %s", try.res.StatusCode, try.body)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:not_fresh" {
				t.Fatalf("entry %+v", e)
			}
			if try := w.signInFrom(t, w.srv.Client(), "anna", "/login/sso/entra?fresh=1&next=%2Faudit"); try.res.StatusCode != http.StatusSeeOther || try.res.Header.Get("Location") != "/audit" {
				t.Fatalf("fresh: %d %q", try.res.StatusCode, try.res.Header.Get("Location"))
			}
		})

		t.Run("group changes at the provider reach the roles at the next login", func(t *testing.T) {
			w.idp.Add("anna", idptest.Person{Subject: "sub-anna", Username: "anna.berg@demo.example", Name: "Anna Berg", Groups: []string{"g-polis"}, AMR: []string{"mfa"}})
			if try := w.signIn(t, w.srv.Client(), "anna", "/"); try.res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
			if u := w.user(t, "anna.berg"); u.Roles.String() != "group_member" {
				t.Fatalf("roles %s", u.Roles)
			}
			if e := w.lastEntry(t, audit.ActionUpdate); !strings.Contains(e.Detail, "coordinator -> group_member") {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("the provider's back-channel logout ends the Lots session, once", func(t *testing.T) {
			c := w.srv.Client()
			w.signIn(t, c, "anna", "/")
			if code, _ := w.srv.Get(t, c, "/settings"); code != http.StatusOK {
				t.Fatalf("before: %d", code)
			}
			uri := w.srv.URL + "/login/sso/entra/backchannel-logout"
			token, err := w.idp.LogoutToken("sub-anna", w.idp.Sessions["sub-anna"])
			if err != nil {
				t.Fatal(err)
			}
			if code := w.idp.BackChannelLogout(t, uri, token); code != http.StatusOK {
				t.Fatalf("logout answered %d", code)
			}
			if code, _ := w.srv.Get(t, c, "/settings"); code != http.StatusSeeOther {
				t.Fatalf("session lives on after the provider's logout: %d", code)
			}
			if code := w.idp.BackChannelLogout(t, uri, token); code != http.StatusBadRequest {
				t.Fatalf("replayed logout token answered %d", code)
			}
			forged, _ := w.idp.Sign(map[string]any{"iss": w.idp.URL, "aud": "another-app", "sub": "sub-anna", "jti": "x",
				"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix(),
				"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}})
			if code := w.idp.BackChannelLogout(t, uri, forged); code != http.StatusBadRequest {
				t.Fatalf("logout token for another client answered %d", code)
			}
			untyped, _ := w.idp.Sign(map[string]any{"iss": w.idp.URL, "aud": "lots-demo", "sub": "sub-anna", "jti": "y",
				"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix(),
				"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}})
			if code := w.idp.BackChannelLogout(t, uri, untyped); code != http.StatusBadRequest {
				t.Fatalf("a JWT not typed logout+jwt answered %d", code)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:logout_token_invalid" {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("logging out of Lots ends the provider's session too", func(t *testing.T) {
			c := w.srv.Client()
			w.signIn(t, c, "anna", "/")
			res, body := w.srv.PostForm(t, c, "/logout", nil)
			link := w.idp.URL + "/logout?client_id=lots-demo&amp;post_logout_redirect_uri=" + url.QueryEscape(w.srv.URL+"/login")
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+link+`"`) {
				t.Fatalf("logout: %d %s", res.StatusCode, body)
			}
			res, err := c.Get(strings.ReplaceAll(link, "&amp;", "&"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.Header.Get("Location") != w.srv.URL+"/login" {
				t.Fatalf("the provider sent the browser to %q", res.Header.Get("Location"))
			}
			if code, _ := w.srv.Get(t, c, "/settings"); code != http.StatusSeeOther {
				t.Fatalf("session lives on: %d", code)
			}
		})

		t.Run("an existing account is linked only when the provider may link accounts", func(t *testing.T) {
			w.idp.Add("sara", idptest.Person{Subject: "sub-sara", Username: "samordnare@demo.example", Name: "Sara Lindqvist", Groups: []string{"g-sig"}, AMR: []string{"mfa"}})
			try := w.signIn(t, w.srv.Client(), "sara", "/")
			if try.res.StatusCode != http.StatusForbidden || hasSessionCookie(try.res) || !strings.Contains(try.body, "finns redan i Lots") {
				t.Fatalf("without linking: %d %s", try.res.StatusCode, try.body)
			}
			w.p.LinkUsers = true
			if err := w.srv.App.Store.SaveSSOProvider(w.admin, &w.p); err != nil {
				t.Fatal(err)
			}
			c := w.srv.Client()
			if try := w.signIn(t, c, "sara", "/settings"); try.res.StatusCode != http.StatusSeeOther || !hasSessionCookie(try.res) {
				t.Fatalf("with linking: %d %s", try.res.StatusCode, try.body)
			}
			if code, body := w.srv.Get(t, c, "/settings"); code != http.StatusOK || !strings.Contains(body, "Sara Lindqvist") {
				t.Fatalf("settings %d", code)
			}
			if e := w.lastEntry(t, audit.ActionUpdate); e.ObjectID != w.user(t, "samordnare").ID || !strings.HasPrefix(e.Detail, "linked to oidc:entra") {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("a deactivated user's session ends, and signing in through the provider is refused", func(t *testing.T) {
			c := w.srv.Client()
			w.signIn(t, c, "anna", "/")
			u := w.user(t, "anna.berg")
			u.Active = false
			if err := w.srv.App.Store.UpdateUser(w.admin, &u); err != nil {
				t.Fatal(err)
			}
			if code, _ := w.srv.Get(t, c, "/settings"); code != http.StatusSeeOther {
				t.Fatalf("session lives on: %d", code)
			}
			try := w.signIn(t, w.srv.Client(), "anna", "/")
			if try.res.StatusCode != http.StatusForbidden || hasSessionCookie(try.res) || !strings.Contains(try.body, "avstängt") {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
		})

		t.Run("an unknown provider is not found", func(t *testing.T) {
			if code, _ := w.srv.Get(t, w.srv.Client(), "/login/sso/finns-inte"); code != http.StatusNotFound {
				t.Fatalf("%d", code)
			}
		})
	})
}

func TestSignInPolicyPerRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSSOWorld(t, e)
		setPolicy := func(t *testing.T, mfa, sso []casework.Role) {
			t.Helper()
			a, _ := casework.ActorFrom(w.admin)
			m, err := w.srv.App.Store.Municipality(t.Context(), a.User.MunicipalityID)
			if err != nil {
				t.Fatal(err)
			}
			m.Settings.MFARoles, m.Settings.SSORoles = mfa, sso
			if err := w.srv.App.Store.UpdateSettings(w.admin, m.Settings); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("a role that needs a second factor is sent to set it up, on its next request, and can do nothing else", func(t *testing.T) {
			c := w.srv.Login(t, "samordnare")
			if code, _ := w.srv.Get(t, c, "/worklist"); code != http.StatusOK {
				t.Fatalf("before the policy: %d", code)
			}
			setPolicy(t, []casework.Role{casework.RoleCoordinator}, nil)
			for _, path := range []string{"/worklist", "/", "/settings"} {
				res, err := c.Get(w.srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/totp" {
					t.Fatalf("%s: %d %q", path, res.StatusCode, res.Header.Get("Location"))
				}
			}
			code, body := w.srv.Get(t, c, "/settings/totp")
			if code != http.StatusOK || !strings.Contains(body, "kräver en andra faktor") {
				t.Fatalf("setup page %d", code)
			}
			cred := w.user(t, "samordnare")
			secret := credentialsSecret(t, w, "samordnare")
			totpCode, err := auth.TOTPCode(secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if res, body := w.srv.PostForm(t, c, "/settings/totp", url.Values{"code": {totpCode}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("enable: %d %s", res.StatusCode, body)
			}
			if code, _ := w.srv.Get(t, c, "/worklist"); code != http.StatusOK {
				t.Fatalf("after setting it up (%s): %d", cred.Username, code)
			}
		})

		t.Run("with a second factor set up, a password login asks for the code", func(t *testing.T) {
			c := w.srv.Client()
			res, _ := w.srv.PostForm(t, c, "/login", url.Values{"username": {"samordnare"}, "password": {"demo-lots-2026"}})
			if res.Header.Get("Location") != "/login/totp?next=%2F" {
				t.Fatalf("%q", res.Header.Get("Location"))
			}
		})

		t.Run("a single sign-on whose provider used a second factor meets the policy", func(t *testing.T) {
			c := w.srv.Client()
			if try := w.signIn(t, c, "anna", "/worklist"); try.res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
			if code, _ := w.srv.Get(t, c, "/worklist"); code != http.StatusOK {
				t.Fatalf("cases %d", code)
			}
		})

		t.Run("a single sign-on without a second factor is sent to set one up", func(t *testing.T) {
			w.idp.Add("anna", idptest.Person{Subject: "sub-anna", Username: "anna.berg@demo.example", Name: "Anna Berg", Groups: []string{"g-sig"}, AMR: []string{"pwd"}})
			c := w.srv.Client()
			w.signIn(t, c, "anna", "/")
			res, err := c.Get(w.srv.URL + "/worklist")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.Header.Get("Location") != "/settings/totp" {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
		})

		t.Run("a role that must use single sign-on cannot log in with a password", func(t *testing.T) {
			setPolicy(t, nil, []casework.Role{casework.RoleGroupMember})
			res, body := w.srv.PostForm(t, w.srv.Client(), "/login", url.Values{"username": {"polis"}, "password": {"demo-lots-2026"}})
			if res.StatusCode != http.StatusUnauthorized || hasSessionCookie(res) || !strings.Contains(body, "loggar in med organisationens konto") {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:sso_required" {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("a password session of a role that came to need single sign-on ends at its next request", func(t *testing.T) {
			setPolicy(t, nil, nil)
			c := w.srv.Login(t, "skola")
			setPolicy(t, nil, []casework.Role{casework.RoleGroupMember})
			res, err := c.Get(w.srv.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if code, _ := w.srv.Get(t, c, "/"); code != http.StatusSeeOther {
				t.Fatalf("session lives on: %d", code)
			}
		})

		t.Run("the policy is kept per role", func(t *testing.T) {
			a, _ := casework.ActorFrom(w.admin)
			m, err := w.srv.App.Store.Municipality(t.Context(), a.User.MunicipalityID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Settings.SSORoles, []casework.Role{casework.RoleGroupMember}) || len(m.Settings.MFARoles) != 0 {
				t.Fatalf("%+v", m.Settings)
			}
		})
	})
}

func credentialsSecret(t *testing.T, w ssoWorld, username string) string {
	t.Helper()
	c, err := w.srv.App.Store.CredentialsByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	if c.TOTPSecret == "" {
		t.Fatal("no secret prepared")
	}
	return c.TOTPSecret
}

func TestStepUpAndOwnSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newAuthWorld(t, e)
		srv := w.srv

		t.Run("an access-log extract asks an old login to sign in again, and lets a fresh one through", func(t *testing.T) {
			c := srv.Login(t, "granskare")
			if code, _, _ := w.visit(t, c, "/audit/user?user=1"); code == http.StatusSeeOther {
				t.Fatal("a login just made was asked to step up")
			}
			w.clock.Advance(16 * time.Minute)
			code, loc, _ := w.visit(t, c, "/audit/user?user=1")
			if code != http.StatusSeeOther || loc != "/login/reauth?next=%2Faudit%2Fuser%3Fuser%3D1" {
				t.Fatalf("%d %q", code, loc)
			}
			if code, _, _ := w.visit(t, c, "/audit/youth"); code == http.StatusSeeOther {
				t.Fatalf("the empty form asked for step-up: %d", code)
			}
			if code, _, body := w.visit(t, c, "/login/reauth?next=%2Faudit%2Fuser%3Fuser%3D1"); code != http.StatusOK || !strings.Contains(body, "Bekräfta att det är du") {
				t.Fatalf("reauth page %d", code)
			}
			res, body := srv.PostForm(t, c, "/login/reauth", url.Values{"current": {"fel-lösenord"}, "next": {"/audit/user?user=1"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("wrong password: %d %s", res.StatusCode, body)
			}
			if code, _, _ := w.visit(t, c, "/audit/user?user=1"); code != http.StatusSeeOther {
				t.Fatal("a wrong password counted as a step-up")
			}
			u, _ := url.Parse(srv.URL)
			old := c.Jar.Cookies(u)
			res, _ = srv.PostForm(t, c, "/login/reauth", url.Values{"current": {"demo-lots-2026"}, "next": {"/audit/user?user=1"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/audit/user?user=1" {
				t.Fatalf("step-up: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			stale := srv.Client()
			stale.Jar.SetCookies(u, old)
			if code, _, _ := w.visit(t, stale, "/"); code != http.StatusSeeOther {
				t.Fatalf("the token from before the step-up still works: %d", code)
			}
			if code, _, _ := w.visit(t, c, "/audit/user?user=1"); code == http.StatusSeeOther {
				t.Fatal("still asked after stepping up")
			}
		})

		t.Run("a user sees their sessions and ends another one", func(t *testing.T) {
			phone := srv.Login(t, "handlaggare")
			desk := srv.Login(t, "handlaggare")
			code, _, body := w.visit(t, desk, "/settings/sessions")
			if code != http.StatusOK || strings.Count(body, `/end"`) != 1 || !strings.Contains(body, "Den här inloggningen") {
				t.Fatalf("%d %s", code, body)
			}
			m := regexp.MustCompile(`/settings/sessions/([0-9a-f]{64})/end`).FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no session to end")
			}
			if res, _ := srv.PostForm(t, srv.Login(t, "samordnare"), "/settings/sessions/"+m[1]+"/end", nil); res.StatusCode != http.StatusNotFound {
				t.Fatalf("another user ended it: %d", res.StatusCode)
			}
			if code, _, _ := w.visit(t, phone, "/"); code != http.StatusOK {
				t.Fatalf("phone before: %d", code)
			}
			w.clock.Advance(16 * time.Minute)
			if res, _ := srv.PostForm(t, desk, "/settings/sessions/"+m[1]+"/end", nil); res.Header.Get("Location") != "/login/reauth?next=%2Fsettings%2Fsessions" {
				t.Fatalf("ended without a recent login: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			srv.PostForm(t, desk, "/login/reauth", url.Values{"current": {"demo-lots-2026"}, "next": {"/settings/sessions"}})
			if res, _ := srv.PostForm(t, desk, "/settings/sessions/"+m[1]+"/end", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/sessions" {
				t.Fatalf("end: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			if code, _, _ := w.visit(t, phone, "/"); code != http.StatusSeeOther {
				t.Fatalf("the ended session lives on: %d", code)
			}
			if code, _, _ := w.visit(t, desk, "/"); code != http.StatusOK {
				t.Fatalf("the current session ended too: %d", code)
			}
		})

		t.Run("an administrator ends all of a user's sessions and the account stays active", func(t *testing.T) {
			c := srv.Login(t, "polis")
			admin := srv.Login(t, "admin")
			u := w.credentials(t, "polis").User
			res, _ := srv.PostForm(t, admin, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/sessions/end", nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("end: %d", res.StatusCode)
			}
			if code, _, _ := w.visit(t, c, "/"); code != http.StatusSeeOther {
				t.Fatalf("the user's session lives on: %d", code)
			}
			if !w.credentials(t, "polis").User.Active {
				t.Fatal("the account was deactivated")
			}
			srv.Login(t, "polis")
			if res, _ := srv.PostForm(t, srv.Login(t, "polis"), "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/sessions/end", nil); res.StatusCode != http.StatusForbidden {
				t.Fatalf("a non-administrator ended sessions: %d", res.StatusCode)
			}
		})
	})
}

func TestAdministratorManagesProviders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		admin := srv.Login(t, "admin")
		adminCtx := authWorld{srv: srv}.as(t, "admin")
		a, _ := casework.ActorFrom(adminCtx)
		ags, err := srv.App.Store.Agencies(adminCtx, a.User.MunicipalityID)
		if err != nil {
			t.Fatal(err)
		}
		agency := strconv.FormatInt(ags[0].ID, 10)

		t.Run("bad input is shown at each field in Swedish and nothing is saved", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/sso", url.Values{"slug": {"Inte OK"}, "name": {""}, "issuer": {"http://evil.example"},
				"client_id": {""}, "agency": {agency}, "groups": {"g1 = chef"}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%d", res.StatusCode)
			}
			for _, msg := range []string{"Varje rad ska vara grupp-id = roll", "Ange en https-adress."} {
				if !strings.Contains(body, msg) {
					t.Errorf("missing %q", msg)
				}
			}
			res, body = srv.PostForm(t, admin, "/admin/sso", url.Values{"slug": {"Inte OK"}, "name": {""}, "issuer": {"http://evil.example"},
				"client_id": {""}, "agency": {agency}, "groups": {"g1 = coordinator"}})
			for _, msg := range []string{"Ange 2–40 tecken", "Ange ett namn", "Ange en https-adress.", "Ange klient-id."} {
				if !strings.Contains(body, msg) {
					t.Errorf("%d: missing %q", res.StatusCode, msg)
				}
			}
			if ps, _ := srv.App.Store.SSOProviders(t.Context()); len(ps) != 0 {
				t.Fatalf("saved: %+v", ps)
			}
		})

		t.Run("a provider is saved, and a change with an empty secret keeps the secret", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/sso", url.Values{"slug": {"entra"}, "name": {"Entra ID"},
				"issuer": {"https://login.microsoftonline.com/tenant/v2.0"}, "client_id": {"app"}, "client_secret": {"s3cret"},
				"agency": {agency}, "groups_claim": {"groups"}, "groups": {"g1 = coordinator\n\ng2 = auditor"}, "active": {"on"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			p, err := srv.App.Store.SSOProviderBySlug(t.Context(), "entra")
			if err != nil || p.ClientSecret != "s3cret" || len(p.Groups) != 2 {
				t.Fatalf("%+v %v", p, err)
			}
			res, body = srv.PostForm(t, admin, "/admin/sso", url.Values{"id": {strconv.FormatInt(p.ID, 10)}, "slug": {"entra"}, "name": {"Entra ID (kommunen)"},
				"issuer": {"https://login.microsoftonline.com/tenant/v2.0"}, "client_id": {"app"}, "client_secret": {""},
				"agency": {agency}, "groups_claim": {"groups"}, "groups": {"g1 = case_officer"}, "active": {"on"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("change: %d %s", res.StatusCode, body)
			}
			p, err = srv.App.Store.SSOProviderBySlug(t.Context(), "entra")
			if err != nil || p.ClientSecret != "s3cret" || p.Name != "Entra ID (kommunen)" || len(p.Groups) != 1 || p.Groups[0].Role != casework.RoleCaseOfficer {
				t.Fatalf("%+v %v", p, err)
			}
			if code, body := srv.Get(t, admin, "/admin/sso?edit=entra"); code != http.StatusOK || !strings.Contains(body, "g1 = case_officer") || strings.Contains(body, "s3cret") {
				t.Fatalf("edit page %d", code)
			}
		})

		t.Run("the policy's step-up time is checked", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/sso/policy", url.Values{"step_up_minutes": {"0"}, "mfa_roles": {"admin"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ange ett antal minuter mellan 1 och 240.") {
				t.Fatalf("%d", res.StatusCode)
			}
			m, _ := srv.App.Store.Municipality(t.Context(), a.User.MunicipalityID)
			if len(m.Settings.MFARoles) != 0 {
				t.Fatal("saved despite the error")
			}
			if res, _ := srv.PostForm(t, admin, "/admin/sso/policy", url.Values{"step_up_minutes": {"20"}, "mfa_roles": {"auditor"}, "sso_roles": {"group_member"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d", res.StatusCode)
			}
			m, _ = srv.App.Store.Municipality(t.Context(), a.User.MunicipalityID)
			if m.Settings.StepUpMinutes != 20 || !slices.Equal(m.Settings.MFARoles, []casework.Role{casework.RoleAuditor}) || !slices.Equal(m.Settings.SSORoles, []casework.Role{casework.RoleGroupMember}) {
				t.Fatalf("%+v", m.Settings)
			}
		})
	})
}
