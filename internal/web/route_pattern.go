package web

import "net/http"

// Pattern is the route pattern r would be served by ("GET /cases/{id}"; "/api/v1/" for the
// API, whose own router knows more), without serving it: the metrics label requests with it.
// The router's Pattern field cannot be read from outside, since the door hands the router a
// copy of the request.
func (s *Server) Pattern(r *http.Request) string {
	_, p := s.mux.Handler(r)
	return p
}
