package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// This file is the auditor's reading of the access log: the extract for one young person
// (loggutdrag), one user's entries, the entries the log review looks at, and the tree head.
// Each needs access.ReviewAuditLog, and each reading is itself written to the log.

// MaxAuditPeriod is the longest period one review or user listing reads at once.
const MaxAuditPeriod = 93 * 24 * time.Hour

// LogLine is an entry as the auditor reads it: with the user's name, their agency's name and,
// for entries about one young person, that person's name.
type LogLine struct {
	audit.Entry
	UserName   string
	AgencyName string
	YouthName  string
	Listed     int // for a list view: how many young people it showed
}

// ListView reports whether the entry is a list that showed the young person among others.
func (l LogLine) ListView() bool { return len(audit.ListedYouths(l.Detail)) > 0 }

// YouthRef names the young person an extract is about.
type YouthRef struct {
	ID        int64
	Name      string
	Identity  string // personnummer (ÅÅÅÅMMDD-NNNN) or reserve id
	Protected bool
	// Erased: the young person's records were deleted under retention; the extract was found
	// by the pseudonym of the identity asked for, and names nobody.
	Erased bool
}

// ExtractQuery selects the young person of an extract — by a case of theirs, or by
// personnummer (or reserve id) — and optionally a period.
type ExtractQuery struct {
	CaseID   int64
	Identity string
	From, To time.Time // zero: from the start / until now
	Export   bool      // the extract leaves Lots (CSV): recorded as an export
}

// Extract is the access-log extract for one young person: everyone who read or changed their
// data, including the list views that showed them, in log order.
type Extract struct {
	Youth    YouthRef
	From, To time.Time
	Lines    []LogLine
	MadeAt   time.Time
	MadeBy   string
	// LogPrunedBefore: the log's entries written before it were deleted under retention
	// (auditprune.go); nil when none were.
	LogPrunedBefore *time.Time
}

const logLineCols = `l.municipality_id, l.seq, l.at, l.user_id, l.username, l.roles, l.agency_id, l.agency_kind, l.via, l.action,
	l.object, l.object_id, l.youth_id, l.category, l.ground, l.allowed, l.detail, COALESCE(u.name, ''), COALESCE(a.name, '')`

const logLineJoins = ` LEFT JOIN users u ON u.id = l.user_id AND u.municipality_id = l.municipality_id
	LEFT JOIN agencies a ON a.id = l.agency_id AND a.municipality_id = l.municipality_id`

func scanLogLine(sc scanner, extra ...any) (LogLine, error) {
	var l LogLine
	e := &l.Entry
	err := sc.Scan(append([]any{&e.MunicipalityID, &e.Seq, &e.At, &e.UserID, &e.Username, &e.Roles, &e.AgencyID, &e.AgencyKind, &e.Via,
		&e.Action, &e.Object, &e.ObjectID, &e.YouthID, &e.Category, &e.Ground, &e.Allowed, &e.Detail, &l.UserName, &l.AgencyName}, extra...)...)
	e.At = e.At.UTC()
	if l.ListView() {
		l.Listed = len(audit.ListedYouths(l.Detail))
	}
	return l, err
}

