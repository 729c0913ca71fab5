package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Card is the anonymous card of a case before consent: age band, district, step, IRK summary
// and the month the case began — nothing that identifies the young person, and nothing that
// equals a field of another record. The outside test of issue 19 matched a card's opening time
// (to the microsecond) and its address (/cards/{case id}) to the reporter's receipt; so a
// card has its own random id, used nowhere else, and shows the month only.
type Card struct {
	ID       int64 // the card's own id (cases.card_id): not the case's, nor any other record's
	AgeBand  string
	District string
	Step     casework.Step
	IRKClear int
	IRKSome  int
	Factors  []string // IRK factors rated a clear risk
	Month    string   // the month the case began, "2006-01" (Swedish time)

	caseID int64
}

// cardMonth is the month of t in Swedish time, the only resolution a card shows.
func cardMonth(t time.Time) string { return t.In(casework.Stockholm).Format("2006-01") }

// sortCards orders cards by month, then by their random ids: within a month the order says
// nothing about which case came first.
func sortCards(cs []Card) {
	slices.SortFunc(cs, func(a, b Card) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.ID, b.ID))
	})
}

// Cards lists the anonymous cards the actor may see and does not see in full, oldest month
// first.
func (s *Store) Cards(ctx context.Context) ([]Card, error) {
	w := What{Action: audit.ActionList, Object: "card", Category: string(casework.CatAnonymous)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, err
	}
	var out []Card
	err = s.readAudited(ctx, func(tx *Tx) error {
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		q := `SELECT c.id, c.card_id, y.birth_date, COALESCE(d.name, ''), c.step, c.irk_clear, c.irk_some, c.opened_at
			FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			LEFT JOIN districts d ON d.id = y.district_id
			WHERE c.municipality_id = ` + arg(a.User.MunicipalityID) + ` AND y.merged_into IS NULL AND ` + cardCaseSQL(a, arg) +
			` AND NOT ` + visibleCaseSQL(a, tx.now, arg)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return casework.Internal(err)
		}
		for rows.Next() {
			var c Card
			var birth, step string
			var opened time.Time
			if err := rows.Scan(&c.caseID, &c.ID, &birth, &c.District, &step, &c.IRKClear, &c.IRKSome, &opened); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			bd, _ := time.Parse("2006-01-02", birth)
			c.AgeBand, c.Step, c.Month = casework.AgeBand(casework.Age(bd, tx.now)), casework.Step(step), cardMonth(opened)
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		for i := range out {
			ratings, err := tx.latestIRK(a.User.MunicipalityID, out[i].caseID)
			if err != nil {
				return err
			}
			out[i].Factors = casework.SummariseIRK(ratings).ClearFactors
		}
		sortCards(out)
		if len(out) == 0 {
			return nil
		}
		w.Detail = fmt.Sprintf("%d anonymous cards", len(out))
		return tx.audit(a, w, d)
	})
	return out, err
}

// CardOf returns one anonymous card by its card id, if the actor may see it. An unknown card
// id is answered, and audited, like a case the actor may not see.
func (s *Store) CardOf(ctx context.Context, cardID int64) (Card, error) {
	a, err := requireActor(ctx)
	if err != nil {
		return Card{}, err
	}
	var caseID int64
	err = s.rd(ctx).QueryRowContext(ctx, `SELECT id FROM cases WHERE municipality_id = $1 AND card_id = $2`,
		a.User.MunicipalityID, cardID).Scan(&caseID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Card{}, casework.Internal(err)
	}
	var c Card
	err = s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "card"}, Cat: casework.CatAnonymous}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		var birth string
		if err := tx.QueryRow(`SELECT y.birth_date, COALESCE(d.name, '') FROM youths y LEFT JOIN districts d ON d.id = y.district_id WHERE y.id = $1`,
			lc.Case.YouthID).Scan(&birth, &c.District); err != nil {
			return casework.Internal(err)
		}
		bd, _ := time.Parse("2006-01-02", birth)
		ratings, err := tx.latestIRK(a.User.MunicipalityID, caseID)
		if err != nil {
			return err
		}
		sum := casework.SummariseIRK(ratings)
		c.ID, c.caseID, c.AgeBand, c.Step, c.Month = cardID, caseID, casework.AgeBand(casework.Age(bd, tx.now)), lc.Case.Step, cardMonth(lc.Case.OpenedAt)
		c.IRKClear, c.IRKSome, c.Factors = sum.Clear, sum.Some, sum.ClearFactors
		return nil
	})
	return c, err
}

// CardIDOfCase is the card id of a case. It is the link the card hides, so no page or API
// call uses it: it is for tests and the operator's tools, which see the database anyway.
func (s *Store) CardIDOfCase(ctx context.Context, caseID int64) (int64, error) {
	var id sql.NullInt64
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT card_id FROM cases WHERE id = $1`, caseID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, casework.NotFound("case")
	}
	if err != nil {
		return 0, casework.Internal(err)
	}
	return id.Int64, nil
}
