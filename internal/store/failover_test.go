package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// TestWriteAcrossABrokenConnection: a write whose connection breaks before COMMIT (the
// primary died, HAProxy cut the connection) runs again on a new connection and commits once;
// one whose connection breaks at COMMIT is reported as not known to be saved, never as saved.
// The connection is broken for real: the server ends the transaction's backend.
func TestWriteAcrossABrokenConnection(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, storetest.Postgres)
	s, err := store.Open(ctx, store.Config{DSN: dsn, Keys: envelope.Ephemeral(), FailoverWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	kill := func(tx *store.Tx) {
		t.Helper()
		var pid int
		if err := tx.QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		var ok bool
		if err := admin.QueryRow(`SELECT pg_terminate_backend($1, 5000)`, pid).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate backend %d: %v %v", pid, ok, err)
		}
	}
	rows := func(key string) int {
		t.Helper()
		var n int
		if err := admin.QueryRow(`SELECT COUNT(*) FROM login_failures WHERE key = $1`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("broken before commit: run again on a new connection, committed once", func(t *testing.T) {
		var attempts atomic.Int32
		err := s.UpdateForTest(ctx, func(tx *store.Tx) error {
			n := attempts.Add(1)
			if _, err := tx.Exec(`INSERT INTO login_failures (key, at) VALUES ('retry', $1)`, tx.Now()); err != nil {
				return err
			}
			if n == 1 {
				kill(tx)
				// The next statement finds the connection gone.
				_, err := tx.Exec(`INSERT INTO login_failures (key, at) VALUES ('retry', $1)`, tx.Now())
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatalf("write after a broken connection: %v", err)
		}
		if attempts.Load() != 2 || rows("retry") != 1 {
			t.Fatalf("%d attempts, %d rows; want 2 attempts and the row once", attempts.Load(), rows("retry"))
		}
	})

	t.Run("broken at commit: reported as unknown, never as saved", func(t *testing.T) {
		var attempts atomic.Int32
		err := s.UpdateForTest(ctx, func(tx *store.Tx) error {
			attempts.Add(1)
			if _, err := tx.Exec(`INSERT INTO login_failures (key, at) VALUES ('commit', $1)`, tx.Now()); err != nil {
				return err
			}
			kill(tx) // COMMIT is the next thing sent
			return nil
		})
		if casework.ErrorCode(err) != casework.EUnavailable || casework.AsError(err).Key != "error.outcome_unknown" {
			t.Fatalf("err %v; want unavailable, error.outcome_unknown", err)
		}
		if attempts.Load() != 1 {
			t.Fatalf("%d attempts: a commit of unknown outcome must not be run again", attempts.Load())
		}
		if rows("commit") != 0 {
			t.Fatal("the row is there (the connection was gone before COMMIT reached the server)")
		}
	})

	t.Run("a store cannot start against a read-only server", func(t *testing.T) {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("default_transaction_read_only", "on") // a run-time parameter for every connection
		u.RawQuery = q.Encode()
		_, err = store.Open(ctx, store.Config{DSN: u.String(), Keys: envelope.Ephemeral()})
		if err == nil || !strings.Contains(err.Error(), "read-only standby") {
			t.Fatalf("open on a read-only server: %v; want a refusal naming the standby", err)
		}
		ro, err := s.Role(ctx)
		if err != nil || ro != "primary" {
			t.Fatalf("role of the primary: %q, %v", ro, err)
		}
	})

	t.Run("a missing certificate is named at start", func(t *testing.T) {
		u, _ := url.Parse(dsn)
		q := u.Query()
		q.Set("sslmode", "verify-full")
		q.Set("sslrootcert", "/nonexistent/lots-ca.pem")
		u.RawQuery = q.Encode()
		if _, err := store.Open(ctx, store.Config{DSN: u.String(), Keys: envelope.Ephemeral()}); err == nil || !strings.Contains(err.Error(), "/nonexistent/lots-ca.pem") {
			t.Fatalf("open with a missing root certificate: %v; want the file named", err)
		}
	})

	t.Run("no server at start: named at start", func(t *testing.T) {
		u, _ := url.Parse(dsn)
		u.Host = "127.0.0.1:1" // nothing listens
		if _, err := store.Open(ctx, store.Config{DSN: u.String(), Keys: envelope.Ephemeral()}); err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL") {
			t.Fatalf("open without a server: %v", err)
		}
	})
}
