package web

import (
	"net/http"

	"lots/internal/casework"
)

// settingsPassword changes the user's own password. Every session of the user ends (a stolen
// session dies with the old password); this browser gets a fresh one.
func (s *Server) settingsPassword(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "settings.title")
	err := s.auth.ChangePassword(r.Context(), a, r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("repeat"))
	if err != nil {
		if casework.FieldErrorsOf(err) != nil {
			p.Errors = casework.FieldErrorsOf(err)
			s.renderSettings(w, r, http.StatusUnprocessableEntity, p, "")
			return
		}
		if casework.ErrorCode(err) == casework.ETooMany {
			p.ErrorMsg = s.catalog.Error(p.Locale, err)
			s.renderSettings(w, r, http.StatusTooManyRequests, p, "")
			return
		}
		s.fail(w, r, err)
		return
	}
	token, err := s.auth.StartSession(r.Context(), a, "password", false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setCookie(w, r, sessionCookie, token, 0)
	s.setFlash(w, r, "settings.password_changed")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}
