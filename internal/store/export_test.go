package store

import (
	"context"

	"lots/internal/access"
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
