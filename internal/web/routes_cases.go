package web

import (
	"net/http"

	"lots/internal/access"
)

// caseRoutes declares the pages of one case: the overview and its steps, the young person,
// the adults around them, staff, parties, assessments, the timeline, the action plan, the
// follow-up after closure and duplicates. What an actor may see or change of a case is
// decided by the store; the pages only need the role-level permission to work with cases.
func (s *Server) caseRoutes() {
	m := s.mux
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }

	m.HandleFunc("GET /cases", work(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/worklist", http.StatusSeeOther)
	}))
	m.HandleFunc("GET /cases/{id}", work(s.caseShow))
	m.HandleFunc("POST /cases/{id}/move", work(s.caseMove))
	m.HandleFunc("POST /cases/{id}/followups", work(s.caseFollowUpSave))
	m.HandleFunc("GET /cases/{id}/youth", work(s.caseYouthShow))
	m.HandleFunc("POST /cases/{id}/youth", work(s.caseYouthSave))
	m.HandleFunc("GET /cases/{id}/persons", work(s.casePersonsShow))
	m.HandleFunc("POST /cases/{id}/persons", work(s.casePersonSave))
	m.HandleFunc("POST /cases/{id}/persons/{pid}", work(s.casePersonSave))
	m.HandleFunc("GET /cases/{id}/staff", work(s.caseStaffShow))
	m.HandleFunc("POST /cases/{id}/staff", work(s.caseStaffSave))
	m.HandleFunc("GET /cases/{id}/parties", work(s.casePartiesShow))
	m.HandleFunc("POST /cases/{id}/parties", work(s.casePartiesSave))
	m.HandleFunc("GET /cases/{id}/assessments", work(s.caseAssessments))
	m.HandleFunc("GET /cases/{id}/assessments/new", work(s.caseAssessmentNew))
	m.HandleFunc("POST /cases/{id}/assessments", work(s.caseAssessmentCreate))
	m.HandleFunc("GET /cases/{id}/timeline", work(s.caseTimeline))
	m.HandleFunc("POST /cases/{id}/notes", work(s.caseNoteCreate))
	m.HandleFunc("GET /cases/{id}/plan", work(s.casePlanShow))
	m.HandleFunc("POST /cases/{id}/plan", work(s.casePlanSave))
	s.casePlanRoutes() // case_plan_routes.go: versions, comparison, print view, the young person's version
	m.HandleFunc("GET /cases/{id}/duplicates", work(s.caseDuplicates))
	m.HandleFunc("POST /cases/{id}/merge", work(s.caseMerge))

	m.HandleFunc("GET /admin/instruments", s.authed(s.can(access.ManageOrganisation, s.adminInstruments)))
	m.HandleFunc("POST /admin/instruments", s.authed(s.can(access.ManageOrganisation, s.adminInstrumentLoad)))
}
