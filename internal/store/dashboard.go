package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
)

// The municipality's follow-up dashboard. Aggregates are allowed by the role-level permission
// ViewAggregates, not by per-case access: the queries below count in SQL across the
// municipality's cases and hand only counts and sums to package stats, which suppresses small
// cells before anything is returned. No row about one young person leaves this file.

// DashboardQuery says which period is wanted and why (for the audit entry).
type DashboardQuery struct {
	Period   stats.Period
	District int64  // the view shown (stats.All or a district), recorded in the audit entry
	Export   string // "" when viewed; "csv", "xlsx" or "json" when exported
}

// Dashboard returns the release of a half-year for the actor's municipality (see
// releases.go), every figure suppressed, and records an aggregate read in the audit log (no
// young person named). A half-year whose release is not due yet is not found.
func (s *Store) Dashboard(ctx context.Context, q DashboardQuery) (*stats.Dashboard, error) {
	d, _, err := s.DashboardWithPrevious(ctx, q, stats.Period{})
	return d, err
}

// DashboardWithPrevious is Dashboard with the release of an earlier published half-year
// beside it (prev; zero: none), read in the same request with one access decision and one
// audit entry — the key figures compare the two (issue 17:5). Both are published releases,
// every figure already suppressed.
func (s *Store) DashboardWithPrevious(ctx context.Context, q DashboardQuery, prev stats.Period) (*stats.Dashboard, *stats.Dashboard, error) {
	w := What{Action: audit.ActionList, Object: "dashboard", Detail: dashboardDetail(q)}
	if q.Export != "" {
		w.Action = audit.ActionExport
	}
	if !prev.IsZero() {
		w.Detail += " previous " + prev.String()
	}
	a, d, err := s.permit(ctx, access.ViewAggregates, w)
	if err != nil {
		return nil, nil, err
	}
	dash, err := s.release(onReplica(ctx), a.User.MunicipalityID, q.Period)
	if err != nil {
		return nil, nil, err
	}
	var before *stats.Dashboard
	if !prev.IsZero() {
		if before, err = s.release(onReplica(ctx), a.User.MunicipalityID, prev); err != nil {
			return nil, nil, err
		}
	}
	if err := s.auditRead(ctx, a, w, d); err != nil {
		return nil, nil, err
	}
	return dash, before, nil
}

func dashboardDetail(q DashboardQuery) string {
	s := "period " + q.Period.String()
	if q.District != stats.All {
		s += " district " + strconv.FormatInt(q.District, 10)
	}
	if q.Export != "" {
		s += " export " + q.Export
	}
	return s
}

// DashboardPeriods returns the half-years a municipality's dashboard publishes: from its
// first case (at most ten years back) to the last half-year over for a month, newest first.
// The half-year running now is not published (stats/release.go).
func (s *Store) DashboardPeriods(ctx context.Context) ([]stats.Period, error) {
	a, _, err := s.permit(ctx, access.ViewAggregates, What{Action: audit.ActionList, Object: "dashboard", Detail: "periods"})
	if err != nil {
		return nil, err
	}
	return s.publishedPeriods(onReplica(ctx), a.User.MunicipalityID)
}

