package store_test

import (
	"database/sql"
	"slices"
	"sync"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/dbcount"
	"lots/internal/store/storetest"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// TestStoreCallsAreCountedOnTheirContext: a store read counts its statements and its
// transactions on the caller's counter, those made inside the transaction included — the
// transaction carries the caller's context.
func TestStoreCallsAreCountedOnTheirContext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		st := storetest.Open(t, engine, nil)
		f := storetest.Seed(t, st, "9901", "")
		ctx, c := dbcount.Start(f.Ctx(t, st, casework.RoleCoordinator))
		before := st.Calls()
		if _, err := st.Cases(ctx, store.CaseQuery{Mine: true}); err != nil {
			t.Fatal(err)
		}
		got := c.Snapshot()
		t.Logf("a case list: %v", got)
		if got.ReadTx != 1 || got.Statements < 2 {
			t.Errorf("a case list counted %v, want its statements and one read transaction", got)
		}
		if all := st.Calls().Sub(before); all.Statements < got.Statements {
			t.Errorf("the store's total grew by %v, less than the request's %v", all, got)
		}
	})
}

// TestAuditBatchHook: the group commit of audit entries tells Config.AuditBatch (the
// metrics) of each batch it writes.
func TestAuditBatchHook(t *testing.T) {
	var mu sync.Mutex
	batches, entries := 0, 0
	st, err := store.Open(t.Context(), store.Config{DSN: storetest.DSN(t, storetest.SQLite), Keys: envelope.Ephemeral(),
		AuditBatch: func(n int, w time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			batches, entries = batches+1, entries+n
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := storetest.Seed(t, st, "9901", "")
	r := f.Concern(t, st, casework.RoleCoordinator, "Kim", "Andersson", storetest.TestPersonalNumbers[0])
	if _, err := st.CaseDetail(f.Ctx(t, st, casework.RoleCoordinator), r.CaseID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if batches < 1 || entries < 1 {
		t.Errorf("the hook saw %d batches of %d entries after an audited read", batches, entries)
	}
}

// TestStartAnalyzesOnlyANewDatabase: the planner's statistics are gathered when a SQLite
// database has none, and a later start does not wait for them again (the server refreshes
// them in the background).
func TestStartAnalyzesOnlyANewDatabase(t *testing.T) {
	path, keys := storetest.DSN(t, storetest.SQLite), envelope.Ephemeral()
	st, err := store.Open(t.Context(), store.Config{DSN: path, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Seed(t, st, "9901", "") // rows the first statistics did not see
	st.Close()
	stat := func() int {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'users'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stat(); n != 0 {
		t.Fatalf("the new database's statistics already describe users (%d rows)", n)
	}
	st, err = store.Open(t.Context(), store.Config{DSN: path, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if n := stat(); n != 0 {
		t.Errorf("a second start analyzed the database again")
	}
}

// TestDropIndexesForBulkRestoresThem: the bulk load's index drop takes the secondary indexes
// away and brings back exactly them; the tables' keys stay.
func TestDropIndexesForBulkRestoresThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		dsn := storetest.DSN(t, engine)
		st, err := store.Open(t.Context(), store.Config{DSN: dsn, Keys: envelope.Ephemeral()})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		driver, q := "sqlite", `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' ORDER BY name`
		if engine == storetest.Postgres {
			driver, q = "pgx", `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'cases' ORDER BY indexname`
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		indexes := func() []string {
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var n string
				rows.Scan(&n)
				out = append(out, n)
			}
			return out
		}
		before := indexes()
		restore, err := st.DropIndexesForBulk(t.Context(), []string{"cases"})
		if err != nil {
			t.Fatal(err)
		}
		during := indexes()
		if len(during) == 0 || len(during) >= len(before)-5 {
			t.Errorf("during the load: %v (before: %v); want the keys only", during, before)
		}
		if err := restore(t.Context()); err != nil {
			t.Fatal(err)
		}
		if after := indexes(); !slices.Equal(after, before) {
			t.Errorf("after: %v, want %v", after, before)
		}
	})
}
