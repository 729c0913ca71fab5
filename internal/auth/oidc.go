package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
)

// OpenID Connect login (docs/sso.md): the authorization code flow with PKCE (S256), a state
// bound to the browser (a cookie) and to one stored request used once, a nonce in the ID
// token, the provider's keys from its JWKS (fetched again when a token names a key not yet
// seen: key rotation), and the ID token verified by coreos/go-oidc: signature, issuer,
// audience, expiry with ClockSkew of tolerance.

// ClockSkew is how far the provider's clock may be ahead of Lots' for an ID token to count
// as not yet expired (go-oidc itself allows five minutes on "nbf").
const ClockSkew = 2 * time.Minute

// ssoRequestTTL is how long a login may take at the provider.
const ssoRequestTTL = 10 * time.Minute

// oidcClients caches each provider's discovery document and key set, by its configuration.
type oidcClients struct {
	mu      sync.Mutex
	clients map[string]*oidcClient
	HTTP    *http.Client
}

type oidcClient struct {
	provider   *oidc.Provider
	endSession string
}

func ssoErr(key, format string, args ...any) error {
	return casework.Errorf(casework.EUnauthorized, key, format, args...)
}

// SSOHTTPClient is the client Lots talks to identity providers with.
func (s *Service) ssoHTTP() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}

func (s *Service) oidcClient(ctx context.Context, p store.SSOProvider) (*oidcClient, error) {
	if p.Kind != "oidc" {
		return nil, casework.NotFound("sso_provider") // a SAML provider has no OIDC endpoints (saml.go)
	}
	s.oidcOnce.Do(func() { s.oidc = &oidcClients{clients: map[string]*oidcClient{}} })
	key := fmt.Sprintf("%d\x00%s", p.ID, p.Issuer)
	s.oidc.mu.Lock()
	c := s.oidc.clients[key]
	s.oidc.mu.Unlock()
	if c != nil {
		return c, nil
	}
	// The provider keeps this context for fetching its keys later: not the request's.
	pctx := oidc.ClientContext(context.WithoutCancel(ctx), s.ssoHTTP())
	prov, err := oidc.NewProvider(pctx, p.Issuer)
	if err != nil {
		return nil, casework.Errorf(casework.EUnauthorized, "sso.unreachable", "discovery of %s: %v", p.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = prov.Claims(&meta)
	c = &oidcClient{provider: prov, endSession: meta.EndSession}
	s.oidc.mu.Lock()
	s.oidc.clients[key] = c
	s.oidc.mu.Unlock()
	return c, nil
}

func (c *oidcClient) config(p store.SSOProvider, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: redirect,
		Endpoint: c.provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess},
	}
}

func (s *Service) verifier(c *oidcClient, p store.SSOProvider) *oidc.IDTokenVerifier {
	return c.provider.Verifier(&oidc.Config{ClientID: p.ClientID, Now: func() time.Time { return s.Now().Add(-ClockSkew) }})
}

func randomText() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SSOStart is a login sent on to the provider.
type SSOStart struct {
	URL   string // where to send the browser
	State string // to keep in the browser (a cookie) until the callback
}

