package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 while the process is up (liveness: a load balancer or orchestrator
// restarts the process when it stops answering).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 "ready: primary" when the database answers and takes writes, and 503
// otherwise: unreachable, or a read-only standby (issue 18: behind HAProxy during a failover
// the instance has no primary, and the load balancer should send its requests elsewhere).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	role, err := s.store.Role(ctx)
	if err != nil {
		s.log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: database unreachable\n"))
		return
	}
	if role != "primary" {
		s.log.Warn("not ready: the database is a read-only standby")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: database is a read-only standby\n"))
		return
	}
	_, _ = w.Write([]byte("ready: primary\n"))
}
