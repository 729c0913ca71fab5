package store

import (
	"database/sql"

	"lots/internal/store/dbcount"
)

// Calls is what the database has been asked since the store opened: every statement and
// transaction of both pools, whichever request made them (package dbcount).
func (s *Store) Calls() dbcount.Snapshot { return s.calls.Snapshot() }

// PoolStats are the connection pools' figures by pool: SQLite's "writer" (one connection)
// and "readers", or PostgreSQL's one "pool".
func (s *Store) PoolStats() map[string]sql.DBStats {
	if s.read == s.write {
		return map[string]sql.DBStats{"pool": s.write.Stats()}
	}
	return map[string]sql.DBStats{"writer": s.write.Stats(), "readers": s.read.Stats()}
}
