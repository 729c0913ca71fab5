package store

import (
	"context"
	"fmt"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
)

// SeedNeedYouth is a young person written straight into the tables for the needs tests:
// their district now, birth, and the concerns (each with the district it recorded), Check: IRK
// checklists and placements of their one case.
type SeedNeedYouth struct {
	District   int64 // now; 0: none
	Birth      time.Time
	Concerns   []SeedConcern
	IRK        []SeedIRK
	Placements []SeedPlacement
	// The case: SIG opened 1 June 2025 and open when Program is empty; else in Program (sig or
	// sspf), opened at Opened, closed at Closed (zero: open), moved from SSPF to SIG at ToSIG
	// (zero: never; Program is then sig).
	Program        string
	Opened, Closed time.Time
	ToSIG          time.Time
}

// SeedConcern is a concern received at At while the young person lived in District (0: none).
type SeedConcern struct {
	At       time.Time
	District int64
}

// SeedIRK is a Check: IRK checklist made at At: factor → no, some, clear or unknown.
type SeedIRK struct {
	At      time.Time
	Ratings map[string]string
}

// SeedPlacement is a placement from and to (days, "" open), or a SiS placement waiting.
type SeedPlacement struct {
	From, To string
	Waiting  bool
}

// SeedNeedsForTest writes young people with one open case each, in one transaction.
func (s *Store) SeedNeedsForTest(ctx context.Context, municipalityID int64, ys []SeedNeedYouth) error {
	return s.update(ctx, func(tx *Tx) error {
		for i, y := range ys {
			yid, cid := newID(), newID()
			last := fmt.Sprintf("Behov%04d", i)
			opened := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
			if _, err := tx.Exec(`INSERT INTO youths (id, municipality_id, first_name, last_name, sort_key, search_key, birth_date, gender, district_id, created_at, updated_at)
				VALUES ($1, $2, 'Seed', $3, $4, $5, $6, 'female', $7, $8, $8)`, yid, municipalityID, last, casework.SortKey(last, "Seed"),
				casework.SearchKey("seed "+last), y.Birth.Format(time.DateOnly), nullID(y.District), opened); err != nil {
				return fmt.Errorf("youth: %w", err)
			}
			program, caseOpened, step := "sig", opened, "identified"
			var closed any
			if y.Program != "" {
				program, caseOpened = y.Program, y.Opened
				if !y.Closed.IsZero() {
					closed, step = y.Closed.UTC(), "closed"
				}
			}
			if _, err := tx.Exec(`INSERT INTO cases (id, municipality_id, youth_id, program, step, step_since, opened_at, closed_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`, cid, municipalityID, yid, program, step, caseOpened.UTC(), closed); err != nil {
				return fmt.Errorf("case: %w", err)
			}
			if !y.ToSIG.IsZero() {
				if _, err := tx.Exec(`INSERT INTO case_events (id, municipality_id, case_id, youth_id, seq, at, user_id, user_name, agency_name, kind, reason, category)
					VALUES ($1, $2, $3, $4, 1, $5, 0, 'Seed', 'Seed', 'to_sig', 'Seed', 'basic')`, newID(), municipalityID, cid, yid, y.ToSIG.UTC()); err != nil {
					return fmt.Errorf("to_sig: %w", err)
				}
			}
			assess := func(tp string, at time.Time, district any) (int64, error) {
				id := newID()
				_, err := tx.Exec(`INSERT INTO assessments (id, municipality_id, case_id, youth_id, instrument, version, time_point, assessed_at,
					assessor_id, assessor_name, agency_kind, created_at, district_id)
					VALUES ($1, $2, $3, $4, 'irk', '1', $5, $6, 0, 'Seed', 'socialtjanst', $6, $7)`, id, municipalityID, cid, yid, tp, at.UTC(), district)
				return id, err
			}
			for _, c := range y.Concerns {
				if _, err := assess("concern", c.At, nullID(c.District)); err != nil {
					return fmt.Errorf("concern: %w", err)
				}
			}
			for _, x := range y.IRK {
				id, err := assess("intake", x.At, nil)
				if err != nil {
					return fmt.Errorf("irk: %w", err)
				}
				for item, v := range x.Ratings {
					if _, err := tx.Exec(`INSERT INTO assessment_ratings (municipality_id, assessment_id, item, value) VALUES ($1, $2, $3, $4)`,
						municipalityID, id, item, v); err != nil {
						return fmt.Errorf("rating: %w", err)
					}
				}
			}
			for _, p := range y.Placements {
				form, basis := "hvb", "sol"
				if p.Waiting {
					form, basis = "sis", "lvu"
				}
				if _, err := tx.Exec(`INSERT INTO placements (id, municipality_id, case_id, youth_id, form, legal_basis, waiting, requested_on,
					from_date, to_date, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, 0, $10, $10)`,
					newID(), municipalityID, cid, yid, form, basis, p.Waiting, p.From, p.To, opened); err != nil {
					return fmt.Errorf("placement: %w", err)
				}
			}
		}
		return nil
	})
}

// MoveYouthForTest moves every young person of a municipality in district from to district to.
func (s *Store) MoveYouthForTest(ctx context.Context, municipalityID, from, to int64) error {
	return s.update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE youths SET district_id = $1 WHERE municipality_id = $2 AND district_id = $3`, to, municipalityID, from)
		return err
	})
}

// NeedsRawForTest counts a period's needs as the release does, before suppression: the
// slices and the needs table's counts.
func (s *Store) NeedsRawForTest(ctx context.Context, municipalityID int64, p stats.Period) (*stats.Raw, error) {
	var raw *stats.Raw
	err := s.view(ctx, func(tx *Tx) error {
		end := p.End().UTC()
		raw = stats.NewRaw(p, end)
		c := &counter{tx: tx, raw: raw, mid: municipalityID, from: p.Start().UTC(), to: end, now: end}
		if err := c.districts(); err != nil {
			return err
		}
		return c.needs()
	})
	return raw, err
}
