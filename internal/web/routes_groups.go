package web

import (
	"net/http"

	"lots/internal/access"
)

// groupRoutes declares the pages of operative groups, meetings, tasks and the intervention
// catalogue. What an actor may see or change of a case's group is decided by the store (the
// consent is the access rule); the pages only need the role-level permission.
func (s *Server) groupRoutes() {
	m := s.mux
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }
	admin := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.ManageOrganisation, h)) }

	m.HandleFunc("GET /groups", work(s.groupList))
	m.HandleFunc("GET /tasks", work(s.taskList))
	m.HandleFunc("POST /tasks/{tid}/done", work(s.taskDone))

	m.HandleFunc("GET /cases/{id}/group", work(s.groupShow))
	m.HandleFunc("POST /cases/{id}/group/members", work(s.groupMemberAdd))
	m.HandleFunc("POST /cases/{id}/group/members/{mid}/remove", work(s.groupMemberRemove))
	m.HandleFunc("POST /cases/{id}/group/lead", work(s.groupLead))
	m.HandleFunc("POST /cases/{id}/group/rhythm", work(s.groupRhythm))

	m.HandleFunc("GET /cases/{id}/meetings", work(s.meetingList))
	m.HandleFunc("POST /cases/{id}/meetings", work(s.meetingCreate))
	// GET …/meetings/{mid} is the meeting's page; …/meetings/{mid}.ics its calendar file (a
	// path wildcard is a whole segment, so the page's handler tells the two apart).
	m.HandleFunc("GET /cases/{id}/meetings/{mid}", work(s.meetingShow))
	m.HandleFunc("POST /cases/{id}/meetings/{mid}/held", work(s.meetingHeld))
	m.HandleFunc("POST /cases/{id}/meetings/{mid}/minutes", work(s.meetingMinutes))
	m.HandleFunc("POST /cases/{id}/meetings/{mid}/cancel", work(s.meetingCancel))
	m.HandleFunc("POST /cases/{id}/meetings/{mid}/decisions", work(s.meetingDecision))

	m.HandleFunc("GET /catalogue", work(s.catalogueShow))
	m.HandleFunc("GET /admin/catalogue", admin(s.catalogueAdmin))
	m.HandleFunc("GET /admin/catalogue/new", admin(s.catalogueNew))
	m.HandleFunc("POST /admin/catalogue", admin(s.catalogueCreate))
	m.HandleFunc("GET /admin/catalogue/{code}", admin(s.catalogueEdit))
	m.HandleFunc("POST /admin/catalogue/{code}", admin(s.catalogueSave))
	m.HandleFunc("POST /admin/catalogue/{code}/reset", admin(s.catalogueReset))
}
