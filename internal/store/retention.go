package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
)

// Retention (gallring, issue 15:1). A run finds what the municipality's rules
// (casework.RetentionRules, its settings) make due, deletes the records physically in one
// transaction, records the run (kinds, counts, rules — no names) and reclaims the space. A run
// never touches an open case or a case under a legal hold. The anonymous statistics survive: a
// case waits until every part of the dashboard release of each half-year it counts in is due
// (releases.go), the run makes those releases before it deletes, and a release, once made,
// never changes. A run that fails rolls back whole and is recorded as failed, with why; one that
// is killed leaves the database as it was and its record says it never finished.

// RetentionCount is what a run found, or deleted, of one kind.
type RetentionCount struct {
	Kind   casework.RecordKind `json:"kind"`
	Period int                 `json:"period"`
	Unit   casework.PeriodUnit `json:"unit"`
	// Count is how many records are due (a dry run) or were deleted.
	Count int `json:"count"`
	// Held are due but under a legal hold; Waiting wait until the dashboard releases of the
	// half-years they count in are all made; Kept are past the period of a kind Lots keeps.
	Held    int `json:"held,omitempty"`
	Waiting int `json:"waiting,omitempty"`
	Kept    int `json:"kept,omitempty"`
}

// RetentionRun is the record of one run.
type RetentionRun struct {
	ID             int64
	MunicipalityID int64
	StartedAt      time.Time
	FinishedAt     time.Time // zero: it never finished (killed) or is running
	StartedBy      string    // "daily", "command", "admin"
	DryRun         bool
	Outcome        string // "running", "done", "failed"
	Error          string
	Counts         []RetentionCount
	// Youths is how many young people's records went with their last case.
	Youths int
	// checkpoint is the access log's new checkpoint, when the run cut the log.
	checkpoint *Checkpoint
}

// Total is how many records the run deleted (or found due).
func (r RetentionRun) Total() int {
	n := r.Youths
	for _, c := range r.Counts {
		n += c.Count
	}
	return n
}

// deletedRecords reports whether the run deleted case data (not only sessions and tokens,
// whose rows secure_delete zeroes and which need no rebuilt file).
func (r RetentionRun) deletedRecords() bool {
	for _, c := range r.Counts {
		if c.Count > 0 && c.Kind != casework.RetSessions && c.Kind != casework.RetAPITokens {
			return true
		}
	}
	return r.Youths > 0
}

// Interrupted reports whether the run started and never finished.
func (r RetentionRun) Interrupted() bool { return r.Outcome == "running" }

// RetentionOptions say how to run.
type RetentionOptions struct {
	DryRun    bool
	StartedBy string // "daily", "command", "admin"
	// Settings, when set, are proposed settings to preview (the administrator's page shows what
	// a change would delete at once); only with DryRun.
	Settings *casework.Settings
	// hook, for tests: called inside the deleting transaction after the cases are deleted.
	hook func()
}

// dueCase is a closed case a rule makes due.
type dueCase struct {
	id, youthID int64
	kind        casework.RecordKind
	opened      time.Time
	last        time.Time // its last entry
}

// retentionPlan is what falls due in one municipality at one moment.
type retentionPlan struct {
	settings casework.Settings
	now      time.Time
	counts   map[casework.RecordKind]*RetentionCount
	cases    []dueCase
	scans    []int64 // files
	minutes  []int64 // meetings
	plans    []int64 // plan versions
	// periods are the half-years the due cases count in.
	periods map[stats.Period]bool
	// audit is where the access log is cut: the entries before it go (auditprune.go).
	audit auditCut
}

func (p *retentionPlan) count(k casework.RecordKind) *RetentionCount {
	if c, ok := p.counts[k]; ok {
		return c
	}
	r, _ := casework.RetentionRuleOf(k)
	c := &RetentionCount{Kind: k, Period: p.settings.RetentionPeriod(k), Unit: r.Unit}
	p.counts[k] = c
	return c
}

func (p *retentionPlan) due(k casework.RecordKind, event time.Time) bool {
	r, _ := casework.RetentionRuleOf(k)
	return r.Due(event, p.now, p.settings.RetentionPeriod(k))
}

func (p *retentionPlan) horizon(k casework.RecordKind) time.Time {
	r, _ := casework.RetentionRuleOf(k)
	return r.Horizon(p.now, p.settings.RetentionPeriod(k))
}

