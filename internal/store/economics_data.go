package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
)

// The avoided-cost report's measurements (docs/economics.md). Like the dashboard, the report is
// allowed by the role-level permission ViewAggregates and counts across the municipality's
// cases; it uses the dashboard's half-years and its cohort (SIG or SSPF started, closed in the
// period), so its figures can never be subtracted from the dashboard's to reveal a small cell.
// Unlike the dashboard it needs each young person's pair of values and each action plan's
// interventions, which SQL cannot price: they are read here into anonymous rows (no id, no name,
// no date of birth — an age band) that never leave this file except through package
// economics, which returns suppressed aggregates only.

// EconomicsQuery says which period is wanted, with what assumptions, and why.
type EconomicsQuery struct {
	Period stats.Period
	// WhatIf replaces the municipality's assumptions for this one report; nothing is saved.
	WhatIf *economics.Assumptions
	// Recompute computes the report from today's data instead of showing the published one
	// (economics_frozen.go); the differences are listed.
	Recompute bool
	Export    string // "" when viewed; "xlsx" or "json" when exported
}

// EconomicsReport is the report with what the page needs to show it.
type EconomicsReport struct {
	Period   stats.Period
	Report   *economics.Report
	Register *CostRegister
	// MethodNames name the methods of the interventions: the catalogue's name, or the plan's
	// own code for a method not in it.
	MethodNames map[string]string
	Now         time.Time
	// Frozen is the published report's release part and when it was frozen. Live is true when
	// the report shown was computed now (a recompute or a what-if); Differences then list its
	// headline figures beside the published report's.
	Frozen      *Frozen
	Live        bool
	Differences []economics.Difference
}

// Economics computes the actor's municipality's avoided-cost report for a period and records
// an aggregate read (no young person named). What-if assumptions are checked like saved ones.
func (s *Store) Economics(ctx context.Context, q EconomicsQuery) (*EconomicsReport, error) {
	w := What{Action: audit.ActionList, Object: "economics", Detail: "period " + q.Period.String()}
	if q.WhatIf != nil {
		w.Detail += " what-if"
	} else if q.Recompute {
		w.Detail += " recompute"
	}
	if q.Export != "" {
		w.Action, w.Detail = audit.ActionExport, w.Detail+" export "+q.Export
	}
	a, d, err := s.permit(ctx, access.ViewAggregates, w)
	if err != nil {
		return nil, err
	}
	// Like the dashboard, the report is of a published half-year only: a half-year still
	// running changes with every new case, and two looks at it could be subtracted.
	if due := stats.DueAt(q.Period, stats.PartMain); due.After(s.now()) {
		return nil, casework.Errorf(casework.EConflict, "export.period_not_over", "period %s is published from %s", q.Period, due.Format(time.DateOnly))
	}
	mid := a.User.MunicipalityID
	var out *EconomicsReport
	if q.WhatIf == nil && !q.Recompute {
		// The published report, as frozen; the register as it stands names the items.
		var fr *Frozen
		if out, fr, err = s.frozenEconomicsReport(ctx, mid, q.Period); err != nil {
			return nil, err
		}
		out.Frozen = fr
	} else {
		if q.WhatIf != nil {
			// Refuse bad assumptions before freezing anything.
			var reg *CostRegister
			if err := s.view(ctx, func(tx *Tx) (err error) { reg, err = tx.costRegister(mid); return err }); err != nil {
				return nil, err
			}
			if err := q.WhatIf.WithDefaults().Validate(reg.Index); err != nil {
				return nil, err
			}
		}
		pub, fr, err := s.frozenEconomics(ctx, mid, q.Period)
		if err != nil {
			return nil, err
		}
		if out, err = s.economics(ctx, mid, q); err != nil {
			return nil, err
		}
		out.Frozen, out.Live, out.Differences = fr, true, economics.Compare(pub.Report, out.Report)
	}
	if err := s.auditRead(ctx, a, w, d); err != nil {
		return nil, err
	}
	return out, nil
}

// economics measures and computes; the caller has permitted and audits.
func (s *Store) economics(ctx context.Context, municipalityID int64, q EconomicsQuery) (*EconomicsReport, error) {
	out := &EconomicsReport{Period: q.Period}
	err := s.view(ctx, func(tx *Tx) error {
		reg, err := tx.costRegister(municipalityID)
		if err != nil {
			return err
		}
		out.Register, out.Now = reg, tx.now
		as := reg.Assumptions
		if q.WhatIf != nil {
			as = q.WhatIf.WithDefaults()
			if err := as.Validate(reg.Index); err != nil {
				return err
			}
		}
		m := &measurer{tx: tx, mid: municipalityID, from: q.Period.Start().UTC(), to: q.Period.End().UTC(), months: 6}
		prog, names, err := m.programme()
		if err != nil {
			return err
		}
		cohort, err := m.cohort()
		if err != nil {
			return err
		}
		out.MethodNames = names
		out.Report, err = economics.Build(economics.Input{Programme: prog, Cohort: cohort, Register: reg.Items, Index: reg.Index, Assumptions: as})
		if err != nil {
			return casework.Internal(err)
		}
		return nil
	})
	return out, err
}

