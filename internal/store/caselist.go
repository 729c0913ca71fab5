package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
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

// visibleEachSQL is visibleCaseSQL written as a test on each case (an OR of EXISTS probes by
// the case's id) for queries whose cases are already few: the actor's own (myCaseSQL,
// staffCaseSQL), a task owner's, the waiting list. There the union of every case the actor may
// see — for social services nearly every case with a consent — would cost what the
// municipality holds on every view; each probe costs one index look-up. It must agree with
// visibleCaseSQL; TestListsAgreeWithTheAccessDecision checks both against access.Case.
func visibleEachSQL(a casework.Actor, now time.Time, arg func(any) string) string {
	if !listsCases(a) {
		return "1 = 0"
	}
	m, u, ag, n := arg(a.User.MunicipalityID), arg(a.User.ID), arg(a.User.AgencyID), arg(now.UTC())
	// The grounds are tried in order, and the first that holds decides: the cheap ones first
	// (staff: one probe; intake: the case's own columns and one probe), the consent's (its
	// consents and their parties) last.
	grounds := []string{
		`EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = c.id AND s.user_id = ` + u + `)`,
	}
	if a.AgencyKind == casework.AgencySocial && (a.User.Roles.Has(casework.RoleCoordinator) || a.User.Roles.Has(casework.RolePrepGroup)) {
		grounds = append(grounds, `(c.municipality_id = `+m+` AND (c.step = 'identified' OR c.step = 'closed') AND c.taken_on_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM case_staff s2 WHERE s2.case_id = c.id AND s2.role = 'coordinator'))`)
	}
	grounds = append(grounds, `EXISTS (SELECT 1 FROM consents k JOIN consent_parties p ON p.consent_id = k.id
			WHERE k.case_id = c.id AND k.municipality_id = `+m+` AND (p.agency_id = `+ag+` OR p.user_id = `+u+`)
			AND k.signed_at IS NOT NULL AND k.valid_from <= `+n+` AND k.valid_until > `+n+`
			AND (k.withdrawn_at IS NULL OR k.withdrawn_at > `+n+`))`)
	return "(" + strings.Join(grounds, "\n\t\tOR ") + ")"
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
	return myCaseSQLOn("c.id", a, arg)
}

// myCaseSQLOn is myCaseSQL on another column naming the case (a meeting's case_id).
func myCaseSQLOn(col string, a casework.Actor, arg func(any) string) string {
	return col + ` IN ` + myCaseIDsSQL(a, arg)
}

// myCaseIDsSQL is the subquery of myCaseSQL: the ids (case_id) of the cases the actor takes
// part in.
func myCaseIDsSQL(a casework.Actor, arg func(any) string) string {
	m, u := arg(a.User.MunicipalityID), arg(a.User.ID)
	return `(SELECT s.case_id FROM case_staff s WHERE s.municipality_id = ` + m + ` AND s.user_id = ` + u + `
		UNION SELECT g.case_id FROM group_members g WHERE g.user_id = ` + u + ` AND g.removed_at IS NULL AND g.municipality_id = ` + m + `)`
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
	Mine     bool             // cases the actor works on (staff)
	Step     casework.Step    // one step; "" for all
	Steps    []casework.Step  // several steps
	Program  casework.Program // one track (sig, sspf); "" for both
	OpenOnly bool
	Waiting  bool // the waiting list: identified, ordered by assessed risk and waiting time
	// WaitingAt is the waiting list as it stood at a moment (a preparatory group meeting's
	// agenda): the concerns opened by then that had not left the intake by then. Implies Waiting.
	WaitingAt time.Time
	Search    string // part of a name or personnummer
	Deadlines bool   // only cases with a deadline near (NearDays) or passed, closed ones' follow-ups included
	Watched   bool   // the watch list: closed cases with an active watch (CaseRow.Watch), last day first
	NearDays  int
	Limit     int
	Offset    int // superseded by the cursors: a page after the first costs what it skips
	// After and Before are keyset cursors (CasePage.Next and .Prev): the page after the row
	// After names, or the page before the row Before names. A page then costs what it shows,
	// however deep into the list it is.
	After, Before string
}

// maxCount bounds a list's count: beyond it the count says "more than" (CasePage.Capped), so
// counting costs at most that many rows whatever the municipality holds.
const maxCount = 10000

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
	Watch       CaseWatch // the active watch, in the watch list (CaseQuery.Watched)
	Case        casework.Case
	sortKey     []byte // the list's order, for its cursor
}

