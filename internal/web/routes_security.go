package web

import (
	"net/http"

	"lots/internal/access"
)

// securityRoutes declares the pages of security assessments and exit pathways (issue 14;
// docs/security-assessment.md): a case's security page, its two forms, and the actor's alerts.
// The store's door decides who sees them (category security; the destination only for the
// named contacts).
func (s *Server) securityRoutes() {
	m := s.mux
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }
	m.HandleFunc("GET /cases/{id}/security", work(s.caseSecurityShow))
	m.HandleFunc("POST /cases/{id}/security", work(s.caseSecurityRecord))
	m.HandleFunc("POST /cases/{id}/security/exit", work(s.caseSecurityExit))
	m.HandleFunc("POST /cases/{id}/security/seen", work(s.caseSecuritySeen))
	m.HandleFunc("GET /security/alerts", work(s.securityAlerts))
}
