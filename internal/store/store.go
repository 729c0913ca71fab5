// Package store keeps Lots' data in SQLite or PostgreSQL. One SQL text serves both engines
// (modernc's SQLite driver binds $1, $2 like PostgreSQL); the few differences sit behind
// Dialect. Every method that touches personal data takes the actor from the context, asks
// package access, and writes its audit entry in the same transaction as the change.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/popreg"
	"lots/internal/store/dbcount"
	"lots/internal/store/postgres"
	"lots/internal/store/sqlite"
)

// Dialect names the engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	dialect  Dialect
	write    *sql.DB // SQLite: the single writer connection; PostgreSQL: the pool
	read     *sql.DB // SQLite: read-only pool; PostgreSQL: the same pool as write
	now      func() time.Time
	log      *slog.Logger
	path     string            // SQLite: the database file (backups)
	dsn      string            // PostgreSQL: the connection URL (backups)
	keys     *envelope.Keyring // seals the sealed columns (sealed.go)
	registry popreg.Registry   // the population register (identity.go)

	auditor    *auditor   // the group committer of read and refusal entries
	hashes     *hashCache // committed audit tree hashes, shared by the store's copies
	auditBatch func(size int, wait time.Duration)
	// direct: this copy runs on a clock of its own (WithClock), so its entries are written in
	// their own transactions at its time instead of through the shared committer.
	direct bool
	// planCheck, in tests, sees every query a transaction runs before it runs (to check its
	// plan uses the indexes).
	planCheck func(tx *Tx, q string, args []any)
	// releases keeps the dashboard's parsed releases (releases.go).
	releases *releaseCache
	// settings keeps municipalities' parsed settings by their stored text (municipalities.go).
	settings *settingsCache
	// popJobs are the population imports this process runs (population_jobs.go).
	popJobs *popJobs
	// reserveDraw draws a reserve id's six digits; rand.IntN when nil (tests set it).
	reserveDraw func(n int) int
	// calls counts every statement and transaction of both pools (package dbcount).
	calls *dbcount.Counts
	// failoverWait is how long a write waits for a new primary (failover.go).
	failoverWait time.Duration
	// replica is the read pool of Config.ReadDSN for the aggregate views, nil without one
	// (replica.go); replicaCalls counts what it was asked.
	replica      *sql.DB
	replicaCalls *dbcount.Counts
}

// Config says which database to open.
type Config struct {
	// DSN is a postgres:// URL for PostgreSQL, or empty for SQLite.
	DSN string
	// DataDir holds the SQLite file lots.db when DSN is empty.
	DataDir string
	// Now is the clock; time.Now when nil. Tests pass a controllable one.
	Now func() time.Time
	Log *slog.Logger
	// AuditBatch, when set, is told the size of each group commit of audit entries and how
	// long its first entry waited (for metrics).
	AuditBatch func(size int, wait time.Duration)
	// Keys seal files and the most sensitive texts (sealed.go). Required: Lots refuses to
	// open a store without a key rather than keep them in plain text.
	Keys *envelope.Keyring
	// Registry is the population register Lots asks about protected identity; none when nil.
	Registry popreg.Registry
	// FailoverWait is how long a write that lost its connection before committing is tried
	// again while no primary answers (DefaultFailoverWait when 0).
	FailoverWait time.Duration
	// ReadDSN, when set, is a PostgreSQL URL the dashboard and the national view read from
	// (a replica); never case data (replica.go).
	ReadDSN string
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.Contains(dsn, "host=") || strings.Contains(dsn, "dbname=")
}

