package web

import (
	"net/http"

	"lots/internal/access"
)

// followupRoutes declares the follow-up pages: the indicator form inside a case, the
// municipality's dashboard with its exports, and the national comparison. The dashboard and
// the national view need ViewAggregates (coordinators, steering group, analysts) and show
// aggregates only; the indicator form is case work, and the store decides per information
// category what the actor may read and record.
func (s *Server) followupRoutes() {
	m := s.mux
	agg := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.ViewAggregates, h)) }
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }

	m.HandleFunc("GET /followup", agg(s.dashboardShow))
	m.HandleFunc("GET /followup/export.csv", agg(s.dashboardCSV))
	m.HandleFunc("GET /followup/export.xlsx", agg(s.dashboardXLSX))
	m.HandleFunc("GET /followup/export.json", agg(s.dashboardJSON))
	m.HandleFunc("GET /followup/national", agg(s.nationalShow))
	m.HandleFunc("POST /followup/national/import", agg(s.nationalImport))

	m.HandleFunc("GET /cases/{id}/indicators", work(s.indicatorsShow))
	m.HandleFunc("POST /cases/{id}/indicators", work(s.indicatorsSave))
}
