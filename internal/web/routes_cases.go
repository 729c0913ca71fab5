package web

import "lots/internal/access"

// caseRoutes declares the pages of the case flow. Filled in as the part is built.
func (s *Server) caseRoutes() {
	s.mux.HandleFunc("GET /cases", s.authed(s.can(access.WorkWithCases, s.soon)))
}
