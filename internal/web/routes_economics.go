package web

import (
	"net/http"

	"lots/internal/access"
	"lots/internal/casework"
)

// economicsRoutes declares the avoided-cost pages (docs/economics.md): the steering group's
// report with its "what if" form and Excel export, for those who see aggregates; the cost
// register — unit costs, the price index, the assumptions — which they read and the steering
// group and the administrator keep. The register holds no personal data; the store audits every
// change and the report as a read of aggregates.
func (s *Server) economicsRoutes() {
	m := s.mux
	agg := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.ViewAggregates, h)) }
	edit := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.EditCostRegister, h)) }
	read := func(h http.HandlerFunc) http.HandlerFunc {
		return s.authed(s.canAny([]access.Permission{access.ViewAggregates, access.EditCostRegister}, h))
	}

	m.HandleFunc("GET /economics", agg(s.economicsShow))
	m.HandleFunc("GET /economics/export.xlsx", agg(s.economicsXLSX))

	m.HandleFunc("GET /economics/register", read(s.registerShow))
	m.HandleFunc("GET /economics/register/new", edit(s.registerNew))
	m.HandleFunc("POST /economics/register", edit(s.registerCreate))
	m.HandleFunc("GET /economics/register/{code}", edit(s.registerEdit))
	m.HandleFunc("POST /economics/register/{code}", edit(s.registerSave))
	m.HandleFunc("POST /economics/register/{code}/reset", edit(s.registerReset))
	m.HandleFunc("POST /economics/indexes", edit(s.indexAdd))
	m.HandleFunc("GET /economics/assumptions", edit(s.assumptionsShow))
	m.HandleFunc("POST /economics/assumptions", edit(s.assumptionsSave))
}

// canAny is can for a page that any of several permissions opens.
func (s *Server) canAny(ps []access.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := casework.ActorFrom(r.Context())
		for _, p := range ps {
			if access.Can(a, p).Allowed {
				h(w, r)
				return
			}
		}
		s.fail(w, r, casework.Errorf(casework.EForbidden, "error.forbidden", "page needs one of %v", ps))
	}
}
