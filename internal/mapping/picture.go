package mapping

import (
	"slices"
	"sort"

	"lots/internal/casework"
	"lots/internal/stats"
)

// Bands are the age bands of the picture: the dashboard's (stats.AgeBands) but "unknown",
// since population has no unknown age.
var Bands = []string{"0-12", "13-15", "16-17", "18-20", "21-25", "26-"}

// bandAges are each band's first and last age.
var bandAges = map[string][2]int{"0-12": {0, 12}, "13-15": {13, 15}, "16-17": {16, 17}, "18-20": {18, 20}, "21-25": {21, 25}, "26-": {26, 120}}

// Figure is a published figure as the picture shows it. A figure of the release that was
// hidden stays hidden, with its label: Primary ("<5", fewer than five young people) or
// secondary ("–", hidden to protect another). A rate is hidden exactly when its count is.
type Figure struct {
	Value   float64
	Shown   bool
	Primary bool
	// None: there is nothing to show (no population for a rate, no figure in the release).
	None bool
}

// Secondary reports whether a hidden figure is hidden to protect another ("–").
func (f Figure) Secondary() bool { return !f.Shown && !f.None && !f.Primary }

func fromCell(c *stats.Cell) Figure {
	switch {
	case c == nil || c.Pending:
		return Figure{None: true}
	case c.Show():
		return Figure{Value: c.Value, Shown: true}
	}
	return Figure{Primary: c.Primary}
}

// per1000 is the figure per thousand young people of the population: hidden when the figure
// is, none without population.
func per1000(f Figure, pop int) Figure {
	switch {
	case f.None || pop <= 0:
		return Figure{None: true}
	case !f.Shown:
		return f
	}
	return Figure{Value: f.Value * 1000 / float64(pop), Shown: true}
}

// Cell is one district and age band: the needs (cases open at the half-year's end and opened
// in it, from the release, and per 1 000 of the band's population), the resources that serve
// it and the gaps.
type Cell struct {
	Band          string
	Population    int
	Open, Opened  Figure
	OpenPer1000   Figure
	OpenedPer1000 Figure
	Resources     int      // resources of the district or the whole municipality serving the band
	Capacity      int      // their places, where known
	Evenings      bool     // one of them is open in the evenings
	Weekends      bool     // one of them is open at weekends
	Missing       []string // IRK needs no resource here meets (casework.IRKNeeds order)
	// Priority: the band's open cases per 1 000 are shown and at least the municipality's, and
	// something is missing or nothing is open when young people are out.
	Priority bool
	// Needs are the release's needs table (stats.NeedsCols, in that order): young people with
	// a concern, in SIG, in SSPF, placed, with an IRK checklist and per risk factor — none
	// when the release has no needs table (released before it existed); a column the release
	// lacks (SIG and SSPF before they were counted) is none. Measure gives each per 1 000.
	Needs []Figure
}

// Measures are what the picture shows per district and age band: the open cases at the
// half-year's end (MeasureOpen), those opened in it, and the needs table's columns.
var Measures = append([]string{MeasureOpen, MeasureOpened}, stats.NeedsCols...)

// The measures of the cases, from the release's breakdown by age.
const (
	MeasureOpen   = "open"
	MeasureOpened = "opened"
)

// Measure returns a cell's count and rate of a measure (Measures); none when unknown.
func (c Cell) Measure(m string) (count, rate Figure) {
	switch m {
	case MeasureOpen:
		return c.Open, c.OpenPer1000
	case MeasureOpened:
		return c.Opened, c.OpenedPer1000
	}
	if i := slices.Index(stats.NeedsCols, m); i >= 0 && i < len(c.Needs) {
		return c.Needs[i], per1000(c.Needs[i], c.Population)
	}
	return Figure{None: true}, Figure{None: true}
}

// Measure returns a row's count and rate of a measure over every age; none when unknown.
func (r Row) Measure(m string) (count, rate Figure) {
	switch m {
	case MeasureOpen:
		return r.Open, r.OpenPer1000
	}
	if i := slices.Index(stats.NeedsCols, m); i >= 0 && i < len(r.Needs) {
		return r.Needs[i], per1000(r.Needs[i], r.Population)
	}
	if m == MeasureOpened && r.opened != nil {
		return *r.opened, per1000(*r.opened, r.Population)
	}
	return Figure{None: true}, Figure{None: true}
}

// Row is a district (or the whole municipality) in the picture.
type Row struct {
	ID           int64 // stats.All for the municipality
	Name         string
	Population   int   // young people of every band
	Cost         int64 // the yearly cost of the resources of the district (the municipality: all)
	CostPerYoung Figure
	Cells        []Cell
	Resources    int
	MissingBands int // bands with something missing
	// Open are the cases open at the half-year's end in every age (the release's total), and
	// per 1 000 young people of the bands' population.
	Open, OpenPer1000 Figure
	// Needs are the needs table's totals over every age (stats.NeedsCols order); Measure gives
	// each per 1 000 young people of the bands' population.
	Needs  []Figure
	opened *Figure
}

// Picture is the joint picture of needs, population and resources for a published half-year.
type Picture struct {
	Period stats.Period
	Year   int // the population year used (0: no population)
	Bands  []string
	Rows   []Row // the districts in the release's order, then the municipality
	// Shapes are the districts' boundaries, for the map (the store adds them).
	Shapes []Shape
}

// PopulationYear picks the population year for a period: the latest year imported up to the
// period's year (population is counted at the end of a year), else the earliest after it.
func PopulationYear(years []int, p stats.Period) int {
	best := 0
	for _, y := range years {
		if y <= p.Year && y > best {
			best = y
		}
	}
	if best == 0 && len(years) > 0 {
		best = slices.Min(years)
	}
	return best
}

