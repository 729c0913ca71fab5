package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/stats"
)

// CaseFactsForTest exposes the access facts of a case to the tests that compare the lists'
// SQL rule with access.Case.
func (s *Store) CaseFactsForTest(ctx context.Context, municipalityID, caseID int64) (access.CaseFacts, error) {
	var f access.CaseFacts
	err := s.update(ctx, func(tx *Tx) error {
		lc, err := tx.loadCase(municipalityID, caseID)
		f = lc.Facts
		return err
	})
	return f, err
}

// TablesWithIDForTest names the tables in which some row's id column equals id.
func (s *Store) TablesWithIDForTest(ctx context.Context, id int64) ([]string, error) {
	q := `SELECT table_name FROM information_schema.columns WHERE column_name = 'id' AND table_schema = current_schema()`
	if s.dialect == SQLite {
		q = `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'id'`
	}
	tables, err := queryAll(ctx, s.read, q, nil, func(sc scanner) (string, error) {
		var n string
		err := sc.Scan(&n)
		return n, err
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range tables {
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t+` WHERE id = CAST($1 AS BIGINT)`, id).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}

// WithReserveDrawsForTest returns the store drawing reserve ids' digits from draws, in order,
// then from 999 999 downwards — so a test can make two young people draw the same number.
func (s *Store) WithReserveDrawsForTest(draws ...int) *Store {
	c := *s
	var mu sync.Mutex
	next := 999_999
	c.reserveDraw = func(int) int {
		mu.Lock()
		defer mu.Unlock()
		if len(draws) > 0 {
			d := draws[0]
			draws = draws[1:]
			return d
		}
		next--
		return next + 1
	}
	return &c
}

// InsertYouthsWithoutNumberForTest registers n young people without a personnummer in the
// municipality, in transactions of up to 1 000 (as many concerns would, without the rest of a
// concern), and returns their reserve ids.
func (s *Store) InsertYouthsWithoutNumberForTest(ctx context.Context, municipalityID int64, n int) ([]string, error) {
	var out []string
	for len(out) < n {
		err := s.update(ctx, func(tx *Tx) error {
			for i := 0; i < 1000 && len(out) < n; i++ {
				y := casework.Youth{FirstName: "Reserv", LastName: "Person", BirthDate: time.Date(2012, 5, 1, 0, 0, 0, 0, time.UTC)}
				if _, err := tx.insertYouth(municipalityID, &y); err != nil {
					return err
				}
				out = append(out, y.ReserveID)
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// IsUniqueViolationForTest exposes the driver-code check.
func IsUniqueViolationForTest(err error) bool { return isUniqueViolation(err) }

// SafeFileNameForTest exposes the upload file-name rule.
func SafeFileNameForTest(name, ext string) string { return safeFileName(name, ext, "samtycke") }

// WithRetentionHook makes a run call hook inside its deleting transaction, after the cases are
// deleted and before anything else: the kill -9 test stops the process there.
func WithRetentionHook(o RetentionOptions, hook func()) RetentionOptions {
	o.hook = hook
	return o
}

// VerifyRestoreForTest checks the store against a backup's manifest, as Restore does after
// writing the copy.
func (s *Store) VerifyRestoreForTest(ctx context.Context, m BackupManifest) (RestoreReport, error) {
	return s.verifyRestore(ctx, m)
}

// LiveExportForTest counts a half-year's export from the records as they are now, not from its
// release: the retention test shows the release kept what the records no longer give.
func (s *Store) LiveExportForTest(ctx context.Context, municipalityID int64, p stats.Period) ([]byte, error) {
	dash, err := s.dashboard(ctx, municipalityID, p, nil)
	if err != nil {
		return nil, err
	}
	m, err := s.Municipality(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	e, err := stats.NewExport(dash, m.Code, m.Name, s.now())
	if err != nil {
		return nil, err
	}
	return e.Marshal()
}

// WithPlanCheckForTest returns the store calling check with each query's plan before it runs:
// SQLite's EXPLAIN QUERY PLAN lines, or PostgreSQL's EXPLAIN with sequential scans disabled in
// the transaction (so a "Seq Scan" left in the plan means no index could serve it).
func (s *Store) WithPlanCheckForTest(check func(query string, plan []string)) *Store {
	c := *s
	c.planCheck = func(tx *Tx, q string, args []any) {
		if !strings.HasPrefix(strings.TrimSpace(q), "SELECT") {
			return
		}
		explain := "EXPLAIN QUERY PLAN " + q
		if c.dialect == Postgres {
			if _, err := tx.Tx.ExecContext(tx.ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				check(q, []string{"error: " + err.Error()})
				return
			}
			explain = "EXPLAIN " + q
		}
		rows, err := tx.Tx.QueryContext(tx.ctx, explain, args...)
		if err != nil {
			check(q, []string{"error: " + err.Error()})
			return
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var plan []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				check(q, []string{"error: " + err.Error()})
				return
			}
			plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
		}
		check(q, plan)
	}
	return &c
}

// PoisonAuditHashesForTest makes every audit tree hash the store remembers for the
// municipality wrong, as they would be after a commit it saw succeed was lost in a failover
// and another instance appended other entries at the same indexes.
func (s *Store) PoisonAuditHashesForTest(municipalityID int64) int {
	s.hashes.mu.Lock()
	defer s.hashes.mu.Unlock()
	m := s.hashes.m[municipalityID]
	for i := range m {
		m[i] = tlog.Hash{0xde, 0xad}
	}
	return len(m)
}

// UpdateForTest runs fn as a write transaction, as every change does (update).
func (s *Store) UpdateForTest(ctx context.Context, fn func(tx *Tx) error) error {
	return s.update(ctx, fn)
}

// SetPopJobHookForTest calls h at every progress report of a population import (in the job's
// goroutine; h may block to hold the job in a phase).
func (s *Store) SetPopJobHookForTest(h func(id int64, phase string, done, total int)) {
	s.popJobs.hook = h
}

// KillPopJobsForTest stops the running population imports as a dying process would: their
// contexts are cancelled in the middle of whatever they do.
func (s *Store) KillPopJobsForTest() { s.popJobs.cancel() }

// OrphanPopJobForTest inserts an unfinished population import that no process runs (its
// process died), last touched at touched.
func (s *Store) OrphanPopJobForTest(ctx context.Context, municipalityID, userID int64, touched time.Time) (int64, error) {
	id := newID()
	_, err := s.write.ExecContext(ctx, `INSERT INTO population_imports (id, municipality_id, started_by, file_name, phase, done, total, started_at, updated_at)
		VALUES ($1, $2, $3, 'dead.csv', 'checking', 10, 100, $4, $4)`, id, municipalityID, userID, touched.UTC())
	return id, err
}
