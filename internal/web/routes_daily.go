package web

// dailyRoutes declares what keeps a day's work from being lost (issue 17): the session's time
// left and "stay signed in", and the drafts of long forms (drafts.go).
func (s *Server) dailyRoutes() {
	m := s.mux
	m.HandleFunc("GET /session/left", s.sessionLeft)
	m.HandleFunc("POST /session/keep", s.sessionKeep)
	m.HandleFunc("GET /drafts", s.authed(s.draftShow))
	m.HandleFunc("POST /drafts", s.authed(s.draftSave))
	m.HandleFunc("POST /drafts/discard", s.authed(s.draftDiscard))
}