// AccessExtract makes the access-log extract for one young person (auditors). Making it is
// recorded in the log, as a read — or as an export when it leaves Lots — of that young person.
func (s *Store) AccessExtract(ctx context.Context, q ExtractQuery) (Extract, error) {
	var x Extract
	action := audit.ActionRead
	if q.Export {
		action = audit.ActionExport
	}
	w := What{Action: action, Object: "audit_extract"}
	a, d, err := s.permit(ctx, access.ReviewAuditLog, w)
	if err != nil {
		return x, err
	}
	noMatch := false
	err = s.update(ctx, func(tx *Tx) error {
		mid := a.User.MunicipalityID
		y, err := tx.extractYouth(mid, q)
		if casework.ErrorCode(err) == casework.ENotFound && strings.TrimSpace(q.Identity) != "" {
			// Deleted under retention? The log still holds the entries, by the old id.
			id, found, ferr := tx.erasedYouth(mid, q.Identity)
			if ferr != nil {
				return ferr
			}
			if found {
				y, err = YouthRef{ID: id, Identity: strings.TrimSpace(q.Identity), Erased: true}, nil
			}
		}
		if err != nil {
			if casework.ErrorCode(err) == casework.ENotFound {
				w.Detail = "no young person found"
				noMatch = true // the search is recorded all the same
				return tx.audit(a, w, d)
			}
			return err
		}
		x = Extract{Youth: y, From: q.From, To: q.To, MadeAt: tx.now, MadeBy: a.User.Name}
		if x.LogPrunedBefore, err = tx.logPrunedBefore(mid); err != nil {
			return err
		}
		// The young person and any records merged into theirs.
		ids, err := queryAll(ctx, tx, `SELECT id FROM youths WHERE municipality_id = $1 AND (id = $2 OR merged_into = $2)`,
			[]any{mid, y.ID}, func(sc scanner) (int64, error) {
				var id int64
				return id, sc.Scan(&id)
			})
		if err != nil {
			return err
		}
		if len(ids) == 0 { // an erased young person: the id the log knows them by
			ids = []int64{y.ID}
		}
		args := []any{mid}
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		var ph []string
		for _, id := range ids {
			ph = append(ph, arg(id))
		}
		sqlq := `SELECT ` + logLineCols + ` FROM audit_log l` + logLineJoins + ` WHERE l.municipality_id = $1
			AND l.seq IN (SELECT ay.seq FROM audit_youths ay WHERE ay.municipality_id = $1 AND ay.youth_id IN (` + strings.Join(ph, ", ") + `))`
		if !q.From.IsZero() {
			sqlq += ` AND l.at >= ` + arg(q.From.UTC())
		}
		if !q.To.IsZero() {
			sqlq += ` AND l.at < ` + arg(q.To.UTC())
		}
		if x.Lines, err = queryAll(ctx, tx, sqlq+` ORDER BY l.seq`, args, func(sc scanner) (LogLine, error) { return scanLogLine(sc) }); err != nil {
			return err
		}
		for i := range x.Lines {
			x.Lines[i].YouthName = y.Name
		}
		w.YouthID, w.ObjectID = y.ID, y.ID
		w.Detail = fmt.Sprintf("%d entries", len(x.Lines))
		return tx.audit(a, w, d)
	})
	if err == nil && noMatch {
		return x, casework.NotFound("youth")
	}
	return x, err
}

// extractYouth finds the young person of an extract in the municipality.
func (tx *Tx) extractYouth(municipalityID int64, q ExtractQuery) (YouthRef, error) {
	var row *sql.Row
	switch ident := strings.TrimSpace(q.Identity); {
	case q.CaseID != 0:
		row = tx.QueryRow(`SELECT y.id, y.first_name, y.last_name, y.personal_number, y.reserve_id, y.protected_identity, y.merged_into
			FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
			WHERE c.municipality_id = $1 AND c.id = $2`, municipalityID, q.CaseID)
	case ident != "":
		key := strings.ToUpper(ident)
		if pn, err := casework.ParsePersonalNumber(ident, tx.now); err == nil {
			key = pn.String()
		}
		row = tx.QueryRow(`SELECT id, first_name, last_name, personal_number, reserve_id, protected_identity, merged_into FROM youths
			WHERE municipality_id = $1 AND (personal_number = $2 OR reserve_id = $2) ORDER BY merged_into NULLS FIRST LIMIT 1`, municipalityID, key)
	default:
		return YouthRef{}, casework.Invalid("identity", "audit.identity_required")
	}
	var y YouthRef
	var first, last string
	var pn, reserve sql.NullString
	var merged sql.NullInt64
	err := row.Scan(&y.ID, &first, &last, &pn, &reserve, &y.Protected, &merged)
	if errors.Is(err, sql.ErrNoRows) {
		return y, casework.NotFound("youth")
	}
	if err != nil {
		return y, casework.Internal(err)
	}
	if merged.Valid { // a record merged into another: the extract is the surviving person's
		row = tx.QueryRow(`SELECT id, first_name, last_name, personal_number, reserve_id, protected_identity, merged_into FROM youths
			WHERE municipality_id = $1 AND id = $2`, municipalityID, merged.Int64)
		if err := row.Scan(&y.ID, &first, &last, &pn, &reserve, &y.Protected, &merged); err != nil {
			return y, casework.Internal(err)
		}
	}
	y.Name = strings.TrimSpace(first + " " + last)
	y.Identity = reserve.String
	if pn.Valid && len(pn.String) == 12 {
		y.Identity = pn.String[:8] + "-" + pn.String[8:]
	}
	return y, nil
}

