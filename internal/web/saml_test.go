package web_test

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"

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
	idp.Add("karin2", idptest.SAMLPerson{NameID: "kim@region.example", Name: "Kim Ek", HSAID: "SE2321000016-K003", Groups: []string{"polis"}})
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

// refused checks a try was refused with a Swedish page naming why, logged with reason, and
// without a session.
func (w samlWorld) refused(t *testing.T, try samlTry, status int, text, reason string) {
	t.Helper()
	if try.res.StatusCode != status || hasSessionCookie(try.res) || !strings.Contains(try.body, text) {
		t.Fatalf("want %d with %q, got %d %s", status, text, try.res.StatusCode, try.body)
	}
	if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:"+reason || !strings.Contains(e.Username, "saml:siths") && e.UserID == 0 {
		t.Fatalf("want reason %s, entry %+v", reason, e)
	}
}

// assertionEl is the response's (first) assertion.
func assertionEl(doc *etree.Document) *etree.Element {
	return doc.Root().FindElement("./Assertion")
}

func TestSAMLRefusesBadResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSAMLWorld(t, e)
		const invalid = "kunde inte godtas"

		t.Run("a tampered response (a group added after signing) is refused", func(t *testing.T) {
			c := w.srv.Client()
			acs, form := w.response(t, c, "olle", "/")
			form = mutate(t, form, func(doc *etree.Document) {
				for _, a := range assertionEl(doc).FindElements(".//Attribute") {
					if a.SelectAttrValue("Name", "") == idptest.SAMLGroupsAttr {
						a.CreateElement("saml:AttributeValue").SetText("sig")
					}
				}
			})
			w.refused(t, w.post(t, c, acs, form), http.StatusUnauthorized, invalid, "signature_invalid")
			if _, err := w.srv.App.Store.CredentialsByUsername(t.Context(), "se2321000016-o002"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("a user was made: %v", err)
			}
		})

		t.Run("an expired assertion is refused", func(t *testing.T) {
			w.idp.SetTamper(func(a *saml.Assertion) {
				past := time.Now().Add(-20 * time.Minute)
				a.IssueInstant = past
				a.Conditions.NotBefore, a.Conditions.NotOnOrAfter = past, past.Add(5*time.Minute)
				for _, sc := range a.Subject.SubjectConfirmations {
					sc.SubjectConfirmationData.NotOnOrAfter = past.Add(5 * time.Minute)
				}
			})
			defer w.idp.SetTamper(nil)
			w.refused(t, w.signIn(t, w.srv.Client(), "karin", "/"), http.StatusUnauthorized, "har gått ut", "assertion_expired")
		})

		t.Run("an assertion for another service provider (wrong audience) is refused", func(t *testing.T) {
			w.idp.SetTamper(func(a *saml.Assertion) {
				a.Conditions.AudienceRestrictions = []saml.AudienceRestriction{{Audience: saml.Audience{Value: "https://annan-tjanst.example/saml"}}}
			})
			defer w.idp.SetTamper(nil)
			w.refused(t, w.signIn(t, w.srv.Client(), "karin", "/"), http.StatusUnauthorized, invalid, "audience")
		})

		t.Run("an assertion from an unknown issuer is refused", func(t *testing.T) {
			w.idp.SetTamper(func(a *saml.Assertion) { a.Issuer.Value = "https://okand-idp.example/saml" })
			defer w.idp.SetTamper(nil)
			w.refused(t, w.signIn(t, w.srv.Client(), "karin", "/"), http.StatusUnauthorized, invalid, "issuer_unknown")
		})

		t.Run("a replayed assertion is refused", func(t *testing.T) {
			c := w.srv.Client()
			acs, form := w.response(t, c, "karin", "/")
			if first := w.post(t, c, acs, form); first.res.StatusCode != http.StatusSeeOther || !hasSessionCookie(first.res) {
				t.Fatalf("first: %d %s", first.res.StatusCode, first.body)
			}
			// The same response again, with the same request cookie put back as an attacker would.
			c2 := w.srv.Client()
			res, err := c2.Get(w.srv.URL + "/login/sso/siths")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			u, _ := url.Parse(w.srv.URL + "/login/saml/siths/")
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "lots_saml_req" {
					t.Fatal("the request cookie outlived its response")
				}
			}
			id := samlRequestID(t, form)
			c2.Jar.SetCookies(u, []*http.Cookie{{Name: "lots_saml_req", Value: id, Path: "/login/saml/siths/"}})
			w.refused(t, w.post(t, c2, acs, form), http.StatusUnauthorized, "redan använts", "assertion_replayed")
		})

		t.Run("a response to a request of another browser is refused", func(t *testing.T) {
			acs, form := w.response(t, w.srv.Client(), "karin", "/")
			other := w.srv.Client()
			res, _ := other.Get(w.srv.URL + "/login/sso/siths")
			res.Body.Close()
			w.refused(t, w.post(t, other, acs, form), http.StatusUnauthorized, "kunde inte kopplas", "in_response_to")
		})

		t.Run("a response whose assertion is unsigned is refused", func(t *testing.T) {
			c := w.srv.Client()
			acs, form := w.response(t, c, "karin", "/")
			form = mutate(t, form, func(doc *etree.Document) {
				for _, sig := range doc.FindElements("//Signature") {
					sig.Parent().RemoveChild(sig)
				}
			})
			w.refused(t, w.post(t, c, acs, form), http.StatusUnauthorized, invalid, "unsigned")
		})

		t.Run("XML signature wrapping: an unsigned forged assertion beside the signed one is refused", func(t *testing.T) {
			c := w.srv.Client()
			acs, form := w.response(t, c, "olle", "/")
			form = mutate(t, form, func(doc *etree.Document) {
				signed := assertionEl(doc)
				evil := signed.Copy()
				evil.CreateAttr("ID", "_forged")
				if sig := evil.FindElement("./Signature"); sig != nil {
					evil.RemoveChild(sig)
				}
				for _, a := range evil.FindElements(".//Attribute") {
					if a.SelectAttrValue("Name", "") == idptest.SAMLGroupsAttr {
						a.CreateElement("saml:AttributeValue").SetText("sig")
					}
				}
				doc.Root().InsertChildAt(signed.Index(), evil)
			})
			w.refused(t, w.post(t, c, acs, form), http.StatusUnauthorized, invalid, "signature_invalid")
		})

		t.Run("XML signature wrapping: the signed assertion hidden inside a forged one is refused", func(t *testing.T) {
			c := w.srv.Client()
			acs, form := w.response(t, c, "olle", "/")
			form = mutate(t, form, func(doc *etree.Document) {
				signed := assertionEl(doc)
				evil := signed.Copy()
				evil.CreateAttr("ID", "_forged")
				sig := evil.FindElement("./Signature")
				if sig == nil {
					t.Fatal("the IdP's assertion is not signed")
				}
				for _, a := range evil.FindElements(".//Attribute") {
					if a.SelectAttrValue("Name", "") == idptest.SAMLGroupsAttr {
						a.CreateElement("saml:AttributeValue").SetText("sig")
					}
				}
				// The original, signed assertion goes inside the forged one's signature, where a
				// naive verifier finds the reference it checks.
				doc.Root().RemoveChild(signed)
				sig.AddChild(signed)
				doc.Root().AddChild(evil)
			})
			w.refused(t, w.post(t, c, acs, form), http.StatusUnauthorized, invalid, "signature_invalid")
		})

		t.Run("a person whose groups map to no role is refused and no user is made", func(t *testing.T) {
			w.refused(t, w.signIn(t, w.srv.Client(), "olle", "/"), http.StatusForbidden, "ger ingen roll i Lots", "sso.no_role")
			if _, err := w.srv.App.Store.CredentialsByUsername(t.Context(), "se2321000016-o002"); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("a user was made: %v", err)
			}
		})

		t.Run("an assertion without the HSA-id attribute is refused", func(t *testing.T) {
			w.refused(t, w.signIn(t, w.srv.Client(), "nils", "/"), http.StatusUnauthorized, "saknar ditt HSA-id", "no_hsa_id")
		})

		t.Run("an encrypted assertion is decrypted with Lots' key and accepted", func(t *testing.T) {
			w.idp.SetEncrypt(true)
			defer w.idp.SetEncrypt(false)
			c := w.srv.Client()
			acs, form := w.response(t, c, "karin", "/")
			raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
			if !strings.Contains(string(raw), "EncryptedAssertion") {
				t.Fatal("the IdP did not encrypt")
			}
			if try := w.post(t, c, acs, form); try.res.StatusCode != http.StatusSeeOther || !hasSessionCookie(try.res) {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
		})
	})
}

