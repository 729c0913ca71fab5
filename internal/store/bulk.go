package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"lots/internal/casework"
)

// Bulk is rows to write straight into the tables, many to a statement, in one write
// transaction (Store.WriteBulk): for building large synthetic data sets (demo.SeedBulk, lots
// bench), where the store's own methods — one transaction, one access decision and one audit
// entry per call — would take hours. Nothing is checked but the schema's constraints and
// nothing is audited: never use it for real data.
//
// Rows wait in memory, then each table is written in the order it was first used (parents
// before the rows that refer to them), in statements of a fixed number of rows prepared once:
// SQLite spends most of a bulk load parsing SQL when every statement is new. A Bulk is
// filled by one goroutine; the next can be filled while one is written.
type Bulk struct {
	tables map[string]*bulkTable
	order  []*bulkTable
	rows   int
}

type bulkTable struct {
	name, cols string
	ncols      int
	pending    []any
}

// bulkMaxArgs keeps a statement under both engines' limits on bound values (SQLite 32 766,
// PostgreSQL 65 535).
const bulkMaxArgs = 30000

var bulkIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// NewBulk returns an empty Bulk.
func NewBulk() *Bulk { return &Bulk{tables: map[string]*bulkTable{}} }

// WriteBulk writes b's rows in one transaction.
func (s *Store) WriteBulk(ctx context.Context, b *Bulk) error {
	if s.dialect == Postgres {
		// PostgreSQL wants few round trips: as many rows to a statement as it takes.
		return s.update(ctx, func(tx *Tx) error { return b.write(ctx, tx.Tx, bulkMaxArgs, false) })
	}
	// On SQLite's single writer connection, before the transaction (temp_store cannot change
	// inside one): random ids put every row at a random place in its table and indexes, so a
	// bulk load with the default 2 MB page cache spends its time moving pages; and each
	// multi-row statement keeps a journal of the pages it changes (to undo itself alone on a
	// constraint error) — in memory, not in a temporary file. Foreign keys are not checked row
	// by row: the rows are made consistent by construction, and the same rows on PostgreSQL,
	// which checks them, are what the seeding's tests load.
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return casework.Internal(err)
	}
	defer conn.Close()
	for _, p := range []string{`PRAGMA cache_size = -262144`, `PRAGMA temp_store = MEMORY`, `PRAGMA foreign_keys = OFF`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return casework.Internal(err)
		}
	}
	defer func() {
		for _, p := range []string{`PRAGMA cache_size = -2000`, `PRAGMA temp_store = DEFAULT`, `PRAGMA foreign_keys = ON`} {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), p)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return casework.Internal(err)
	}
	// SQLite parses a statement of a few hundred rows fastest.
	if err := b.write(ctx, tx, 200, true); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// Rows is how many rows have been added.
func (b *Bulk) Rows() int { return b.rows }

// Add queues one row of table; cols names its columns ("id, municipality_id, name"), the
// same list for every row of the table.
func (b *Bulk) Add(table, cols string, values ...any) error {
	t := b.tables[table]
	if t == nil {
		names := strings.Split(cols, ",")
		for i, c := range names {
			names[i] = strings.TrimSpace(c)
			if !bulkIdent.MatchString(names[i]) {
				return fmt.Errorf("bulk: bad column %q", c)
			}
		}
		if !bulkIdent.MatchString(table) {
			return fmt.Errorf("bulk: bad table %q", table)
		}
		t = &bulkTable{name: table, cols: strings.Join(names, ", "), ncols: len(names)}
		b.tables[table] = t
		b.order = append(b.order, t)
	}
	if len(values) != t.ncols {
		return fmt.Errorf("bulk: %s: %d values for %d columns", table, len(values), t.ncols)
	}
	t.pending = append(t.pending, values...)
	b.rows++
	return nil
}