// UserLog returns one user's entries in a period (auditors), with the names of the young
// people they concern. The reading is recorded in the log.
func (s *Store) UserLog(ctx context.Context, userID int64, from, to time.Time) ([]LogLine, error) {
	w := What{Action: audit.ActionRead, Object: "audit_user_log", ObjectID: userID}
	a, d, err := s.permit(ctx, access.ReviewAuditLog, w)
	if err != nil {
		return nil, err
	}
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	var out []LogLine
	err = s.update(ctx, func(tx *Tx) error {
		var err error
		out, err = queryAll(ctx, tx, `SELECT `+logLineCols+`, COALESCE(y.first_name || ' ' || y.last_name, '') FROM audit_log l`+logLineJoins+`
			LEFT JOIN youths y ON y.id = l.youth_id AND y.municipality_id = l.municipality_id
			WHERE l.municipality_id = $1 AND l.user_id = $2 AND l.at >= $3 AND l.at < $4 ORDER BY l.seq`,
			[]any{a.User.MunicipalityID, userID, from.UTC(), to.UTC()}, func(sc scanner) (LogLine, error) {
				var yn string
				l, err := scanLogLine(sc, &yn)
				l.YouthName = strings.TrimSpace(yn)
				return l, err
			})
		if err != nil {
			return err
		}
		w.Detail = fmt.Sprintf("%d entries", len(out))
		return tx.audit(a, w, d)
	})
	return out, err
}

func checkPeriod(from, to time.Time) error {
	var fe casework.FieldErrors
	switch {
	case from.IsZero() || to.IsZero():
		fe.Add("from", "audit.period_required")
	case !to.After(from):
		fe.Add("to", "audit.period_order")
	case to.Sub(from) > MaxAuditPeriod:
		fe.Add("to", "audit.period_too_long")
	}
	return fe.Err()
}

// ReviewData is what the log review (audit.Review) looks at for a period: the entries, who
// is staff on which case (and so on which young person's cases), who is or was in which case's
// operative group, which case each consent belongs to, and the users' names.
type ReviewData struct {
	Entries []audit.Entry
	// staff holds "user/youth" pairs: the user is staff on a case of the young person.
	staff map[[2]int64]bool
	// caseStaff holds "user/case" pairs: the user is staff on the case.
	caseStaff map[[2]int64]bool
	// members maps "user/case" to when the user left the case's group, one time per
	// membership; the zero time for a membership that has not ended.
	members map[[2]int64][]time.Time
	// consentCase maps a consent to its case.
	consentCase map[int64]int64
	Names       map[int64]string
}

// Staff reports whether the user is staff on a case of the young person.
func (r ReviewData) Staff(userID, youthID int64) bool { return r.staff[[2]int64{userID, youthID}] }

// ConsentCase returns the case a consent belongs to, 0 if there is no such consent.
func (r ReviewData) ConsentCase(consentID int64) int64 { return r.consentCase[consentID] }

// GroupRole reports whether the user has a role in the case at the time of an entry: staff on
// it now, or a member of its operative group who had not left it by then (a member at the
// time, or one who joined later).
func (r ReviewData) GroupRole(userID, caseID int64, at time.Time) bool {
	k := [2]int64{userID, caseID}
	if r.caseStaff[k] {
		return true
	}
	for _, left := range r.members[k] {
		if left.IsZero() || left.After(at) {
			return true
		}
	}
	return false
}

