package web

import (
	"net/http"

	"lots/internal/access"

	"lots/internal/auth"
	"lots/internal/casework"
)

// SAML 2.0 single sign-on (docs/sso.md): Lots' metadata, the start (an AuthnRequest by
// HTTP-Redirect), the assertion consumer service (the IdP's Response by HTTP-POST) and single
// logout (the IdP's LogoutRequest). The login button and step-up go through the common
// /login/sso/{slug}, which hands a SAML provider to samlStart.

// samlRequestCookie keeps the AuthnRequest's id in the browser that sent it: the only
// InResponseTo the ACS accepts from this browser (login CSRF). The IdP posts the response
// from its own site, so on https the cookie is SameSite=None (it holds nothing but the id,
// which is stored and used once); on plain http (the loopback, tests) it is Lax.
const samlRequestCookie = "lots_saml_req"

func (s *Server) samlRoutes() {
	m := s.mux
	m.HandleFunc("GET /login/saml/{slug}", s.samlStart)
	m.HandleFunc("GET /login/saml/{slug}/metadata", s.samlMetadata)
	m.HandleFunc("POST /login/saml/{slug}/acs", s.samlACS)
	m.HandleFunc("GET /login/saml/{slug}/slo", s.samlSLO)
	m.HandleFunc("POST /login/saml/{slug}/slo", s.samlSLO)
	m.HandleFunc("GET /admin/sso/saml", s.authed(s.can(access.ManageOrganisation, s.adminSAML)))
	m.HandleFunc("POST /admin/sso/saml", s.authed(s.can(access.ManageOrganisation, s.adminSAMLSave)))
}

// samlPaths are the SAML endpoints an identity provider posts to from its own origin: the
// cross-origin protection lets them through (the messages are signed and, for the ACS,
// bound to the browser's request).
var samlPaths = []string{"POST /login/saml/{slug}/acs", "POST /login/saml/{slug}/slo"}

func (s *Server) samlBase(r *http.Request) auth.SAMLBase { return auth.SAMLBase(s.origin(r)) }

func (s *Server) setSAMLRequest(w http.ResponseWriter, r *http.Request, slug, value string, maxAge int) {
	secure := s.cfg.SecureCookies || s.isTLS(r)
	same := http.SameSiteLaxMode
	if secure {
		same = http.SameSiteNoneMode
	}
	http.SetCookie(w, &http.Cookie{Name: samlRequestCookie, Value: value, Path: "/login/saml/" + slug + "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: same})
}

// samlStart sends the browser to the IdP with a signed AuthnRequest (?fresh=1: ForceAuthn,
// for step-up).
func (s *Server) samlStart(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	start, err := s.auth.BeginSAML(r.Context(), slug, s.samlBase(r), safeNext(r.URL.Query().Get("next")), r.URL.Query().Get("fresh") == "1")
	if err != nil {
		s.samlFail(w, r, err)
		return
	}
	s.setSAMLRequest(w, r, slug, start.State, 600)
	http.Redirect(w, r, start.URL, http.StatusSeeOther)
}

// samlMetadata is Lots' service provider metadata, for the IdP's administrator.
func (s *Server) samlMetadata(w http.ResponseWriter, r *http.Request) {
	b, err := s.auth.SAMLMetadata(r.Context(), r.PathValue("slug"), s.samlBase(r))
	if err != nil {
		s.samlFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(b)
}

// samlACS takes the IdP's response: checked, mapped to a user, a session started.
func (s *Server) samlACS(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	r.Body = http.MaxBytesReader(w, r.Body, 512<<10)
	id := ""
	if c, err := r.Cookie(samlRequestCookie); err == nil {
		id = c.Value
	}
	s.setSAMLRequest(w, r, slug, "", -1)
	login, err := s.auth.FinishSAML(r.Context(), slug, s.samlBase(r), id, r)
	if err != nil {
		s.samlFail(w, r, err)
		return
	}
	s.ssoSignedIn(w, r, login)
}

// samlSLO is the IdP's single logout: the Lots sessions its LogoutRequest names end, and
// the browser goes back to the IdP with a signed LogoutResponse. A LogoutResponse is the
// IdP's answer to a logout Lots began (logout.go): the browser goes on to the login page.
func (s *Server) samlSLO(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if r.URL.Query().Get("SAMLResponse") != "" || r.PostFormValue("SAMLResponse") != "" {
		// The IdP's answer to a logout Lots began: the session has ended already.
		if err := s.auth.SAMLLogoutResponse(r.Context(), r.PathValue("slug"), s.samlBase(r), r); err != nil {
			s.samlFail(w, r, err)
			return
		}
		s.setFlash(w, r, "login.logged_out")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	back, n, err := s.auth.SAMLLogout(r.Context(), r.PathValue("slug"), s.samlBase(r), r)
	if err != nil {
		s.samlFail(w, r, err)
		return
	}
	s.log.Info("saml single logout", "provider", r.PathValue("slug"), "sessions", n)
	// This browser's own session, if it is one of them, is gone: so is its cookie.
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if _, _, err := s.auth.SessionActor(r.Context(), c.Value); err != nil {
			s.setCookie(w, r, sessionCookie, "", -1)
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// samlFail is ssoFail: the refusal in the visitor's language on a page of its own.
func (s *Server) samlFail(w http.ResponseWriter, r *http.Request, err error) {
	if casework.ErrorCode(err) == casework.EInternal {
		s.log.Error("saml", "path", r.URL.Path, "err", err)
	}
	s.ssoFail(w, r, err)
}
