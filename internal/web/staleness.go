package web

import (
	"fmt"
	"net/http"
	"time"
)

// staleness is the line the dashboard and the national view show when they read from a
// replica (lots serve --db-read, store/replica.go): that the figures are current, or how far
// behind the replica may be. Empty without a replica: the figures are the primary's.
func (s *Server) staleness(r *http.Request, p *Page) string {
	st, err := s.store.AggregateStaleness(r.Context())
	switch {
	case err != nil:
		s.log.Warn("replica staleness", "err", err)
		return p.T("readpool.unknown")
	case !st.Replica:
		return ""
	case st.Lag <= 0:
		return p.T("readpool.current")
	}
	return p.T("readpool.stale", lagLabel(st.Lag))
}

// lagLabel writes a replica's lag in seconds, minutes or hours.
func lagLabel(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
