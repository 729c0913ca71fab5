package web

import "lots/internal/access"

// groupRoutes declares the pages of operative groups, meetings and tasks. Filled in as the
// part is built.
func (s *Server) groupRoutes() {
	s.mux.HandleFunc("GET /groups", s.authed(s.can(access.WorkWithCases, s.soon)))
}
