package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
)

// Closure and return (issue 14:5): the future meeting at closure (who carries on after the
// case), the follow-ups at 6 and 12 months as due dates, and the watch list after closure.
// Everything goes through the case's door (withCase): one access decision, one audit entry.

// FutureMeetingRecord is a case's recorded future meeting.
type FutureMeetingRecord struct {
	casework.FutureMeeting
	RecordedBy string
	RecordedAt time.Time
}

// FollowUpCheck is one follow-up after closure: when it is due and when it was done.
type FollowUpCheck struct {
	Kind  string // "6", "12"
	Due   time.Time
	Done  time.Time // zero: not yet
	State string    // casework.Deadline.State: pending, near, overdue, met, met_late
}

// CaseWatch is a closed case on the watch list.
type CaseWatch struct {
	ID      int64
	CaseID  int64
	Reason  string
	Until   string // last day, YYYY-MM-DD (Swedish time)
	SetBy   string
	SetAt   time.Time
	EndedAt time.Time // ended early (reopened or by hand); zero otherwise
	Active  bool      // not ended and its last day not passed
}

// Closure is what the closure page shows of a case.
type Closure struct {
	Closed        bool
	ClosedAt      time.Time
	ClosureReason casework.ClosureReason
	// Expects: the closure expects a future meeting (casework.ClosureExpectsFutureMeeting).
	Expects       bool
	FutureMeeting *FutureMeetingRecord // nil: none recorded
	FollowUps     []FollowUpCheck      // empty unless the case closed after it started
	Watches       []CaseWatch          // newest first
}

// followUpNear is how close a follow-up's due date must be to count as near on the page (the
// lists' default).
const followUpNear = 14 * 24 * time.Hour

// today is the day at now in Swedish time.
func today(now time.Time) string { return now.In(stats.Stockholm).Format(casework.DateLayout) }

// watchActiveSQL is an active watch of alias w at day $n: not ended, last day not passed.
func watchActiveSQL(w, day string) string {
	return w + `.ended_at IS NULL AND ` + w + `.until_date >= ` + day
}

// CaseClosure reads the closure page's facts of a case.
func (s *Store) CaseClosure(ctx context.Context, caseID int64) (Closure, error) {
	var out Closure
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "closure"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		mid, c := a.User.MunicipalityID, lc.Case
		out.Closed, out.ClosedAt, out.ClosureReason = !c.Step.Open(), c.Milestones.Closed, c.ClosureReason
		out.Expects = out.Closed && casework.ClosureExpectsFutureMeeting(c.Program, c.ClosureReason)
		if casework.HasFollowUps(c.Step, c.Milestones) {
			for _, f := range casework.FollowUps {
				dl := casework.Deadline{Due: f.Due(c.Milestones.Closed), Met: f.Done(c.Milestones)}
				out.FollowUps = append(out.FollowUps, FollowUpCheck{Kind: f.Kind, Due: dl.Due, Done: dl.Met, State: dl.State(tx.now, followUpNear)})
			}
		}
		fm, err := tx.futureMeeting(mid, caseID)
		if err != nil {
			return err
		}
		out.FutureMeeting = fm
		out.Watches, err = tx.caseWatches(mid, caseID)
		return err
	})
	return out, err
}

func (tx *Tx) futureMeeting(mid, caseID int64) (*FutureMeetingRecord, error) {
	var r FutureMeetingRecord
	var handovers string
	err := tx.QueryRow(`SELECT f.held_on, f.handovers, f.note, COALESCE(u.name, ''), f.recorded_at FROM future_meetings f
		LEFT JOIN users u ON u.id = f.recorded_by AND u.municipality_id = f.municipality_id
		WHERE f.municipality_id = $1 AND f.case_id = $2`, mid, caseID).Scan(&r.HeldOn, &handovers, &r.Note, &r.RecordedBy, &r.RecordedAt)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	if err := json.Unmarshal([]byte(handovers), &r.Handovers); err != nil {
		return nil, casework.Internal(fmt.Errorf("future meeting %d: %w", caseID, err))
	}
	r.RecordedAt = r.RecordedAt.UTC()
	return &r, nil
}

func (tx *Tx) caseWatches(mid, caseID int64) ([]CaseWatch, error) {
	day := today(tx.now)
	return queryAll(tx.ctx, tx, `SELECT w.id, w.case_id, w.reason, w.until_date, COALESCE(u.name, ''), w.set_at, w.ended_at
		FROM case_watches w LEFT JOIN users u ON u.id = w.set_by AND u.municipality_id = w.municipality_id
		WHERE w.municipality_id = $1 AND w.case_id = $2 ORDER BY w.set_at DESC, w.id DESC`, []any{mid, caseID},
		func(sc scanner) (CaseWatch, error) {
			var w CaseWatch
			var ended sql.NullTime
			err := sc.Scan(&w.ID, &w.CaseID, &w.Reason, &w.Until, &w.SetBy, &w.SetAt, &ended)
			w.SetAt, w.EndedAt = w.SetAt.UTC(), timeOf(ended)
			w.Active = !ended.Valid && w.Until >= day
			return w, err
		})
}