// measurer reads one period's measurements inside one read transaction.
type measurer struct {
	tx       *Tx
	mid      int64
	from, to time.Time // UTC; to is the period's end (a published half-year)
	months   float64   // the months from from to to: 6 for a whole half-year
}

// monthDays is the length of a month in days, for case-months.
const monthDays = 365.0 / 12

// served is a case whose SIG or SSPF had started and ran some time in the period.
type served struct {
	id              int64
	program         string
	birth           string
	started, closed time.Time // closed zero while open
	planSet         time.Time
}

// overlap is the days [a, b) shares with [from, to).
func (m *measurer) overlap(a, b time.Time) float64 {
	if a.Before(m.from) {
		a = m.from
	}
	if b.IsZero() || b.After(m.to) {
		b = m.to
	}
	if !b.After(a) {
		return 0
	}
	return b.Sub(a).Hours() / 24
}

// ageBand is the dashboard's age band at the period's end for a birth date (YYYY-MM-DD).
func (m *measurer) ageBand(birth string) (string, bool) {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil || b.Year() < 1000 {
		return "unknown", false
	}
	age := casework.Age(b, m.to.Add(-time.Second).In(stats.Stockholm))
	return economics.AgeBandOf(age), age >= 18
}

// programme measures the period's work: the cases served and their months, the group members'
// meeting hours and the interventions of the action plans.
func (m *measurer) programme() (economics.Programme, map[string]string, error) {
	p := economics.Programme{Months: math.Max(m.months, 0), MemberHours: map[economics.StaffGroup]float64{}}
	var cases []served
	rows, err := m.tx.Query(`SELECT c.id, c.program, y.birth_date, c.decided_start_at, c.closed_at, c.plan_set_at
		FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		WHERE c.municipality_id = $1 AND y.merged_into IS NULL AND c.decided_start_at IS NOT NULL AND c.decided_start_at < $3
			AND (c.closed_at IS NULL OR c.closed_at >= $2)`, m.mid, m.from, m.to)
	if err != nil {
		return p, nil, casework.Internal(err)
	}
	for rows.Next() {
		var c served
		var closed, planSet sql.NullTime
		if err := rows.Scan(&c.id, &c.program, &c.birth, &c.started, &closed, &planSet); err != nil {
			rows.Close()
			return p, nil, casework.Internal(err)
		}
		c.started, c.closed, c.planSet = c.started.UTC(), timeOf(closed), timeOf(planSet)
		cases = append(cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, nil, casework.Internal(err)
	}
	byID := map[int64]served{}
	for _, c := range cases {
		days := m.overlap(c.started, c.closed)
		if days <= 0 {
			continue
		}
		p.Served++
		p.CaseMonths += days / monthDays
		byID[c.id] = c
	}

	// Meeting hours: professionals present at the meetings held in the period, the meeting and
	// its pre-meeting, the case's own coordinator left out (their post is counted whole).
	err = m.each(`SELECT COALESCE(ag.kind, ''), SUM(mt.duration_minutes + mt.pre_minutes)
		FROM meetings mt
		JOIN meeting_attendance at ON at.meeting_id = mt.id AND at.present = TRUE
		JOIN group_members gm ON gm.id = at.member_id AND gm.user_id IS NOT NULL
		JOIN users u ON u.id = gm.user_id
		LEFT JOIN agencies ag ON ag.id = u.agency_id
		JOIN cases c ON c.id = mt.case_id JOIN youths y ON y.id = c.youth_id
		WHERE mt.municipality_id = $1 AND c.municipality_id = $1 AND y.merged_into IS NULL AND mt.status = 'held'
			AND mt.starts_at >= $2 AND mt.starts_at < $3
			AND NOT EXISTS (SELECT 1 FROM case_staff s WHERE s.case_id = mt.case_id AND s.user_id = gm.user_id AND s.role = 'coordinator')
		GROUP BY 1`, []any{m.from, m.to}, func(sc scanner) error {
		var kind string
		var minutes float64
		if err := sc.Scan(&kind, &minutes); err != nil {
			return err
		}
		p.MemberHours[economics.StaffGroupOf(kind)] += minutes / 60
		return nil
	})
	if err != nil {
		return p, nil, err
	}

	// The interventions: each served case's action plan as it stood at the period's end.
	names, err := m.catalogueNames()
	if err != nil {
		return p, nil, err
	}
	uses := map[string]*economics.MethodUse{}
	withAny := map[int64]bool{}
	err = m.each(`SELECT pv.case_id, pv.content, pv.created_at FROM plan_versions pv
		WHERE pv.municipality_id = $1 AND pv.created_at < $2
			AND pv.version = (SELECT MAX(x.version) FROM plan_versions x WHERE x.case_id = pv.case_id AND x.created_at < $2)`,
		[]any{m.to}, func(sc scanner) error {
			var caseID int64
			var content string
			var saved time.Time
			if err := sc.Scan(&caseID, &content, &saved); err != nil {
				return err
			}
			c, ok := byID[caseID]
			if !ok {
				return nil
			}
			var plan casework.Plan
			if err := json.Unmarshal([]byte(content), &plan); err != nil {
				return err
			}
			band, _ := m.ageBand(c.birth)
			counted := map[string]bool{}
			for _, in := range plan.Interventions {
				if in.Method == "" || in.Status == "planned" {
					continue
				}
				start := c.planSet
				if t, err := time.ParseInLocation(time.DateOnly, in.Start, stats.Stockholm); err == nil {
					start = t.UTC()
				}
				if start.IsZero() {
					start = c.started
				}
				end := c.closed
				if t, err := time.ParseInLocation(time.DateOnly, in.End, stats.Stockholm); err == nil {
					end = t.AddDate(0, 0, 1).UTC()
				} else if in.Status == "done" || in.Status == "stopped" {
					end = saved.UTC() // recorded as over by this version at the latest
				}
				days := m.overlap(start, end)
				started := !start.Before(m.from) && start.Before(m.to)
				if days <= 0 && !started {
					continue
				}
				u := uses[in.Method]
				if u == nil {
					_, inCatalogue := names[in.Method]
					u = &economics.MethodUse{Method: in.Method, Catalogue: inCatalogue, ByAge: map[string]int{}, ByProgram: map[string]int{}}
					uses[in.Method] = u
				}
				u.Days += days
				if started {
					u.Starts++
				}
				if !counted[in.Method] {
					counted[in.Method] = true
					u.Plans++
					u.Youths++
					u.ByAge[band]++
					u.ByProgram[c.program]++
				}
				withAny[caseID] = true
			}
			return nil
		})
	if err != nil {
		return p, nil, err
	}
	for _, u := range uses {
		p.Methods = append(p.Methods, *u)
		if _, ok := names[u.Method]; !ok {
			names[u.Method] = u.Method
		}
	}
	sort.Slice(p.Methods, func(i, j int) bool { return p.Methods[i].Method < p.Methods[j].Method })
	p.InterventionYouths = len(withAny)
	return p, names, nil
}

// catalogueNames are the municipality's catalogue's methods by code.
func (m *measurer) catalogueNames() (map[string]string, error) { return m.tx.catalogueNames(m.mid) }

// catalogueNames are a municipality's catalogue's methods by code: the built-in ones as it
// keeps them, and its own.
func (tx *Tx) catalogueNames(municipalityID int64) (map[string]string, error) {
	rows, err := tx.Query(`SELECT content FROM catalogue_methods WHERE municipality_id = $1`, municipalityID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	var own []casework.Method
	for rows.Next() {
		var content string
		if err := rows.Scan(&content); err != nil {
			return nil, casework.Internal(err)
		}
		var x casework.Method
		if err := json.Unmarshal([]byte(content), &x); err != nil {
			return nil, casework.Internal(err)
		}
		own = append(own, x)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	names := map[string]string{}
	for _, x := range casework.MergeCatalogue(casework.DefaultCatalogue(), own) {
		names[x.Code] = x.Name
	}
	return names, nil
}

// economicsCodes are the indicators the calculation reads.
var economicsCodes = []string{"police_suspect", "placement", "occupation", "school_attendance"}

// cohort reads the period's cohort — SIG or SSPF started, closed in the period — with each young
// person's values at intake and the later time points.
func (m *measurer) cohort() ([]economics.Youth, error) {
	ys := map[int64]*economics.Youth{}
	var order []int64
	err := m.each(`SELECT c.id, c.program, y.birth_date, c.decided_start_at, c.closed_at
		FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		WHERE c.municipality_id = $1 AND y.merged_into IS NULL`+cohort+` ORDER BY c.closed_at, c.id`, []any{m.from, m.to}, func(sc scanner) error {
		var id int64
		var program, birth string
		var started, closed time.Time
		if err := sc.Scan(&id, &program, &birth, &started, &closed); err != nil {
			return err
		}
		band, adult := m.ageBand(birth)
		ys[id] = &economics.Youth{Program: program, AgeBand: band, Adult: adult, Months: closed.Sub(started).Hours() / 24 / monthDays,
			Points: map[string]economics.Recorded{}}
		order = append(order, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(ys) == 0 {
		return nil, nil
	}
	type offences struct {
		parts   map[string]float64
		unknown bool
	}
	off := map[int64]map[string]*offences{}
	err = m.each(`SELECT c.id, p.time_point, p.measured_on, v.code, v.part, v.known, v.number, v.choice
		FROM cases c JOIN youths y ON y.id = c.youth_id
		JOIN indicator_points p ON p.case_id = c.id AND p.occasion = '' AND p.time_point IN ('intake', 'closure', 'followup_6', 'followup_12')
		JOIN indicator_values v ON v.point_id = p.id AND v.code IN (`+codeList(economicsCodes)+`)
		WHERE c.municipality_id = $1 AND y.merged_into IS NULL`+cohort, []any{m.from, m.to}, func(sc scanner) error {
		var id int64
		var at, measured, code, part, choice string
		var known bool
		var number sql.NullFloat64
		if err := sc.Scan(&id, &at, &measured, &code, &part, &known, &number, &choice); err != nil {
			return err
		}
		y := ys[id]
		if y == nil {
			return nil
		}
		r := y.Points[at]
		if d, err := time.Parse(time.DateOnly, measured); err == nil {
			r.MeasuredOn = d
		}
		switch code {
		case "police_suspect":
			if off[id] == nil {
				off[id] = map[string]*offences{}
			}
			o := off[id][at]
			if o == nil {
				o = &offences{parts: map[string]float64{}}
				off[id][at] = o
			}
			switch {
			case !known:
				o.unknown = true
			case part != "":
				o.parts[part] += number.Float64
			}
		case "placement":
			if known {
				r.Placement = choice
			}
		case "occupation":
			if known {
				r.Occupation = choice
			}
		case "school_attendance":
			if known && number.Valid {
				v := number.Float64
				r.Attendance = &v
			}
		}
		y.Points[at] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Offences recorded as not known count as not recorded; parts left empty beside others as 0.
	for id, points := range off {
		for at, o := range points {
			if !o.unknown && len(o.parts) > 0 {
				r := ys[id].Points[at]
				r.Offences = o.parts
				ys[id].Points[at] = r
			}
		}
	}
	if err := m.addPlacedDays(ys); err != nil {
		return nil, err
	}
	out := make([]economics.Youth, 0, len(order))
	for _, id := range order {
		out = append(out, *ys[id])
	}
	return out, nil
}

// each runs a query whose first argument is the municipality and scans every row.
func (m *measurer) each(query string, args []any, scan func(sc scanner) error) error {
	rows, err := m.tx.Query(query, append([]any{m.mid}, args...)...)
	if err != nil {
		return casework.Internal(fmt.Errorf("economics: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return casework.Internal(fmt.Errorf("economics: %w", err))
		}
	}
	if err := rows.Err(); err != nil {
		return casework.Internal(fmt.Errorf("economics: %w", err))
	}
	return nil
}

// exportEconomics is the national export's economics: the municipality's report for the period
// with its saved assumptions, per young person, withheld on fewer than MinCell.
func (s *Store) exportEconomics(ctx context.Context, municipalityID int64, p stats.Period) (*stats.ExportEconomics, error) {
	r, _, err := s.frozenEconomics(ctx, municipalityID, p)
	if err != nil {
		return nil, err
	}
	return economicsForExport(r.Report), nil
}

// economicsForExport turns a report into the export's figures.
func economicsForExport(r *economics.Report) *stats.ExportEconomics {
	a := r.Assumptions
	after := a.After
	if after == "" {
		after = "auto"
	}
	e := &stats.ExportEconomics{PriceYear: r.PriceYear, Attribution: a.Attribution.Value, PersistenceYears: a.Persistence.Value,
		DiscountRate: a.Discount.Value, After: after, Suppressed: true}
	if r.TooFew || r.Point == nil || !r.N.Show() {
		return e
	}
	n := int(r.N.Value)
	round := func(v float64) *float64 { x := math.Round(v); return &x }
	e.Suppressed, e.N = false, &n
	e.CostPerYouth, e.AvoidedCostPerYouth = round(r.Point.CostPer), round(r.Point.BenefitPer)
	if s := r.Simulation; s != nil {
		pr := math.Round(s.ProbBenefitsExceedCosts*1000) / 1000
		e.ProbBenefitsExceedCosts = &pr
	}
	return e
}

// codeList is codes as an SQL list of literals (indicator codes are fixed identifiers).
func codeList(codes []string) string {
	return "'" + strings.Join(codes, "', '") + "'"
}