// dashboard counts a municipality's figures for a half-year that is over, as they stand at
// its end, and builds them, protected together with the release before (prev, nil when
// none). It reads only; the caller stores the release.
func (s *Store) dashboard(ctx context.Context, municipalityID int64, p stats.Period, prev *stats.Dashboard) (*stats.Dashboard, error) {
	var dash *stats.Dashboard
	err := s.view(ctx, func(tx *Tx) error {
		settings, err := tx.settings(municipalityID)
		if err != nil {
			return err
		}
		end := p.End().UTC()
		raw := stats.NewRaw(p, end)
		raw.Deadlines = trackDeadlines(settings)
		raw.Previous = prev
		c := &counter{tx: tx, raw: raw, mid: municipalityID, from: p.Start().UTC(), to: end, now: end}
		steps := []func() error{c.districts, c.openNow, c.waiting, c.opened, c.started, c.closed, c.reopened, c.withdrawn,
			c.times, c.deadlines, c.pairs, c.irk, c.goals, c.needs}
		if prev != nil {
			steps = append(steps, c.previousOpen)
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		dash = stats.Build(raw)
		return nil
	})
	return dash, err
}

// trackDeadlines are the days the deadline figures rest on: SIG's, and SSPF's beside them.
func trackDeadlines(settings casework.Settings) stats.Deadlines {
	of := func(t casework.TrackSettings) stats.Deadlines {
		return stats.Deadlines{Assessment: t.AssessmentWithinDays, Group: t.GroupWithinDays, Plan: t.ActionPlanWithinDays}
	}
	d, sspf := of(settings.Track(casework.ProgramSIG)), of(settings.Track(casework.ProgramSSPF))
	d.SSPF = &sspf
	return d
}

// counter runs the dashboard's queries inside one read transaction.
type counter struct {
	tx       *Tx
	raw      *stats.Raw
	mid      int64
	from, to time.Time // the period, UTC
	now      time.Time // the moment the "open" figures are counted at: the period's end
}

// caseFrom is the FROM clause every query counts from: the municipality's cases with their
// young person (merged records left out), the district as the slice.
const caseFrom = ` FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
	WHERE c.municipality_id = $1 AND y.merged_into IS NULL`

const sliceCol = `COALESCE(y.district_id, 0)`

// q runs a query whose first argument is the municipality and scans every row.
func (c *counter) q(query string, args []any, scan func(sc scanner) error) error {
	rows, err := c.tx.Query(query, append([]any{c.mid}, args...)...)
	if err != nil {
		return casework.Internal(fmt.Errorf("dashboard: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return casework.Internal(fmt.Errorf("dashboard: %w", err))
		}
	}
	if err := rows.Err(); err != nil {
		return casework.Internal(fmt.Errorf("dashboard: %w", err))
	}
	return nil
}

// days is the SQL for the days from a to b (fractional).
func (c *counter) days(a, b string) string {
	if c.tx.store.dialect == Postgres {
		return `(EXTRACT(EPOCH FROM (` + b + ` - ` + a + `)) / 86400.0)`
	}
	return `(julianday(substr(` + b + `, 1, 19)) - julianday(substr(` + a + `, 1, 19)))`
}

// wholeDays is days rounded down, for histograms.
func (c *counter) wholeDays(a, b string) string {
	if c.tx.store.dialect == Postgres {
		return `CAST(FLOOR(` + c.days(a, b) + `) AS BIGINT)`
	}
	return `CAST(` + c.days(a, b) + ` AS INTEGER)`
}

// month is the SQL for the month (0–5) of the period a time falls in; args continue from n.
func (c *counter) month(col string, n int) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("CASE")
	for i, m := range c.raw.Period.Months()[1:] {
		args = append(args, m.UTC())
		fmt.Fprintf(&b, " WHEN %s < $%d THEN %d", col, n+i, i)
	}
	b.WriteString(" ELSE 5 END")
	return b.String(), args
}

// ageBand is the SQL for the age band at t; args continue from n.
func ageBand(t time.Time, n int) (string, []any) {
	t = t.In(stats.Stockholm)
	var args []any
	var b strings.Builder
	b.WriteString(`CASE WHEN y.birth_date < '1000-01-01' THEN 'unknown'`)
	for i, lim := range []struct {
		age  int
		band string
	}{{13, "0-12"}, {16, "13-15"}, {18, "16-17"}, {21, "18-20"}, {26, "21-25"}} {
		args = append(args, t.AddDate(-lim.age, 0, 0).Format(time.DateOnly))
		fmt.Fprintf(&b, ` WHEN y.birth_date > $%d THEN '%s'`, n+i, lim.band)
	}
	b.WriteString(` ELSE '26-' END`)
	return b.String(), args
}

// districts lists the slices: the districts that have young people, and "none" when some have
// no district. A district without any has no figures to protect.
func (c *counter) districts() error {
	names := map[int64]string{}
	if err := c.q(`SELECT id, name FROM districts WHERE municipality_id = $1`, nil, func(sc scanner) error {
		var id int64
		var name string
		err := sc.Scan(&id, &name)
		names[id] = name
		return err
	}); err != nil {
		return err
	}
	var ids []int64
	if err := c.q(`SELECT d.id FROM districts d WHERE d.municipality_id = $1
		AND EXISTS (SELECT 1 FROM youths y WHERE y.municipality_id = $1 AND y.district_id = d.id AND y.merged_into IS NULL)
		UNION ALL SELECT 0 WHERE EXISTS (SELECT 1 FROM youths y WHERE y.municipality_id = $1 AND y.district_id IS NULL AND y.merged_into IS NULL)`,
		nil, func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			ids = append(ids, id)
			return err
		}); err != nil {
		return err
	}
	var out []stats.Named
	hasNone := false
	for _, id := range ids {
		if id == stats.NoDistrict {
			hasNone = true
			continue
		}
		out = append(out, stats.Named{ID: id, Name: names[id]})
	}
	sortNamed(out)
	if hasNone {
		out = append(out, stats.Named{ID: stats.NoDistrict})
	}
	c.raw.Districts = out
	return nil
}