// listKeys is a list's order as keys a cursor can name: the name order (collation key, when
// the case opened, case id), or the waiting list's (assessed risk and IRK factors first, then
// the longest waiting). All keys ascend — descending ones are negated — so "after a row" is
// one row-value comparison.
type listKeys struct{ waiting bool }

func newListKeys(waiting bool) listKeys { return listKeys{waiting: waiting} }

const riskRankSQL = `(CASE c.risk_level WHEN 'very_high' THEN 4 WHEN 'high' THEN 3 WHEN 'moderate' THEN 2 WHEN 'low' THEN 1 ELSE 0 END)`

func (k listKeys) exprs() []string {
	if k.waiting {
		return []string{"-" + riskRankSQL, "-c.irk_clear", "-c.irk_some", "c.opened_at", "c.id"}
	}
	return []string{"y.sort_key", "c.opened_at", "c.id"}
}

// order is the ORDER BY clause, reversed for a page before a cursor.
func (k listKeys) order(reverse bool) string {
	es := k.exprs()
	if reverse {
		for i := range es {
			es[i] += " DESC"
		}
	}
	return strings.Join(es, ", ")
}

// cursor names a row's place in the order.
func (k listKeys) cursor(r CaseRow) string {
	if k.waiting {
		return fmt.Sprintf("w.%d.%d.%d.%d.%d", -r.RiskLevel.Rank(), -r.IRKClear, -r.IRKSome, r.OpenedAt.UnixMicro(), r.CaseID)
	}
	return fmt.Sprintf("n.%s.%d.%d", base64.RawURLEncoding.EncodeToString(r.sortKey), r.OpenedAt.UnixMicro(), r.CaseID)
}

// after is the condition "after the cursor's row" (before it, backwards). A cursor that does
// not parse, or belongs to the other order, is invalid input.
func (k listKeys) after(cursor string, backwards bool, arg func(any) string) (string, error) {
	bad := casework.Invalid("after", "lists.cursor_invalid")
	parts := strings.Split(cursor, ".")
	var vals []any
	num := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	switch {
	case k.waiting && len(parts) == 6 && parts[0] == "w":
		for i, p := range parts[1:] {
			n, ok := num(p)
			if !ok {
				return "", bad
			}
			if i == 3 {
				vals = append(vals, time.UnixMicro(n).UTC())
			} else {
				vals = append(vals, n)
			}
		}
	case !k.waiting && len(parts) == 4 && parts[0] == "n":
		key, err := base64.RawURLEncoding.DecodeString(parts[1])
		opened, ok1 := num(parts[2])
		id, ok2 := num(parts[3])
		if err != nil || !ok1 || !ok2 {
			return "", bad
		}
		vals = []any{key, time.UnixMicro(opened).UTC(), id}
	default:
		return "", bad
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = arg(v)
	}
	op := ">"
	if backwards {
		op = "<"
	}
	return "(" + strings.Join(k.exprs(), ", ") + ") " + op + " (" + strings.Join(ph, ", ") + ")", nil
}

