package store

import (
	"slices"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
)

// The needs per district and age band (issue 13:3, stats/needs.go): young people with a
// concern, the Check: IRK risk factors of their latest checklist, those in SIG and in SSPF,
// those placed — counted in
// the release's one read transaction, each young person once per column, the age band at the
// half-year's end. A concern counts in the district it recorded when it was received
// (assessments.district_id, migration 00150); everything else in the young person's district,
// as the rest of the dashboard does.

// needs counts the needs table of the period.
func (c *counter) needs() error {
	last := c.to.Add(-time.Second)
	for _, step := range []func(time.Time) error{c.needsConcerns, c.needsIRK, c.needsTracks, c.needsPlaced} {
		if err := step(last); err != nil {
			return err
		}
	}
	return c.needsDistricts()
}

// concernYouth joins an assessment to its case's young person, merged records left out.
const concernYouth = ` FROM assessments a JOIN cases c ON c.id = a.case_id AND c.municipality_id = a.municipality_id
	JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
	WHERE a.municipality_id = $1 AND y.merged_into IS NULL`

// latestIn is the condition that assessment a is the young person's latest of its kind (the
// condition on a2) made before $3: with a in the period, their latest in it.
func latestIn(kind string) string {
	return ` AND NOT EXISTS (SELECT 1 FROM assessments a2 JOIN cases c2 ON c2.id = a2.case_id AND c2.municipality_id = a2.municipality_id
		WHERE a2.municipality_id = $1 AND c2.youth_id = y.id AND ` + kind + ` AND a2.assessed_at < $3
		AND (a2.assessed_at > a.assessed_at OR a2.assessed_at = a.assessed_at AND a2.id > a.id))`
}

// needsConcerns counts the young people with a concern received in the period, in the
// district and age band of the latest.
func (c *counter) needsConcerns(last time.Time) error {
	band, args := ageBand(last, 4)
	return c.q(`SELECT COALESCE(a.district_id, 0), `+band+`, COUNT(*)`+concernYouth+`
		AND a.time_point = 'concern' AND a.assessed_at >= $2 AND a.assessed_at < $3`+latestIn("a2.time_point = 'concern'")+`
		GROUP BY 1, 2`, append([]any{c.from, c.to}, args...), c.addNeed(stats.NeedConcerns))
}

// needsIRK counts the young people with a Check: IRK checklist made in the period, and per
// factor those whose latest marks it as some or clear risk.
func (c *counter) needsIRK(last time.Time) error {
	band, args := ageBand(last, 4)
	from := concernYouth + ` AND a.instrument = 'irk' AND a.assessed_at >= $2 AND a.assessed_at < $3` + latestIn("a2.instrument = 'irk'")
	if err := c.q(`SELECT `+sliceCol+`, `+band+`, COUNT(*)`+from+` GROUP BY 1, 2`,
		append([]any{c.from, c.to}, args...), c.addNeed(stats.NeedIRKAssessed)); err != nil {
		return err
	}
	return c.q(`SELECT `+sliceCol+`, `+band+`, r.item, COUNT(*)`+
		` FROM assessments a JOIN assessment_ratings r ON r.assessment_id = a.id AND r.municipality_id = a.municipality_id
		JOIN cases c ON c.id = a.case_id AND c.municipality_id = a.municipality_id
		JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		WHERE a.municipality_id = $1 AND y.merged_into IS NULL AND r.value IN ('some', 'clear')
		AND a.instrument = 'irk' AND a.assessed_at >= $2 AND a.assessed_at < $3`+latestIn("a2.instrument = 'irk'")+`
		GROUP BY 1, 2, 3`, append([]any{c.from, c.to}, args...), func(sc scanner) error {
		var slice int64
		var b, item string
		var n int
		if err := sc.Scan(&slice, &b, &item, &n); err != nil {
			return err
		}
		if slices.Contains(stats.IRKDomains, item) {
			c.raw.AddNeed(slice, stats.NeedIRKPrefix+item, b, n)
		}
		return nil
	})
}

