package web

import (
	"net/http"

	"lots/internal/access"
)

// dailyRoutes declares what keeps a day's work from being lost (issue 17): the session's time
// left and "stay signed in", the drafts of long forms (drafts.go), and the undo of destructive
// steps (undo.go).
func (s *Server) dailyRoutes() {
	m := s.mux
	m.HandleFunc("GET /session/left", s.sessionLeft)
	m.HandleFunc("POST /session/keep", s.sessionKeep)
	m.HandleFunc("GET /drafts", s.authed(s.draftShow))
	m.HandleFunc("POST /drafts", s.authed(s.draftSave))
	m.HandleFunc("POST /drafts/discard", s.authed(s.draftDiscard))
	// Printed pages' running header and page numbers (print_reference.go).
	m.HandleFunc("GET /print/reference.css", s.authed(s.printReference))

	// Undo of destructive steps (undo.go).
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }
	m.HandleFunc("POST /cases/{id}/group/members/{mid}/restore", work(s.groupMemberRestore))
	m.HandleFunc("POST /cases/{id}/meetings/{mid}/restore", work(s.meetingRestore))
}