// ReviewEntries reads the entries of a period for the log review (auditors); it only reads, the
// analysis is audit.Review. The reading is recorded in the log.
func (s *Store) ReviewEntries(ctx context.Context, from, to time.Time) (ReviewData, error) {
	r := ReviewData{staff: map[[2]int64]bool{}, caseStaff: map[[2]int64]bool{}, members: map[[2]int64][]time.Time{},
		consentCase: map[int64]int64{}, Names: map[int64]string{}}
	w := What{Action: audit.ActionRead, Object: "audit_review"}
	a, d, err := s.permit(ctx, access.ReviewAuditLog, w)
	if err != nil {
		return r, err
	}
	if err := checkPeriod(from, to); err != nil {
		return r, err
	}
	mid := a.User.MunicipalityID
	err = s.AuditEntries(ctx, AuditFilter{MunicipalityID: mid, From: from, To: to, AfterSeq: -1}, func(e audit.Entry) error {
		r.Entries = append(r.Entries, e)
		return nil
	})
	if err != nil {
		return r, err
	}
	err = s.update(ctx, func(tx *Tx) error {
		// link is a user's place in a case: staff on it, or a group membership and when it
		// ended.
		type link struct {
			user, caseID, youth int64
			left                sql.NullTime
		}
		staff, err := queryAll(ctx, tx, `SELECT s.user_id, s.case_id, c.youth_id FROM case_staff s
			JOIN cases c ON c.id = s.case_id AND c.municipality_id = s.municipality_id WHERE s.municipality_id = $1`,
			[]any{mid}, func(sc scanner) (link, error) {
				var l link
				err := sc.Scan(&l.user, &l.caseID, &l.youth)
				return l, err
			})
		if err != nil {
			return err
		}
		for _, l := range staff {
			r.staff[[2]int64{l.user, l.youth}], r.caseStaff[[2]int64{l.user, l.caseID}] = true, true
		}
		members, err := queryAll(ctx, tx, `SELECT user_id, case_id, removed_at FROM group_members
			WHERE municipality_id = $1 AND user_id IS NOT NULL`,
			[]any{mid}, func(sc scanner) (link, error) {
				var l link
				err := sc.Scan(&l.user, &l.caseID, &l.left)
				return l, err
			})
		if err != nil {
			return err
		}
		for _, l := range members {
			k := [2]int64{l.user, l.caseID}
			r.members[k] = append(r.members[k], timeOf(l.left))
		}
		consents, err := queryAll(ctx, tx, `SELECT id, case_id FROM consents WHERE municipality_id = $1`,
			[]any{mid}, func(sc scanner) ([2]int64, error) {
				var c [2]int64
				err := sc.Scan(&c[0], &c[1])
				return c, err
			})
		if err != nil {
			return err
		}
		for _, c := range consents {
			r.consentCase[c[0]] = c[1]
		}
		users, err := queryAll(ctx, tx, `SELECT id, name FROM users WHERE municipality_id = $1`,
			[]any{mid}, func(sc scanner) (casework.User, error) {
				var u casework.User
				err := sc.Scan(&u.ID, &u.Name)
				return u, err
			})
		if err != nil {
			return err
		}
		for _, u := range users {
			r.Names[u.ID] = u.Name
		}
		w.Detail = fmt.Sprintf("%d entries", len(r.Entries))
		return tx.audit(a, w, d)
	})
	return r, err
}

// ExportAuditHead returns the municipality's tree head for an auditor to keep outside Lots
// (as `lots audit head` does for an operator). The export is itself an entry, and the head
// returned includes it.
func (s *Store) ExportAuditHead(ctx context.Context) (audit.Head, error) {
	w := What{Action: audit.ActionExport, Object: "audit_head"}
	a, d, err := s.permit(ctx, access.ReviewAuditLog, w)
	if err != nil {
		return audit.Head{}, err
	}
	h := audit.Head{MunicipalityID: a.User.MunicipalityID}
	err = s.update(ctx, func(tx *Tx) error {
		if err := tx.audit(a, w, d); err != nil {
			return err
		}
		if err := tx.flushAudit(); err != nil { // the head covers its own export
			return err
		}
		var root []byte
		if err := tx.QueryRow(`SELECT size, root FROM audit_heads WHERE municipality_id = $1`, h.MunicipalityID).Scan(&h.Size, &root); err != nil {
			return casework.Internal(err)
		}
		copy(h.Root[:], root)
		return nil
	})
	return h, err
}
