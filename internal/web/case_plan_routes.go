package web

import (
	"net/http"

	"lots/internal/access"
)

// casePlanRoutes declares the action plan's pages beside the editor (GET and POST
// /cases/{id}/plan, in routes_cases.go): its versions, a comparison of two, the print view for
// the meeting and the young person's own version. Like every case page they need the
// permission to work with cases; what the actor may read of the plan is decided by the store.
func (s *Server) casePlanRoutes() {
	m := s.mux
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }
	m.HandleFunc("GET /cases/{id}/plan/versions", work(s.casePlanVersions))
	m.HandleFunc("GET /cases/{id}/plan/compare", work(s.casePlanCompare))
	m.HandleFunc("GET /cases/{id}/plan/print", work(s.casePlanPrint))
	m.HandleFunc("GET /cases/{id}/plan/youth", work(s.casePlanYouth))
}
