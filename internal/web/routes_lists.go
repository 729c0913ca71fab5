package web

import (
	"net/http"

	"lots/internal/access"
)

// listRoutes declares the pages of the lists part: the concern form (Check: IRK) and its
// receipt, the reporter's own concerns, the work lists and the anonymous cards. The start
// page (home.go) shows the same lists in short.
func (s *Server) listRoutes() {
	m := s.mux
	work := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return s.authed(s.can(access.WorkWithCases, h))
	}
	m.HandleFunc("GET /concerns/new", work(s.concernNew))
	m.HandleFunc("POST /concerns", work(s.concernCreate))
	m.HandleFunc("GET /concerns", work(s.concernsMine))
	m.HandleFunc("GET /concerns/{id}/receipt", work(s.concernReceipt))
	m.HandleFunc("GET /worklist", work(s.worklist))
	m.HandleFunc("GET /cards", work(s.cards))
	m.HandleFunc("GET /cards/{id}", work(s.cardShow))
}