// needsTracks counts the young people in SIG and in SSPF: with a case open some moment of
// the period — opened before its end and not closed before its start, the dashboard's "open"
// (openAt) stretched over the half-year — in the track at that moment. A case's track only
// moves from SSPF to SIG (the to_sig event, programAt), so it was in SIG some moment of the
// period when its track at the end is SIG, and in SSPF when its track at the start (or at its
// opening, when later) is SSPF: a case moved from SSPF to SIG in the half-year counts in both.
// A young person with several cases counts once per column.
func (c *counter) needsTracks(last time.Time) error {
	band, args := ageBand(last, 4)
	from := caseFrom + ` AND c.opened_at < $3 AND (c.closed_at IS NULL OR c.closed_at >= $2)`
	for _, t := range []struct {
		col     string
		program casework.Program
		at      string
	}{{stats.NeedSIG, casework.ProgramSIG, "$3"}, {stats.NeedSSPF, casework.ProgramSSPF, "$2"}} {
		if err := c.q(`SELECT `+sliceCol+`, `+band+`, COUNT(DISTINCT y.id)`+from+` AND `+programAt(t.at)+` = '`+string(t.program)+`' GROUP BY 1, 2`,
			append([]any{c.from, c.to}, args...), c.addNeed(t.col)); err != nil {
			return err
		}
	}
	return nil
}

// needsPlaced counts the young people with a placement in force some day of the period, and
// those with one that began in it (a SiS placement still waiting for a place is neither).
func (c *counter) needsPlaced(last time.Time) error {
	first, lastDay := c.from.In(stats.Stockholm).Format(time.DateOnly), last.In(stats.Stockholm).Format(time.DateOnly)
	band, args := ageBand(last, 4)
	from := ` FROM placements p JOIN cases c ON c.id = p.case_id AND c.municipality_id = p.municipality_id
		JOIN youths y ON y.id = c.youth_id AND y.municipality_id = c.municipality_id
		WHERE p.municipality_id = $1 AND y.merged_into IS NULL AND p.waiting = FALSE AND p.from_date <> '' AND p.from_date <= $3`
	if err := c.q(`SELECT `+sliceCol+`, `+band+`, COUNT(DISTINCT y.id)`+from+` AND (p.to_date = '' OR p.to_date >= $2) GROUP BY 1, 2`,
		append([]any{first, lastDay}, args...), c.addNeed(stats.NeedPlaced)); err != nil {
		return err
	}
	return c.q(`SELECT `+sliceCol+`, `+band+`, COUNT(DISTINCT y.id)`+from+` AND p.from_date >= $2 GROUP BY 1, 2`,
		append([]any{first, lastDay}, args...), c.addNeed(stats.NeedPlacedBegan))
}

func (c *counter) addNeed(col string) func(sc scanner) error {
	return func(sc scanner) error {
		var slice int64
		var b string
		var n int
		if err := sc.Scan(&slice, &b, &n); err != nil {
			return err
		}
		c.raw.AddNeed(slice, col, b, n)
		return nil
	}
}

// needsDistricts adds to the slices the districts a concern was received in that no young
// person lives in now: every count must be in a slice, or the municipality's figure would not
// be the sum of its districts'.
func (c *counter) needsDistricts() error {
	have := map[int64]bool{}
	for _, d := range c.raw.Districts {
		have[d.ID] = true
	}
	missing := map[int64]bool{}
	for _, id := range c.raw.NeedSlices() {
		if !have[id] {
			missing[id] = true
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var named []stats.Named
	none := false
	for _, d := range c.raw.Districts {
		if d.ID == stats.NoDistrict {
			none = true
		} else {
			named = append(named, d)
		}
	}
	if missing[stats.NoDistrict] {
		none = true
	}
	if err := c.q(`SELECT id, name FROM districts WHERE municipality_id = $1`, nil, func(sc scanner) error {
		var d stats.Named
		if err := sc.Scan(&d.ID, &d.Name); err != nil {
			return err
		}
		if missing[d.ID] {
			named = append(named, d)
		}
		return nil
	}); err != nil {
		return err
	}
	sortNamed(named)
	if none {
		named = append(named, stats.Named{ID: stats.NoDistrict})
	}
	c.raw.Districts = named
	return nil
}