// write writes every table in tx, in the order first used: full statements of batch rows (or
// fewer, to stay under bulkMaxArgs values), then one for the rest. With anon the placeholders
// are "?".
func (b *Bulk) write(ctx context.Context, tx *sql.Tx, batch int, anon bool) error {
	for _, t := range b.order {
		per := max(1, min(batch, bulkMaxArgs/t.ncols))
		rows := len(t.pending) / t.ncols
		var full *sql.Stmt
		for at := 0; at < rows; at += per {
			n := min(per, rows-at)
			st := full
			if n < per || full == nil {
				var err error
				if st, err = tx.PrepareContext(ctx, insertSQL(t, n, anon)); err != nil {
					return casework.Internal(fmt.Errorf("bulk %s: %w", t.name, err))
				}
				if n == per {
					full = st
				} else {
					defer st.Close()
				}
			}
			if _, err := st.ExecContext(ctx, t.pending[at*t.ncols:(at+n)*t.ncols]...); err != nil {
				return casework.Internal(fmt.Errorf("bulk %s: %w", t.name, err))
			}
		}
		if full != nil {
			full.Close()
		}
		t.pending = nil
	}
	return nil
}

// insertSQL is a statement inserting rows rows into t. With anon its placeholders are "?":
// modernc's SQLite looks every numbered one up by name, in time growing with their number.
func insertSQL(t *bulkTable, rows int, anon bool) string {
	var q strings.Builder
	fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", t.name, t.cols)
	n := 1
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range t.ncols {
			if c > 0 {
				q.WriteString(", ")
			}
			if anon {
				q.WriteByte('?')
			} else {
				fmt.Fprintf(&q, "$%d", n)
			}
			n++
		}
		q.WriteByte(')')
	}
	return q.String()
}

// YouthSearchKey is the search column of a young person, as the store writes it.
func YouthSearchKey(y casework.Youth) string { return youthSearchKey(y) }

// DropIndexesForBulk drops the secondary indexes of tables (those made by CREATE INDEX, not
// the keys and UNIQUE constraints of the tables themselves) and returns a function that makes
// them again: building an index once over the loaded rows is much cheaper than keeping it up
// to date through millions of inserts at random places. Recreating a unique index checks what
// was loaded. Only for bulk loads into a database nobody else uses.
func (s *Store) DropIndexesForBulk(ctx context.Context, tables []string) (restore func(context.Context) error, err error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = $1`
	if s.dialect == Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = $1
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`
	}
	type index struct{ name, sql string }
	var dropped []index
	restore = func(ctx context.Context) error {
		for _, ix := range dropped {
			if _, err := s.write.ExecContext(ctx, ix.sql); err != nil {
				return casework.Internal(fmt.Errorf("recreate index %s: %w", ix.name, err))
			}
		}
		return nil
	}
	for _, t := range tables {
		rows, err := s.write.QueryContext(ctx, q, t)
		if err != nil {
			return restore, casework.Internal(err)
		}
		var found []index
		for rows.Next() {
			var ix index
			if err := rows.Scan(&ix.name, &ix.sql); err != nil {
				rows.Close()
				return restore, casework.Internal(err)
			}
			found = append(found, ix)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return restore, casework.Internal(err)
		}
		for _, ix := range found {
			if !bulkIdent.MatchString(ix.name) {
				return restore, fmt.Errorf("bulk: index name %q", ix.name)
			}
			if _, err := s.write.ExecContext(ctx, `DROP INDEX `+ix.name); err != nil {
				return restore, casework.Internal(fmt.Errorf("drop index %s: %w", ix.name, err))
			}
			dropped = append(dropped, ix)
		}
	}
	return restore, nil
}

// SealYouthAddress seals a young person's address as the store writes it (sealed.go): bulk
// rows must hold what the store can open.
func (s *Store) SealYouthAddress(plain string) (string, error) {
	v, err := s.keys.SealString(plain, colYouthAddress.context())
	if err != nil {
		return "", casework.Internal(fmt.Errorf("seal %s: %w", colYouthAddress, err))
	}
	return v, nil
}