// CasePage is a page of a list with the total count.
type CasePage struct {
	Rows  []CaseRow
	Total int
	// Capped: there are more than Total (maxCount) matches.
	Capped bool
	// Next and Prev are the cursors of the pages after and before this one ("" when none).
	Next, Prev string
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
	if !q.WaitingAt.IsZero() {
		q.Waiting = true
	}
	if q.Program != "" && q.Program != casework.ProgramSIG && q.Program != casework.ProgramSSPF {
		return page, casework.Invalid("program", "concern.program_invalid")
	}
	err = s.readAudited(ctx, func(tx *Tx) error {
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		where := []string{"c.municipality_id = " + arg(a.User.MunicipalityID), "y.merged_into IS NULL"}
		switch {
		case q.Mine:
			where = append(where, staffCaseSQL(a, arg))
		case q.Waiting:
			where = append(where, visibleEachSQL(a, tx.now, arg)) // a few cases at intake
		default:
			where = append(where, visibleCaseSQL(a, tx.now, arg))
		}
		steps := q.Steps
		if q.Step != "" {
			steps = append(steps, q.Step)
		}
		switch {
		case !q.WaitingAt.IsZero():
			at := arg(q.WaitingAt.UTC())
			steps = nil
			where = append(where, "c.opened_at <= "+at, `NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id
				AND e.municipality_id = c.municipality_id AND e.from_step = 'identified' AND e.to_step <> 'identified' AND e.at <= `+at+`)`)
		case q.Waiting:
			steps = []casework.Step{casework.StepIdentified}
		}
		if q.Program != "" {
			where = append(where, "c.program = "+arg(string(q.Program)))
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
		if q.Watched {
			where = append(where, watchedSQL(tx.now, arg))
		}
		if term := strings.ReplaceAll(casework.SearchKey(q.Search), "-", ""); term != "" {
			term = strings.NewReplacer("%", "", "_", "").Replace(term)
			where = append(where, "y.search_key LIKE "+arg("%"+term+"%"))
		}
		keys := newListKeys(q.Waiting)
		settings, err := tx.settings(a.User.MunicipalityID)
		if err != nil {
			return err
		}
		const youthJoin = ` JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id`
		const shownJoins = ` LEFT JOIN districts d ON d.id = y.district_id
			LEFT JOIN case_staff cs ON cs.case_id = c.id AND cs.role = 'coordinator'
			LEFT JOIN users cu ON cu.id = cs.user_id`
		from := ` FROM cases c` + youthJoin + shownJoins + ` WHERE ` + strings.Join(where, " AND ")
		// Without the deadline filter (computed in Go) the database pages — by keyset when a
		// cursor is given — and counts, up to maxCount.
		sqlPaging := !q.Deadlines && !q.Watched
		// The actor's own cases and the waiting list are few (tens, not thousands): their first
		// page sorts every match anyway, so the same statement counts them (a window count),
		// where a list of the whole municipality counts in a statement of its own, up to
		// maxCount, and reads only its page.
		windowCount := sqlPaging && (q.Mine || q.Waiting) && q.After == "" && q.Before == "" && q.Offset <= 0
		limit, order, backwards, countCol := "", keys.order(false), false, ""
		if windowCount {
			countCol = ", COUNT(*) OVER ()"
		}
		if sqlPaging && !windowCount {
			if err := tx.QueryRow(`SELECT COUNT(*) FROM (SELECT 1`+from+fmt.Sprintf(` LIMIT %d) n`, maxCount+1), args...).Scan(&page.Total); err != nil {
				return casework.Internal(err)
			}
		}
		if sqlPaging {
			cursor := q.After
			if q.Before != "" {
				cursor, backwards = q.Before, true
				order = keys.order(true)
			}
			if cursor != "" {
				cond, err := keys.after(cursor, backwards, arg)
				if err != nil {
					return err
				}
				from += " AND " + cond
			}
			if q.Limit > 0 {
				limit = fmt.Sprintf(" LIMIT %d", q.Limit+1) // one more: is there a next page?
				if cursor == "" && q.Offset > 0 {
					limit += fmt.Sprintf(" OFFSET %d", q.Offset)
				}
			}
		}
		cols := `SELECT ` + caseCols + `, y.first_name, y.last_name, y.personal_number, y.reserve_id, y.birth_date,
			y.gender, (y.protected_identity OR ` + unidentifiedSQL + `), COALESCE(d.name, ''), c.irk_clear, c.irk_some, COALESCE(cu.name, ''), y.sort_key`
		query := cols + countCol + from + ` ORDER BY ` + order + limit
		if windowCount && q.Limit > 0 {
			// The page is chosen and every match counted first, from the cases and young
			// people alone (MATERIALIZED: kept, not merged into the rest); the district and
			// coordinator shown are then read for the page's rows only.
			query = `WITH page AS MATERIALIZED (SELECT c.id AS case_id, COUNT(*) OVER () AS total FROM cases c` + youthJoin +
				` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + limit + `)
			` + cols + `, page.total FROM page JOIN cases c ON c.id = page.case_id` + youthJoin + shownJoins + ` ORDER BY ` + order
		}
		rows, err := tx.Query(query, args...)
		if err != nil {
			return casework.Internal(err)
		}
		var all []CaseRow
		for rows.Next() {
			var r CaseRow
			var first, last, birth, gender string
			var pn, reserve sql.NullString
			dest := []any{&first, &last, &pn, &reserve, &birth, &gender, &r.Protected, &r.District, &r.IRKClear, &r.IRKSome, &r.Coordinator, &r.sortKey}
			if windowCount {
				dest = append(dest, &page.Total)
			}
			c, err := scanCase(rows, dest...)
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
			r.Deadlines = casework.Deadlines(r.Case.Program, r.Step, r.Case.Milestones, settings)
			if q.Deadlines && !anyDue(r.Deadlines, tx.now, near) {
				continue
			}
			kept = append(kept, r)
		}
		if q.Watched {
			ws, err := tx.activeWatches(a.User.MunicipalityID, kept)
			if err != nil {
				return err
			}
			for i := range kept {
				kept[i].Watch = ws[kept[i].CaseID]
			}
			// The watch that ends first on top.
			slices.SortStableFunc(kept, func(a, b CaseRow) int { return strings.Compare(a.Watch.Until, b.Watch.Until) })
		}
		if q.Deadlines {
			// Most urgent first: the earliest deadline due or passed (the most overdue on top),
			// the list's own order among equals.
			slices.SortStableFunc(kept, func(a, b CaseRow) int {
				return firstDue(a.Deadlines, tx.now, near).Compare(firstDue(b.Deadlines, tx.now, near))
			})
		}
		if sqlPaging {
			if page.Total > maxCount {
				page.Total, page.Capped = maxCount, true
			}
			more := q.Limit > 0 && len(kept) > q.Limit
			if more {
				kept = kept[:q.Limit]
			}
			if backwards {
				slices.Reverse(kept)
			}
			page.Rows = kept
			if len(kept) > 0 {
				first, last := keys.cursor(kept[0]), keys.cursor(kept[len(kept)-1])
				switch {
				case backwards:
					page.Next = last
					if more {
						page.Prev = first
					}
				default:
					if more {
						page.Next = last
					}
					if q.After != "" || q.Offset > 0 {
						page.Prev = first
					}
				}
			}
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

// firstDue is the earliest of the deadlines near or passed (zero when none is).
func firstDue(ds []casework.Deadline, now time.Time, near time.Duration) time.Time {
	var first time.Time
	for _, d := range ds {
		if st := d.State(now, near); (st == "overdue" || st == "near") && (first.IsZero() || d.Due.Before(first)) {
			first = d.Due
		}
	}
	return first
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
	s, ok := tx.settingsRead[municipalityID]
	if !ok {
		if err := tx.QueryRow(`SELECT settings FROM municipalities WHERE id = $1`, municipalityID).Scan(&s); err != nil {
			return casework.Settings{}, casework.Internal(err)
		}
		if tx.readOnly {
			if tx.settingsRead == nil {
				tx.settingsRead = map[int64]string{}
			}
			tx.settingsRead[municipalityID] = s
		}
	}
	st, err := tx.store.settings.parse(s)
	if err != nil {
		return st, casework.Internal(err)
	}
	return st, nil
}

// StepCount is how many visible cases of a track stand at a step.
type StepCount struct {
	Program casework.Program
	Step    casework.Step
	Count   int
}

// StepCounts counts the cases the actor may see per track and step, each track's steps in
// its own order (SIG's, then SSPF's); program, when given, counts that track's only. The
// access rule is in the query, so a case the actor may not see is not counted.
func (s *Store) StepCounts(ctx context.Context, program casework.Program) ([]StepCount, error) {
	detail := "counts"
	if program != "" {
		detail += " " + string(program)
	}
	a, _, err := s.permit(ctx, access.WorkWithCases, What{Action: audit.ActionList, Object: "case", Detail: detail})
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
		q := `SELECT c.program, c.step, COUNT(*) FROM cases c JOIN youths y ON y.id = c.youth_id WHERE c.municipality_id = ` + arg(a.User.MunicipalityID) +
			` AND y.merged_into IS NULL AND ` + visibleCaseSQL(a, tx.now, arg)
		if program != "" {
			q += ` AND c.program = ` + arg(string(program))
		}
		q += ` GROUP BY c.program, c.step`
		type key struct {
			p  casework.Program
			st casework.Step
		}
		got := map[key]int{}
		rows, err := tx.Query(q, args...)
		if err != nil {
			return casework.Internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var pr, st string
			var n int
			if err := rows.Scan(&pr, &st, &n); err != nil {
				return casework.Internal(err)
			}
			got[key{casework.Program(pr), casework.Step(st)}] += n
		}
		if err := rows.Err(); err != nil {
			return casework.Internal(err)
		}
		for _, pr := range []casework.Program{casework.ProgramSIG, casework.ProgramSSPF} {
			if program != "" && pr != program {
				continue
			}
			for _, st := range casework.StepsOf(pr) {
				if st == casework.StepMotivation && got[key{pr, st}] == 0 {
					continue
				}
				out = append(out, StepCount{Program: pr, Step: st, Count: got[key{pr, st}]})
				delete(got, key{pr, st})
			}
		}
		for _, st := range casework.Steps { // a step outside its track's flow is still counted
			for _, pr := range []casework.Program{casework.ProgramSIG, casework.ProgramSSPF} {
				if n, ok := got[key{pr, st}]; ok && n > 0 {
					out = append(out, StepCount{Program: pr, Step: st, Count: n})
				}
			}
		}
		return nil
	})
	return out, err
}
