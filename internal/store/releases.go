package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
)

// The dashboard's releases (stats/release.go): a half-year's figures are counted, suppressed
// and verified once, when the half-year is over, stored in dashboard_releases and read from
// there by every view and export (and kept parsed in memory: a release never changes). A
// view costs its audit entry; two views — before and after
// a new concern, today and next year — show the same figures; and the national export of a
// half-year is the same release, so a half-year is never published twice with different
// numbers.

// firstPeriod is the half-year of a municipality's first case, ok false when it has none.
func (s *Store) firstPeriod(ctx context.Context, municipalityID int64) (stats.Period, bool, error) {
	// The first opened_at, not MIN(opened_at): SQLite returns an aggregate of a DATETIME as text.
	var first time.Time
	err := s.rd(ctx).QueryRowContext(ctx, `SELECT opened_at FROM cases WHERE municipality_id = $1 ORDER BY opened_at LIMIT 1`, municipalityID).Scan(&first)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return stats.Period{}, false, nil
	case err != nil:
		return stats.Period{}, false, casework.Internal(err)
	}
	return stats.PeriodOf(first), true, nil
}

// publishedPeriods are the half-years whose release is due: from the first case (at most ten
// years back) to the last half-year over for a month, newest first — at least that last one,
// so a municipality new to Lots sees its first release (empty) rather than nothing.
func (s *Store) publishedPeriods(ctx context.Context, municipalityID int64) ([]stats.Period, error) {
	last := stats.LastPublished(s.now())
	first, ok, err := s.firstPeriod(ctx, municipalityID)
	if err != nil || last.IsZero() {
		return nil, err
	}
	if !ok || last.Before(first) {
		first = last
	}
	if floor := (stats.Period{Year: last.Year - 10, Half: last.Half}); first.Before(floor) {
		first = floor
	}
	return stats.Periods(first, last), nil
}

// storedParts reads a release's stored parts by name.
func (s *Store) storedParts(ctx context.Context, municipalityID int64, p stats.Period) (map[string][]byte, error) {
	rows, err := s.rd(ctx).QueryContext(ctx, `SELECT part, content FROM dashboard_releases WHERE municipality_id = $1 AND period = $2`, municipalityID, p.String())
	if err != nil {
		return nil, casework.Internal(err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var part, content string
		if err := rows.Scan(&part, &content); err != nil {
			return nil, casework.Internal(err)
		}
		out[part] = []byte(content)
	}
	if err := rows.Err(); err != nil {
		return nil, casework.Internal(err)
	}
	return out, nil
}

// release returns a half-year's release, making the parts that are due and not yet made.
// A period whose main part is not due has no release (not found).
func (s *Store) release(ctx context.Context, municipalityID int64, p stats.Period) (*stats.Dashboard, error) {
	return s.releaseFreezing(ctx, municipalityID, p, nil)
}

// freezer freezes a period's avoided-cost report for a part when a release part is made;
// nil freezes it at once, in the same call (makeParts).
type freezer func(municipalityID int64, p stats.Period, part string)

// releaseFreezing is release, with the avoided-cost reports of the parts it makes handed to
// freeze (when not nil) instead of frozen before it returns.
func (s *Store) releaseFreezing(ctx context.Context, municipalityID int64, p stats.Period, freeze freezer) (*stats.Dashboard, error) {
	now := s.now()
	if stats.DueAt(p, stats.PartMain).After(now) {
		return nil, casework.Errorf(casework.ENotFound, "dashboard.not_published", "release %s is not due", p)
	}
	due := 0
	for _, part := range stats.Parts {
		if !stats.DueAt(p, part).After(now) {
			due++
		}
	}
	if d := s.releases.get(municipalityID, p); d != nil && len(d.Published) == due {
		return d, nil
	}
	parts, err := s.storedParts(ctx, municipalityID, p)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, part := range stats.Parts {
		if _, ok := parts[part]; !ok && !stats.DueAt(p, part).After(now) {
			missing = append(missing, part)
		}
	}
	if len(missing) > 0 {
		made, err := s.makeParts(ctx, municipalityID, p, missing, freeze)
		if err != nil {
			return nil, err
		}
		for part, b := range made {
			parts[part] = b
		}
	}
	var later [][]byte
	for _, part := range stats.Parts[1:] {
		if b, ok := parts[part]; ok {
			later = append(later, b)
		}
	}
	d, err := stats.LoadRelease(parts[stats.PartMain], later...)
	if err != nil {
		return nil, casework.Internal(err)
	}
	s.releases.put(municipalityID, p, d)
	return d, nil
}

// releaseCache keeps parsed releases in memory. A release never changes, so an entry is never
// stale; one with fewer parts than are now due is read again. The dashboards it holds are read
// only (pages and exports format them, nothing writes to them). It holds at most
// maxCachedReleases, and starts over when full.
type releaseCache struct {
	mu sync.Mutex
	m  map[releaseKey]*stats.Dashboard
}

type releaseKey struct {
	municipalityID int64
	period         stats.Period
}

const maxCachedReleases = 256

func (c *releaseCache) get(mid int64, p stats.Period) *stats.Dashboard {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[releaseKey{mid, p}]
}

func (c *releaseCache) put(mid int64, p stats.Period, d *stats.Dashboard) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedReleases {
		c.m = map[releaseKey]*stats.Dashboard{}
	}
	c.m[releaseKey{mid, p}] = d
}

