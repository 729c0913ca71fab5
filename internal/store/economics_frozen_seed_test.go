package store

import (
	"context"

	"lots/internal/stats"
)

// CohortCaseIDsForTest are a municipality's closed cases, oldest id first.
func (s *Store) CohortCaseIDsForTest(ctx context.Context, municipalityID int64) ([]int64, error) {
	return queryAll(ctx, s.rd(ctx), `SELECT id FROM cases WHERE municipality_id = $1 AND closed_at IS NOT NULL ORDER BY id`, []any{municipalityID},
		func(sc scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		})
}

// LateOffencesForTest changes a case's recorded offences of one category at a time point, as
// an indicator registered after the half-year was published would.
func (s *Store) LateOffencesForTest(ctx context.Context, caseID int64, at, category string, n float64) error {
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE indicator_values SET number = $1 WHERE code = 'police_suspect' AND part = $2
			AND point_id IN (SELECT id FROM indicator_points WHERE case_id = $3 AND time_point = $4)`, n, category, caseID, at)
		return err
	})
}

// FrozenEconomicsForTest says whether a period's report is stored for a part.
func (s *Store) FrozenEconomicsForTest(ctx context.Context, municipalityID int64, p stats.Period, part string) (bool, error) {
	out, _, err := s.storedEconomics(ctx, municipalityID, p, part)
	return out != nil, err
}