// Open opens the store and runs pending migrations.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Keys == nil {
		return nil, envelope.ErrNoKey
	}
	s := &Store{now: cfg.Now, log: cfg.Log, hashes: &hashCache{}, calls: &dbcount.Counts{}, auditBatch: cfg.AuditBatch, releases: &releaseCache{}, settings: &settingsCache{}, popJobs: newPopJobs(), keys: cfg.Keys, registry: cfg.Registry, failoverWait: cfg.FailoverWait}
	if s.registry == nil {
		s.registry = popreg.None{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var migrations fs.FS
	var gooseDialect goose.Dialect
	switch {
	case IsPostgres(cfg.DSN):
		db, err := postgres.Open(cfg.DSN, s.calls)
		if err != nil {
			return nil, err
		}
		s.dialect, s.write, s.read, s.dsn = Postgres, db, db, cfg.DSN
		migrations, gooseDialect = postgres.Migrations, goose.DialectPostgres
	case cfg.DSN == "" || strings.HasPrefix(cfg.DSN, "sqlite:") || strings.HasSuffix(cfg.DSN, ".db"):
		path := strings.TrimPrefix(cfg.DSN, "sqlite:")
		if path == "" {
			if cfg.DataDir == "" {
				return nil, errors.New("store: no database: give a DSN or a data directory")
			}
			path = filepath.Join(cfg.DataDir, "lots.db")
		}
		w, r, err := sqlite.Open(path, s.calls)
		if err != nil {
			return nil, err
		}
		s.dialect, s.write, s.read, s.path = SQLite, w, r, path
		migrations, gooseDialect = sqlite.Migrations, goose.DialectSQLite3
	default:
		return nil, fmt.Errorf("store: unrecognised database %q (want postgres://… or a .db path)", redactDSN(cfg.DSN))
	}
	if s.dialect == Postgres {
		// A store that writes must start on the primary (issue 18): a standby would fail the
		// migrations with a puzzling error, or every write later.
		role, err := s.Role(ctx)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("store: cannot reach PostgreSQL at %s: %w", redactDSN(cfg.DSN), err)
		}
		if role != "primary" {
			s.Close()
			return nil, fmt.Errorf("store: PostgreSQL at %s is a read-only standby; Lots writes and must start against the primary "+
				"(HAProxy's write port, or a URL with several hosts and target_session_attrs=read-write)", redactDSN(cfg.DSN))
		}
	}
	if err := s.openReplica(ctx, cfg); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(ctx, gooseDialect, migrations); err != nil {
		s.Close()
		return nil, err
	}
	if n, err := s.sealPlain(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sealing plain values: %w", err)
	} else if n > 0 {
		s.log.Info("sealed values stored in plain text before", "count", n)
	}
	if err := s.optimizeIfNever(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.auditor = newAuditor(s)
	if err := s.checkKey(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// optimizeIfNever gathers the planner's statistics at start only when SQLite has none (a new
// database, or one made before Lots kept them): statistics persist, and ANALYZE at every start
// kept a large database from being ready for most of a second. The server refreshes them in
// the background after start and then hourly (app.housekeeping); PostgreSQL's autovacuum keeps
// its own.
func (s *Store) optimizeIfNever(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	var n int
	if err := s.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	if n > 0 {
		return nil
	}
	return s.Optimize(ctx)
}

// Optimize refreshes the query planner's statistics. SQLite keeps none until asked, and
// without them the per-case lookups scan a whole municipality; Lots runs it at the first start,
// in the background after every start and hourly in its housekeeping, and a bulk load (the
// demo, a benchmark) should run it after loading.
func (s *Store) Optimize(ctx context.Context) error {
	q := "ANALYZE"
	if s.dialect == SQLite {
		// analysis_limit keeps it quick on large tables (a sample is enough for the planner).
		if _, err := s.write.ExecContext(ctx, "PRAGMA analysis_limit = 1000"); err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
	}
	if _, err := s.write.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "@"); i >= 0 {
		if j := strings.Index(dsn, "://"); j >= 0 && j < i {
			return dsn[:j+3] + "…" + dsn[i:]
		}
	}
	return dsn
}

func (s *Store) migrate(ctx context.Context, d goose.Dialect, migrations fs.FS) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		// Several instances starting at once (issue 18) migrate one at a time: goose holds an
		// advisory lock per database and schema while it runs.
		var where string
		if err := s.write.QueryRowContext(ctx, `SELECT current_database() || '.' || current_schema()`).Scan(&where); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(jobKey("migrations " + where)))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(d, s.write, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	for _, r := range res {
		s.log.Info("migrated", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return nil
}

// Close closes the database, after the audit entries already handed over are written.
func (s *Store) Close() error {
	s.popJobs.stop()
	if s.auditor != nil {
		s.auditor.close()
	}
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	if s.replica != nil {
		err = errors.Join(err, s.replica.Close())
	}
	return err
}

// Dialect returns the engine in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// WithClock returns the store with another clock, sharing the database. The demo loader uses
// it to write a history that happened over months.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	c.direct = true
	return &c
}

// newID returns a random positive id below 2^53, so ids survive JavaScript's numbers and say
// nothing about how many records exist.
func newID() int64 { return rand.Int64N(1<<53-1) + 1 }

// Tx is a transaction with its moment fixed: every row it writes carries the same now.
type Tx struct {
	*sql.Tx
	ctx   context.Context // the request's: every statement runs with it
	store *Store
	now   time.Time
	// readOnly transactions collect their audit entries in pending; readAudited writes them
	// when the read has succeeded.
	readOnly bool
	pending  []audit.Entry
	// committed runs after a successful commit (caches that may only hold committed data).
	committed []func()
	// settled reports to the request's visit whether its entries were committed.
	settled func(committed bool)
	// settingsRead keeps, in a read transaction, the municipality settings it has read (its
	// snapshot does not change): a page that lists three ways asks three times (tx.settings).
	settingsRead map[int64]string
}

// flushAudit appends the entries recorded so far in the transaction as one entry — merged
// with what the request read before, when it has a visit. update calls it before committing;
// a caller that must see its own entry in the log (exporting the tree head) calls it first.
func (tx *Tx) flushAudit() error {
	if len(tx.pending) == 0 || tx.readOnly {
		return nil
	}
	entries := tx.pending
	tx.pending = nil
	if v := visitOf(tx.ctx); v != nil && tx.settled == nil {
		prior, keep := v.takePending()
		entries = append(entries, prior...)
		tx.settled = keep
	}
	return tx.appendAudit(mergeByMunicipality(entries)...)
}

// settle tells the request's visit whether the entries it handed to this transaction were
// committed (or must be written at the end of the request instead).
func (tx *Tx) settle(committed bool) {
	if tx.settled != nil {
		tx.settled(committed)
		tx.settled = nil
	}
}

// onCommit runs f once the transaction has committed.
func (tx *Tx) onCommit(f func()) { tx.committed = append(tx.committed, f) }

// Now is the transaction's moment, UTC, to the microsecond (PostgreSQL's precision).
func (tx *Tx) Now() time.Time { return tx.now }

// Context is the context the transaction was begun with.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Exec, Query and QueryRow run with the transaction's context, so a cancelled request stops
// its statements and every statement can be counted against the request that made it.
func (tx *Tx) Exec(q string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(tx.ctx, q, args...)
}

func (tx *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	if tx.store.planCheck != nil {
		tx.store.planCheck(tx, q, args)
	}
	return tx.Tx.QueryContext(tx.ctx, q, args...)
}

func (tx *Tx) QueryRow(q string, args ...any) *sql.Row {
	if tx.store.planCheck != nil {
		tx.store.planCheck(tx, q, args)
	}
	return tx.Tx.QueryRowContext(tx.ctx, q, args...)
}

// ExecContext, QueryContext and QueryRowContext ignore ctx: a statement in a transaction runs
// with the transaction's context.
func (tx *Tx) ExecContext(_ context.Context, q string, args ...any) (sql.Result, error) {
	return tx.Exec(q, args...)
}

func (tx *Tx) QueryContext(_ context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.Query(q, args...)
}

func (tx *Tx) QueryRowContext(_ context.Context, q string, args ...any) *sql.Row {
	return tx.QueryRow(q, args...)
}

func (s *Store) begin(ctx context.Context, db *sql.DB, readOnly bool) (*Tx, error) {
	t, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly && s.dialect == Postgres})
	if err != nil {
		return nil, casework.Internal(fmt.Errorf("begin: %w", err))
	}
	return &Tx{Tx: t, ctx: ctx, store: s, now: s.now().UTC().Truncate(time.Microsecond), readOnly: readOnly}, nil
}

// nullID maps 0 to NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// forUpdate is the row-lock suffix: PostgreSQL needs it; SQLite's single writer already
// serialises write transactions.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
