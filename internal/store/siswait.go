package store

import (
	"context"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// SiSWait is a young person waiting for a SiS place longer than casework.SiSWaitAlertDays, on
// a case the actor is staff on: the start page's alert (issue 14:3). It names the case, the
// young person and how long the wait has been — never where anyone is or will be placed.
type SiSWait struct {
	CaseID      int64
	Name        string
	RequestedOn string // YYYY-MM-DD
	Days        int
}

// MySiSWaits lists the waits for a SiS place longer than a week on the cases the actor is
// staff on (social services' information, which the staff on a case always read: access.Case
// rule 3), longest first. The place column is not read. Each young person listed is audited
// as a read of social services' information.
func (s *Store) MySiSWaits(ctx context.Context) ([]SiSWait, error) {
	w := What{Action: audit.ActionList, Object: "sis_wait", Category: string(casework.CatSocial)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return nil, err
	}
	var out []SiSWait
	err = s.readAudited(ctx, func(tx *Tx) error {
		today := tx.today()
		t, _ := time.Parse(casework.DateLayout, today)
		// A coarse cut in SQL (requested more than the alert's days before today); the rule
		// itself, casework.Placement.WaitAlert, decides each row.
		cut := t.AddDate(0, 0, -casework.SiSWaitAlertDays).Format(casework.DateLayout)
		if !listsCases(a) {
			return nil
		}
		type row struct {
			w     SiSWait
			youth int64
		}
		// Driven from the actor's own staff rows (case_staff_user), then each case's placements
		// by its index: a start page costs what the actor works on, not the municipality.
		rows, err := queryAll(ctx, tx, `SELECT p.case_id, c.youth_id, y.first_name || ' ' || y.last_name, p.requested_on
			FROM case_staff s
			JOIN placements p ON p.municipality_id = s.municipality_id AND p.case_id = s.case_id
			JOIN cases c ON c.id = p.case_id AND c.municipality_id = p.municipality_id
			JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			WHERE s.municipality_id = $1 AND s.user_id = $2 AND p.waiting AND p.requested_on <> '' AND p.requested_on < $3
			ORDER BY p.requested_on, p.case_id`, []any{a.User.MunicipalityID, a.User.ID, cut}, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.w.CaseID, &r.youth, &r.w.Name, &r.w.RequestedOn)
		})
		if err != nil {
			return err
		}
		var youths []int64
		for _, r := range rows {
			p := casework.Placement{Waiting: true, RequestedOn: r.w.RequestedOn}
			if !p.WaitAlert(today) {
				continue
			}
			r.w.Days = p.WaitDays(today)
			out = append(out, r.w)
			youths = append(youths, r.youth)
		}
		return tx.auditList(a, w, youths, d)
	})
	return out, err
}
