package web

import (
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
	s.setFlash(w, r, "login.logged_out")
	// A session from single sign-on ends at the provider too (RP-initiated logout), which
	// sends the browser back to the login page.
	if sess, ok := sessionFrom(r); ok && sess.IdPProvider != 0 {
		if u := s.auth.EndSessionURL(r.Context(), sess.IdPProvider, s.origin(r)+"/login"); u != "" {
			http.Redirect(w, r, u, http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