// makeParts counts, suppresses and stores parts of a release — counted once for all of them —
// and returns what is stored: when two requests make the same part at once, the first stored
// wins and both return it. The main part is protected together with the release before (its
// open cases at the end), which is made first when it is missing.
func (s *Store) makeParts(ctx context.Context, municipalityID int64, p stats.Period, parts []string, freeze freezer) (map[string][]byte, error) {
	ctx = primaryOnly(ctx) // a release is counted from current data, never a replica's
	var prev *stats.Dashboard
	if parts[0] == stats.PartMain {
		first, ok, err := s.firstPeriod(ctx, municipalityID)
		if err != nil {
			return nil, err
		}
		if ok && !p.Prev().Before(first) && !p.Prev().Before(stats.Period{Year: p.Year - 10, Half: p.Half}) {
			if prev, err = s.release(ctx, municipalityID, p.Prev()); err != nil {
				return nil, err
			}
		}
	}
	dash, err := s.dashboard(ctx, municipalityID, p, prev)
	if err != nil {
		return nil, err
	}
	computed := s.now().UTC().Truncate(time.Second)
	out := map[string][]byte{}
	for _, part := range parts {
		b, err := stats.MarshalPart(dash, part, computed)
		if err != nil {
			return nil, casework.Internal(err)
		}
		out[part] = b
	}
	err = s.update(ctx, func(tx *Tx) error {
		for _, part := range parts {
			if _, err := tx.Exec(`INSERT INTO dashboard_releases (municipality_id, period, part, computed_at, content) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (municipality_id, period, part) DO NOTHING`, municipalityID, p.String(), part, computed, string(out[part])); err != nil {
				return casework.Internal(fmt.Errorf("store release: %w", err))
			}
			var content string
			if err := tx.QueryRow(`SELECT content FROM dashboard_releases WHERE municipality_id = $1 AND period = $2 AND part = $3`,
				municipalityID, p.String(), part).Scan(&content); err != nil {
				return casework.Internal(err)
			}
			out[part] = []byte(content)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("dashboard release made", "municipality", municipalityID, "period", p.String(), "parts", parts)
	// The avoided-cost report is frozen with the release (economics_frozen.go).
	if freeze != nil {
		freeze(municipalityID, p, parts[len(parts)-1])
	} else {
		s.freezeWithRelease(ctx, municipalityID, p, parts[len(parts)-1])
	}
	return out, nil
}

// freezeWithRelease freezes the avoided-cost report of a release part just made. A failure
// does not undo the release: the report is then frozen when it is first asked for.
func (s *Store) freezeWithRelease(ctx context.Context, municipalityID int64, p stats.Period, part string) {
	if err := s.freezeEconomics(ctx, municipalityID, p, part); err != nil {
		s.log.Warn("economics report not frozen with the release", "municipality", municipalityID, "period", p.String(), "err", err)
	}
}

// PublishDueReleases makes every release part that is due and not yet made, for every
// municipality: `lots serve` runs it at start and with its housekeeping, so a view seldom
// waits for one to be counted. It returns how many periods it looked at.
func (s *Store) PublishDueReleases(ctx context.Context) (int, error) {
	ids, err := queryAll(ctx, s.rd(ctx), `SELECT id FROM municipalities ORDER BY id`, nil, func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	// Each release needs the one before it (it protects the next), so they are made one after
	// the other; their avoided-cost reports do not, and are frozen beside them, on another
	// core, in the order the releases were made. All are frozen before this returns.
	type freeze struct {
		mid  int64
		p    stats.Period
		part string
	}
	freezes := make(chan freeze, 64)
	frozen := make(chan struct{})
	go func() {
		defer close(frozen)
		for f := range freezes {
			s.freezeWithRelease(ctx, f.mid, f.p, f.part)
		}
	}()
	defer func() {
		close(freezes)
		<-frozen
	}()
	later := func(mid int64, p stats.Period, part string) { freezes <- freeze{mid, p, part} }
	n := 0
	for _, mid := range ids {
		periods, err := s.publishedPeriods(ctx, mid)
		if err != nil {
			return n, err
		}
		for i := len(periods) - 1; i >= 0; i-- { // oldest first: each protects the next
			if _, err := s.releaseFreezing(ctx, mid, periods[i], later); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
