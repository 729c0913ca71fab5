package web

import "net/http"

// loginShow shows the login form. A logged-in user goes to the start page.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	if hasActor(s.withOptionalActor(r)) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "login.title")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	s.render(w, r, http.StatusOK, "login", p)
}
