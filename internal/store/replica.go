package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lots/internal/store/dbcount"
	"lots/internal/store/postgres"
)

// Reads that may go to a replica (issue 18:5). With Config.ReadDSN (`lots serve --db-read`)
// the steering group's dashboard and the national comparison — released, suppressed
// aggregates that change once per half-year — read from a second pool, typically a streaming
// replica behind HAProxy, so that their counting never competes with case work on the
// primary. Nothing else does: the store's methods for those two views mark their context
// (onReplica), and rd and view send only marked reads there. A case page, a case list, a
// login, every write and every audit entry go to the primary. A release not yet made is
// counted on the primary (makeParts clears the mark), so a lagging replica can delay a view
// but never publish different figures. SQLite has no replicas: a read URL with SQLite is
// refused at start.

type replicaKey struct{}

// onReplica marks ctx: reads of it may go to the replica.
func onReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, true)
}

// primaryOnly clears the mark: what is read next must be current.
func primaryOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, false)
}

// replicaFor returns the replica pool when ctx is marked and one is configured.
func (s *Store) replicaFor(ctx context.Context) (*sql.DB, bool) {
	if s.replica == nil {
		return nil, false
	}
	if on, _ := ctx.Value(replicaKey{}).(bool); on {
		return s.replica, true
	}
	return nil, false
}

// openReplica opens the read pool of cfg.ReadDSN and checks it is the primary's database or a
// replica of it.
func (s *Store) openReplica(ctx context.Context, cfg Config) error {
	if cfg.ReadDSN == "" {
		return nil
	}
	if s.dialect != Postgres {
		return fmt.Errorf("store: a read URL (--db-read, LOTS_DB_READ) needs PostgreSQL; SQLite reads from its own pool of readers already — leave it out")
	}
	if !IsPostgres(cfg.ReadDSN) {
		return fmt.Errorf("store: the read URL %q is not a postgres:// URL", redactDSN(cfg.ReadDSN))
	}
	s.replicaCalls = &dbcount.Counts{}
	db, err := postgres.Open(cfg.ReadDSN, s.replicaCalls)
	if err != nil {
		return fmt.Errorf("store: read URL %s: %w", redactDSN(cfg.ReadDSN), err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var wantDB, gotDB string
	// The database and its schema (tests, and hosts sharing a server, keep several apart).
	const where = `SELECT current_database() || '.' || current_schema()`
	if err := s.write.QueryRowContext(pctx, where).Scan(&wantDB); err != nil {
		db.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := db.QueryRowContext(pctx, where).Scan(&gotDB); err != nil {
		db.Close()
		return fmt.Errorf("store: cannot reach the read URL %s: %w", redactDSN(cfg.ReadDSN), err)
	}
	// A physical replica has the primary's system identifier. Reading it needs a superuser or
	// pg_monitor-like rights; without them the database name is all that is compared.
	var want, got int64
	errW := s.write.QueryRowContext(pctx, `SELECT system_identifier FROM pg_control_system()`).Scan(&want)
	errG := db.QueryRowContext(pctx, `SELECT system_identifier FROM pg_control_system()`).Scan(&got)
	switch {
	case gotDB != wantDB:
		db.Close()
		return fmt.Errorf("store: the read URL %s names database %q, the primary's is %q", redactDSN(cfg.ReadDSN), gotDB, wantDB)
	case errW == nil && errG == nil && want != got:
		db.Close()
		return fmt.Errorf("store: the read URL %s is not the primary's cluster or a replica of it (system identifier %d, the primary's %d)",
			redactDSN(cfg.ReadDSN), got, want)
	case errW != nil || errG != nil:
		s.log.Warn("read URL: cannot compare system identifiers; only the database name was checked", "err", errors.Join(errW, errG))
	}
	s.replica = db
	return nil
}

// ReplicaCalls is what the read pool has been asked (zero without one): tests show that case
// pages never use it.
func (s *Store) ReplicaCalls() dbcount.Snapshot {
	if s.replicaCalls == nil {
		return dbcount.Snapshot{}
	}
	return s.replicaCalls.Snapshot()
}

// Staleness says how current the figures of the dashboard and the national view are.
type Staleness struct {
	// Replica is true when a read URL is configured (the views read through it).
	Replica bool
	// Standby is true when the read URL reaches a standby rather than the primary.
	Standby bool
	// Lag is how far behind the primary the standby may be: 0 when it has replayed all it
	// received and is streaming, else the time since the last transaction it replayed.
	Lag time.Duration
}

// AggregateStaleness reports how current the aggregate views' reads are.
func (s *Store) AggregateStaleness(ctx context.Context) (Staleness, error) {
	if s.replica == nil {
		return Staleness{}, nil
	}
	st := Staleness{Replica: true}
	var lag float64
	err := s.replica.QueryRowContext(ctx, `SELECT pg_is_in_recovery(), CASE
		WHEN NOT pg_is_in_recovery() THEN 0
		WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
			AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
		ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8 END`).Scan(&st.Standby, &lag)
	if err != nil {
		return st, Classify(fmt.Errorf("replica staleness: %w", err))
	}
	st.Lag = time.Duration(max(lag, 0) * float64(time.Second)).Round(time.Second)
	return st, nil
}