// openAt is the condition "open at $2": opened before, not closed before — neither now
// (closed_at) nor then, by a closure a later reopening undid (case_reopenings: closed from
// closed_at until reopened_at).
const openAt = ` AND c.opened_at < $2 AND (c.closed_at IS NULL OR c.closed_at >= $2)
	AND NOT EXISTS (SELECT 1 FROM case_reopenings o WHERE o.case_id = c.id AND o.closed_at < $2 AND o.reopened_at >= $2)`

// stepAt is the SQL for a case's step at $2: its step when it has been in it since before,
// else the step it left by its first move after (the case's events), else the first step.
const stepAt = `CASE WHEN c.step_since < $2 THEN c.step ELSE COALESCE((SELECT e.from_step FROM case_events e
	WHERE e.case_id = c.id AND e.to_step <> '' AND e.from_step <> '' AND e.at >= $2 ORDER BY e.at, e.seq LIMIT 1), 'identified') END`

// programAt is the SQL for a case's track at the moment in parameter param: SSPF when it moved
// on to SIG at or after that moment (the to_sig event), else its track now. A closed case
// never changes track, so its track now is its track at closure.
func programAt(param string) string {
	return `CASE WHEN c.program = 'sig' AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'to_sig' AND e.at >= ` +
		param + `) THEN 'sspf' ELSE c.program END`
}

// openStep maps a step to an open step: a step at the period's end that the history gives as
// closed (a record without its events) counts as the first.
func openStep(step string) string {
	if casework.Step(step).Open() {
		return step
	}
	return string(casework.StepIdentified)
}

// openNow counts the cases open at the period's end by step, coordinator, age band and gender.
func (c *counter) openNow() error {
	band, args := ageBand(c.now, 3)
	coords := map[int64]string{}
	err := c.q(`SELECT `+sliceCol+`, `+stepAt+`, COALESCE(s.user_id, 0), COALESCE(u.name, ''), `+band+`, y.gender, `+programAt("$2")+`, COUNT(*)
		FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		LEFT JOIN case_staff s ON s.case_id = c.id AND s.role = 'coordinator' AND s.since < $2
		LEFT JOIN users u ON u.id = s.user_id
		WHERE c.municipality_id = $1 AND y.merged_into IS NULL`+openAt+`
		GROUP BY 1, 2, 3, 4, 5, 6, 7`, append([]any{c.now}, args...), func(sc scanner) error {
		var slice, coord int64
		var step, name, ageBand, gender, program string
		var n int
		if err := sc.Scan(&slice, &step, &coord, &name, &ageBand, &gender, &program, &n); err != nil {
			return err
		}
		c.raw.AddProgram(slice, program, stats.ColOpen, n)
		step = openStep(step)
		c.raw.AddStep(slice, step, n)
		c.raw.AddCaseload(slice, coord, n)
		c.raw.AddAge(slice, ageBand, stats.ColOpen, n)
		c.raw.AddGender(slice, gender, stats.ColOpen, n)
		if coord != 0 {
			coords[coord] = name
		}
		return nil
	})
	if err != nil {
		return err
	}
	for id, name := range coords {
		c.raw.Coordinators = append(c.raw.Coordinators, stats.Named{ID: id, Name: name})
	}
	sortNamed(c.raw.Coordinators)
	return nil
}