// sortedCounts are the plan's counts in the rules' order, every rule present.
func (p *retentionPlan) sortedCounts() []RetentionCount {
	var out []RetentionCount
	for _, r := range casework.RetentionRules() {
		out = append(out, *p.count(r.Kind))
	}
	return out
}

// holdActive reports whether a legal hold holds at now: not released, and its last day (a
// date, Swedish time) not passed.
func holdActive(until string, released sql.NullTime, now time.Time) bool {
	if released.Valid {
		return false
	}
	return until >= now.In(stats.Stockholm).Format("2006-01-02")
}

// heldCases returns the municipality's cases under an active legal hold.
func (tx *Tx) heldCases(municipalityID int64) (map[int64]bool, error) {
	rows, err := tx.Query(`SELECT case_id, until_date, released_at FROM legal_holds WHERE municipality_id = $1 AND released_at IS NULL`, municipalityID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var until string
		var released sql.NullTime
		if err := rows.Scan(&id, &until, &released); err != nil {
			return nil, casework.Internal(err)
		}
		if holdActive(until, released, tx.now) {
			out[id] = true
		}
	}
	return out, rows.Err()
}

const closedSteps = `('closed', 'followed_up')`

// plan finds what falls due in the municipality at tx's moment under settings.
func (tx *Tx) retentionPlan(municipalityID int64, settings casework.Settings) (*retentionPlan, error) {
	p := &retentionPlan{settings: settings, now: tx.now, counts: map[casework.RecordKind]*RetentionCount{}, periods: map[stats.Period]bool{}}
	held, err := tx.heldCases(municipalityID)
	if err != nil {
		return nil, err
	}
	// Closed cases, with their last entry. Every case kind counts from the last entry, which is
	// never before the closure: the shortest period bounds the query. Setting or releasing a
	// legal hold is not an entry that restarts the clock.
	earliest := p.horizon(casework.RetConcernNotTakenOn)
	for _, k := range []casework.RecordKind{casework.RetCaseNotStarted, casework.RetCaseClosed} {
		if h := p.horizon(k); h.After(earliest) {
			earliest = h
		}
	}
	rows, err := tx.Query(`SELECT c.id, c.youth_id, c.opened_at, c.closed_at, c.taken_on_at, c.decided_start_at, e.at
		FROM cases c LEFT JOIN case_events e ON e.case_id = c.id AND e.seq = (SELECT MAX(x.seq) FROM case_events x
			WHERE x.case_id = c.id AND x.kind NOT IN ('legal_hold', 'legal_hold_released'))
		WHERE c.municipality_id = $1 AND c.step IN `+closedSteps+` AND c.closed_at <= $2`, municipalityID, earliest.UTC())
	if err != nil {
		return nil, casework.Internal(err)
	}
	whole := map[int64]bool{}
	var closed []struct {
		dueCase
		closedAt time.Time
		held     bool
	}
	for rows.Next() {
		var c dueCase
		var closedAt time.Time
		var takenOn, started, last sql.NullTime
		if err := rows.Scan(&c.id, &c.youthID, &c.opened, &closedAt, &takenOn, &started, &last); err != nil {
			rows.Close()
			return nil, casework.Internal(err)
		}
		c.last = closedAt.UTC()
		if last.Valid && last.Time.After(c.last) {
			c.last = last.Time.UTC()
		}
		c.opened = c.opened.UTC()
		c.kind = casework.ClosedCaseKind(takenOn.Valid, started.Valid)
		closed = append(closed, struct {
			dueCase
			closedAt time.Time
			held     bool
		}{c, closedAt.UTC(), held[c.id]})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	for _, c := range closed {
		if !p.due(c.kind, c.last) {
			continue
		}
		if c.held {
			p.count(c.kind).Held++
			continue
		}
		if releasePending(c.last, tx.now) {
			// The statistics it counts in are not all published yet.
			p.count(c.kind).Waiting++
			continue
		}
		p.cases = append(p.cases, c.dueCase)
		whole[c.id] = true
		for q := stats.PeriodOf(c.opened); !stats.PeriodOf(c.last).Before(q); q = q.Next() {
			p.periods[q] = true
		}
	}
	// Parts of closed cases that are not going whole: consent scans, minutes, old plan versions.
	if err := tx.planParts(municipalityID, p, held, whole); err != nil {
		return nil, err
	}
	// Sessions and API tokens are counted (and deleted) by their cut-off alone.
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM sessions WHERE municipality_id = $1 AND expires_at <= $2`,
		municipalityID, p.horizon(casework.RetSessions).UTC()).Scan(&n); err != nil {
		return nil, casework.Internal(err)
	}
	p.count(casework.RetSessions).Count = n
	if err := tx.QueryRow(`SELECT COUNT(*) FROM api_tokens WHERE municipality_id = $1 AND
		((revoked_at IS NOT NULL AND revoked_at <= $2) OR (expires_at IS NOT NULL AND expires_at <= $2))`,
		municipalityID, p.horizon(casework.RetAPITokens).UTC()).Scan(&n); err != nil {
		return nil, casework.Internal(err)
	}
	p.count(casework.RetAPITokens).Count = n
	// The access log: entries past the period go from the front of the log (auditprune.go).
	if err := tx.planAuditPrune(municipalityID, p, held); err != nil {
		return nil, err
	}
	for _, c := range p.cases {
		p.count(c.kind).Count++
	}
	return p, nil
}

// planParts finds the scans, minutes and plan versions due in closed cases not going whole.
func (tx *Tx) planParts(municipalityID int64, p *retentionPlan, held, whole map[int64]bool) error {
	skip := func(caseID int64, k casework.RecordKind) bool {
		if whole[caseID] {
			return true
		}
		if held[caseID] {
			p.count(k).Held++
			return true
		}
		return false
	}
	// Consent scans: a consent's signed form from when the consent ended; a replaced form
	// (no consent points to it any more) from its upload.
	rows, err := tx.Query(`SELECT f.id, f.case_id, f.uploaded_at, co.valid_until, co.withdrawn_at FROM files f
		JOIN cases c ON c.id = f.case_id AND c.municipality_id = f.municipality_id
		LEFT JOIN consents co ON co.evidence_id = f.id AND co.municipality_id = f.municipality_id
		WHERE f.municipality_id = $1 AND f.kind = 'consent_evidence' AND c.step IN `+closedSteps, municipalityID)
	if err != nil {
		return casework.Internal(err)
	}
	type scan struct {
		id, caseID int64
		ended      time.Time
	}
	var scans []scan
	for rows.Next() {
		var s scan
		var uploaded time.Time
		var until, withdrawn sql.NullTime
		if err := rows.Scan(&s.id, &s.caseID, &uploaded, &until, &withdrawn); err != nil {
			rows.Close()
			return casework.Internal(err)
		}
		s.ended = uploaded.UTC()
		if until.Valid {
			s.ended = until.Time.UTC()
			if withdrawn.Valid && withdrawn.Time.Before(s.ended) {
				s.ended = withdrawn.Time.UTC()
			}
		}
		scans = append(scans, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return casework.Internal(err)
	}
	for _, s := range scans {
		if p.due(casework.RetConsentScan, s.ended) && !skip(s.caseID, casework.RetConsentScan) {
			p.scans = append(p.scans, s.id)
			p.count(casework.RetConsentScan).Count++
		}
	}
	// Minutes (and decisions) of the meetings of a closed case, from its closure.
	type part struct {
		id, caseID int64
		closed     time.Time
	}
	parts := func(q string) ([]part, error) {
		return queryAll(context.Background(), tx, q, []any{municipalityID}, func(sc scanner) (part, error) {
			var x part
			err := sc.Scan(&x.id, &x.caseID, &x.closed)
			x.closed = x.closed.UTC()
			return x, err
		})
	}
	meetings, err := parts(`SELECT m.id, m.case_id, c.closed_at FROM meetings m JOIN cases c ON c.id = m.case_id AND c.municipality_id = m.municipality_id
		WHERE m.municipality_id = $1 AND c.step IN ` + closedSteps + ` AND (m.minutes_text <> ''
		OR EXISTS (SELECT 1 FROM meeting_decisions d WHERE d.meeting_id = m.id AND d.text <> ''))`)
	if err != nil {
		return err
	}
	for _, m := range meetings {
		if p.due(casework.RetMeetingMinutes, m.closed) && !skip(m.caseID, casework.RetMeetingMinutes) {
			p.minutes = append(p.minutes, m.id)
			p.count(casework.RetMeetingMinutes).Count++
		}
	}
	// Superseded plan versions: every version but the last.
	versions, err := parts(`SELECT v.id, v.case_id, c.closed_at FROM plan_versions v JOIN cases c ON c.id = v.case_id AND c.municipality_id = v.municipality_id
		WHERE v.municipality_id = $1 AND c.step IN ` + closedSteps + ` AND v.version < (SELECT MAX(x.version) FROM plan_versions x WHERE x.case_id = v.case_id)`)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if p.due(casework.RetPlanVersions, v.closed) && !skip(v.caseID, casework.RetPlanVersions) {
			p.plans = append(p.plans, v.id)
			p.count(casework.RetPlanVersions).Count++
		}
	}
	return nil
}

// RetentionPreview shows what falls due now in the actor's municipality (an administrator), under
// the stored settings or, with proposed, under settings not yet saved: the page asks before a
// change that would delete records at once. Nothing is deleted; the preview is audited.
func (s *Store) RetentionPreview(ctx context.Context, proposed *casework.Settings) (RetentionRun, error) {
	w := What{Action: audit.ActionRead, Object: "retention", Detail: "preview"}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return RetentionRun{}, err
	}
	var run RetentionRun
	err = s.view(ctx, func(tx *Tx) error {
		settings, err := tx.settings(a.User.MunicipalityID)
		if err != nil {
			return err
		}
		if proposed != nil {
			settings = *proposed
		}
		p, err := tx.retentionPlan(a.User.MunicipalityID, settings)
		if err != nil {
			return err
		}
		run = RetentionRun{MunicipalityID: a.User.MunicipalityID, StartedAt: tx.now, DryRun: true, Outcome: "done", Counts: p.sortedCounts()}
		return nil
	})
	if err != nil {
		return run, err
	}
	return run, s.update(ctx, func(tx *Tx) error { return tx.audit(a, w, d) })
}

// RunRetention runs retention in the actor's municipality: an administrator ("run now"), or the
// system actor of `lots retention run` and the daily job. With DryRun it only records what is
// due.
func (s *Store) RunRetention(ctx context.Context, opt RetentionOptions) (RetentionRun, error) {
	w := What{Action: audit.ActionDelete, Object: "retention_run"}
	if opt.DryRun {
		w.Action = audit.ActionRead
	}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return RetentionRun{}, err
	}
	if opt.Settings != nil && !opt.DryRun {
		return RetentionRun{}, casework.Internal(errors.New("retention: proposed settings are for a preview"))
	}
	if opt.StartedBy == "" {
		opt.StartedBy = "command"
	}
	return s.runRetention(ctx, a, d, w, opt)
}

func (s *Store) runRetention(ctx context.Context, a casework.Actor, d access.Decision, w What, opt RetentionOptions) (RetentionRun, error) {
	mid := a.User.MunicipalityID
	run := RetentionRun{ID: newID(), MunicipalityID: mid, StartedBy: opt.StartedBy, DryRun: opt.DryRun, Outcome: "running"}
	// The run is on record before it starts: a run that is killed leaves "running" behind.
	if err := s.update(ctx, func(tx *Tx) error {
		run.StartedAt = tx.now
		_, err := tx.Exec(`INSERT INTO retention_runs (id, municipality_id, started_at, started_by, dry_run, outcome) VALUES ($1, $2, $3, $4, $5, 'running')`,
			run.ID, mid, tx.now, run.StartedBy, run.DryRun)
		if err != nil {
			return casework.Internal(err)
		}
		return nil
	}); err != nil {
		return run, err
	}
	err := s.retentionWork(ctx, a, d, w, opt, &run)
	if err != nil {
		run.Outcome, run.Error = "failed", retentionFailure(err)
		if ferr := s.update(ctx, func(tx *Tx) error {
			run.FinishedAt = tx.now
			if _, err := tx.Exec(`UPDATE retention_runs SET outcome = 'failed', error = $1, finished_at = $2 WHERE id = $3`, run.Error, tx.now, run.ID); err != nil {
				return casework.Internal(err)
			}
			w.Detail = "failed: " + run.Error
			return tx.audit(a, w, d)
		}); ferr != nil {
			s.log.Error("recording a failed retention run", "err", ferr)
		}
		return run, err
	}
	if !opt.DryRun && run.deletedRecords() {
		if err := s.reclaim(ctx); err != nil {
			// The deletion is committed; the space is reclaimed by the next run.
			s.log.Warn("retention: reclaiming space", "err", err)
		}
	}
	return run, nil
}

// retentionFailure says why a run failed, without personal data: the error's code and the
// message of our own errors; an internal error's detail goes to the server log only.
func retentionFailure(err error) string {
	ce := casework.AsError(err)
	if ce != nil && ce.Code != casework.EInternal {
		return string(ce.Code) + ": " + ce.Key
	}
	msg := err.Error()
	if ce != nil && ce.Err != nil {
		msg = ce.Err.Error() // what failed, not the wrapper's own words
	}
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return "internal: " + msg
}

// releasePending reports whether the last part of the dashboard release of the half-year of t
// (the follow-up a year after it) is not yet due: a case whose last entry is t waits for it.
// Every earlier half-year the case counts in is due sooner.
func releasePending(t, now time.Time) bool {
	return stats.DueAt(stats.PeriodOf(t), stats.Parts[len(stats.Parts)-1]).After(now)
}

// retentionWork makes the statistics releases and deletes what is due, in one transaction.
func (s *Store) retentionWork(ctx context.Context, a casework.Actor, d access.Decision, w What, opt RetentionOptions, run *RetentionRun) error {
	mid := run.MunicipalityID
	// First the dashboard releases of every half-year the due cases count in, while their
	// records still exist (normally housekeeping made them long ago).
	var periods []stats.Period
	if !opt.DryRun {
		err := s.view(ctx, func(tx *Tx) error {
			settings, err := tx.settings(mid)
			if err != nil {
				return err
			}
			p, err := tx.retentionPlan(mid, settings)
			if err != nil {
				return err
			}
			for q := range p.periods {
				periods = append(periods, q)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sort.Slice(periods, func(i, j int) bool { return periods[i].Before(periods[j]) })
		for _, q := range periods {
			if _, err := s.release(ctx, mid, q); err != nil {
				return fmt.Errorf("the statistics of %s: %w", q, err)
			}
			// The avoided-cost report too (economics_frozen.go): frozen later, it would be
			// computed from what this run deletes.
			if _, _, err := s.frozenEconomics(ctx, mid, q); err != nil {
				return fmt.Errorf("the avoided-cost report of %s: %w", q, err)
			}
		}
	}
	return s.update(ctx, func(tx *Tx) error {
		if s.dialect == Postgres {
			// One run at a time per municipality: a second waits, then finds nothing left to do.
			if _, err := tx.Exec(`SELECT pg_advisory_xact_lock(7415, $1)`, mid%(1<<31)); err != nil {
				return casework.Internal(err)
			}
		}
		settings, err := tx.settings(mid)
		if err != nil {
			return err
		}
		p, err := tx.retentionPlan(mid, settings)
		if err != nil {
			return err
		}
		if !opt.DryRun {
			released, err := tx.releasedPeriods(mid)
			if err != nil {
				return err
			}
			if err := tx.deletePlan(p, released, run, opt.hook); err != nil {
				return err
			}
		}
		run.Counts, run.Outcome, run.FinishedAt = p.sortedCounts(), "done", tx.now
		counts, err := json.Marshal(struct {
			Counts []RetentionCount `json:"counts"`
			Youths int              `json:"youths"`
		}{run.Counts, run.Youths})
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`UPDATE retention_runs SET outcome = 'done', finished_at = $1, counts = $2 WHERE id = $3`, tx.now, string(counts), run.ID); err != nil {
			return casework.Internal(err)
		}
		w.ObjectID, w.Detail = run.ID, retentionDetail(*run)
		return tx.audit(a, w, d)
	})
}

// retentionDetail sums a run up for its audit entry: kinds and counts, no names.
func retentionDetail(r RetentionRun) string {
	var parts []string
	for _, c := range r.Counts {
		if c.Count > 0 || c.Held > 0 || c.Waiting > 0 {
			parts = append(parts, fmt.Sprintf("%s %d (%d %s; held %d, waiting %d)", c.Kind, c.Count, c.Period, c.Unit, c.Held, c.Waiting))
		}
	}
	if r.Youths > 0 {
		parts = append(parts, fmt.Sprintf("youth records %d", r.Youths))
	}
	if r.checkpoint != nil {
		parts = append(parts, checkpointDetail(*r.checkpoint))
	}
	s := "retention"
	if r.DryRun {
		s += " dry run"
	}
	if len(parts) == 0 {
		return s + ": nothing due"
	}
	return s + ": " + strings.Join(parts, ", ")
}

// RetentionRuns lists the municipality's runs, newest first (the administrator's page).
func (s *Store) RetentionRuns(ctx context.Context, limit int) ([]RetentionRun, error) {
	a, _, err := s.permit(ctx, access.ManageOrganisation, What{Action: audit.ActionList, Object: "retention_run"})
	if err != nil {
		return nil, err
	}
	return s.retentionRuns(ctx, a.User.MunicipalityID, limit)
}

func (s *Store) retentionRuns(ctx context.Context, municipalityID int64, limit int) ([]RetentionRun, error) {
	var out []RetentionRun
	err := s.view(ctx, func(tx *Tx) error {
		var err error
		out, err = queryAll(ctx, tx, fmt.Sprintf(`SELECT id, municipality_id, started_at, finished_at, started_by, dry_run, outcome, error, counts
			FROM retention_runs WHERE municipality_id = $1 ORDER BY started_at DESC, id LIMIT %d`, max(limit, 1)), []any{municipalityID},
			func(sc scanner) (RetentionRun, error) {
				var r RetentionRun
				var finished sql.NullTime
				var counts string
				if err := sc.Scan(&r.ID, &r.MunicipalityID, &r.StartedAt, &finished, &r.StartedBy, &r.DryRun, &r.Outcome, &r.Error, &counts); err != nil {
					return r, err
				}
				r.StartedAt, r.FinishedAt = r.StartedAt.UTC(), timeOf(finished)
				var c struct {
					Counts []RetentionCount `json:"counts"`
					Youths int              `json:"youths"`
				}
				if err := json.Unmarshal([]byte(counts), &c); err == nil {
					r.Counts, r.Youths = c.Counts, c.Youths
				}
				return r, nil
			})
		return err
	})
	return out, err
}

// RetentionDue reports whether the daily job should run in the municipality now: its last run
// (not a dry run) started a day ago or more, or never; one that failed or never finished is
// tried again after an hour.
func (s *Store) RetentionDue(ctx context.Context, municipalityID int64) (bool, error) {
	var t time.Time
	var outcome string
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT started_at, outcome FROM retention_runs WHERE municipality_id = $1 AND dry_run = FALSE
		ORDER BY started_at DESC LIMIT 1`, municipalityID).Scan(&t, &outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, casework.Internal(err)
	}
	since := s.now().Sub(t)
	return since >= 24*time.Hour || (outcome != "done" && since >= time.Hour), nil
}

