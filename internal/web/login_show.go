package web

import (
	"net/http"

	"lots/internal/store"
)

// loginData is the login page's: the identity providers to sign in through.
type loginData struct {
	Providers []store.SSOProvider
}

// loginShow shows the login form. A logged-in user goes to the start page.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	if hasActor(s.withOptionalActor(r)) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "login.title")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	providers, err := s.store.SSOProviders(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = loginData{Providers: providers}
	s.render(w, r, http.StatusOK, "login", p)
}