// waiting counts how long the cases identified at the period's end had waited for the
// preparatory group by then.
func (c *counter) waiting() error {
	now := "$2"
	if c.tx.store.dialect == Postgres {
		now = "CAST($2 AS TIMESTAMPTZ)"
	}
	return c.q(`SELECT `+sliceCol+`, `+stepAt+`, `+c.wholeDays("c.opened_at", now)+`, COUNT(*)`+caseFrom+openAt+` GROUP BY 1, 2, 3`,
		[]any{c.now}, func(sc scanner) error {
			var slice int64
			var step string
			var days, n int
			err := sc.Scan(&slice, &step, &days, &n)
			if openStep(step) == string(casework.StepIdentified) {
				c.raw.AddWaiting(slice, days, n)
			}
			return err
		})
}

// previousOpen counts the cases open at the end of the period before by gender, as the data
// stands now, to check the previous release's figures still hold (stats.Raw.Previous).
func (c *counter) previousOpen() error {
	return c.q(`SELECT `+sliceCol+`, y.gender, COUNT(*)`+caseFrom+openAt+` GROUP BY 1, 2`, []any{c.from}, func(sc scanner) error {
		var slice int64
		var gender string
		var n int
		err := sc.Scan(&slice, &gender, &n)
		c.raw.AddPreviousOpen(slice, gender, n)
		return err
	})
}

// opened counts the cases opened in the period by month, age band and gender.
func (c *counter) opened() error {
	month, margs := c.month("c.opened_at", 4)
	band, bargs := ageBand(c.to.Add(-time.Second), 4+len(margs))
	return c.q(`SELECT `+sliceCol+`, `+month+`, `+band+`, y.gender, `+programAt("$3")+`, COUNT(*)`+caseFrom+`
		AND c.opened_at >= $2 AND c.opened_at < $3 GROUP BY 1, 2, 3, 4, 5`, append(append([]any{c.from, c.to}, margs...), bargs...), func(sc scanner) error {
		var slice int64
		var m, n int
		var ageBand, gender, program string
		if err := sc.Scan(&slice, &m, &ageBand, &gender, &program, &n); err != nil {
			return err
		}
		c.raw.AddProgram(slice, program, stats.ColOpened, n)
		c.raw.AddFlow(slice, "opened", m, n)
		c.raw.AddAge(slice, ageBand, stats.ColOpened, n)
		c.raw.AddGender(slice, gender, stats.ColOpened, n)
		return nil
	})
}

// started counts the decisions to start SIG in the period by month; they are also the cases
// proposed for consent, and whether a consent was signed for them.
func (c *counter) started() error {
	month, margs := c.month("c.decided_start_at", 4)
	return c.q(`SELECT `+sliceCol+`, `+month+`,
		CASE WHEN EXISTS (SELECT 1 FROM consents k WHERE k.municipality_id = c.municipality_id AND k.case_id = c.id AND k.signed_at IS NOT NULL) THEN 1 ELSE 0 END,
		COUNT(*)`+caseFrom+` AND c.decided_start_at >= $2 AND c.decided_start_at < $3 GROUP BY 1, 2, 3`,
		append([]any{c.from, c.to}, margs...), func(sc scanner) error {
			var slice int64
			var m, signed, n int
			if err := sc.Scan(&slice, &m, &signed, &n); err != nil {
				return err
			}
			c.raw.AddFlow(slice, "started", m, n)
			c.raw.AddConsent(slice, "proposed", n)
			if signed == 1 {
				c.raw.AddConsent(slice, "consented", n)
			}
			return nil
		})
}

