package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// visibleCaseSQL is the access rule of access.Case for the category basic, as an SQL condition
// on a case aliased c, so lists and counts are filtered in the database and a denied case never
// leaves it. It must agree with access.Case; TestListsAgreeWithTheAccessDecision checks that
// on every combination the tests can build. arg binds a value and returns its placeholder.
//
// The rule is written as "c.id IN (the union of the ids each ground gives)", which both
// engines evaluate once and probe, instead of an OR of EXISTS tests run for every case.
func visibleCaseSQL(a casework.Actor, now time.Time, arg func(any) string) string {
	if !listsCases(a) {
		return "1 = 0"
	}
	m, u, ag, n := arg(a.User.MunicipalityID), arg(a.User.ID), arg(a.User.AgencyID), arg(now.UTC())
	validConsent := `k.municipality_id = ` + m + ` AND k.signed_at IS NOT NULL AND k.valid_from <= ` + n + ` AND k.valid_until > ` + n + `
			AND (k.withdrawn_at IS NULL OR k.withdrawn_at > ` + n + `)`
	grounds := []string{
		// staff on the case (staffCaseSQL)
		`SELECT s.case_id FROM case_staff s WHERE s.user_id = ` + u,
		// a valid consent naming the actor's agency, or the actor
		`SELECT k.case_id FROM consent_parties p JOIN consents k ON k.id = p.consent_id
			WHERE p.municipality_id = ` + m + ` AND p.agency_id = ` + ag + ` AND ` + validConsent,
		`SELECT k.case_id FROM consent_parties p JOIN consents k ON k.id = p.consent_id
			WHERE p.municipality_id = ` + m + ` AND p.user_id = ` + u + ` AND ` + validConsent,
	}
	if a.AgencyKind == casework.AgencySocial && (a.User.Roles.Has(casework.RoleCoordinator) || a.User.Roles.Has(casework.RolePrepGroup)) {
		// intake: with the preparatory group, never taken on, no coordinator
		grounds = append(grounds, `SELECT i.id FROM cases i WHERE i.municipality_id = `+m+`
			AND (i.step = 'identified' OR i.step = 'closed') AND i.taken_on_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM case_staff s2 WHERE s2.case_id = i.id AND s2.role = 'coordinator')`)
	}
	return "c.id IN (" + strings.Join(grounds, "\n\t\tUNION ") + ")"
}

// listsCases says whether the actor may list cases at all: visibleCaseSQL's and
// staffCaseSQL's precondition.
func listsCases(a casework.Actor) bool {
	return access.Can(a, access.WorkWithCases).Allowed && a.Via != casework.ViaSystem
}

// staffCaseSQL is the cases the actor is staff on (coordinator, case officer): the first
// ground of visibleCaseSQL (access.Case's rule 3: staff see their cases), so a subset of what
// it allows, and what "my cases" lists. It is a fraction of visibleCaseSQL's cost: a
// coordinator's start page and work list ask for it on every view.
func staffCaseSQL(a casework.Actor, arg func(any) string) string {
	if !listsCases(a) {
		return "1 = 0"
	}
	return `c.id IN (SELECT s.case_id FROM case_staff s WHERE s.user_id = ` + arg(a.User.ID) + `)`
}

// myCaseSQL is the cases the actor takes part in: staff on them, or a member of their group.
// The start page's lists start from it, so they cost what the actor's own work holds, not what
// the municipality holds; each also applies visibleCaseSQL.
func myCaseSQL(a casework.Actor, arg func(any) string) string {
	m, u := arg(a.User.MunicipalityID), arg(a.User.ID)
	return `c.id IN (SELECT s.case_id FROM case_staff s WHERE s.municipality_id = ` + m + ` AND s.user_id = ` + u + `
		UNION SELECT g.case_id FROM group_members g WHERE g.municipality_id = ` + m + ` AND g.user_id = ` + u + ` AND g.removed_at IS NULL)`
}

// cardCaseSQL is access.Case for the anonymous card, restricted to cases the actor does not
// see in full: before any consent was ever signed, to the preparatory group and to the parties
// identified for the case.
func cardCaseSQL(a casework.Actor, arg func(any) string) string {
	if !listsCases(a) {
		return "1 = 0"
	}
	var who []string
	if a.User.Roles.Has(casework.RolePrepGroup) {
		who = append(who, "1 = 1")
	}
	if a.User.Roles.Has(casework.RoleGroupMember) {
		who = append(who, `EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id AND p.agency_id = `+arg(a.User.AgencyID)+`)`)
	}
	if len(who) == 0 {
		return "1 = 0"
	}
	return `(c.step IN ('identified', 'assessment', 'decision', 'parties', 'motivation', 'consent')
		AND NOT EXISTS (SELECT 1 FROM consents k WHERE k.case_id = c.id AND k.signed_at IS NOT NULL)
		AND (` + strings.Join(who, " OR ") + `))`
}

