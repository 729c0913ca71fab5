package web

import (
	"context"
	"net/http"

	"lots/internal/audit"
	"lots/internal/httpx"
	"lots/internal/store"
)

// door begins every request's visit to the store and finishes it — writing the request's one
// audit entry — before the first byte of the answer leaves (httpx.Door). The API, mounted in
// the same router, goes through it too. A visit already begun around the handler (a test
// counting a request's entries) is used as it is.
func (s *Server) door(next http.Handler) http.Handler {
	begin := func(ctx context.Context) (context.Context, httpx.Finisher) {
		if v := store.VisitFrom(ctx); v != nil {
			return ctx, v
		}
		return s.store.Visit(ctx)
	}
	return httpx.Door(begin, s.serverError, next)
}

// auditAction is the audit log's action for a request's method.
func auditAction(method string) string {
	if method == http.MethodGet || method == http.MethodHead {
		return audit.ActionRead
	}
	return audit.ActionUpdate
}