// SaveFutureMeeting records the case's future meeting, replacing one recorded before. It may
// be recorded while the case is active (the meeting is held before the last day) or after it
// closed.
func (s *Store) SaveFutureMeeting(ctx context.Context, caseID int64, m casework.FutureMeeting) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "future_meeting"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := m.Validate(today(tx.now)); err != nil { // after access: refused is refused, whatever was typed
			return err
		}
		if lc.Case.Step.Open() && lc.Case.Step != casework.StepActive {
			return casework.Errorf(casework.EConflict, "closure.not_at_end", "future meeting before the case is active")
		}
		b, err := json.Marshal(m.Handovers)
		if err != nil {
			return casework.Internal(err)
		}
		mid := a.User.MunicipalityID
		if _, err := tx.Exec(`DELETE FROM future_meetings WHERE municipality_id = $1 AND case_id = $2`, mid, caseID); err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`INSERT INTO future_meetings (municipality_id, case_id, held_on, handovers, note, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, mid, caseID, m.HeldOn, string(b), m.Note, a.User.ID, tx.now); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "future_meeting", "", "", "", casework.CatBasic)
	})
}

// SetWatch puts a closed case on the watch list until the end of the day until, for a reason.
// A watch already active on the case is ended: a case has one watch at a time.
func (s *Store) SetWatch(ctx context.Context, caseID int64, reason, until string) (CaseWatch, error) {
	w := casework.Watch{Reason: reason, Until: until}
	var out CaseWatch
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionCreate, Object: "watch"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		if err := w.Validate(today(tx.now)); err != nil {
			return err
		}
		if lc.Case.Step.Open() {
			return casework.Errorf(casework.EConflict, "watch.case_open", "watch on an open case")
		}
		mid := a.User.MunicipalityID
		if _, err := tx.Exec(`UPDATE case_watches SET ended_at = $1 WHERE municipality_id = $2 AND case_id = $3 AND ended_at IS NULL`, tx.now, mid, caseID); err != nil {
			return casework.Internal(err)
		}
		out = CaseWatch{ID: newID(), CaseID: caseID, Reason: w.Reason, Until: w.Until, SetBy: a.User.Name, SetAt: tx.now, Active: true}
		if _, err := tx.Exec(`INSERT INTO case_watches (id, municipality_id, case_id, reason, until_date, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			out.ID, mid, caseID, out.Reason, out.Until, a.User.ID, tx.now); err != nil {
			return casework.Internal(err)
		}
		return tx.addEvent(a, lc.Case, "watch_set", "", "", out.Reason, casework.CatBasic)
	})
	return out, err
}

// EndWatch takes the case off the watch list before the active watch's last day (a case has
// one watch at a time). Without an active watch it is a conflict, not "not found": the case
// is there, its watch is not.
func (s *Store) EndWatch(ctx context.Context, caseID int64) error {
	return s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionUpdate, Object: "watch", Detail: "ended"}, Work: access.WorkEdit}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		res, err := tx.Exec(`UPDATE case_watches SET ended_at = $1 WHERE municipality_id = $2 AND case_id = $3 AND ended_at IS NULL AND until_date >= $4`,
			tx.now, a.User.MunicipalityID, caseID, today(tx.now))
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casework.Errorf(casework.EConflict, "watch.none_active", "no active watch")
		}
		return tx.addEvent(a, lc.Case, "watch_ended", "", "", "", casework.CatBasic)
	})
}

// endWatches ends the case's active watches (reopening: the young person is back in the flow).
func (tx *Tx) endWatches(mid, caseID int64) error {
	if _, err := tx.Exec(`UPDATE case_watches SET ended_at = $1 WHERE municipality_id = $2 AND case_id = $3 AND ended_at IS NULL`, tx.now, mid, caseID); err != nil {
		return casework.Internal(err)
	}
	return nil
}

// watchedSQL restricts a case list to closed cases with an active watch at now.
func watchedSQL(now time.Time, arg func(any) string) string {
	return `c.step IN ('closed', 'followed_up') AND EXISTS (SELECT 1 FROM case_watches w WHERE w.municipality_id = c.municipality_id
		AND w.case_id = c.id AND ` + watchActiveSQL("w", arg(today(now))) + `)`
}

// activeWatches returns the active watch of each case of rows, in one query.
func (tx *Tx) activeWatches(mid int64, rows []CaseRow) (map[int64]CaseWatch, error) {
	out := map[int64]CaseWatch{}
	if len(rows) == 0 {
		return out, nil
	}
	args := []any{mid, today(tx.now)}
	ph := make([]string, len(rows))
	for i, r := range rows {
		args = append(args, r.CaseID)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	rs, err := tx.Query(`SELECT w.id, w.case_id, w.reason, w.until_date, w.set_at FROM case_watches w
		WHERE w.municipality_id = $1 AND `+watchActiveSQL("w", "$2")+` AND w.case_id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var w CaseWatch
		if err := rs.Scan(&w.ID, &w.CaseID, &w.Reason, &w.Until, &w.SetAt); err != nil {
			return nil, casework.Internal(err)
		}
		w.SetAt, w.Active = w.SetAt.UTC(), true
		out[w.CaseID] = w
	}
	return out, rs.Err()
}
