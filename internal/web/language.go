package web

import (
	"net/http"

	"lots/internal/casework"
)

// languageSave switches the interface language: for a logged-in user it is stored on the
// account, for a visitor in a cookie.
func (s *Server) languageSave(w http.ResponseWriter, r *http.Request) {
	l := casework.ParseLocale(r.PostFormValue("lang"))
	back := safeNext(r.PostFormValue("back"))
	s.setCookie(w, r, langCookie, string(l), 365*24*3600)
	if r = s.withOptionalActor(r); hasActor(r) {
		if err := s.store.SetLocale(r.Context(), l); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
