package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
)

// The statement cache answers as the driver does: the same text run again inside the loop of
// its own rows (the cached statement is in use, so the second goes to the driver), a statement
// whose table changed after it was kept, and more distinct texts than the cache holds.
func TestStatementCacheAnswersAsTheDriver(t *testing.T) {
	write, read, err := Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer read.Close()
	defer write.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := write.Exec(q, args...); err != nil {
			t.Fatal(q, err)
		}
	}
	exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`)
	for i := 1; i <= 3; i++ {
		exec(`INSERT INTO t (id, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i))
	}
	const q = `SELECT id, v FROM t WHERE id >= $1 ORDER BY id`
	tx, err := write.Begin()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner []string
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, v)
		in, err := tx.Query(q, id) // the same text while its rows are open
		if err != nil {
			t.Fatal(err)
		}
		for in.Next() {
			var j int
			var w string
			if err := in.Scan(&j, &w); err != nil {
				t.Fatal(err)
			}
			inner = append(inner, w)
		}
		in.Close()
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(outer) != "[v1 v2 v3]" || fmt.Sprint(inner) != "[v1 v2 v3 v2 v3 v3]" {
		t.Fatalf("outer %v inner %v", outer, inner)
	}
	// The table changes after the statement was kept: SQLite recompiles it.
	exec(`ALTER TABLE t ADD COLUMN w TEXT NOT NULL DEFAULT 'x'`)
	var n int
	if err := write.QueryRow(`SELECT COUNT(*) FROM t WHERE id >= $1`, 2).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
	exec(`DELETE FROM t WHERE id = $1`, 3)
	if err := write.QueryRow(`SELECT COUNT(*) FROM t WHERE id >= $1`, 2).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after a delete through a kept statement: %d %v", n, err)
	}
	// More texts than the cache keeps: the oldest are closed, every answer stays right.
	for i := range stmtCacheSize + 20 {
		var got int
		if err := write.QueryRow(fmt.Sprintf(`SELECT %d + COUNT(*) FROM t`, i)).Scan(&got); err != nil || got != i+2 {
			t.Fatalf("query %d: %d %v", i, got, err)
		}
	}
	// A read on the reader pool sees the writer's commits.
	if err := read.QueryRow(`SELECT COUNT(*) FROM t WHERE id >= $1`, 1).Scan(&n); err != nil || n != 2 {
		t.Fatalf("reader: %d %v", n, err)
	}
}