// CaseQuery selects cases for a list.
type CaseQuery struct {
	Mine      bool            // cases the actor works on (staff)
	Step      casework.Step   // one step; "" for all
	Steps     []casework.Step // several steps
	OpenOnly  bool
	Waiting   bool   // the waiting list: identified, ordered by assessed risk and waiting time
	Search    string // part of a name or personnummer
	Deadlines bool   // only cases with a deadline near (NearDays) or passed, closed ones' follow-ups included
	NearDays  int
	Limit     int
	Offset    int
}

// CaseRow is one line of a case list.
type CaseRow struct {
	CaseID      int64
	YouthID     int64
	Name        string
	Identity    string
	BirthDate   time.Time
	Age         int
	Gender      casework.Gender
	District    string
	Program     casework.Program
	Step        casework.Step
	StepSince   time.Time
	OpenedAt    time.Time
	RiskLevel   casework.RiskLevel
	IRKClear    int
	IRKSome     int
	Coordinator string
	Protected   bool
	Deadlines   []casework.Deadline
	Case        casework.Case
}

// CasePage is a page of a list with the total count.
type CasePage struct {
	Rows  []CaseRow
	Total int
}

// Cases lists the cases the actor may see, filtered and ordered by q. The access rule is part
// of the query; each young person shown is recorded in the audit log.
func (s *Store) Cases(ctx context.Context, q CaseQuery) (CasePage, error) {
	var page CasePage
	w := What{Action: audit.ActionList, Object: "case", Category: string(casework.CatBasic)}
	a, d, err := s.permit(ctx, access.WorkWithCases, w)
	if err != nil {
		return page, err
	}
	err = s.readAudited(ctx, func(tx *Tx) error {
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		where := []string{"c.municipality_id = " + arg(a.User.MunicipalityID), "y.merged_into IS NULL"}
		if q.Mine {
			where = append(where, staffCaseSQL(a, arg))
		} else {
			where = append(where, visibleCaseSQL(a, tx.now, arg))
		}
		steps := q.Steps
		if q.Step != "" {
			steps = append(steps, q.Step)
		}
		if q.Waiting {
			steps = []casework.Step{casework.StepIdentified}
		}
		if len(steps) > 0 {
			var ph []string
			for _, st := range steps {
				ph = append(ph, arg(string(st)))
			}
			where = append(where, "c.step IN ("+strings.Join(ph, ", ")+")")
		}
		switch {
		case q.OpenOnly:
			where = append(where, "c.step NOT IN ('closed', 'followed_up')")
		case q.Deadlines:
			// A closed case keeps its 6- and 12-month follow-ups as deadlines until the
			// follow-up is done — if SIG was started (casework.Deadlines); one closed at
			// intake has none, and is not read.
			where = append(where, "c.step <> 'followed_up' AND (c.step <> 'closed' OR c.decided_start_at IS NOT NULL)")
		}
		if term := strings.ReplaceAll(casework.SearchKey(q.Search), "-", ""); term != "" {
			term = strings.NewReplacer("%", "", "_", "").Replace(term)
			where = append(where, "y.search_key LIKE "+arg("%"+term+"%"))
		}
		order := "y.sort_key, c.opened_at"
		if q.Waiting {
			order = `CASE c.risk_level WHEN 'very_high' THEN 4 WHEN 'high' THEN 3 WHEN 'moderate' THEN 2 WHEN 'low' THEN 1 ELSE 0 END DESC,
				c.irk_clear DESC, c.irk_some DESC, c.opened_at`
		}
		settings, err := tx.settings(a.User.MunicipalityID)
		if err != nil {
			return err
		}
		from := ` FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			LEFT JOIN districts d ON d.id = y.district_id
			LEFT JOIN case_staff cs ON cs.case_id = c.id AND cs.role = 'coordinator'
			LEFT JOIN users cu ON cu.id = cs.user_id WHERE ` + strings.Join(where, " AND ")
		// Without the deadline filter (computed in Go) the database pages and counts.
		sqlPaging := !q.Deadlines
		limit := ""
		if sqlPaging {
			if err := tx.QueryRow(`SELECT COUNT(*)`+from, args...).Scan(&page.Total); err != nil {
				return casework.Internal(err)
			}
			if q.Limit > 0 {
				limit = fmt.Sprintf(" LIMIT %d OFFSET %d", q.Limit, max(q.Offset, 0))
			}
		}
		rows, err := tx.Query(`SELECT `+caseCols+`, y.first_name, y.last_name, y.personal_number, y.reserve_id, y.birth_date,
			y.gender, (y.protected_identity OR `+unidentifiedSQL+`), COALESCE(d.name, ''), c.irk_clear, c.irk_some, COALESCE(cu.name, '')`+from+` ORDER BY `+order+`, c.id`+limit, args...)
		if err != nil {
			return casework.Internal(err)
		}
		var all []CaseRow
		for rows.Next() {
			var r CaseRow
			var first, last, birth, gender string
			var pn, reserve sql.NullString
			c, err := scanCase(rows, &first, &last, &pn, &reserve, &birth, &gender, &r.Protected, &r.District, &r.IRKClear, &r.IRKSome, &r.Coordinator)
			if err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			r.Case, r.CaseID, r.YouthID, r.Step, r.StepSince, r.OpenedAt, r.RiskLevel, r.Program = c, c.ID, c.YouthID, c.Step, c.StepSince, c.OpenedAt, c.RiskLevel, c.Program
			r.Name = strings.TrimSpace(first + " " + last)
			r.Identity = reserve.String
			if pn.Valid {
				r.Identity = pn.String[:8] + "-" + pn.String[8:]
			}
			r.BirthDate, _ = time.Parse("2006-01-02", birth)
			r.Age, r.Gender = casework.Age(r.BirthDate, tx.now), casework.Gender(gender)
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		near := time.Duration(max(q.NearDays, 3)) * 24 * time.Hour
		var ends map[int64]time.Time
		if q.Deadlines {
			// The consent expiry is a deadline too; read it only for the deadline list.
			if ends, err = tx.consentEnds(a.User.MunicipalityID, all); err != nil {
				return err
			}
		}
		var kept []CaseRow
		for _, r := range all {
			if end, ok := ends[r.CaseID]; ok {
				r.Case.Milestones.ConsentExpires = end
			}
			r.Deadlines = casework.Deadlines(r.Step, r.Case.Milestones, settings)
			if q.Deadlines && !anyDue(r.Deadlines, tx.now, near) {
				continue
			}
			kept = append(kept, r)
		}
		if sqlPaging {
			page.Rows = kept
		} else {
			page.Total = len(kept)
			lo, hi := min(max(q.Offset, 0), len(kept)), len(kept)
			if q.Limit > 0 {
				hi = min(lo+q.Limit, len(kept))
			}
			page.Rows = kept[lo:hi]
		}
		ids := make([]int64, len(page.Rows))
		for i, r := range page.Rows {
			ids[i] = r.YouthID
		}
		return tx.auditList(a, w, ids, d)
	})
	return page, err
}

// consentEnds returns, per case of rows, when the consent valid now ends (the one that started
// last, as casework.CurrentConsent chooses), in one query.
func (tx *Tx) consentEnds(municipalityID int64, rows []CaseRow) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(rows) == 0 {
		return out, nil
	}
	args := []any{municipalityID, tx.now}
	ph := make([]string, len(rows))
	for i, r := range rows {
		args = append(args, r.CaseID)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	q := `SELECT case_id, valid_from, valid_until FROM consents WHERE municipality_id = $1 AND signed_at IS NOT NULL
		AND valid_from <= $2 AND valid_until > $2 AND (withdrawn_at IS NULL OR withdrawn_at > $2)
		AND case_id IN (` + strings.Join(ph, ", ") + `)`
	rs, err := tx.Query(q, args...)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rs.Close()
	started := map[int64]time.Time{}
	for rs.Next() {
		var id int64
		var from, until time.Time
		if err := rs.Scan(&id, &from, &until); err != nil {
			return nil, casework.Internal(err)
		}
		if f, ok := started[id]; !ok || from.After(f) {
			started[id], out[id] = from, until.UTC()
		}
	}
	return out, rs.Err()
}

func anyDue(ds []casework.Deadline, now time.Time, near time.Duration) bool {
	for _, d := range ds {
		if st := d.State(now, near); st == "overdue" || st == "near" {
			return true
		}
	}
	return false
}

func (tx *Tx) settings(municipalityID int64) (casework.Settings, error) {
	var s string
	if err := tx.QueryRow(`SELECT settings FROM municipalities WHERE id = $1`, municipalityID).Scan(&s); err != nil {
		return casework.Settings{}, casework.Internal(err)
	}
	st, err := parseSettings(s)
	if err != nil {
		return st, casework.Internal(err)
	}
	return st, nil
}

// StepCount is how many visible cases stand at a step.
type StepCount struct {
	Step  casework.Step
	Count int
}

// StepCounts counts the cases the actor may see per step. The access rule is in the query, so
// a case the actor may not see is not counted.
func (s *Store) StepCounts(ctx context.Context) ([]StepCount, error) {
	a, _, err := s.permit(ctx, access.WorkWithCases, What{Action: audit.ActionList, Object: "case", Detail: "counts"})
	if err != nil {
		return nil, err
	}
	var out []StepCount
	err = s.view(ctx, func(tx *Tx) error {
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		q := `SELECT c.step, COUNT(*) FROM cases c JOIN youths y ON y.id = c.youth_id WHERE c.municipality_id = ` + arg(a.User.MunicipalityID) +
			` AND y.merged_into IS NULL AND ` + visibleCaseSQL(a, tx.now, arg) + ` GROUP BY c.step`
		got := map[casework.Step]int{}
		rows, err := tx.Query(q, args...)
		if err != nil {
			return casework.Internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return casework.Internal(err)
			}
			got[casework.Step(st)] = n
		}
		for _, st := range casework.Steps {
			if st == casework.StepMotivation && got[st] == 0 {
				continue
			}
			out = append(out, StepCount{Step: st, Count: got[st]})
		}
		return rows.Err()
	})
	return out, err
}

