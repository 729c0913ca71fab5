package dbcount_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"testing"

	"lots/internal/store/dbcount"
	"lots/internal/store/postgres"
	"lots/internal/store/sqlite"
	"lots/internal/store/storetest"
)

// open opens engine's pools counting into total: SQLite's writer and readers, or PostgreSQL's
// one pool twice.
func open(t *testing.T, engine storetest.Engine, total *dbcount.Counts) (write, read *sql.DB) {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	var err error
	if engine == storetest.SQLite {
		write, read, err = sqlite.Open(dsn, total)
	} else {
		write, err = postgres.Open(dsn, total)
		read = write
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		write.Close()
		read.Close()
	})
	if _, err := write.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return write, read
}

func TestCountsByContext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		total := &dbcount.Counts{}
		write, read := open(t, engine, total)
		before := total.Snapshot()
		ctx, c := dbcount.Start(context.Background())

		// A write transaction: two statements, one of them prepared, and a commit.
		tx, err := write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO t (id, v) VALUES ($1, $2)`, 1, "a"); err != nil {
			t.Fatal(err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO t (id, v) VALUES ($1, $2)`)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExecContext(ctx, 2, "b"); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// A read transaction that is rolled back, with one query.
		rtx, err := read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("count: %d, %v", n, err)
		}
		rtx.Rollback()
		// A query outside any transaction, in a child context.
		child, cancel := context.WithCancel(ctx)
		if err := read.QueryRowContext(child, `SELECT v FROM t WHERE id = $1`, 1).Scan(new(string)); err != nil {
			t.Fatal(err)
		}
		cancel()

		want := dbcount.Snapshot{Statements: 4, ReadTx: 1, WriteTx: 1, Commits: 1, Rollbacks: 1}
		if got := c.Snapshot(); got.String() != want.String() {
			t.Errorf("counted %v, want %v", got, want)
		}
		if got := dbcount.Of(ctx); got != c {
			t.Errorf("Of(ctx) is not the counter Start made")
		}

		// A call without a counter reaches the total only.
		if _, err := write.ExecContext(context.Background(), `DELETE FROM t`); err != nil {
			t.Fatal(err)
		}
		if got := c.Snapshot(); got.String() != want.String() {
			t.Errorf("a call without the counter's context changed it: %v", got)
		}
		want.Statements++
		if got := total.Snapshot().Sub(before); got.String() != want.String() {
			t.Errorf("total grew by %v, want %v", got, want)
		}
	})
}

// TestNestedCountersAddUp: a counter started under another (a test's middleware around the
// server's own) counts the same calls as its parent.
func TestNestedCountersAddUp(t *testing.T) {
	write, _ := open(t, storetest.SQLite, nil)
	outer, o := dbcount.Start(context.Background())
	inner, i := dbcount.Start(outer)
	if _, err := write.ExecContext(outer, `INSERT INTO t (id, v) VALUES (1, 'a')`); err != nil {
		t.Fatal(err)
	}
	if _, err := write.ExecContext(inner, `INSERT INTO t (id, v) VALUES (2, 'b')`); err != nil {
		t.Fatal(err)
	}
	if o.Snapshot().Statements != 2 || i.Snapshot().Statements != 1 {
		t.Errorf("outer %v, inner %v: want 2 and 1 statements", o.Snapshot(), i.Snapshot())
	}
}

func TestMiddlewareHandsOverTheRequestsCounts(t *testing.T) {
	write, _ := open(t, storetest.SQLite, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rows/{id}", func(w http.ResponseWriter, r *http.Request) {
		for range 3 {
			if err := write.QueryRowContext(r.Context(), `SELECT count(*) FROM t`).Scan(new(int)); err != nil {
				t.Error(err)
			}
		}
	})
	var pattern string
	var got dbcount.Snapshot
	h := dbcount.Middleware(mux, func(r *http.Request, s dbcount.Snapshot) { pattern, got = r.Pattern, s })
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/rows/42", nil))
	if got.Statements != 3 || pattern != "GET /rows/{id}" {
		t.Errorf("middleware saw %v on %q, want 3 statements on the route's pattern", got, pattern)
	}
}
