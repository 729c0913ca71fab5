package web

import (
	"net/http"

	"lots/internal/access"
)

// auditRoutes declares the auditor's pages: the access-log extract for one young person
// (loggutdrag), one user's entries, the log review (loggkontroll) and the tree head. Only the
// auditor role has access.ReviewAuditLog; an administrator gets 403 like any other role.
func (s *Server) auditRoutes() {
	m := s.mux
	auditor := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.ReviewAuditLog, h)) }
	m.HandleFunc("GET /audit", auditor(s.auditIndex))
	m.HandleFunc("GET /audit/youth", auditor(s.fresh(s.auditYouth))) // step-up: login_reauth.go
	m.HandleFunc("GET /audit/user", auditor(s.fresh(s.auditUser)))
	m.HandleFunc("GET /audit/review", auditor(s.auditReview))
	m.HandleFunc("GET /audit/head", auditor(s.auditHead))
}