// Card is the anonymous card of a case before consent: age band, district, IRK summary —
// nothing that identifies the young person.
type Card struct {
	CaseID   int64 // to open the card; the card page shows nothing more
	AgeBand  string
	District string
	Step     casework.Step
	IRKClear int
	IRKSome  int
	Factors  []string // IRK factors rated a clear risk
	Since    time.Time
}

// Cards lists the anonymous cards the actor may see and does not see in full.
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
		q := `SELECT c.id, y.birth_date, COALESCE(d.name, ''), c.step, c.irk_clear, c.irk_some, c.opened_at
			FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			LEFT JOIN districts d ON d.id = y.district_id
			WHERE c.municipality_id = ` + arg(a.User.MunicipalityID) + ` AND y.merged_into IS NULL AND ` + cardCaseSQL(a, arg) +
			` AND NOT ` + visibleCaseSQL(a, tx.now, arg) + ` ORDER BY c.opened_at`
		rows, err := tx.Query(q, args...)
		if err != nil {
			return casework.Internal(err)
		}
		for rows.Next() {
			var c Card
			var birth, step string
			if err := rows.Scan(&c.CaseID, &birth, &c.District, &step, &c.IRKClear, &c.IRKSome, &c.Since); err != nil {
				rows.Close()
				return casework.Internal(err)
			}
			bd, _ := time.Parse("2006-01-02", birth)
			c.AgeBand, c.Step = casework.AgeBand(casework.Age(bd, tx.now)), casework.Step(step)
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		for i := range out {
			ratings, err := tx.latestIRK(a.User.MunicipalityID, out[i].CaseID)
			if err != nil {
				return err
			}
			out[i].Factors = casework.SummariseIRK(ratings).ClearFactors
		}
		if len(out) == 0 {
			return nil
		}
		w.Detail = fmt.Sprintf("%d anonymous cards", len(out))
		return tx.audit(a, w, d)
	})
	return out, err
}

// CardOf returns one anonymous card, if the actor may see it.
func (s *Store) CardOf(ctx context.Context, caseID int64) (Card, error) {
	var c Card
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "card"}, Cat: casework.CatAnonymous}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
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
		c.CaseID, c.AgeBand, c.Step, c.Since = caseID, casework.AgeBand(casework.Age(bd, tx.now)), lc.Case.Step, lc.Case.OpenedAt
		c.IRKClear, c.IRKSome, c.Factors = sum.Clear, sum.Some, sum.ClearFactors
		return nil
	})
	return c, err
}
