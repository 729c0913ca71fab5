package web

import (
	"context"
	"net/http"

	"lots/internal/httpx"
)

// door begins every request's visit to the store and finishes it — writing the request's one
// audit entry — before the first byte of the answer leaves (httpx.Door). The API, mounted in
// the same router, goes through it too.
func (s *Server) door(next http.Handler) http.Handler {
	begin := func(ctx context.Context) (context.Context, httpx.Finisher) { return s.store.Visit(ctx) }
	return httpx.Door(begin, s.serverError, next)
}
