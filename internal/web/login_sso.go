package web

import (
	"encoding/json"
	"net/http"

	"lots/internal/auth"
	"lots/internal/casework"
)

// ssoStateCookie keeps a single sign-on's state in the browser that began it: the callback
// must come back to the same browser (login CSRF).
const ssoStateCookie = "lots_sso_state"

// ssoCallbackURL is the redirect URI to register at the provider.
func (s *Server) ssoCallbackURL(r *http.Request, slug string) string {
	return s.origin(r) + "/login/sso/" + slug + "/callback"
}

func (s *Server) origin(r *http.Request) string {
	scheme := "http"
	if s.cfg.SecureCookies || s.isTLS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) setSSOState(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: ssoStateCookie, Value: value, Path: "/login/sso/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies || s.isTLS(r), SameSite: http.SameSiteLaxMode})
}

// ssoStart sends the browser to the identity provider (?fresh=1: asking it to authenticate
// the person again, for step-up).
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if s.auth.IsSAML(r.Context(), slug) {
		s.samlStart(w, r)
		return
	}
	start, err := s.auth.BeginOIDC(r.Context(), slug, s.ssoCallbackURL(r, slug), safeNext(r.URL.Query().Get("next")), r.URL.Query().Get("fresh") == "1")
	if err != nil {
		s.ssoFail(w, r, err)
		return
	}
	s.setSSOState(w, r, start.State, 600)
	http.Redirect(w, r, start.URL, http.StatusSeeOther)
}

// ssoCallback finishes the login: the provider's code for tokens, the ID token checked, the
// person mapped to a user, a session started.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	cookieState := ""
	if c, err := r.Cookie(ssoStateCookie); err == nil {
		cookieState = c.Value
	}
	s.setSSOState(w, r, "", -1)
	q := r.URL.Query()
	login, err := s.auth.FinishOIDC(r.Context(), auth.SSOCallback{Slug: slug, Redirect: s.ssoCallbackURL(r, slug),
		CookieState: cookieState, State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")})
	if err != nil {
		s.ssoFail(w, r, err)
		return
	}
	s.ssoSignedIn(w, r, login)
}

// ssoSignedIn gives the browser the new session of a single sign-on (OIDC or SAML) and sends
// it on. A session this browser had (a step-up, or another user) ends: one person, one session.
func (s *Server) ssoSignedIn(w http.ResponseWriter, r *http.Request, login auth.SSOLogin) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if sess, a, err := s.auth.SessionActor(r.Context(), c.Value); err == nil && sess.TokenHash != nil {
			_ = s.auth.Logout(r.Context(), a, c.Value)
		}
	}
	s.setCookie(w, r, sessionCookie, login.Token, 0)
	http.Redirect(w, r, safeNext(login.Next), http.StatusSeeOther)
}

// ssoFail shows why a single sign-on was refused, in the visitor's language, on a page of its
// own with the way back to the login page. The reason is in the access log and the server log.
func (s *Server) ssoFail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusUnauthorized
	switch casework.ErrorCode(err) {
	case casework.ENotFound:
		s.notFound(w, r)
		return
	case casework.EInternal:
		s.serverError(w, r, err)
		return
	case casework.EForbidden:
		status = http.StatusForbidden
	}
	p := s.page(w, r, "sso.error_title")
	key := casework.AsError(err).Key
	if !s.catalog.Has(casework.LocaleSv, key) {
		key = "sso.token"
	}
	p.ErrorMsg = p.T(key)
	s.render(w, r, status, "sso_error", p)
}

// ssoBackChannelLogout is the provider's server telling Lots that a person's session there
// ended (OpenID Connect Back-Channel Logout 1.0): the Lots sessions it names end.
func (s *Server) ssoBackChannelLogout(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	n, err := s.auth.BackChannelLogout(r.Context(), r.PathValue("slug"), r.PostFormValue("logout_token"))
	if err != nil {
		if casework.ErrorCode(err) == casework.EInternal {
			s.log.Error("back-channel logout", "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request"})
		return
	}
	s.log.Info("back-channel logout", "provider", r.PathValue("slug"), "sessions", n)
	w.WriteHeader(http.StatusOK)
}
