package idptest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
)

// SAMLProvider is a real SAML 2.0 identity provider for tests, built on crewjam/saml's
// IdentityProvider: it verifies Lots' signed AuthnRequests against Lots' metadata, shows a
// login form, signs assertions (and encrypts them when Encrypt is set) and starts single
// logout to Lots with signed LogoutRequests. Tests make it misbehave on purpose (Tamper) to
// see that Lots refuses what it should.
type SAMLProvider struct {
	URL      string // the server's base
	EntityID string // = its metadata URL
	IDP      *saml.IdentityProvider
	// Tamper, when set, changes an assertion after it is made and before it is signed.
	Tamper func(*saml.Assertion)
	// Encrypt leaves Lots' encryption key in its metadata, so assertions are encrypted.
	Encrypt bool

	mu       sync.Mutex
	people   map[string]SAMLPerson
	sps      map[string][]byte // service provider metadata by entity id
	sessions map[string]*saml.Session
	parts    map[string][]saml.SessionParticipant
	srv      *httptest.Server
}

// SAMLPerson is someone who can sign in at the SAML provider.
type SAMLPerson struct {
	NameID   string
	Name     string
	Email    string
	HSAID    string
	Groups   []string
	ClassRef string // AuthnContextClassRef
}

// Attribute names the test provider uses (as a SITHS identity provider would).
const (
	SAMLGroupsAttr = "memberOf"
	SAMLHSAAttr    = "http://sambi.se/attributes/1/employeeHsaId"
)

// StartSAML runs a SAML identity provider until the test ends.
func StartSAML(t testing.TB) *SAMLProvider {
	t.Helper()
	key, cert := samlKeyPair(t, "Testleverantör SAML")
	p := &SAMLProvider{people: map[string]SAMLPerson{}, sps: map[string][]byte{}, sessions: map[string]*saml.Session{},
		parts: map[string][]saml.SessionParticipant{}}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	p.URL = p.srv.URL
	base, _ := url.Parse(p.URL)
	p.EntityID = p.URL + "/metadata"
	p.IDP = &saml.IdentityProvider{
		Key: key, Certificate: cert, Logger: nopLogger{},
		MetadataURL: *base.JoinPath("/metadata"), SSOURL: *base.JoinPath("/sso"), LogoutURL: *base.JoinPath("/slo"),
		ServiceProviderProvider: p, SessionProvider: p, AssertionMaker: samlMaker{p},
		LogoutBindings: []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding},
	}
	mux.HandleFunc("/metadata", p.IDP.ServeMetadata)
	mux.HandleFunc("/sso", p.IDP.ServeSSO)
	mux.HandleFunc("/slo", p.IDP.ServeSLO)
	mux.HandleFunc("GET /logout", p.startLogout)
	mux.HandleFunc("POST /login", p.login)
	return p
}