// samlRequestID is the InResponseTo of a response form.
func samlRequestID(t *testing.T, form url.Values) string {
	t.Helper()
	raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	return doc.Root().SelectAttrValue("InResponseTo", "")
}

func TestSAMLSingleLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSAMLWorld(t, e)
		c := w.srv.Client()
		if try := w.signIn(t, c, "karin", "/"); try.res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", try.res.StatusCode, try.body)
		}
		other := w.srv.Client() // a second Lots session of another person stays
		if try := w.signIn(t, other, "karin2", "/"); try.res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", try.res.StatusCode, try.body)
		}
		if code, _ := w.srv.Get(t, c, "/settings"); code != http.StatusOK {
			t.Fatalf("before logout: %d", code)
		}
		sid := w.idp.LatestSession("karin.lind@region.example")

		// The person logs out at the IdP, which sends the browser to Lots with a signed
		// LogoutRequest; Lots ends the session and sends it back with a LogoutResponse.
		res, err := c.Get(w.idp.URL + "/logout?session=" + url.QueryEscape(sid) + "&return=" + url.QueryEscape(w.idp.URL+"/done"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		slo := res.Header.Get("Location")
		if !strings.HasPrefix(slo, w.srv.URL+"/login/saml/siths/slo?SAMLRequest=") || !strings.Contains(slo, "Signature=") {
			t.Fatalf("IdP sent the browser to %q (%d)", slo, res.StatusCode)
		}
		res, err = c.Get(slo)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if back := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(back, w.idp.URL+"/slo?SAMLResponse=") {
			t.Fatalf("Lots answered %d %q", res.StatusCode, back)
		}
		if code, _ := w.srv.Get(t, c, "/settings"); code == http.StatusOK {
			t.Fatal("the Lots session outlived the single logout")
		}
		if code, _ := w.srv.Get(t, other, "/settings"); code != http.StatusOK {
			t.Fatalf("another person's session ended: %d", code)
		}
		if e := w.lastEntry(t, audit.ActionLogout); !strings.Contains(e.Detail, "saml:siths") {
			t.Fatalf("logout entry %+v", e)
		}

		t.Run("the same LogoutRequest again is refused", func(t *testing.T) {
			res, err := c.Get(slo)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "Utloggningsbegäran") {
				t.Fatalf("%d %s", res.StatusCode, b)
			}
			if e := w.lastEntry(t, audit.ActionLoginFailed); e.Ground != "denied:logout_request_replayed" {
				t.Fatalf("entry %+v", e)
			}
		})

		t.Run("a LogoutRequest with a broken signature is refused", func(t *testing.T) {
			u, _ := url.Parse(slo)
			q := u.Query()
			sig := []byte(q.Get("Signature"))
			sig[10] ^= 1
			q.Set("Signature", string(sig))
			u.RawQuery = q.Encode()
			res, err := c.Get(u.String())
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%d", res.StatusCode)
			}
		})
	})
}