// BeginOIDC starts a login at the provider slug; redirect is Lots' callback URL and next the
// page to go to afterwards. fresh asks the provider to authenticate the person again (step-up).
func (s *Service) BeginOIDC(ctx context.Context, slug, redirect, next string, fresh bool) (SSOStart, error) {
	p, err := s.Store.SSOProviderBySlug(ctx, slug)
	if err != nil {
		return SSOStart{}, err
	}
	c, err := s.oidcClient(ctx, p)
	if err != nil {
		return SSOStart{}, err
	}
	state, nonce, verifier := randomText(), randomText(), oauth2.GenerateVerifier()
	if err := s.Store.BeginSSO(ctx, store.SSORequest{StateHash: HashToken(state), ProviderID: p.ID, Nonce: nonce,
		Verifier: verifier, Next: next, Fresh: fresh, ExpiresAt: s.Now().Add(ssoRequestTTL)}); err != nil {
		return SSOStart{}, err
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if fresh {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0"))
	}
	return SSOStart{URL: c.config(p, redirect).AuthCodeURL(state, opts...), State: state}, nil
}

// SSOCallback is what the provider sent back to the callback.
type SSOCallback struct {
	Slug, Redirect string
	CookieState    string // the state kept in the browser
	State, Code    string
	Error          string // the provider's error parameter
}

// SSOLogin is a finished single sign-on.
type SSOLogin struct {
	Actor casework.Actor
	Token string // the new session's
	Next  string
}

// FinishOIDC checks the provider's answer and starts a session. Every refusal is logged in the
// provider's municipality's access log and answered with a key for a clear page; no session
// is created.
func (s *Service) FinishOIDC(ctx context.Context, cb SSOCallback) (SSOLogin, error) {
	p, err := s.Store.SSOProviderBySlug(ctx, cb.Slug)
	if err != nil {
		return SSOLogin{}, err
	}
	login, reason, err := s.finishOIDC(ctx, p, cb)
	if err != nil {
		if reason == "" {
			reason = casework.AsError(err).Key
		}
		s.auditSSOFailure(ctx, p, login.Actor, reason, err)
		return SSOLogin{}, err
	}
	return login, nil
}

func (s *Service) auditSSOFailure(ctx context.Context, p store.SSOProvider, a casework.Actor, reason string, err error) {
	e := audit.Entry{MunicipalityID: p.MunicipalityID, Username: p.ProviderKey(), Via: casework.ViaSession,
		Action: audit.ActionLoginFailed, Object: "session", Ground: "denied:" + reason,
		Detail: reason + casework.FromAddr(casework.ClientAddrFrom(ctx))}
	if a.User.ID != 0 {
		e.UserID, e.Username, e.Roles, e.AgencyID, e.AgencyKind = a.User.ID, a.User.Username, a.User.Roles.String(), a.User.AgencyID, string(a.AgencyKind)
		e.ObjectID = a.User.ID
	}
	_ = s.Store.AuditSystem(ctx, e)
	if s.Log != nil {
		s.Log.Warn("single sign-on refused", "provider", p.ProviderKey(), "reason", reason, "err", err)
	}
}

func (s *Service) finishOIDC(ctx context.Context, p store.SSOProvider, cb SSOCallback) (SSOLogin, string, error) {
	if cb.State == "" || cb.CookieState == "" || subtle.ConstantTimeCompare([]byte(cb.State), []byte(cb.CookieState)) != 1 {
		return SSOLogin{}, "state_mismatch", ssoErr("sso.state", "state does not match the browser's")
	}
	req, err := s.Store.TakeSSO(ctx, HashToken(cb.State))
	if err != nil {
		return SSOLogin{}, "state_unknown", err
	}
	if req.ProviderID != p.ID {
		return SSOLogin{}, "state_provider", ssoErr("sso.state", "state of another provider")
	}
	if cb.Error != "" {
		return SSOLogin{Next: req.Next}, "provider_error", ssoErr("sso.provider_error", "provider answered %q", cb.Error)
	}
	c, err := s.oidcClient(ctx, p)
	if err != nil {
		return SSOLogin{}, "unreachable", err
	}
	hctx := oidc.ClientContext(ctx, s.ssoHTTP())
	tok, err := c.config(p, cb.Redirect).Exchange(hctx, cb.Code, oauth2.VerifierOption(req.Verifier))
	if err != nil {
		return SSOLogin{}, "code_exchange", ssoErr("sso.token", "code exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return SSOLogin{}, "no_id_token", ssoErr("sso.token", "no id_token in the token response")
	}
	idt, err := s.verifier(c, p).Verify(hctx, raw)
	if err != nil {
		reason := "id_token_invalid"
		var exp *oidc.TokenExpiredError
		if errors.As(err, &exp) {
			reason = "id_token_expired"
		}
		return SSOLogin{}, reason, ssoErr("sso.token", "id token: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(req.Nonce)) != 1 {
		return SSOLogin{}, "nonce", ssoErr("sso.token", "nonce does not match")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return SSOLogin{}, "at_hash", ssoErr("sso.token", "at_hash: %v", err)
		}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return SSOLogin{}, "claims", ssoErr("sso.token", "claims: %v", err)
	}
	// A step-up asked the provider to authenticate the person again: its auth_time must say
	// it did, within the request's lifetime.
	if req.Fresh {
		at, _ := claims["auth_time"].(float64)
		if at == 0 || s.Now().Sub(time.Unix(int64(at), 0)) > ssoRequestTTL+ClockSkew {
			return SSOLogin{}, "not_fresh", ssoErr("sso.not_fresh", "auth_time %v is not fresh", at)
		}
	}
	id := store.SSOIdentity{Subject: idt.Subject, Username: str(claims["preferred_username"]), Name: str(claims["name"]),
		Email: str(claims["email"]), Groups: strs(claims[p.GroupsClaim]), SessionID: str(claims["sid"])}
	if id.Subject == "" {
		return SSOLogin{}, "no_subject", ssoErr("sso.token", "no subject")
	}
	a, err := s.Store.SSOUser(ctx, p, id)
	if err != nil {
		if casework.ErrorCode(err) == casework.EInternal {
			return SSOLogin{}, "internal", err
		}
		return SSOLogin{Actor: a}, casework.AsError(err).Key, err
	}
	mfa := slices.Contains(strs(claims["amr"]), "mfa") || (p.MFAACR != "" && str(claims["acr"]) == p.MFAACR)
	token, err := s.StartSessionWith(ctx, a, store.Session{AuthMethod: "oidc", MFA: mfa, IdPProvider: p.ID,
		IdPSubject: id.Subject, IdPSession: id.SessionID})
	if err != nil {
		return SSOLogin{}, "internal", err
	}
	// The groups are read again on a schedule with the refresh token (groupsync.go).
	if tok.RefreshToken != "" {
		if err := s.Store.SaveSSORefresh(ctx, store.SSORefresh{MunicipalityID: p.MunicipalityID, ProviderID: p.ID,
			UserID: a.User.ID, Subject: id.Subject, Token: tok.RefreshToken}); err != nil {
			return SSOLogin{}, "internal", err
		}
	}
	return SSOLogin{Actor: a, Token: token, Next: req.Next}, "", nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a claim that is a list of strings, or one string.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// BackChannelLogout ends the sessions an OIDC back-channel logout token names (OpenID Connect
// Back-Channel Logout 1.0): signed by the provider, for Lots' client, with the logout event,
// no nonce, not expired, and its jti not seen before.
func (s *Service) BackChannelLogout(ctx context.Context, slug, raw string) (int, error) {
	p, err := s.Store.SSOProviderBySlug(ctx, slug)
	if err != nil {
		return 0, err
	}
	c, err := s.oidcClient(ctx, p)
	if err != nil {
		return 0, err
	}
	lt, err := s.verifier(c, p).VerifyLogout(oidc.ClientContext(ctx, s.ssoHTTP()), raw)
	if err == nil && !logoutTyped(raw) {
		// An explicitly typed logout token cannot be another JWT of the provider's passed off
		// as one (ASVS 10.5.5, Back-Channel Logout 1.0 §2.4).
		err = errors.New(`logout token is not typed "logout+jwt"`)
	}
	if err != nil {
		s.auditSSOFailure(ctx, p, casework.Actor{}, "logout_token_invalid", err)
		return 0, ssoErr("sso.token", "logout token: %v", err)
	}
	fresh, err := s.Store.UseLogoutToken(ctx, p.ID, lt.TokenID, lt.Expiry)
	if err != nil {
		return 0, err
	}
	if !fresh {
		s.auditSSOFailure(ctx, p, casework.Actor{}, "logout_token_replayed", nil)
		return 0, ssoErr("sso.token", "logout token replayed")
	}
	return s.Store.EndIdPSessions(ctx, p, lt.Subject, lt.SessionID)
}

// EndSessionURL is where to send the browser after Lots' own logout of a session that came
// from provider id, so the provider's session ends too; "" when it has no such endpoint.
func (s *Service) EndSessionURL(ctx context.Context, providerID int64, after string) string {
	p, err := s.Store.SSOProviderByID(ctx, providerID)
	if err != nil || p.Kind != "oidc" {
		return ""
	}
	c, err := s.oidcClient(ctx, p)
	if err != nil || c.endSession == "" {
		return ""
	}
	return c.endSession + "?client_id=" + url.QueryEscape(p.ClientID) + "&post_logout_redirect_uri=" + url.QueryEscape(after)
}

// logoutTyped reports whether a JWT's header says typ "logout+jwt" (or its media type).
func logoutTyped(raw string) bool {
	head, _, ok := strings.Cut(raw, ".")
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h struct {
		Typ string `json:"typ"`
	}
	if json.Unmarshal(b, &h) != nil {
		return false
	}
	t := strings.ToLower(h.Typ)
	return t == "logout+jwt" || t == "application/logout+jwt"
}
