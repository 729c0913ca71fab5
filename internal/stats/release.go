package stats

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Releases: the dashboard publishes a half-year's figures once, after the half-year is over,
// and never changes them. Two views of a release are the same figures, so nothing can be
// learnt from their difference; the national export of a half-year is the same release.
//
// A release is made in parts, each when its data can be complete: the main part (everything
// but the follow-ups) one month after the half-year ends, the six-month follow-up rows one
// month after the last of them fell due (seven months after the end), the twelve-month ones
// thirteen months after. A part is computed once and stored; a later part only fills in
// figures the earlier ones left pending, and no relation links figures of different parts
// (TestStagesAreSeparate), so each is suppressed on its own.

// Release parts.
const (
	PartMain = "main"
)

// Parts lists the parts of a release in the order they are made.
var Parts = []string{PartMain, AtFollow6, AtFollow12}

// SettleMonths is how long after a part's data has ended Lots waits before publishing it:
// time to record what happened at the end (the indicators at closure, a last move).
const SettleMonths = 1

// DueAt is when a part of a period's release may be made.
func DueAt(p Period, part string) time.Time {
	months := SettleMonths
	switch part {
	case AtFollow6:
		months += 6
	case AtFollow12:
		months += 12
	}
	return p.End().AddDate(0, months, 0)
}

// LastPublished is the last half-year whose main part is due at now (zero when none is).
func LastPublished(now time.Time) Period {
	p := PeriodOf(now)
	for i := 0; i < 4; i++ {
		if !DueAt(p, PartMain).After(now) {
			return p
		}
		p = p.Prev()
	}
	return Period{}
}

// PartOf returns the part a figure belongs to: the follow-up six or twelve months after the
// period, or the main part.
func PartOf(table, row, col string) string {
	if strings.HasPrefix(table, "outcome_") {
		for _, later := range []string{AtFollow6, AtFollow12} {
			if row == later || strings.HasPrefix(col, later+"_") {
				return later
			}
		}
	}
	return PartMain
}

// releaseFile is a stored part of a release.
type releaseFile struct {
	Format     string    `json:"format"`
	Period     string    `json:"period"`
	Part       string    `json:"part"`
	ComputedAt time.Time `json:"computed_at"`
	// The main part: the whole dashboard, the later parts' figures pending.
	Districts    []Named      `json:"districts,omitempty"`
	Coordinators []Named      `json:"coordinators,omitempty"`
	Deadlines    Deadlines    `json:"deadlines"`
	Views        []viewFile   `json:"views,omitempty"`
	Figures      []partFigure `json:"figures,omitempty"` // a later part: its figures only
}

type viewFile struct {
	Slice  int64    `json:"slice"`
	Tables []*Table `json:"tables"`
}

type partFigure struct {
	View  int64  `json:"view"`
	Table string `json:"table"`
	Row   string `json:"row"`
	Col   string `json:"col"`
	Cell  *Cell  `json:"cell"`
}

const releaseFormat = "lots-dashboard-release-1"

// MarshalPart writes a part of a release of a built, verified dashboard: the main part is
// the whole dashboard with the later parts' figures pending; a later part is its figures.
// It refuses a dashboard whose suppression does not verify.
func MarshalPart(d *Dashboard, part string, computedAt time.Time) ([]byte, error) {
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("suppression check failed, nothing published: %w", err)
	}
	if err := d.CheckPublished(); err != nil {
		return nil, fmt.Errorf("suppression check failed, nothing published: %w", err)
	}
	f := releaseFile{Format: releaseFormat, Period: d.Period.String(), Part: part, ComputedAt: computedAt.UTC(), Deadlines: d.Deadlines}
	for _, slice := range d.slices() {
		v := d.views[slice]
		vf := viewFile{Slice: slice}
		for _, t := range v.Tables {
			c := *t
			c.Rows = make([]Row, len(t.Rows))
			for i, r := range t.Rows {
				r.Cells = append([]*Cell(nil), r.Cells...)
				for j, cell := range r.Cells {
					if cell == nil {
						continue
					}
					pub := &Cell{Value: cell.Value, N: cell.N, Suppressed: cell.Suppressed, Primary: cell.Primary, Kind: cell.Kind}
					if cell.Suppressed {
						pub.Value, pub.N = 0, 0
					}
					switch cellPart := PartOf(t.ID, r.Code, t.Cols[j].Code); {
					case part == PartMain && cellPart != PartMain:
						pub = &Cell{Pending: true, Kind: cell.Kind}
					case part != PartMain && cellPart == part:
						f.Figures = append(f.Figures, partFigure{View: slice, Table: t.ID, Row: r.Code, Col: t.Cols[j].Code, Cell: pub})
					}
					r.Cells[j] = pub
				}
				c.Rows[i] = r
			}
			vf.Tables = append(vf.Tables, &c)
		}
		if part == PartMain {
			f.Views = append(f.Views, vf)
		}
	}
	if part == PartMain {
		f.Districts, f.Coordinators = d.Districts, d.Coordinators
	}
	return json.Marshal(f)
}

// slices lists the views: All first, then the districts in order.
func (d *Dashboard) slices() []int64 {
	out := []int64{All}
	for _, x := range d.Districts {
		if _, ok := d.views[x.ID]; ok {
			out = append(out, x.ID)
		}
	}
	return out
}

// LoadRelease reads a stored release: its main part and the later parts made so far. The
// figures are as published: hidden ones have no value.
func LoadRelease(main []byte, later ...[]byte) (*Dashboard, error) {
	var f releaseFile
	if err := json.Unmarshal(main, &f); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if f.Format != releaseFormat || f.Part != PartMain {
		return nil, fmt.Errorf("release: format %q part %q", f.Format, f.Part)
	}
	p, err := ParsePeriod(f.Period)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Period: p, Now: f.ComputedAt, Districts: f.Districts, Coordinators: f.Coordinators, Deadlines: f.Deadlines,
		views: map[int64]*View{}, Published: map[string]time.Time{PartMain: f.ComputedAt}}
	for _, v := range f.Views {
		d.views[v.Slice] = &View{Slice: v.Slice, Tables: v.Tables}
	}
	if _, ok := d.views[All]; !ok {
		return nil, fmt.Errorf("release %s: no view of the municipality", f.Period)
	}
	for _, b := range later {
		var lf releaseFile
		if err := json.Unmarshal(b, &lf); err != nil {
			return nil, fmt.Errorf("release part: %w", err)
		}
		if lf.Format != releaseFormat || lf.Period != f.Period {
			return nil, fmt.Errorf("release part %q of %s", lf.Part, lf.Period)
		}
		for _, fig := range lf.Figures {
			v := d.views[fig.View]
			if v == nil {
				continue
			}
			if t := v.Table(fig.Table); t != nil {
				for i, r := range t.Rows {
					if r.Code != fig.Row {
						continue
					}
					for j, c := range t.Cols {
						if c.Code == fig.Col && fig.Cell != nil {
							t.Rows[i].Cells[j] = fig.Cell
						}
					}
				}
			}
		}
		d.Published[lf.Part] = lf.ComputedAt
	}
	return d, nil
}
