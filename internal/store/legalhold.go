package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
)

// A legal hold stops retention from deleting anything of one case — a complaint, a request
// from JO or IVO, a court case — until its last day or until it is released. The staff on the
// case set and release it; it is on the case's timeline and in the log.

// LegalHold is a hold on a case.
type LegalHold struct {
	ID         int64
	CaseID     int64
	Reason     string
	Until      string // last day, YYYY-MM-DD (Swedish time)
	SetBy      string
	SetAt      time.Time
	ReleasedAt time.Time
	Active     bool
}

// MaxHoldYears bounds how far ahead a hold may run; a longer need is a new hold then.
const MaxHoldYears = 10

// LegalHolds lists a case's holds, newest first.
func (s *Store) LegalHolds(ctx context.Context, caseID int64) ([]LegalHold, error) {
	var out []LegalHold
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "legal_hold"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var err error
		out, err = queryAll(ctx, tx, `SELECT h.id, h.case_id, h.reason, h.until_date, COALESCE(u.name, ''), h.set_at, h.released_at
			FROM legal_holds h LEFT JOIN users u ON u.id = h.set_by AND u.municipality_id = h.municipality_id
			WHERE h.municipality_id = $1 AND h.case_id = $2 ORDER BY h.set_at DESC, h.id`, []any{a.User.MunicipalityID, caseID},
			func(sc scanner) (LegalHold, error) {
				var h LegalHold
				var released sql.NullTime
				err := sc.Scan(&h.ID, &h.CaseID, &h.Reason, &h.Until, &h.SetBy, &h.SetAt, &released)
				h.SetAt, h.ReleasedAt = h.SetAt.UTC(), timeOf(released)
				h.Active = holdActive(h.Until, released, tx.now)
				return h, err
			})
		return err
	})
	return out, err
}

// SetLegalHold puts a hold on the case until the end of the day until (YYYY-MM-DD), for a
// reason.
func (s *Store) SetLegalHold(ctx context.Context, caseID int64, reason, until string) (LegalHold, error) {
	h := LegalHold{CaseID: caseID, Reason: strings.TrimSpace(reason), Until: strings.TrimSpace(until)}
	var fe casework.FieldErrors
	if h.Reason == "" || utf8.RuneCountInString(h.Reason) > casework.MaxReasonLength {
		fe.Add("reason", "hold.reason_required")
	}
	today := s.now().In(stats.Stockholm).Format(casework.DateLayout)
	last := s.now().In(stats.Stockholm).AddDate(MaxHoldYears, 0, 0).Format(casework.DateLayout)
	if d, err := time.Parse(casework.DateLayout, h.Until); err != nil || d.Format(casework.DateLayout) != h.Until {
		fe.Add("until", "hold.until_invalid")
	} else if h.Until < today || h.Until > last {
		fe.Add("until", "hold.until_range")
	}
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "legal_hold"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := fe.Err(); err != nil { // after access: refused is refused, whatever was typed
			return err
		}
		h.ID, h.SetBy, h.SetAt, h.Active = newID(), a.User.Name, tx.now, true
		if _, err := tx.Exec(`INSERT INTO legal_holds (id, municipality_id, case_id, reason, until_date, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			h.ID, a.User.MunicipalityID, caseID, h.Reason, h.Until, a.User.ID, tx.now); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "legal_hold", "", "", h.Reason, casework.CatBasic)
	})
	return h, err
}

// ReleaseLegalHold ends a hold before its last day.
func (s *Store) ReleaseLegalHold(ctx context.Context, caseID, holdID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "legal_hold", ObjectID: holdID, Detail: "released"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		res, err := tx.Exec(`UPDATE legal_holds SET released_at = $1, released_by = $2 WHERE municipality_id = $3 AND case_id = $4 AND id = $5 AND released_at IS NULL`,
			tx.now, a.User.ID, a.User.MunicipalityID, caseID, holdID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.NotFound("legal_hold")
		}
		return tx.addEvent(a, lc.Case, "legal_hold_released", "", "", "", casework.CatBasic)
	})
}
