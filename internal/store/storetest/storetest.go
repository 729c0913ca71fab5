// Package storetest opens fresh stores for tests, on SQLite and on PostgreSQL.
//
// PostgreSQL tests use LOTS_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). Each store gets its own schema,
// dropped when the test ends. When PostgreSQL is unreachable the PostgreSQL variants skip —
// except under CI=true, where that fails the test.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"lots/internal/envelope"
	"lots/internal/store"
)

// Engine names a database engine to test on.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines are the engines every storage test runs on.
var Engines = []Engine{SQLite, Postgres}

// PostgresURL is the server the PostgreSQL tests use.
func PostgresURL() string {
	if v := os.Getenv("LOTS_TEST_POSTGRES"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

func postgresReachable() error {
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	return pgErr
}

// DSN returns a connection string for a fresh, empty database on engine, removed when the
// test ends. For SQLite it is a file path in the test's temporary directory.
func DSN(t testing.TB, engine Engine) string {
	t.Helper()
	switch engine {
	case SQLite:
		return filepath.Join(t.TempDir(), "lots.db")
	case Postgres:
		if err := postgresReachable(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("PostgreSQL unreachable at %s under CI=true: %v", PostgresURL(), err)
			}
			t.Skipf("PostgreSQL unreachable (%v); set LOTS_TEST_POSTGRES or start it", err)
		}
		schema := fmt.Sprintf("lots_test_%d_%d", time.Now().UnixNano(), rand.IntN(1_000_000))
		admin, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			admin.Close()
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			defer admin.Close()
			// Another package's test dropping or creating its own schema at the same moment can
			// make PostgreSQL pick this DROP as a deadlock's victim (40P01): try again.
			var err error
			for try := range 5 {
				if _, err = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err == nil || !strings.Contains(err.Error(), "40P01") {
					break
				}
				time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
			}
			if err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		u, err := url.Parse(PostgresURL())
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// Open opens a fresh store on engine with the given clock (time.Now when nil).
func Open(t testing.TB, engine Engine, now func() time.Time) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{DSN: DSN(t, engine), Now: now, Keys: envelope.Ephemeral()})
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Each runs f as a subtest per engine.
func Each(t *testing.T, f func(t *testing.T, engine Engine)) {
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) { f(t, e) })
	}
}

// Clock is a controllable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// IsPostgres reports whether the DSN is PostgreSQL's (for tests that need raw access).
func IsPostgres(dsn string) bool { return strings.HasPrefix(dsn, "postgres") }

// OpenInstances opens n stores on one fresh database, as n Lots instances on one server
// would (issue 18): they share nothing but the database and the master key.
func OpenInstances(t testing.TB, engine Engine, n int, now func() time.Time) []*store.Store {
	t.Helper()
	dsn, keys := DSN(t, engine), envelope.Ephemeral()
	var out []*store.Store
	for range n {
		s, err := store.Open(context.Background(), store.Config{DSN: dsn, Now: now, Keys: keys})
		if err != nil {
			t.Fatalf("open %s store: %v", engine, err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}
