package web

import (
	"html/template"
	"net/http"

	"lots/internal/casework"
)

// logout ends the session and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	if token, ok := r.Context().Value(sessionKey{}).(string); ok {
		if err := s.auth.Logout(r.Context(), a, token); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	// A session from single sign-on offers to end the provider's session too (RP-initiated
	// logout), which sends the browser back to the login page. A link, not a redirect: the
	// content security policy lets forms post and redirect to Lots only (form-action 'self').
	if sess, ok := sessionFrom(r); ok && sess.IdPProvider != 0 {
		u := s.auth.EndSessionURL(r.Context(), sess.IdPProvider, s.origin(r)+"/login")
		if u == "" {
			u = s.auth.SAMLEndSessionURL(r.Context(), sess, s.samlBase(r)) // login_saml.go
		}
		if u != "" {
			p := s.page(w, r, "login.logged_out")
			p.Actor, p.Nav = nil, nil
			p.Data = template.URL(u)
			s.render(w, r, http.StatusOK, "sso_logged_out", p)
			return
		}
	}
	s.setFlash(w, r, "login.logged_out")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