func TestAdministratorManagesSAMLProviders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		srv := apptest.Start(t, e, apptest.Options{})
		idp := idptest.StartSAML(t)
		admin := srv.Login(t, "admin")
		adminCtx := authWorld{srv: srv}.as(t, "admin")
		a, _ := casework.ActorFrom(adminCtx)
		ags, err := srv.App.Store.Agencies(adminCtx, a.User.MunicipalityID)
		if err != nil {
			t.Fatal(err)
		}
		agency := strconv.FormatInt(ags[0].ID, 10)
		form := func(kv ...string) url.Values {
			v := url.Values{"slug": {"siths"}, "name": {"E-tjänstekort"}, "agency": {agency}, "groups_claim": {"memberOf"},
				"groups": {"sig = coordinator"}, "active": {"on"}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		t.Run("bad metadata is shown in Swedish and nothing is saved", func(t *testing.T) {
			for _, c := range []struct {
				name string
				v    url.Values
				msg  string
			}{
				{"no metadata", form(), "Ange en adress till metadatat eller klistra in det."},
				{"not SAML metadata", form("metadata", "<html>hej</html>"), "inte giltig SAML-metadata"},
				{"an unreachable address", form("metadata_url", idp.URL+"/finns-inte"), "gick inte att hämta"},
				{"an http address elsewhere", form("metadata_url", "http://idp.example/metadata"), "Ange en https-adress."},
				{"a group line without a role", form("metadata_url", idp.URL+"/metadata", "groups", "sig = chef"), "Varje rad ska vara grupp-id = roll"},
			} {
				res, body := srv.PostForm(t, admin, "/admin/sso/saml", c.v)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.msg) {
					t.Errorf("%s: %d, no %q", c.name, res.StatusCode, c.msg)
				}
			}
			if ps, _ := srv.App.Store.SSOProviders(t.Context()); len(ps) != 0 {
				t.Fatalf("saved: %+v", ps)
			}
		})

		var cert string
		t.Run("a provider is saved from its metadata URL, and Lots' metadata is served", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/sso/saml", form("metadata_url", idp.URL+"/metadata", "hsa_attr", idptest.SAMLHSAAttr))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			p, err := srv.App.Store.SSOProviderBySlug(t.Context(), "siths")
			if err != nil || p.Kind != "saml" || p.Issuer != idp.EntityID || p.ClientID != srv.URL+"/login/saml/siths/metadata" ||
				p.SAML.HSAAttr != idptest.SAMLHSAAttr || !strings.Contains(p.SAML.Metadata, idp.EntityID) {
				t.Fatalf("%v %+v", err, p)
			}
			code, page := srv.Get(t, admin, "/admin/sso/saml")
			if code != http.StatusOK || !strings.Contains(page, srv.URL+"/login/saml/siths/acs") {
				t.Fatalf("%d %s", code, page)
			}
			code, md := srv.Get(t, srv.Client(), "/login/saml/siths/metadata")
			if code != http.StatusOK {
				t.Fatalf("%d", code)
			}
			cert = md[strings.Index(md, "X509Certificate>"):]
		})

		t.Run("a change keeps Lots' key pair and the OIDC form cannot change a SAML provider", func(t *testing.T) {
			p, _ := srv.App.Store.SSOProviderBySlug(t.Context(), "siths")
			res, body := srv.PostForm(t, admin, "/admin/sso/saml", form("id", strconv.FormatInt(p.ID, 10), "name", "SITHS",
				"client_id", p.ClientID, "metadata", p.SAML.Metadata))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			_, md := srv.Get(t, srv.Client(), "/login/saml/siths/metadata")
			if md[strings.Index(md, "X509Certificate>"):] != cert {
				t.Fatal("the key pair changed")
			}
			res, _ = srv.PostForm(t, admin, "/admin/sso", url.Values{"id": {strconv.FormatInt(p.ID, 10)}, "slug": {"siths"}, "name": {"Kapad"},
				"issuer": {"https://evil.example"}, "client_id": {"x"}, "agency": {agency}, "groups_claim": {"groups"}, "active": {"on"}})
			if q, _ := srv.App.Store.SSOProviderBySlug(t.Context(), "siths"); q.Name != "SITHS" || q.Kind != "saml" || res.StatusCode == http.StatusSeeOther {
				t.Fatalf("%d %+v", res.StatusCode, q)
			}
		})
	})
}

func TestSAMLStepUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSAMLWorld(t, e)
		c := w.srv.Client()
		if try := w.signIn(t, c, "karin", "/"); try.res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", try.res.StatusCode, try.body)
		}
		// stepUp goes through the IdP from Lots' step-up link.
		stepUp := func(t *testing.T) samlTry {
			t.Helper()
			res, err := c.Get(w.srv.URL + "/login/sso/siths?fresh=1&next=/settings")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			loc := res.Header.Get("Location")
			if req := samlRequestXML(t, loc); !strings.Contains(req, `ForceAuthn="true"`) {
				t.Fatalf("no ForceAuthn: %s", req)
			}
			if res, err = c.Get(loc); err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			action, vals, err := idptest.PostForm(b)
			if err != nil {
				t.Fatal(err)
			}
			vals.Set("login", "karin")
			if res, err = c.PostForm(action, vals); err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res, err = c.Get(res.Header.Get("Location")); err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(res.Body)
			res.Body.Close()
			action, form, err := idptest.PostForm(b)
			if err != nil {
				t.Fatal(err)
			}
			return w.post(t, c, action, form)
		}
		t.Run("a step-up asks the IdP to authenticate again (ForceAuthn) and accepts a fresh AuthnInstant", func(t *testing.T) {
			if try := stepUp(t); try.res.StatusCode != http.StatusSeeOther || try.res.Header.Get("Location") != "/settings" || !hasSessionCookie(try.res) {
				t.Fatalf("%d %s", try.res.StatusCode, try.body)
			}
		})
		t.Run("a step-up answered with an old authentication is refused", func(t *testing.T) {
			w.idp.SetTamper(func(a *saml.Assertion) {
				for i := range a.AuthnStatements {
					a.AuthnStatements[i].AuthnInstant = time.Now().Add(-time.Hour)
				}
			})
			defer w.idp.SetTamper(nil)
			w.refused(t, stepUp(t), http.StatusUnauthorized, "bekräftade inte", "not_fresh")
		})
	})
}

