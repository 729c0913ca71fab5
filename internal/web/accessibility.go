package web

import "net/http"

// accessibility is the accessibility statement (tillgänglighetsredogörelse) that the law on
// accessible digital public services (2018:1937) requires, with a way to report problems.
func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) {
	r = s.withOptionalActor(r)
	s.render(w, r, http.StatusOK, "accessibility", s.page(w, r, "a11y.title"))
}