// closed counts the cases closed in the period by month, reason, whether SIG had started, age
// band and gender. A closure a later reopening undid still counts in its own period (its
// reason, start and track kept in case_reopenings); a case closed more than once in the period
// counts once, by its last closure there.
func (c *counter) closed() error {
	month, margs := c.month("x.at", 4)
	band, bargs := ageBand(c.to.Add(-time.Second), 4+len(margs))
	return c.q(`SELECT `+sliceCol+`, `+month+`, x.reason, x.started, `+band+`, y.gender, x.program, COUNT(*)
		FROM (SELECT c.youth_id, c.closed_at AS at, c.closure_reason AS reason,
				CASE WHEN c.decided_start_at IS NULL THEN 0 ELSE 1 END AS started, c.program AS program
			FROM cases c WHERE c.municipality_id = $1 AND c.closed_at >= $2 AND c.closed_at < $3
			UNION ALL
			SELECT c.youth_id, o.closed_at, o.closure_reason, CASE WHEN o.started THEN 1 ELSE 0 END, o.program
			FROM case_reopenings o JOIN cases c ON c.id = o.case_id AND c.municipality_id = o.municipality_id
			WHERE o.municipality_id = $1 AND o.closed_at >= $2 AND o.closed_at < $3
				AND NOT (c.closed_at IS NOT NULL AND c.closed_at >= $2 AND c.closed_at < $3)
				AND NOT EXISTS (SELECT 1 FROM case_reopenings o2 WHERE o2.case_id = o.case_id AND o2.closed_at > o.closed_at AND o2.closed_at < $3)) x
		JOIN youths y ON y.id = x.youth_id AND y.municipality_id = $1
		WHERE y.merged_into IS NULL
		GROUP BY 1, 2, 3, 4, 5, 6, 7`, append(append([]any{c.from, c.to}, margs...), bargs...), func(sc scanner) error {
		var slice int64
		var m, started, n int
		var reason, ageBand, gender, program string
		if err := sc.Scan(&slice, &m, &reason, &started, &ageBand, &gender, &program, &n); err != nil {
			return err
		}
		c.raw.AddProgram(slice, program, stats.ColClosed, n)
		c.raw.AddFlow(slice, "closed", m, n)
		c.raw.AddClosure(slice, reason, started == 1, n)
		c.raw.AddAge(slice, ageBand, stats.ColClosed, n)
		c.raw.AddGender(slice, gender, stats.ColClosed, n)
		return nil
	})
}

// reopened counts the reopenings in the period by month: closed cases opened again because
// the young person came back (the reopen events).
func (c *counter) reopened() error {
	month, margs := c.month("e.at", 4)
	return c.q(`SELECT `+sliceCol+`, `+month+`, COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id AND c.municipality_id = e.municipality_id
		JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		WHERE e.municipality_id = $1 AND e.kind = 'reopen' AND e.at >= $2 AND e.at < $3 AND y.merged_into IS NULL
		GROUP BY 1, 2`, append([]any{c.from, c.to}, margs...), func(sc scanner) error {
		var slice int64
		var m, n int
		if err := sc.Scan(&slice, &m, &n); err != nil {
			return err
		}
		c.raw.AddFlow(slice, "reopened", m, n)
		return nil
	})
}

// withdrawn counts the cases with a consent withdrawn in the period.
func (c *counter) withdrawn() error {
	return c.q(`SELECT `+sliceCol+`, COUNT(DISTINCT c.id) FROM consents k JOIN cases c ON c.id = k.case_id JOIN youths y ON y.id = c.youth_id
		WHERE k.municipality_id = $1 AND c.municipality_id = $1 AND y.merged_into IS NULL AND k.withdrawn_at >= $2 AND k.withdrawn_at < $3
		GROUP BY 1`, []any{c.from, c.to}, func(sc scanner) error {
		var slice int64
		var n int
		err := sc.Scan(&slice, &n)
		c.raw.AddConsent(slice, "withdrawn", n)
		return err
	})
}

