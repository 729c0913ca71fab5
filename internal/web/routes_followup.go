package web

import "lots/internal/access"

// followupRoutes declares the follow-up pages: indicators, the dashboard, the national view.
// Filled in as the part is built.
func (s *Server) followupRoutes() {
	s.mux.HandleFunc("GET /followup", s.authed(s.can(access.ViewAggregates, s.soon)))
}
