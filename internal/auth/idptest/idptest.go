// Package idptest is a small but real OpenID Connect provider for tests: discovery, a JWKS
// with keys that rotate, an authorization endpoint with a login form, a token endpoint that
// checks the client's secret, the code (once) and PKCE (S256), ID tokens signed with go-jose,
// an end-session endpoint and back-channel logout tokens. It runs as an HTTP server on the
// loopback address; Lots talks to it exactly as to Entra ID. Tests make it misbehave on
// purpose (Tamper, SignWithForeignKey) to see that Lots refuses what it should.
package idptest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Person is someone who can sign in at the provider.
type Person struct {
	Subject  string
	Username string // preferred_username
	Name     string
	Email    string
	Groups   []string
	AMR      []string // e.g. {"pwd", "mfa"}
	ACR      string
}

// Provider is a running identity provider.
type Provider struct {
	URL                    string // the issuer
	ClientID, ClientSecret string

	mu     sync.Mutex
	now    func() time.Time
	keys   []key // keys[0] signs; all are published
	people map[string]Person
	codes  map[string]grant
	// refresh are the refresh tokens given out, each to the subject it renews; one is used
	// once (a refresh gives a new one).
	refresh map[string]string
	// Tamper, when set, changes an ID token's claims before it is signed.
	Tamper func(claims map[string]any)
	// SignWithForeignKey signs ID tokens with a key the JWKS does not publish.
	SignWithForeignKey bool
	// Ended are the end-session requests' post_logout_redirect_uri values.
	Ended []string
	// Sessions are the sid of each person's latest login, by subject.
	Sessions map[string]string
	// Refreshes counts the refresh-token requests.
	Refreshes int

	srv *httptest.Server
}

type key struct {
	id   string
	priv *rsa.PrivateKey
}

type grant struct {
	person                        Person
	clientID, redirect, challenge string
	nonce, sid                    string
	authTime                      time.Time
}

// Start runs a provider for clientID/secret until the test ends. now is its clock (time.Now
// when nil).
func Start(t testing.TB, clientID, secret string, now func() time.Time) *Provider {
	t.Helper()
	if now == nil {
		now = time.Now
	}
	p := &Provider{ClientID: clientID, ClientSecret: secret, now: now, people: map[string]Person{},
		codes: map[string]grant{}, Sessions: map[string]string{}, refresh: map[string]string{}}
	p.Rotate(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorizeForm)
	mux.HandleFunc("POST /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /logout", p.endSession)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// Remove ends a person at the provider: they cannot sign in, and their refresh tokens stop
// working.
func (p *Provider) Remove(login string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.people, login)
}

// Add lets person sign in with login name login.
func (p *Provider) Add(login string, person Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.people[login] = person
}

// Rotate makes a new signing key; the old ones stay published.
func (p *Provider) Rotate(t testing.TB) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append([]key{{id: fmt.Sprintf("key-%d", len(p.keys)+1), priv: priv}}, p.keys...)
}

// KeyID is the id of the key that signs now.
func (p *Provider) KeyID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys[0].id
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
		"jwks_uri": p.URL + "/keys", "end_session_endpoint": p.URL + "/logout",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"backchannel_logout_supported": true, "backchannel_logout_session_supported": true,
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	var set jose.JSONWebKeySet
	for _, k := range p.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.priv.PublicKey, KeyID: k.id, Algorithm: "RS256", Use: "sig"})
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, set)
}

