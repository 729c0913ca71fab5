package store

import (
	"context"

	"lots/internal/casework"
)

// InstrumentsOnWriter is Instruments read through the writer connection. On SQLite the read
// pool cannot begin a transaction today — its DSN asks for BEGIN IMMEDIATE under query_only
// (internal/store/sqlite/sqlite.go) — so Instruments fails there. The case pages and the
// instrument administration use this until that is fixed; then they switch back to
// Instruments and this file goes.
func (s *Store) InstrumentsOnWriter(ctx context.Context) ([]casework.Instrument, error) {
	c := *s
	c.read = s.write
	return c.Instruments(ctx)
}
