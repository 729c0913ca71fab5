package web

import (
	"net/http"

	"lots/internal/access"
	"lots/internal/store"
)

// mappingRoutes declares the needs and resource mapping and the capacity view
// (docs/mapping.md): the joint picture for those who see aggregates; the population and the
// resource registry, which they read and the administrator and the steering group keep;
// the caseload per coordinator against the cap, which the administrator sets.
func (s *Server) mappingRoutes() {
	m := s.mux
	agg := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.ViewAggregates, h)) }
	read := func(h http.HandlerFunc) http.HandlerFunc {
		return s.authed(s.canAny([]access.Permission{access.ViewAggregates, access.ManageOrganisation, access.EditCostRegister}, h))
	}
	edit := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.canAny(store.MappingEditors, h)) }

	m.HandleFunc("GET /mapping", agg(s.mappingShow))
	m.HandleFunc("GET /mapping/export.xlsx", agg(s.mappingXLSX))
	m.HandleFunc("GET /mapping/data", read(s.mappingData))
	m.HandleFunc("GET /mapping/resources.csv", read(s.mappingResourcesCSV))
	m.HandleFunc("POST /mapping/population", edit(s.mappingPopulationImport))
	m.HandleFunc("GET /mapping/population/jobs/{id}", read(s.mappingPopulationJob))
	m.HandleFunc("POST /mapping/resources", edit(s.mappingResourcesImport))
	m.HandleFunc("POST /mapping/shapes", edit(s.mappingShapesImport))

	m.HandleFunc("GET /capacity", s.authed(s.can(access.ViewCaseload, s.capacityShow)))
	m.HandleFunc("POST /capacity/cap", s.authed(s.can(access.ManageOrganisation, s.capacityCapSave)))
	// A case's planned length is extended from its staff page (the store decides on the case).
	m.HandleFunc("POST /cases/{id}/extend", s.authed(s.can(access.WorkWithCases, s.caseExtendSave)))
	m.HandleFunc("POST /capacity/experience", s.authed(s.can(access.ManageOrganisation, s.capacityExperienceSave)))
}