// times makes histograms of the days from the concern to the decision, the first group
// meeting and the action plan, for the cases that reached each in the period.
func (c *counter) times() error {
	for _, m := range []struct{ measure, col string }{
		{"concern_to_decision", "c.decided_start_at"}, {"concern_to_group", "c.group_convened_at"}, {"concern_to_plan", "c.plan_set_at"},
	} {
		err := c.q(`SELECT `+sliceCol+`, `+c.wholeDays("c.opened_at", m.col)+`, COUNT(*)`+caseFrom+`
			AND `+m.col+` >= $2 AND `+m.col+` < $3 GROUP BY 1, 2`, []any{c.from, c.to}, func(sc scanner) error {
			var slice int64
			var days, n int
			err := sc.Scan(&slice, &days, &n)
			c.raw.AddTime(slice, m.measure, days, n)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// deadlines counts the deadlines that fell due in the period (and have passed): met in time,
// or late. A case closed before its deadline without reaching the milestone is left out, as
// casework.Deadlines leaves such a deadline out. Each case is measured against its own track's
// deadlines (casework.Settings.Track) — the track it had at the period's end, as the case page
// showed it then — so the days differ per track and each track is counted with its own.
func (c *counter) deadlines() error {
	end := c.to
	if c.now.Before(end) {
		end = c.now
	}
	for _, p := range []casework.Program{casework.ProgramSIG, casework.ProgramSSPF} {
		days := c.raw.Deadlines
		if p == casework.ProgramSSPF {
			if days.SSPF == nil {
				continue
			}
			days = *days.SSPF
		}
		for _, d := range []struct {
			name, start, met string
			days             int
		}{
			{"assessment", "c.taken_on_at", "c.assessment_done_at", days.Assessment},
			{"group", "c.decided_start_at", "c.group_convened_at", days.Group},
			{"plan", "c.decided_start_at", "c.plan_set_at", days.Plan},
		} {
			span := time.Duration(d.days) * 24 * time.Hour
			from, to := c.from.Add(-span), end.Add(-span)
			if !to.After(from) {
				continue
			}
			err := c.q(`SELECT `+sliceCol+`, CASE
				WHEN `+d.met+` IS NOT NULL AND `+c.days(d.start, d.met)+` <= $4 THEN 1
				WHEN `+d.met+` IS NULL AND c.closed_at IS NOT NULL AND `+c.days(d.start, "c.closed_at")+` <= $4 THEN 2
				ELSE 0 END, COUNT(*)`+caseFrom+` AND `+d.start+` >= $2 AND `+d.start+` < $3 AND `+programAt("$5")+` = $6 GROUP BY 1, 2`,
				[]any{from, to, d.days, c.to, string(p)}, func(sc scanner) error {
					var slice int64
					var state, n int
					if err := sc.Scan(&slice, &state, &n); err != nil {
						return err
					}
					if state != 2 {
						c.raw.AddDeadline(slice, d.name, state == 1, n)
					}
					return nil
				})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// cohort restricts to the cases whose outcomes the period shows: SIG started, closed in the
// period. Arguments $2 and $3 are the period.
const cohort = ` AND c.decided_start_at IS NOT NULL AND c.closed_at >= $2 AND c.closed_at < $3`

// closedCohort is the dashboard's cohort: cohort, and the cases whose started work closed in
// the period though a later reopening undid the closure (case_reopenings), so a return does
// not take a young person out of the half-year they were closed in.
const closedCohort = ` AND ((c.decided_start_at IS NOT NULL AND c.closed_at >= $2 AND c.closed_at < $3)
	OR EXISTS (SELECT 1 FROM case_reopenings o WHERE o.case_id = c.id AND o.started = TRUE AND o.closed_at >= $2 AND o.closed_at < $3))`

// pairJoin joins a case's intake values (pa, va) with its values of the same indicator at a
// later time point (pb, vb).
//
// Only the case is filtered on the municipality: the rows joined to it belong to it by their
// composite foreign keys, and leaving the redundant conditions out keeps both engines' planners
// starting from the few cases of the period instead of every point of the municipality.
const pairJoin = ` FROM cases c JOIN youths y ON y.id = c.youth_id
	JOIN indicator_points pa ON pa.case_id = c.id AND pa.time_point = 'intake' AND pa.occasion = ''
	JOIN indicator_values va ON va.point_id = pa.id AND va.known = TRUE
	JOIN indicator_points pb ON pb.case_id = c.id AND pb.time_point IN ('closure', 'followup_6', 'followup_12') AND pb.occasion = ''
	JOIN indicator_values vb ON vb.point_id = pb.id AND vb.known = TRUE AND vb.code = va.code AND vb.part = va.part
	WHERE c.municipality_id = $1 AND y.merged_into IS NULL`

// pairs counts, in one pass over the cohort's recordings, the young people with a value of an
// indicator (or one of its parts) both at intake and at each later time point: for numbers the
// sums of the values, for choices the young people by their value before and after.
func (c *counter) pairs() error {
	return c.q(`SELECT `+sliceCol+`, pb.time_point, va.code, va.part, va.choice, vb.choice, COUNT(*), SUM(va.number), SUM(vb.number)`+pairJoin+closedCohort+`
		GROUP BY 1, 2, 3, 4, 5, 6`, []any{c.from, c.to}, func(sc scanner) error {
		var slice int64
		var later, code, part, before, after string
		var n int
		var sb, sa sql.NullFloat64
		if err := sc.Scan(&slice, &later, &code, &part, &before, &after, &n, &sb, &sa); err != nil {
			return err
		}
		in, ok := stats.IndicatorByCode(code)
		switch {
		case !ok:
		case in.Unit == stats.UnitChoice || in.Unit == stats.UnitYesNo:
			c.raw.AddChoices(slice, code, later, before, after, n)
		case sb.Valid && sa.Valid:
			if part != "" {
				code += "." + part
			}
			c.raw.AddNumbers(slice, code, later, stats.PairSum{N: n, Before: sb.Float64, After: sa.Float64})
		}
		return nil
	})
}

// irk sums the Check: IRK domain scores (no 0, some 1, clear 2; unknown left out) of the
// latest intake and closure assessments.
func (c *counter) irk() error {
	latest := func(tp string) string {
		return `(SELECT x.id FROM assessments x WHERE x.municipality_id = $1 AND x.case_id = c.id AND x.instrument = 'irk'
			AND x.time_point = '` + tp + `' ORDER BY x.assessed_at DESC, x.created_at DESC LIMIT 1)`
	}
	score := func(col string) string {
		return `CASE ` + col + ` WHEN 'clear' THEN 2 WHEN 'some' THEN 1 ELSE 0 END`
	}
	return c.q(`SELECT t.slice, ra.item, COUNT(*), SUM(`+score("ra.value")+`), SUM(`+score("rb.value")+`)
		FROM (SELECT `+sliceCol+` AS slice, `+latest("intake")+` AS ia, `+latest("closure")+` AS ib
			FROM cases c JOIN youths y ON y.id = c.youth_id WHERE c.municipality_id = $1 AND y.merged_into IS NULL`+closedCohort+`) t
		JOIN assessment_ratings ra ON ra.assessment_id = t.ia
		JOIN assessment_ratings rb ON rb.assessment_id = t.ib AND rb.item = ra.item
		WHERE ra.value IN ('no', 'some', 'clear') AND rb.value IN ('no', 'some', 'clear') GROUP BY 1, 2`,
		[]any{c.from, c.to}, func(sc scanner) error {
			var slice int64
			var item string
			var s stats.PairSum
			if err := sc.Scan(&slice, &item, &s.N, &s.Before, &s.After); err != nil {
				return err
			}
			c.raw.AddNumbers(slice, "irk_domain."+item, stats.AtClosure, s)
			return nil
		})
}

// goals counts the sub-goals, and those reached, in the last action plan of each case of the
// cohort. A plan is stored as JSON written by encoding/json (casework.Plan), where every
// sub-goal has a "criterion" member and a reached one "status":"reached"; counting those
// substrings counts in SQL on both engines (a quote inside a text is escaped, so text cannot
// imitate them).
func (c *counter) goals() error {
	count := func(pattern string) string {
		return `((LENGTH(pv.content) - LENGTH(REPLACE(pv.content, '` + pattern + `', ''))) / ` + strconv.Itoa(len(pattern)) + `)`
	}
	return c.q(`SELECT slice, COUNT(*), SUM(goals), SUM(reached) FROM (SELECT `+sliceCol+` AS slice, `+count(`"criterion":`)+` AS goals,
		`+count(`"status":"reached"`)+` AS reached
		FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		JOIN plan_versions pv ON pv.case_id = c.id AND pv.version = (SELECT MAX(x.version) FROM plan_versions x WHERE x.case_id = c.id)
		WHERE c.municipality_id = $1 AND y.merged_into IS NULL`+closedCohort+`) t WHERE goals > 0 GROUP BY slice`,
		[]any{c.from, c.to}, func(sc scanner) error {
			var slice int64
			var g stats.GoalSums
			err := sc.Scan(&slice, &g.Plans, &g.SubGoals, &g.Reached)
			c.raw.AddGoals(slice, g)
			return err
		})
}

// sortNamed sorts districts or coordinators by name in Swedish order.
func sortNamed(ns []stats.Named) {
	col := collate.New(language.Swedish, collate.IgnoreCase) // a collator is not safe for concurrent use
	sort.SliceStable(ns, func(i, j int) bool { return col.CompareString(ns[i].Name, ns[j].Name) < 0 })
}
