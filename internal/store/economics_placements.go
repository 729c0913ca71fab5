package store

import (
	"time"

	"lots/internal/casework"
	"lots/internal/economics"
)

// addPlacedDays gives each young person of the cohort whose placements are recorded in Lots
// the days placed a year, per form, measured over the half-year up to each time point (the 183
// days ending on it, times 365/183) — the follow-up manual's six months before the date, as
// for offences: before the decision to start, the case's last half-year before closure, the
// half-years 0–6 and 6–12 months after closure once they have come (docs/placements.md). Package economics prices those days instead of the indicator's "placed
// on the date". The rows stay anonymous: days by form, nothing else.
const placedWindow = 183 // days: the half-year up to a time point

func (m *measurer) addPlacedDays(ys map[int64]*economics.Youth) error {
	type span struct{ started, closed time.Time }
	spans := map[int64]span{}
	placed := map[int64][]casework.Placement{}
	err := m.each(`SELECT c.id, c.decided_start_at, c.closed_at, p.form, p.from_date, p.to_date
		FROM cases c JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		JOIN placements p ON p.case_id = c.id AND p.municipality_id = c.municipality_id AND p.waiting = FALSE AND p.from_date <> ''
		WHERE c.municipality_id = $1 AND y.merged_into IS NULL`+cohort, []any{m.from, m.to}, func(sc scanner) error {
		var id int64
		var started, closed time.Time
		var p casework.Placement
		var form string
		if err := sc.Scan(&id, &started, &closed, &form, &p.From, &p.To); err != nil {
			return err
		}
		p.Form = casework.PlacementForm(form)
		spans[id] = span{started, closed}
		placed[id] = append(placed[id], p)
		return nil
	})
	if err != nil {
		return err
	}
	now := m.tx.now
	day := func(t time.Time) string { return t.In(casework.Stockholm).Format(casework.DateLayout) }
	for id, ps := range placed {
		y := ys[id]
		if y == nil {
			continue
		}
		sp := spans[id]
		points := map[string]time.Time{
			economics.AtIntake:   sp.started,
			economics.AtClosure:  sp.closed,
			economics.AtFollow6:  sp.closed.AddDate(0, 6, 0),
			economics.AtFollow12: sp.closed.AddDate(0, 12, 0),
		}
		for at, t := range points {
			if t.After(now) {
				continue // not come yet: nothing to compare
			}
			last := day(t)
			first := day(t.In(casework.Stockholm).AddDate(0, 0, -(placedWindow - 1)))
			d := economics.PlacedDays{}
			for _, p := range ps {
				if n := p.DaysIn(first, last, last); n > 0 {
					d[string(p.Form)] += float64(n) * 365 / placedWindow
				}
			}
			r := y.Points[at]
			r.Days = d
			y.Points[at] = r
		}
	}
	return nil
}