// Build makes the picture of a released half-year: d is the release (every figure already
// suppressed), pop the population of one year, res the resource registry, districts the
// municipality's districts in display order.
func Build(d *stats.Dashboard, year int, pop []PopRow, res []Resource, districts []District) Picture {
	pic := Picture{Period: d.Period, Year: year, Bands: Bands}
	people := map[int64]map[string]int{stats.All: {}}
	for _, r := range pop {
		if r.Year != year {
			continue
		}
		b := stats.AgeBandCode(r.Age)
		if people[r.District] == nil {
			people[r.District] = map[string]int{}
		}
		people[r.District][b] += r.People
		people[stats.All][b] += r.People
	}
	// One array for every cell's needs: a picture of 300 districts has 2 100 of them.
	var arena []Figure
	take := func() []Figure {
		n := len(stats.NeedsCols)
		if len(arena) < n {
			arena = make([]Figure, n*(len(districts)+1)*(len(Bands)+1))
		}
		out := arena[:n:n]
		arena = arena[n:]
		return out
	}
	build := func(id int64, name string) Row {
		row := Row{ID: id, Name: name}
		var avail []Resource
		for _, r := range res {
			if id == stats.All || r.District == 0 || r.District == id {
				avail = append(avail, r)
			}
			if id == stats.All || r.District == id {
				row.Cost += r.Cost
				row.Resources++
			}
		}
		var age, needs *stats.Table
		if v, ok := d.View(id); ok {
			age, needs = v.Table("breakdown_age"), v.Table(stats.NeedsTable)
		}
		for _, b := range Bands {
			c := Cell{Band: b, Population: people[id][b]}
			row.Population += c.Population
			c.Open, c.Opened = Figure{None: true}, Figure{None: true}
			if age != nil {
				c.Open, c.Opened = fromCell(age.Cell(b, "open")), fromCell(age.Cell(b, "opened"))
			}
			c.OpenPer1000, c.OpenedPer1000 = per1000(c.Open, c.Population), per1000(c.Opened, c.Population)
			if needs != nil {
				c.Needs = needsOf(needs, b, take())
			}
			ages := bandAges[b]
			met := map[string]bool{}
			for _, r := range avail {
				if r.AgeTo < ages[0] || r.AgeFrom > ages[1] {
					continue
				}
				c.Resources++
				c.Capacity += r.Capacity
				c.Evenings = c.Evenings || r.Evenings
				c.Weekends = c.Weekends || r.Weekends
				for _, n := range r.Needs {
					met[n] = true
				}
			}
			for _, n := range casework.IRKNeeds {
				if !met[n] {
					c.Missing = append(c.Missing, n)
				}
			}
			if len(c.Missing) > 0 {
				row.MissingBands++
			}
			row.Cells = append(row.Cells, c)
		}
		row.Open = Figure{None: true}
		if age != nil {
			row.Open = fromCell(age.Cell("total", "open"))
		}
		row.OpenPer1000 = per1000(row.Open, row.Population)
		if age != nil {
			o := fromCell(age.Cell("total", "opened"))
			row.opened = &o
		}
		if needs != nil {
			row.Needs = needsOf(needs, "total", take())
		}
		if row.Population > 0 {
			row.CostPerYoung = Figure{Value: float64(row.Cost) / float64(row.Population), Shown: true}
		} else {
			row.CostPerYoung = Figure{None: true}
		}
		return row
	}
	for _, dist := range districts {
		pic.Rows = append(pic.Rows, build(dist.ID, dist.Name))
	}
	all := build(stats.All, "")
	for i := range pic.Rows {
		for j := range pic.Rows[i].Cells {
			c := &pic.Rows[i].Cells[j]
			m := all.Cells[j].OpenPer1000
			c.Priority = c.OpenPer1000.Shown && c.OpenPer1000.Value > 0 && m.Shown && c.OpenPer1000.Value >= m.Value &&
				(len(c.Missing) > 0 || !c.Evenings || !c.Weekends)
		}
	}
	pic.Rows = append(pic.Rows, all)
	return pic
}

// Gap is a district and band where needs are high and something is missing, for the list
// under the picture: most young people per 1 000 first.
type Gap struct {
	District string
	Cell     Cell
}

// Gaps lists the priority cells of the picture.
func (p Picture) Gaps() []Gap {
	var out []Gap
	for _, r := range p.Rows {
		if r.ID == stats.All {
			continue
		}
		for _, c := range r.Cells {
			if c.Priority {
				out = append(out, Gap{District: r.Name, Cell: c})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cell.OpenPer1000.Value > out[j].Cell.OpenPer1000.Value })
	return out
}

// needsOf reads a row of the release's needs table: each column's count, as published.
func needsOf(t *stats.Table, row string, out []Figure) []Figure {
	var r *stats.Row
	for i := range t.Rows {
		if t.Rows[i].Code == row {
			r = &t.Rows[i]
			break
		}
	}
	for i, col := range stats.NeedsCols {
		out[i] = Figure{None: true}
		if r == nil {
			continue
		}
		j := i // the release writes the columns in NeedsCols order; a table that does not is searched
		if j >= len(t.Cols) || t.Cols[j].Code != col {
			j = -1
			for k, h := range t.Cols {
				if h.Code == col {
					j = k
				}
			}
		}
		if j >= 0 && j < len(r.Cells) {
			out[i] = fromCell(r.Cells[j])
		}
	}
	return out
}
