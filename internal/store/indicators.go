package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/stats"
)

// The indicators of the follow-up manual, recorded per case and time point. Each indicator
// belongs to an information category (stats.Indicators), so the consent decides who may read
// and record it: the police record police reports under a consent that covers police
// information, the school records attendance, social services staff record everything.

// IndicatorPoint is one recording occasion with the values the actor may read.
type IndicatorPoint struct {
	ID         int64
	TimePoint  string
	Occasion   string    // a follow-up meeting's date (YYYY-MM-DD); "" for the other time points
	MeasuredOn time.Time // the date the values describe
	UpdatedAt  time.Time
	Values     []stats.Value
}

// Value returns the point's value of an indicator (part "" for the whole).
func (p IndicatorPoint) Value(code, part string) (stats.Value, bool) {
	for _, v := range p.Values {
		if v.Code == code && v.Part == part {
			return v, true
		}
	}
	return stats.Value{}, false
}

// IndicatorSheet is a case's indicators as one actor may read and record them.
type IndicatorSheet struct {
	CaseID   int64
	Step     casework.Step
	Started  bool      // the decision to start SIG was taken
	Closed   time.Time // zero while open
	Points   []IndicatorPoint
	Readable []casework.Category // categories of indicators the actor may read
	Writable []casework.Category // categories of indicators the actor may record
}