var loginForm = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Testleverantör</title></head>
<body><main><h1>Testleverantör: logga in</h1>
<form method="post" action="/authorize">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<label for="login">Konto</label> <input id="login" name="login" autocomplete="off">
<button type="submit" id="idp-submit">Logga in</button>
</form></main></body></html>`))

// authorizeForm checks the request and shows the login form.
func (p *Provider) authorizeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := p.checkAuthorize(q); err != "" {
		http.Error(w, err, http.StatusBadRequest)
		return
	}
	params := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method", "response_type", "scope"} {
		params[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginForm.Execute(w, map[string]any{"Params": params})
}

func (p *Provider) checkAuthorize(q url.Values) string {
	switch {
	case q.Get("client_id") != p.ClientID:
		return "unknown client"
	case q.Get("response_type") != "code":
		return "response_type must be code"
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		return "PKCE S256 required"
	case !strings.Contains(q.Get("scope"), "openid"):
		return "scope openid required"
	case q.Get("redirect_uri") == "":
		return "redirect_uri required"
	}
	return ""
}

// authorize signs the person in and sends the browser back with a code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := r.PostForm
	if err := p.checkAuthorize(f); err != "" {
		http.Error(w, err, http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	person, ok := p.people[f.Get("login")]
	code, sid := random(), random()
	if ok {
		p.codes[code] = grant{person: person, clientID: f.Get("client_id"), redirect: f.Get("redirect_uri"),
			challenge: f.Get("code_challenge"), nonce: f.Get("nonce"), sid: sid, authTime: p.now()}
		p.Sessions[person.Subject] = sid
	}
	p.mu.Unlock()
	target, _ := url.Parse(f.Get("redirect_uri"))
	q := target.Query()
	if ok {
		q.Set("code", code)
	} else {
		q.Set("error", "access_denied")
	}
	q.Set("state", f.Get("state"))
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// token exchanges a code for tokens.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || secret != p.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		p.refreshed(w, r.PostForm.Get("refresh_token"))
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code")) // a code works once
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || !ok:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case g.redirect != r.PostForm.Get("redirect_uri"):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "redirect_uri"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE"})
		return
	}
	now := p.now()
	claims := map[string]any{
		"iss": p.URL, "sub": g.person.Subject, "aud": p.ClientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": g.nonce, "sid": g.sid, "auth_time": g.authTime.Unix(), "preferred_username": g.person.Username, "name": g.person.Name,
		"email": g.person.Email, "groups": g.person.Groups,
	}
	if g.person.AMR != nil {
		claims["amr"] = g.person.AMR
	}
	if g.person.ACR != "" {
		claims["acr"] = g.person.ACR
	}
	if p.Tamper != nil {
		p.Tamper(claims)
	}
	raw, err := p.Sign(claims)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rt := random()
	p.mu.Lock()
	p.refresh[rt] = g.person.Subject
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300, "id_token": raw,
		"refresh_token": rt})
}

// refreshed answers a refresh token: a new ID token with the person's current claims (their
// groups as they are now) and a new refresh token; a person removed, or a token used or
// unknown, gets invalid_grant.
func (p *Provider) refreshed(w http.ResponseWriter, rt string) {
	p.mu.Lock()
	sub, ok := p.refresh[rt]
	delete(p.refresh, rt)
	var person Person
	found := false
	for _, x := range p.people {
		if x.Subject == sub {
			person, found = x, true
		}
	}
	next := random()
	if ok && found {
		p.refresh[next] = sub
	}
	p.Refreshes++
	p.mu.Unlock()
	if !ok || !found {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	now := p.now()
	raw, err := p.Sign(map[string]any{"iss": p.URL, "sub": person.Subject, "aud": p.ClientID, "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "preferred_username": person.Username, "name": person.Name,
		"email": person.Email, "groups": person.Groups})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300, "id_token": raw,
		"refresh_token": next})
}

// Sign signs claims as a JWT with the current key (or a foreign one, SignWithForeignKey).
func (p *Provider) Sign(claims map[string]any) (string, error) { return p.SignTyped("JWT", claims) }

// SignTyped is Sign with the header's typ.
func (p *Provider) SignTyped(typ string, claims map[string]any) (string, error) {
	p.mu.Lock()
	k := p.keys[0]
	foreign := p.SignWithForeignKey
	p.mu.Unlock()
	if foreign {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return "", err
		}
		k = key{id: k.id, priv: priv} // the same key id: only the signature gives it away
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.id}},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// LogoutToken makes a back-channel logout token for subject and sid ("" leaves a claim out).
func (p *Provider) LogoutToken(subject, sid string) (string, error) {
	now := p.now()
	claims := map[string]any{"iss": p.URL, "aud": p.ClientID, "iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
		"jti": random(), "events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}}
	if subject != "" {
		claims["sub"] = subject
	}
	if sid != "" {
		claims["sid"] = sid
	}
	return p.SignTyped("logout+jwt", claims)
}

// BackChannelLogout posts a logout token to Lots' back-channel logout URI, as the provider's
// server does, and returns the status.
func (p *Provider) BackChannelLogout(t testing.TB, uri, token string) int {
	t.Helper()
	res, err := http.PostForm(uri, url.Values{"logout_token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	after := r.URL.Query().Get("post_logout_redirect_uri")
	p.mu.Lock()
	p.Ended = append(p.Ended, after)
	p.mu.Unlock()
	if after == "" || r.URL.Query().Get("client_id") != p.ClientID {
		_, _ = w.Write([]byte("logged out"))
		return
	}
	http.Redirect(w, r, after, http.StatusFound)
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
