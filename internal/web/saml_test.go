package web_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"lots/internal/app/apptest"
	"lots/internal/audit"
	"lots/internal/auth"
	"lots/internal/auth/idptest"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// samlWorld is a running Lots with Demo kommun and a real SAML identity provider
// (crewjam/saml's IdentityProvider in idptest, on its own port) registered as "siths".
type samlWorld struct {
	srv   *apptest.Server
	idp   *idptest.SAMLProvider
	admin context.Context
	p     store.SSOProvider
}

func newSAMLWorld(t *testing.T, e storetest.Engine) samlWorld {
	t.Helper()
	srv := apptest.Start(t, e, apptest.Options{})
	idp := idptest.StartSAML(t)
	w := samlWorld{srv: srv, idp: idp}
	w.admin = authWorld{srv: srv}.as(t, "admin")
	a, _ := casework.ActorFrom(w.admin)
	ags, err := srv.App.Store.Agencies(w.admin, a.User.MunicipalityID)
	if err != nil || len(ags) == 0 {
		t.Fatal(err)
	}
	entity := srv.URL + "/login/saml/siths/metadata"
	key, cert, err := auth.NewSAMLKeyPair(entity)
	if err != nil {
		t.Fatal(err)
	}
	md := idp.Metadata(t)
	issuer, err := auth.ParseSAMLMetadata(md)
	if err != nil {
		t.Fatal(err)
	}
	w.p = store.SSOProvider{Kind: "saml", Slug: "siths", Name: "E-tjänstekort (SITHS)", Issuer: issuer, ClientID: entity,
		AgencyID: ags[0].ID, CreateUsers: true, Active: true, GroupsClaim: idptest.SAMLGroupsAttr,
		MFAACR: "http://id.elegnamnden.se/loa/1.0/loa3",
		Groups: []store.SSOGroupRole{{GroupID: "sig", Role: casework.RoleCoordinator}, {GroupID: "polis", Role: casework.RoleGroupMember}},
		SAML:   &store.SAMLConfig{Metadata: string(md), HSAAttr: idptest.SAMLHSAAttr, SPKey: key, SPCert: cert}}
	if err := srv.App.Store.SaveSSOProvider(w.admin, &w.p); err != nil {
		t.Fatal(err)
	}
	idp.RegisterSP(t, entity)
	idp.Add("karin", idptest.SAMLPerson{NameID: "karin.lind@region.example", Name: "Karin Lind", Email: "karin.lind@region.example",
		HSAID: "SE2321000016-K001", Groups: []string{"sig", "annat"}, ClassRef: "http://id.elegnamnden.se/loa/1.0/loa3"})
	idp.Add("olle", idptest.SAMLPerson{NameID: "olle@region.example", Name: "Olle Utan", HSAID: "SE2321000016-O002", Groups: []string{"annat"}})
	idp.Add("nils", idptest.SAMLPerson{NameID: "nils@region.example", Name: "Nils Inget", Groups: []string{"sig"}})
	return w
}

// samlTry is one sign-in through the SAML provider: the response the IdP posted and Lots'
// answer to it.
type samlTry struct {
	acs  string
	form url.Values
	res  *http.Response
	body string
}

// response reaches the IdP from Lots' login link, signs in as login and returns the form
// the IdP's page would post to Lots' ACS (not yet posted).
func (w samlWorld) response(t *testing.T, c *http.Client, login, next string) (string, url.Values) {
	t.Helper()
	res, err := c.Get(w.srv.URL + "/login/sso/siths?next=" + url.QueryEscape(next))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, w.idp.URL+"/sso?") {
		t.Fatalf("start: %d %q", res.StatusCode, loc)
	}
	res, err = c.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	action, vals, err := idptest.PostForm(b)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("IdP login form: %d %v %s", res.StatusCode, err, b)
	}
	vals.Set("login", login)
	res, err = c.PostForm(action, vals)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res, err = c.Get(res.Header.Get("Location")); err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	action, vals, err = idptest.PostForm(b)
	if err != nil || vals.Get("SAMLResponse") == "" {
		t.Fatalf("IdP response page: %d %v %s", res.StatusCode, err, b)
	}
	if action != w.srv.URL+"/login/saml/siths/acs" {
		t.Fatalf("IdP posts to %q", action)
	}
	return action, vals
}

// post sends a response form to Lots' ACS, as the IdP's page does, from the IdP's origin.
func (w samlWorld) post(t *testing.T, c *http.Client, acs string, form url.Values) samlTry {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, acs, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.idp.URL)
	req.Header.Set("Sec-Fetch-Site", "same-site")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return samlTry{acs: acs, form: form, res: res, body: string(b)}
}

func (w samlWorld) signIn(t *testing.T, c *http.Client, login, next string) samlTry {
	t.Helper()
	acs, form := w.response(t, c, login, next)
	return w.post(t, c, acs, form)
}

func (w samlWorld) lastEntry(t *testing.T, action string) audit.Entry {
	return ssoWorld{srv: w.srv, p: w.p}.lastEntry(t, action)
}

// mutate rewrites the SAMLResponse's XML.
func mutate(t *testing.T, form url.Values, f func(doc *etree.Document)) url.Values {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	f(doc)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{}
	for k, vs := range form {
		v[k] = append([]string(nil), vs...)
	}
	v.Set("SAMLResponse", base64.StdEncoding.EncodeToString(out))
	return v
}

func TestSAMLLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSAMLWorld(t, e)

		t.Run("Lots serves its service provider metadata with the ACS and SLO and signed requests", func(t *testing.T) {
			code, body := w.srv.Get(t, w.srv.Client(), "/login/saml/siths/metadata")
			for _, want := range []string{`entityID="` + w.p.ClientID + `"`, `AuthnRequestsSigned="true"`, `WantAssertionsSigned="true"`,
				w.srv.URL + "/login/saml/siths/acs", w.srv.URL + "/login/saml/siths/slo", "X509Certificate"} {
				if code != http.StatusOK || !strings.Contains(body, want) {
					t.Fatalf("%d: no %q in %s", code, want, body)
				}
			}
		})

		t.Run("the login page offers the provider", func(t *testing.T) {
			code, body := w.srv.Get(t, w.srv.Client(), "/login")
			if code != http.StatusOK || !strings.Contains(body, "Logga in med E-tjänstekort (SITHS)") {
				t.Fatalf("%d %s", code, body)
			}
		})

		t.Run("a person first seen whose groups give a role becomes a user by HSA-id, signed in with a second factor", func(t *testing.T) {
			c := w.srv.Client()
			try := w.signIn(t, c, "karin", "/settings")
			if try.res.StatusCode != http.StatusSeeOther || try.res.Header.Get("Location") != "/settings" || !hasSessionCookie(try.res) {
				t.Fatalf("acs: %d %q %s", try.res.StatusCode, try.res.Header.Get("Location"), try.body)
			}
			if code, body := w.srv.Get(t, c, "/settings"); code != http.StatusOK || !strings.Contains(body, "Karin Lind") {
				t.Fatalf("settings %d", code)
			}
			u := ssoWorld{srv: w.srv}.user(t, "se2321000016-k001")
			if u.Roles.String() != "coordinator" || u.Name != "Karin Lind" || u.AgencyID != w.p.AgencyID {
				t.Fatalf("user %+v", u)
			}
			if e := w.lastEntry(t, audit.ActionLogin); e.UserID != u.ID || !strings.Contains(e.Detail, "saml") || !strings.Contains(e.Detail, "second factor") {
				t.Fatalf("login entry %+v", e)
			}
		})
	})
}