// indicatorCategories are the categories indicators belong to, in form order.
func indicatorCategories() []casework.Category {
	var out []casework.Category
	for _, c := range casework.ConsentCategories {
		for _, in := range stats.Indicators {
			if in.Category == c && !in.Derived {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// Point returns the sheet's point for a time point and occasion.
func (sh IndicatorSheet) Point(tp, occasion string) (IndicatorPoint, bool) {
	for _, p := range sh.Points {
		if p.TimePoint == tp && p.Occasion == occasion {
			return p, true
		}
	}
	return IndicatorPoint{}, false
}

// Prefill returns the values a form for a time point starts from: the point's own values when
// it was recorded before; otherwise, for the indicators that describe a lasting state
// (stats.Indicator.Carry), the values of the latest other recording.
func (sh IndicatorSheet) Prefill(tp, occasion string) (values []stats.Value, recorded bool) {
	if p, ok := sh.Point(tp, occasion); ok {
		return p.Values, true
	}
	var latest *IndicatorPoint
	for i := range sh.Points {
		p := &sh.Points[i]
		if latest == nil || p.MeasuredOn.After(latest.MeasuredOn) || (p.MeasuredOn.Equal(latest.MeasuredOn) && p.UpdatedAt.After(latest.UpdatedAt)) {
			latest = p
		}
	}
	if latest == nil {
		return nil, false
	}
	for _, v := range latest.Values {
		if in, ok := stats.IndicatorByCode(v.Code); ok && in.Carry {
			values = append(values, v)
		}
	}
	return values, false
}

// IndicatorSheet reads a case's recorded indicators, only those in categories the actor may
// read; each category read is audited.
func (s *Store) IndicatorSheet(ctx context.Context, caseID int64) (IndicatorSheet, error) {
	var sh IndicatorSheet
	err := s.withCase(ctx, caseID, caseOp{What: What{Action: audit.ActionRead, Object: "indicators"}}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		sh = IndicatorSheet{CaseID: caseID, Step: lc.Case.Step, Started: !lc.Case.Milestones.DecidedStart.IsZero(), Closed: lc.Case.Milestones.Closed}
		read := map[casework.Category]access.Decision{}
		for _, c := range indicatorCategories() {
			if dc := lc.May.Read(c); dc.Allowed {
				read[c] = dc
				sh.Readable = append(sh.Readable, c)
				if lc.May.Write(access.WorkNote, c).Allowed {
					sh.Writable = append(sh.Writable, c)
				}
			}
		}
		points, err := tx.indicatorPoints(a.User.MunicipalityID, caseID, func(c casework.Category) bool { _, ok := read[c]; return ok })
		if err != nil {
			return err
		}
		sh.Points = points
		used := map[casework.Category]bool{}
		for _, p := range points {
			for _, v := range p.Values {
				in, _ := stats.IndicatorByCode(v.Code)
				used[in.Category] = true
			}
		}
		for _, c := range sh.Readable {
			if used[c] && c != casework.CatBasic {
				if err := tx.audit(a, What{Action: audit.ActionRead, Object: "indicators", ObjectID: caseID, YouthID: lc.Case.YouthID, Category: string(c)}, read[c]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return sh, err
}

// indicatorPoints loads a case's points with the values in categories keep accepts, in time
// point order and then by date.
func (tx *Tx) indicatorPoints(municipalityID, caseID int64, keep func(casework.Category) bool) ([]IndicatorPoint, error) {
	ctx := tx.ctx
	points, err := queryAll(ctx, tx, `SELECT id, time_point, occasion, measured_on, updated_at FROM indicator_points
		WHERE municipality_id = $1 AND case_id = $2`, []any{municipalityID, caseID}, func(sc scanner) (IndicatorPoint, error) {
		var p IndicatorPoint
		var on string
		err := sc.Scan(&p.ID, &p.TimePoint, &p.Occasion, &on, &p.UpdatedAt)
		p.MeasuredOn, _ = time.Parse(time.DateOnly, on)
		p.UpdatedAt = p.UpdatedAt.UTC()
		return p, err
	})
	if err != nil || len(points) == 0 {
		return points, err
	}
	idx := map[int64]int{}
	for i, p := range points {
		idx[p.ID] = i
	}
	rows, err := tx.Query(`SELECT v.point_id, v.code, v.part, v.category, v.known, v.number, v.choice FROM indicator_values v
		JOIN indicator_points p ON p.id = v.point_id AND p.municipality_id = v.municipality_id
		WHERE p.municipality_id = $1 AND p.case_id = $2`, municipalityID, caseID)
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v stats.Value
		var cat string
		var num sql.NullFloat64
		if err := rows.Scan(&id, &v.Code, &v.Part, &cat, &v.Known, &num, &v.Choice); err != nil {
			return nil, casework.Internal(err)
		}
		if !keep(casework.Category(cat)) {
			continue
		}
		v.Number = num.Float64
		points[idx[id]].Values = append(points[idx[id]].Values, v)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	order := map[string]int{}
	for i, tp := range stats.TimePoints {
		order[tp] = i
	}
	sort.SliceStable(points, func(i, j int) bool {
		if order[points[i].TimePoint] != order[points[j].TimePoint] {
			return order[points[i].TimePoint] < order[points[j].TimePoint]
		}
		return points[i].MeasuredOn.Before(points[j].MeasuredOn)
	})
	for i := range points {
		sortValues(points[i].Values)
	}
	return points, nil
}

// sortValues orders values as the catalogue lists indicators and their parts.
func sortValues(vs []stats.Value) {
	pos := map[string]int{}
	n := 0
	for _, in := range stats.Indicators {
		pos[in.Code+"/"] = n
		n++
		for _, p := range in.Parts {
			pos[in.Code+"/"+p] = n
			n++
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return pos[vs[i].Code+"/"+vs[i].Part] < pos[vs[j].Code+"/"+vs[j].Part] })
}

// IndicatorInput is one recording: a time point (and for a follow-up meeting its date), the
// date the values describe, the categories the form covered and their values. The categories'
// values at the point are replaced as a whole; a category left out is kept as it was.
type IndicatorInput struct {
	TimePoint  string
	Occasion   string // a follow-up meeting's date, YYYY-MM-DD; MeasuredOn's date when empty
	MeasuredOn time.Time
	Categories []casework.Category
	Values     []stats.Value
}

// RecordIndicators saves a recording. The actor must be allowed to record every category the
// input covers (a party under a consent records the categories it covers; social services
// staff on the case record all) — otherwise nothing is saved and the refusal is audited.
func (s *Store) RecordIndicators(ctx context.Context, caseID int64, in IndicatorInput) (int64, error) {
	if err := in.validate(); err != nil {
		return 0, err
	}
	var pointID int64
	var refused *What
	var refusal access.Decision
	w := What{Action: audit.ActionUpdate, Object: "indicators", Detail: "time point " + in.TimePoint}
	err := s.withCase(ctx, caseID, caseOp{What: w}, func(tx *Tx, a casework.Actor, lc *loadedCase, d access.Decision) error {
		c := lc.Case
		started := !c.Milestones.DecidedStart.IsZero()
		switch in.TimePoint {
		case stats.AtMeeting:
			if !started {
				return casework.Errorf(casework.EConflict, "indicator.meeting_not_started", "no follow-up meeting before the decision to start")
			}
		case stats.AtClosure:
			if c.Step != casework.StepActive && c.Step.Open() {
				return casework.Errorf(casework.EConflict, "indicator.closure_too_early", "closure values from the active step on")
			}
		case stats.AtFollow6, stats.AtFollow12:
			if c.Step.Open() || !started {
				return casework.Errorf(casework.EConflict, "followup.not_closed", "follow-up needs a closed, started case")
			}
		}
		today := tx.now.In(stats.Stockholm).Format(time.DateOnly)
		on := in.MeasuredOn.Format(time.DateOnly)
		if on > today {
			return casework.Invalid("measured_on", "indicator.date_in_future")
		}
		if (in.TimePoint == stats.AtFollow6 || in.TimePoint == stats.AtFollow12) && on < c.Milestones.Closed.In(stats.Stockholm).Format(time.DateOnly) {
			return casework.Invalid("measured_on", "indicator.date_before_closure")
		}
		decisions := map[casework.Category]access.Decision{}
		for _, cat := range in.Categories {
			dc := lc.May.Write(access.WorkNote, cat)
			if !dc.Allowed {
				rw := What{Action: audit.ActionUpdate, Object: "indicators", ObjectID: caseID, YouthID: c.YouthID, Category: string(cat), Detail: w.Detail}
				refused, refusal = &rw, dc
				return casework.Errorf(casework.EForbidden, "indicator.category_forbidden", "may not record %s", cat)
			}
			decisions[cat] = dc
		}
		mid := a.User.MunicipalityID
		occasion := ""
		if in.TimePoint == stats.AtMeeting {
			occasion = in.Occasion
		}
		err := tx.QueryRow(`SELECT id FROM indicator_points WHERE municipality_id = $1 AND case_id = $2 AND time_point = $3 AND occasion = $4`,
			mid, caseID, in.TimePoint, occasion).Scan(&pointID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			pointID = newID()
			if _, err := tx.Exec(`INSERT INTO indicator_points (id, municipality_id, case_id, youth_id, time_point, occasion, measured_on, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, pointID, mid, caseID, c.YouthID, in.TimePoint, occasion, on, tx.now); err != nil {
				return casework.Internal(err)
			}
		case err != nil:
			return casework.Internal(err)
		default:
			if _, err := tx.Exec(`UPDATE indicator_points SET measured_on = $1, updated_at = $2 WHERE municipality_id = $3 AND id = $4`, on, tx.now, mid, pointID); err != nil {
				return casework.Internal(err)
			}
		}
		for _, cat := range in.Categories {
			if _, err := tx.Exec(`DELETE FROM indicator_values WHERE municipality_id = $1 AND point_id = $2 AND category = $3`, mid, pointID, string(cat)); err != nil {
				return casework.Internal(err)
			}
		}
		for _, v := range in.Values {
			ind, _ := stats.IndicatorByCode(v.Code)
			var num any
			if v.Known && ind.Numeric() || v.Known && ind.Unit == stats.UnitYesNo {
				num = v.Number
			}
			if _, err := tx.Exec(`INSERT INTO indicator_values (municipality_id, point_id, code, part, category, known, number, choice, recorded_by, recorded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, mid, pointID, v.Code, v.Part, string(ind.Category), v.Known, num, v.Choice, a.User.ID, tx.now); err != nil {
				return casework.Internal(err)
			}
		}
		var left int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM indicator_values WHERE municipality_id = $1 AND point_id = $2`, mid, pointID).Scan(&left); err != nil {
			return casework.Internal(err)
		}
		if left == 0 { // nothing recorded at this point any more: the point goes too
			if _, err := tx.Exec(`DELETE FROM indicator_points WHERE municipality_id = $1 AND id = $2`, mid, pointID); err != nil {
				return casework.Internal(err)
			}
		}
		// An event per category with known values, in that category: the timeline and the next
		// meeting's agenda ("new since the last meeting": attendance, police reports) show
		// it to those who may read the category.
		known := map[casework.Category]bool{}
		for _, v := range in.Values {
			if ind, ok := stats.IndicatorByCode(v.Code); ok && v.Known {
				known[ind.Category] = true
			}
		}
		for _, cat := range in.Categories {
			if known[cat] {
				if err := tx.addEvent(a, c, "indicators", "", "", "", cat); err != nil {
					return err
				}
			}
		}
		for _, cat := range in.Categories {
			if cat == casework.CatBasic {
				continue // the entry withCase writes covers the basic category
			}
			if err := tx.audit(a, What{Action: audit.ActionUpdate, Object: "indicators", ObjectID: pointID, YouthID: c.YouthID, Category: string(cat), Detail: w.Detail}, decisions[cat]); err != nil {
				return err
			}
		}
		return nil
	})
	if refused != nil {
		a, _ := casework.ActorFrom(ctx)
		s.auditDenied(ctx, a, *refused, refusal)
	}
	return pointID, err
}

// validate checks an input before any transaction: the time point, the dates, and that every
// value is a recordable indicator in one of the categories the input covers.
func (in *IndicatorInput) validate() error {
	var fe casework.FieldErrors
	if !stats.ValidTimePoint(in.TimePoint) {
		fe.Add("at", "indicator.time_point_invalid")
	}
	if in.MeasuredOn.IsZero() {
		fe.Add("measured_on", "indicator.date_required")
	}
	if in.TimePoint == stats.AtMeeting {
		if in.Occasion == "" && !in.MeasuredOn.IsZero() {
			in.Occasion = in.MeasuredOn.Format(time.DateOnly)
		}
		if _, err := time.Parse(time.DateOnly, in.Occasion); err != nil {
			fe.Add("date", "indicator.date_required")
		}
	}
	covered := map[casework.Category]bool{}
	for _, c := range in.Categories {
		if !casework.ValidConsentCategory(c) {
			fe.Add("categories", "indicator.category_invalid")
		}
		covered[c] = true
	}
	seen := map[string]bool{}
	for _, v := range in.Values {
		ind, ok := stats.IndicatorByCode(v.Code)
		field := stats.Field(v.Code, v.Part)
		switch {
		case !ok || ind.Derived:
			fe.Add(field, "indicator.unknown")
		case !covered[ind.Category]:
			fe.Add(field, "indicator.category_invalid")
		case seen[v.Code+"/"+v.Part]:
			fe.Add(field, "indicator.twice")
		case v.Part != "" && !contains(ind.Parts, v.Part):
			fe.Add(field, "indicator.unknown")
		case v.Known && (ind.Unit == stats.UnitChoice || ind.Unit == stats.UnitYesNo) && !contains(ind.Values, v.Choice):
			fe.Add(field, "indicator.choice_invalid")
		case v.Known && ind.Numeric() && (v.Number < ind.Min || v.Number > ind.Max):
			fe.Add(field, "indicator.range", ind.Min, ind.Max)
		}
		seen[v.Code+"/"+v.Part] = true
	}
	return fe.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