// samlRequestXML is the AuthnRequest of an HTTP-Redirect URL.
func samlRequestXML(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(u.Query().Get("SAMLRequest"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSAMLLogoutFromLots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newSAMLWorld(t, e)
		c := w.srv.Client()
		if try := w.signIn(t, c, "karin", "/"); try.res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", try.res.StatusCode, try.body)
		}
		if w.idp.LatestSession("karin.lind@region.example") == "" {
			t.Fatal("no IdP session")
		}
		// Logging out of Lots ends the Lots session and offers to end the IdP's too, with a
		// signed LogoutRequest naming the NameID and SessionIndex.
		res, body := w.srv.PostForm(t, c, "/logout", url.Values{})
		m := regexp.MustCompile(`id="sso-end" href="([^"]+)"`).FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("logout: %d %s", res.StatusCode, body)
		}
		if code, _ := w.srv.Get(t, c, "/settings"); code == http.StatusOK {
			t.Fatal("the Lots session outlived the logout")
		}
		end := html.UnescapeString(m[1])
		if !strings.HasPrefix(end, w.idp.URL+"/slo?SAMLRequest=") || !strings.Contains(end, "Signature=") {
			t.Fatalf("end-session link %q", end)
		}
		res, err := c.Get(end)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		back := res.Header.Get("Location")
		if !strings.HasPrefix(back, w.srv.URL+"/login/saml/siths/slo?SAMLResponse=") {
			t.Fatalf("IdP answered %d %q", res.StatusCode, back)
		}
		if w.idp.LatestSession("karin.lind@region.example") != "" {
			t.Fatal("the IdP session outlived the logout")
		}
		res, err = c.Get(back)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("Lots answered the LogoutResponse with %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		t.Run("a forged LogoutResponse is refused", func(t *testing.T) {
			u, _ := url.Parse(back)
			q := u.Query()
			sig := []byte(q.Get("Signature"))
			sig[10] ^= 1
			q.Set("Signature", string(sig))
			u.RawQuery = q.Encode()
			res, err := c.Get(u.String())
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%d", res.StatusCode)
			}
		})
	})
}