// SetRetention stores the municipality's retention periods (an administrator), each within its
// rule's bounds; kinds left out keep their default. Only the periods change: the rest of the
// settings is read and written in the same transaction.
func (s *Store) SetRetention(ctx context.Context, periods map[casework.RecordKind]int) error {
	w := What{Action: audit.ActionUpdate, Object: "settings", Detail: "retention"}
	a, d, err := s.permit(ctx, access.ManageOrganisation, w)
	if err != nil {
		return err
	}
	if err := casework.ValidateRetention(periods); err != nil {
		return err
	}
	return s.update(ctx, func(tx *Tx) error {
		var raw string
		if err := tx.QueryRow(`SELECT settings FROM municipalities WHERE id = $1`+s.forUpdate(), a.User.MunicipalityID).Scan(&raw); err != nil {
			return casework.Internal(err)
		}
		var st map[string]any
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return casework.Internal(err)
		}
		if st == nil {
			st = map[string]any{}
		}
		st["retention"] = periods
		b, err := json.Marshal(st)
		if err != nil {
			return casework.Internal(err)
		}
		if _, err := tx.Exec(`UPDATE municipalities SET settings = $1 WHERE id = $2`, string(b), a.User.MunicipalityID); err != nil {
			return casework.Internal(err)
		}
		w.ObjectID = a.User.MunicipalityID
		for _, r := range casework.RetentionRules() {
			if v, ok := periods[r.Kind]; ok {
				w.Detail += fmt.Sprintf(" %s=%d", r.Kind, v)
			}
		}
		return tx.audit(a, w, d)
	})
}