// samlKeyPair makes an RSA key and a self-signed certificate.
func samlKeyPair(t testing.TB, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Print(...any)          {}
func (nopLogger) Println(...any)        {}
func (nopLogger) Fatal(...any)          {}
func (nopLogger) Fatalf(string, ...any) {}
func (nopLogger) Fatalln(...any)        {}
func (nopLogger) Panic(...any)          {}
func (nopLogger) Panicf(string, ...any) {}
func (nopLogger) Panicln(...any)        {}

// Metadata is the provider's metadata XML.
func (p *SAMLProvider) Metadata(t testing.TB) []byte {
	t.Helper()
	b, err := xml.Marshal(p.IDP.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Add lets person sign in with login name login.
func (p *SAMLProvider) Add(login string, person SAMLPerson) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.people[login] = person
}

// RegisterSP fetches a service provider's metadata from its URL and trusts it.
func (p *SAMLProvider) RegisterSP(t testing.TB, metadataURL string) {
	t.Helper()
	res, err := http.Get(metadataURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("SP metadata: %d %s", res.StatusCode, b)
	}
	ed, err := samlsp.ParseMetadata(b)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sps[ed.EntityID] = b
}

// GetServiceProvider is saml.ServiceProviderProvider.
func (p *SAMLProvider) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	p.mu.Lock()
	b, ok := p.sps[id]
	enc := p.Encrypt
	p.mu.Unlock()
	if !ok {
		return nil, os.ErrNotExist
	}
	ed, err := samlsp.ParseMetadata(b)
	if err != nil {
		return nil, err
	}
	if !enc {
		for i := range ed.SPSSODescriptors {
			var keep []saml.KeyDescriptor
			for _, k := range ed.SPSSODescriptors[i].KeyDescriptors {
				if k.Use != "encryption" {
					k.Use = "signing"
					keep = append(keep, k)
				}
			}
			ed.SPSSODescriptors[i].KeyDescriptors = keep
		}
	}
	return ed, nil
}

var samlLoginForm = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Testleverantör SAML</title></head>
<body><main><h1>Testleverantör (SAML): logga in</h1>
<form method="post" action="{{.URL}}">
<input type="hidden" name="q" value="{{.Query}}">
<label for="login">Konto</label> <input id="login" name="login" autocomplete="off">
<button type="submit" id="idp-submit">Logga in</button>
</form></main></body></html>`))

// GetSession is saml.SessionProvider: the login form, or the person it named.
func (p *SAMLProvider) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	if login := r.URL.Query().Get("login"); r.Method == http.MethodGet && login != "" {
		p.mu.Lock()
		person, ok := p.people[login]
		p.mu.Unlock()
		if ok {
			now := time.Now()
			s := &saml.Session{ID: random(), Index: random(), CreateTime: now, ExpireTime: now.Add(time.Hour),
				NameID: person.NameID, NameIDFormat: string(saml.UnspecifiedNameIDFormat), UserEmail: person.Email,
				UserCommonName: person.Name, AuthnContextClassRef: person.ClassRef}
			if len(person.Groups) > 0 {
				a := saml.Attribute{Name: SAMLGroupsAttr, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}
				for _, g := range person.Groups {
					a.Values = append(a.Values, saml.AttributeValue{Type: "xs:string", Value: g})
				}
				s.CustomAttributes = append(s.CustomAttributes, a)
			}
			if person.HSAID != "" {
				s.CustomAttributes = append(s.CustomAttributes, saml.Attribute{Name: SAMLHSAAttr,
					NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri", Values: []saml.AttributeValue{{Type: "xs:string", Value: person.HSAID}}})
			}
			p.mu.Lock()
			p.sessions[s.ID] = s
			p.mu.Unlock()
			return s
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = samlLoginForm.Execute(w, map[string]string{"URL": p.URL + "/login", "Query": r.URL.RawQuery})
	return nil
}

// login (POST /login) sends the browser back to the sign-on service with the signed
// request as it came (HTTP-Redirect: its signature covers the query) and the login name.
func (p *SAMLProvider) login(w http.ResponseWriter, r *http.Request) {
	q := r.PostFormValue("q")
	if q == "" {
		http.Error(w, "no request", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, p.URL+"/sso?"+q+"&login="+url.QueryEscape(r.PostFormValue("login")), http.StatusSeeOther)
}

// AddSessionParticipant and SessionParticipants make it a saml.SessionParticipantTracker:
// the provider knows whom to send its logout to.
func (p *SAMLProvider) AddSessionParticipant(r *http.Request, s *saml.Session, part saml.SessionParticipant) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.parts[s.ID] = append(p.parts[s.ID], part)
	return nil
}

func (p *SAMLProvider) SessionParticipants(r *http.Request, match func(*saml.Session) bool) ([]saml.SessionParticipant, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []saml.SessionParticipant
	for id, s := range p.sessions {
		if match(s) {
			out = append(out, p.parts[id]...)
		}
	}
	return out, nil
}

// InvalidateSession makes it a saml.SessionInvalidator: a service provider's LogoutRequest
// ends the sessions it names.
func (p *SAMLProvider) InvalidateSession(w http.ResponseWriter, r *http.Request, req *saml.IdpLogoutRequest) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, s := range p.sessions {
		if req.MatchesSession(s) {
			delete(p.sessions, id)
		}
	}
	return nil
}

// LatestSession is the id of the latest session of the person with nameID.
func (p *SAMLProvider) LatestSession(nameID string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var best *saml.Session
	for _, s := range p.sessions {
		if s.NameID == nameID && (best == nil || s.CreateTime.After(best.CreateTime)) {
			best = s
		}
	}
	if best == nil {
		return ""
	}
	return best.ID
}

// startLogout (GET /logout?session=id&return=url) is the person logging out at the
// provider: it sends the browser to each service provider with a signed LogoutRequest.
func (p *SAMLProvider) startLogout(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	s := p.sessions[r.URL.Query().Get("session")]
	p.mu.Unlock()
	if s == nil {
		http.Error(w, "no such session", http.StatusNotFound)
		return
	}
	p.IDP.StartLogout(w, r, s, r.URL.Query().Get("return"))
	p.mu.Lock()
	delete(p.sessions, s.ID)
	p.mu.Unlock()
}

// samlMaker makes the default assertion, then lets the test tamper with it before signing.
type samlMaker struct{ p *SAMLProvider }

func (m samlMaker) MakeAssertion(req *saml.IdpAuthnRequest, s *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, s); err != nil {
		return err
	}
	m.p.mu.Lock()
	tamper := m.p.Tamper
	m.p.mu.Unlock()
	if tamper != nil {
		tamper(req.Assertion)
	}
	return nil
}

// SetTamper sets Tamper safely while the server runs.
func (p *SAMLProvider) SetTamper(f func(*saml.Assertion)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Tamper = f
}

// SetEncrypt sets Encrypt safely while the server runs.
func (p *SAMLProvider) SetEncrypt(b bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Encrypt = b
}

// PostForm reads the auto-posting form of a provider's page (the SAML Response by
// HTTP-POST): its action and fields.
func PostForm(body []byte) (string, url.Values, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	action, vals := "", url.Values{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := func(n string) string {
			for _, a := range se.Attr {
				if a.Name.Local == n {
					return a.Value
				}
			}
			return ""
		}
		switch se.Name.Local {
		case "form":
			action = attr("action")
		case "input":
			if attr("name") != "" {
				vals.Set(attr("name"), attr("value"))
			}
		}
	}
	if action == "" {
		return "", nil, fmt.Errorf("no form in %q", body)
	}
	return action, vals, nil
}
