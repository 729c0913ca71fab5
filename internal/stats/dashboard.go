package stats

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
)

// Dashboard is the municipality's follow-up for one period: a view of the whole municipality
// and one per district, every figure already suppressed. It is what the store returns; the
// counts it was built from stay behind.
type Dashboard struct {
	Period       Period
	Now          time.Time
	Districts    []Named // the slices: districts, and NoDistrict (named "") when some young people have none
	Coordinators []Named
	Deadlines    Deadlines
	// Published says, for a stored release, when each of its parts was made (PartMain, and
	// the follow-ups once made); empty for a dashboard just built.
	Published map[string]time.Time

	views    map[int64]*View
	verified error
	// previous is the release of the period before, and carried the views and rows (a
	// gender, or "total") whose stock of open cases ties the two releases together.
	previous *Dashboard
	carried  []carryKey
}

type carryKey struct {
	view int64
	row  string
}

// View is the dashboard of one slice (All, a district, or NoDistrict).
type View struct {
	Slice  int64
	Tables []*Table
}

// Table is a published table: rows by columns of cells. It is drawn as a chart and shown as an
// accessible table beside it.
type Table struct {
	ID      string
	Section string // "flow", "times", "consent", "outcomes", "breakdown"
	// Chart is "hbars" (each row a group of bars, one per Series column), "columns" (each
	// column but the total a group of bars, one per row; for months) or "" (no chart).
	Chart  string
	Series []string
	Unit   string // "count", "days", "percent", "share", "crimes", "score", "grades"
	// National tables go into the export file for national comparison.
	National bool
	Cols     []Header
	Rows     []Row
}

// Header names a row or column: a stable code (used in exports) and how to show it — a
// catalogue key, a literal text, or a key followed by a text (a month: "jan" + "2026").
type Header struct {
	Code string
	Key  string
	Text string
}

// Row is a row of a table. Total marks the row of totals.
type Row struct {
	Header
	Total bool
	Cells []*Cell
}

// Cell returns the cell at a row and column code, or nil.
func (t *Table) Cell(row, col string) *Cell {
	for _, r := range t.Rows {
		if r.Code != row {
			continue
		}
		for i, c := range t.Cols {
			if c.Code == col {
				return r.Cells[i]
			}
		}
	}
	return nil
}

// View returns the view of a slice: All, or a district id.
func (d *Dashboard) View(slice int64) (*View, bool) {
	v, ok := d.views[slice]
	return v, ok
}

// Table returns a table of the view by id.
func (v *View) Table(id string) *Table {
	for _, t := range v.Tables {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Verify reports the check of the suppression of every figure (see Verify), made by Build
// before the hidden values were forgotten; the export refuses a dashboard that fails it.
func (d *Dashboard) Verify() error { return d.verified }

// CheckPublished checks, from the published figures alone, that no hidden count can be
// computed by subtraction: in every table with a total row, along the flow's total column and
// between the municipality and its districts, a shown total minus its shown parts must be zero
// with no part hidden, or at least MinCell spread over two or more hidden parts. It checks
// that no shown count is below MinCell, and — over every relation a reader can form from the
// published tables (publishedRelations), with the labels "<5" and "–" — that no "<5" can be
// narrowed (Narrowed). A release is stored only when it passes; tests run it on real output.
func (d *Dashboard) CheckPublished() error {
	check := func(where string, total *Cell, parts []*Cell) error {
		if total == nil || !total.Show() || !total.IsCount() {
			return nil
		}
		rest, hidden := total.Value, 0
		for _, p := range parts {
			if p == nil || !p.IsCount() {
				return nil
			}
			if p.Show() {
				rest -= p.Value
			} else {
				hidden++
			}
		}
		switch {
		case hidden == 1:
			return fmt.Errorf("%s: one hidden part, %v = total − shown parts", where, rest)
		case hidden > 1 && rest < MinCell:
			return fmt.Errorf("%s: %d hidden parts sum to %v", where, hidden, rest)
		case hidden == 0 && rest != 0:
			return fmt.Errorf("%s: parts do not add up to the total (%v left)", where, rest)
		}
		return nil
	}
	for slice, v := range d.views {
		for _, t := range v.Tables {
			for _, r := range t.Rows {
				for j, c := range r.Cells {
					if c != nil && c.Show() && c.IsCount() && c.Value < MinCell {
						return fmt.Errorf("view %d %s/%s/%s shows %v", slice, t.ID, r.Code, t.Cols[j].Code, c.Value)
					}
				}
			}
			for j, col := range t.Cols {
				var total *Cell
				var parts []*Cell
				for _, r := range t.Rows {
					if r.Total {
						total = r.Cells[j]
					} else {
						parts = append(parts, r.Cells[j])
					}
				}
				if err := check(fmt.Sprintf("view %d %s column %s", slice, t.ID, col.Code), total, parts); err != nil {
					return err
				}
			}
			if t.ID == "flow" {
				for _, r := range t.Rows {
					n := len(r.Cells)
					if err := check(fmt.Sprintf("view %d flow row %s", slice, r.Code), r.Cells[n-1], r.Cells[:n-1]); err != nil {
						return err
					}
				}
			}
		}
	}
	all := d.views[All]
	for _, t := range all.Tables {
		for i, r := range t.Rows {
			for j := range t.Cols {
				var parts []*Cell
				for _, dist := range d.Districts {
					v := d.views[dist.ID]
					if dt := v.Table(t.ID); dt != nil && i < len(dt.Rows) {
						parts = append(parts, dt.Rows[i].Cells[j])
					}
				}
				if len(parts) == 0 || len(parts) != len(d.Districts) {
					continue
				}
				if err := check(fmt.Sprintf("%s/%s/%s by district", t.ID, r.Code, t.Cols[j].Code), r.Cells[j], parts); err != nil {
					return err
				}
			}
		}
	}
	if narrow := Narrowed(d.publishedRelations()); len(narrow) > 0 {
		return fmt.Errorf("%d figures shown as \"<5\" can be narrowed by adding and subtracting published figures across tables and views", len(narrow))
	}
	return nil
}

// identities are figures shown in two places that are the same number by definition: a
// reader knows them equal.
var identities = [][2][3]string{
	{{"waiting", "identified", "count"}, {"active_by_step", "identified", "count"}},
	{{"caseload", "total", "count"}, {"active_by_step", "total", "count"}},
	{{"closures", "total", "all"}, {"flow", "closed", "total"}},
	{{"consent", "proposed", "value"}, {"flow", "started", "total"}},
	{{"times", "concern_to_decision", "n"}, {"flow", "started", "total"}},
	{{"breakdown_age", "total", "open"}, {"active_by_step", "total", "count"}},
	{{"breakdown_age", "total", "opened"}, {"flow", "opened", "total"}},
	{{"breakdown_age", "total", "closed"}, {"flow", "closed", "total"}},
	{{"breakdown_gender", "total", "open"}, {"active_by_step", "total", "count"}},
	{{"breakdown_gender", "total", "opened"}, {"flow", "opened", "total"}},
	{{"breakdown_gender", "total", "closed"}, {"flow", "closed", "total"}},
	{{"breakdown_program", "total", "open"}, {"active_by_step", "total", "count"}},
	{{"breakdown_program", "total", "opened"}, {"flow", "opened", "total"}},
	{{"breakdown_program", "total", "closed"}, {"flow", "closed", "total"}},
}

// publishedRelations are the sums a reader can form from the published figures alone, as
// relations between the published cells: every total row against its rows, each month
// against the half-year, n against within and late, proposed against consented and not,
// the municipality against its districts in every table, the figures shown twice, the
// paired totals before and after, and the stock of open cases from one release to the next.
func (d *Dashboard) publishedRelations() []Group {
	var groups []Group
	counts := func(cs ...*Cell) bool {
		for _, c := range cs {
			if c == nil || !c.IsCount() {
				return false
			}
		}
		return true
	}
	add := func(total *Cell, parts ...*Cell) {
		if counts(total) && counts(parts...) {
			groups = append(groups, Group{Total: total, Parts: parts})
		}
	}
	for _, v := range d.views {
		for _, t := range v.Tables {
			for j := range t.Cols {
				var total *Cell
				var parts []*Cell
				for _, r := range t.Rows {
					if r.Total {
						total = r.Cells[j]
					} else {
						parts = append(parts, r.Cells[j])
					}
				}
				if total != nil {
					add(total, parts...)
				}
			}
			switch t.ID {
			case "flow":
				for _, r := range t.Rows {
					n := len(r.Cells)
					add(r.Cells[n-1], r.Cells[:n-1]...)
				}
			case "deadlines":
				for _, r := range t.Rows {
					add(t.Cell(r.Code, "n"), t.Cell(r.Code, "within"), t.Cell(r.Code, "late"))
				}
			case "consent":
				add(t.Cell("proposed", "value"), t.Cell("consented", "value"), t.Cell("not_consented", "value"))
			}
			if strings.HasPrefix(t.ID, "outcome_") {
				for _, later := range LaterPoints {
					if b, a := t.Cell("total", later+"_before"), t.Cell("total", later+"_after"); b != nil && a != nil {
						add(b, a)
					}
				}
			}
		}
		for _, id := range identities {
			a, b := v.Table(id[0][0]), v.Table(id[1][0])
			if a != nil && b != nil {
				if x, y := a.Cell(id[0][1], id[0][2]), b.Cell(id[1][1], id[1][2]); x != nil && y != nil {
					add(x, y)
				}
			}
		}
	}
	all := d.views[All]
	if all == nil {
		return groups
	}
	for _, t := range all.Tables {
		if t.ID == "breakdown_district" {
			for _, r := range t.Rows {
				for _, dist := range d.Districts {
					code := "d" + strconv.FormatInt(dist.ID, 10)
					if dist.ID == NoDistrict {
						code = "none"
					}
					if code != r.Code {
						continue
					}
					dv := d.views[dist.ID]
					if dv == nil {
						continue
					}
					add(r.Cells[0], dv.Table("active_by_step").Cell("total", "count"))
					add(r.Cells[1], dv.Table("flow").Cell("opened", "total"))
					add(r.Cells[2], dv.Table("flow").Cell("closed", "total"))
				}
			}
			continue
		}
		for _, r := range t.Rows {
			for j := range t.Cols {
				var parts []*Cell
				for _, dist := range d.Districts {
					if dv := d.views[dist.ID]; dv != nil {
						if dt := dv.Table(t.ID); dt != nil {
							parts = append(parts, dt.Cell(r.Code, t.Cols[j].Code))
						}
					}
				}
				if len(parts) == len(d.Districts) && len(parts) > 0 {
					add(r.Cells[j], parts...)
				}
			}
		}
	}
	groups = append(groups, d.carryRelations(nil)...)
	return groups
}

// carryRelations ties one release to the one before: the young people open at the end of
// the previous period and those opened in this one are those open at its end and those
// closed in it — per view, in total and per gender. Only relations recorded in carried are
// made (those that hold in the data; see Build); cells maps a view and row to this
// release's cells (nil: the published ones).
func (d *Dashboard) carryRelations(cell func(view int64, row, col string) *Cell) []Group {
	if d.previous == nil {
		return nil
	}
	if cell == nil {
		cell = func(view int64, row, col string) *Cell {
			if v := d.views[view]; v != nil {
				if t := v.Table("breakdown_gender"); t != nil {
					return t.Cell(row, col)
				}
			}
			return nil
		}
	}
	var groups []Group
	for _, k := range d.carried {
		prev := d.previous.carriedCell(k)
		open, opened, closed := cell(k.view, k.row, "open"), cell(k.view, k.row, "opened"), cell(k.view, k.row, "closed")
		if prev == nil || open == nil || opened == nil || closed == nil {
			continue
		}
		v := &Cell{Virtual: true, Suppressed: true, Kind: KindCount, Value: prev.Value + opened.Value, N: prev.N + opened.N}
		groups = append(groups, Group{Total: v, Parts: []*Cell{prev, opened}}, Group{Total: v, Parts: []*Cell{open, closed}})
	}
	return groups
}

// carriedCell is the published open-at-end figure of a view and row, as a fixed given.
func (d *Dashboard) carriedCell(k carryKey) *Cell {
	v := d.views[k.view]
	if v == nil {
		return nil
	}
	t := v.Table("breakdown_gender")
	if t == nil {
		return nil
	}
	c := t.Cell(k.row, "open")
	if c == nil {
		return nil
	}
	return &Cell{Value: c.Value, N: c.N, Suppressed: c.Suppressed, Primary: c.Primary, Kind: KindCount, fixed: true}
}

// The outcome indicators compared on the dashboard.
var (
	numericOutcomes = []string{"school_attendance", "passed_subjects", "police_suspect", "police_victim", "own_progress"}
	choiceOutcomes  = []string{"placement", "occupation", "housing", "income", "substance_use", "organised_leisure"}
)

// AgeBands are the codes of the breakdown's age bands (casework.AgeBand), "unknown" for an
// unknown age; AgeBandCode maps an age to its code.
var AgeBands = []string{"0-12", "13-15", "16-17", "18-20", "21-25", "26-", "unknown"}

// AgeBandCode is the age band of an age in full years (negative: unknown).
func AgeBandCode(age int) string {
	switch {
	case age < 0:
		return "unknown"
	case age <= 12:
		return "0-12"
	case age <= 15:
		return "13-15"
	case age <= 17:
		return "16-17"
	case age <= 20:
		return "18-20"
	case age <= 25:
		return "21-25"
	}
	return "26-"
}

// closureReasons in the order the dashboard lists them.
var closureReasons = func() []string {
	out := []string{string(casework.CloseNotNow), string(casework.CloseReferred), string(casework.CloseNotStarted)}
	for _, r := range casework.ClosureReasons {
		out = append(out, string(r))
	}
	return out
}()

type cellKey struct {
	view            int64
	table, row, col string
}

type builder struct {
	raw    *Raw
	slices []int64
	cells  map[cellKey]*Cell
	all    []*Cell
	groups []Group
}

func (b *builder) put(view int64, table, row, col string, c *Cell) {
	b.cells[cellKey{view, table, row, col}] = c
	b.all = append(b.all, c)
}

func (b *builder) get(view int64, table, row, col string) *Cell {
	return b.cells[cellKey{view, table, row, col}]
}

// count makes a count cell per slice and for All (their sum), tied by a group.
func (b *builder) count(table, row, col string, f func(slice int64) int) {
	var parts []*Cell
	total := 0
	for _, s := range b.slices {
		n := f(s)
		c := Count(n)
		b.put(s, table, row, col, c)
		parts = append(parts, c)
		total += n
	}
	all := Count(total)
	b.put(All, table, row, col, all)
	b.groups = append(b.groups, Group{Total: all, Parts: parts})
}

// alias shows an existing cell again under another key, in every view.
func (b *builder) alias(table, row, col, fromTable, fromRow, fromCol string) {
	for _, v := range b.views() {
		b.cells[cellKey{v, table, row, col}] = b.get(v, fromTable, fromRow, fromCol)
	}
}

// derive makes a derived cell in every view.
func (b *builder) derive(table, row, col string, f func(view int64) *Cell) {
	for _, v := range b.views() {
		if c := f(v); c != nil {
			b.put(v, table, row, col, c)
		}
	}
}

// group ties a total and its parts in every view.
func (b *builder) group(table, totalRow, totalCol string, parts [][2]string) {
	for _, v := range b.views() {
		g := Group{Total: b.get(v, table, totalRow, totalCol)}
		for _, p := range parts {
			g.Parts = append(g.Parts, b.get(v, table, p[0], p[1]))
		}
		b.groups = append(b.groups, g)
	}
}

func (b *builder) views() []int64 { return append([]int64{All}, b.slices...) }

// in returns the slices a view is made of.
func (b *builder) in(view int64) []int64 {
	if view == All {
		return b.slices
	}
	return []int64{view}
}

func (b *builder) numbers(view int64, key string) PairSum {
	var s PairSum
	for _, sl := range b.in(view) {
		if p := b.raw.numbers[sl][key]; p != nil {
			s.N += p.N
			s.Before += p.Before
			s.After += p.After
		}
	}
	return s
}

func (b *builder) hist(view int64, measure string, wait bool) map[int]int {
	out := map[int]int{}
	for _, sl := range b.in(view) {
		h := b.raw.times[sl][measure]
		if wait {
			h = b.raw.wait[sl]
		}
		for d, n := range h {
			out[d] += n
		}
	}
	return out
}

func (b *builder) goals(view int64) GoalSums {
	var g GoalSums
	for _, sl := range b.in(view) {
		if x := b.raw.goals[sl]; x != nil {
			g.Plans += x.Plans
			g.SubGoals += x.SubGoals
			g.Reached += x.Reached
		}
	}
	return g
}

// median of a histogram of whole days (the mean of the two middle values when even).
func median(h map[int]int) (float64, int) {
	n := 0
	var keys []int
	for d, c := range h {
		if c > 0 {
			keys = append(keys, d)
			n += c
		}
	}
	if n == 0 {
		return 0, 0
	}
	sort.Ints(keys)
	at := func(i int) int { // the i-th value (0-based) in order
		for _, d := range keys {
			if i < h[d] {
				return d
			}
			i -= h[d]
		}
		return keys[len(keys)-1]
	}
	if n%2 == 1 {
		return float64(at(n / 2)), n
	}
	return float64(at(n/2-1)+at(n/2)) / 2, n
}

func hdr(code, key string) Header { return Header{Code: code, Key: key} }

// Build turns the counts into the dashboard: every table in every view, then suppression over
// all of them at once, so the municipality's view and each district's view are one consistent
// set of figures.
func Build(raw *Raw) *Dashboard {
	d, _ := build(raw)
	return d
}

func build(raw *Raw) (*Dashboard, *builder) {
	b := &builder{raw: raw, cells: map[cellKey]*Cell{}}
	d := &Dashboard{Period: raw.Period, Now: raw.Now, Coordinators: raw.Coordinators, Deadlines: raw.Deadlines, views: map[int64]*View{}}
	for _, dist := range raw.Districts {
		b.slices = append(b.slices, dist.ID)
		d.Districts = append(d.Districts, dist)
	}
	var defs []*Table
	def := func(t *Table) *Table { defs = append(defs, t); return t }

	// Active cases by step, now.
	steps := def(&Table{ID: "active_by_step", Section: "flow", Chart: "hbars", Series: []string{"count"}, Unit: "count", National: true,
		Cols: []Header{hdr("count", "dashboard.col.cases")}})
	var stepParts [][2]string
	for _, st := range casework.Steps {
		if !st.Open() {
			continue
		}
		s := string(st)
		b.count(steps.ID, s, "count", func(sl int64) int { return raw.steps[sl][s] })
		steps.Rows = append(steps.Rows, Row{Header: hdr(s, "step."+s)})
		stepParts = append(stepParts, [2]string{s, "count"})
	}
	b.count(steps.ID, "total", "count", func(sl int64) int {
		n := 0
		for _, p := range stepParts {
			n += raw.steps[sl][p[0]]
		}
		return n
	})
	steps.Rows = append(steps.Rows, Row{Header: hdr("total", "dashboard.row.total"), Total: true})
	b.group(steps.ID, "total", "count", stepParts)

	// The waiting list: the identified cases, and how long they have waited.
	wait := def(&Table{ID: "waiting", Section: "flow", Unit: "days", National: true,
		Cols: []Header{hdr("count", "dashboard.col.cases"), hdr("median_days", "dashboard.col.median_days")},
		Rows: []Row{{Header: hdr("identified", "dashboard.row.waiting")}}})
	b.alias(wait.ID, "identified", "count", steps.ID, string(casework.StepIdentified), "count")
	b.derive(wait.ID, "identified", "median_days", func(v int64) *Cell {
		m, n := median(b.hist(v, "", true))
		return Derived(KindMedian, m, n, b.get(v, wait.ID, "identified", "count"))
	})

	// Caseload per coordinator, now.
	load := def(&Table{ID: "caseload", Section: "flow", Chart: "hbars", Series: []string{"count"}, Unit: "count",
		Cols: []Header{hdr("count", "dashboard.col.cases")}})
	var loadParts [][2]string
	for _, c := range append(append([]Named(nil), raw.Coordinators...), Named{ID: 0}) {
		id := c.ID
		code := "u" + strconv.FormatInt(id, 10)
		h := Header{Code: code, Text: c.Name}
		if id == 0 {
			code, h = "none", hdr("none", "dashboard.row.no_coordinator")
		}
		b.count(load.ID, code, "count", func(sl int64) int { return raw.caseload[sl][id] })
		load.Rows = append(load.Rows, Row{Header: h})
		loadParts = append(loadParts, [2]string{code, "count"})
	}
	b.alias(load.ID, "total", "count", steps.ID, "total", "count")
	load.Rows = append(load.Rows, Row{Header: hdr("total", "dashboard.row.total"), Total: true})
	b.group(load.ID, "total", "count", loadParts)

	// Inflow and outflow per month.
	flow := def(&Table{ID: "flow", Section: "flow", Chart: "columns", Unit: "count", National: true})
	for _, m := range raw.Period.Months() {
		flow.Cols = append(flow.Cols, Header{Code: m.Format("2006-01"), Key: "dashboard.month." + strconv.Itoa(int(m.Month())), Text: strconv.Itoa(m.Year())})
	}
	flow.Cols = append(flow.Cols, hdr("total", "dashboard.col.period_total"))
	// reopened: closed cases opened again — young people who came back — counted apart from
	// the new cases opened.
	for _, row := range []string{"opened", "started", "closed", "reopened"} {
		row := row
		flow.Rows = append(flow.Rows, Row{Header: hdr(row, "dashboard.row."+row)})
		var parts [][2]string
		for i, c := range flow.Cols[:6] {
			i := i
			b.count(flow.ID, row, c.Code, func(sl int64) int {
				if f := raw.flow[sl][row]; f != nil {
					return f[i]
				}
				return 0
			})
			parts = append(parts, [2]string{row, c.Code})
		}
		b.count(flow.ID, row, "total", func(sl int64) int {
			n := 0
			if f := raw.flow[sl][row]; f != nil {
				for _, x := range f {
					n += x
				}
			}
			return n
		})
		b.group(flow.ID, row, "total", parts)
	}

	// Why cases closed, all of them and those where SIG had started.
	cl := def(&Table{ID: "closures", Section: "flow", Chart: "hbars", Series: []string{"all"}, Unit: "count", National: true,
		Cols: []Header{hdr("all", "dashboard.col.closed_all"), hdr("started", "dashboard.col.closed_started")}})
	var clAll, clStarted [][2]string
	for _, r := range closureReasons {
		r := r
		cl.Rows = append(cl.Rows, Row{Header: hdr(r, "closure."+r)})
		for i, col := range []string{"all", "started"} {
			i := i
			b.count(cl.ID, r, col, func(sl int64) int {
				if c := raw.closures[sl][r]; c != nil {
					return c[i]
				}
				return 0
			})
		}
		clAll = append(clAll, [2]string{r, "all"})
		clStarted = append(clStarted, [2]string{r, "started"})
	}
	b.alias(cl.ID, "total", "all", flow.ID, "closed", "total")
	b.count(cl.ID, "total", "started", func(sl int64) int {
		n := 0
		for _, c := range raw.closures[sl] {
			n += c[1]
		}
		return n
	})
	cl.Rows = append(cl.Rows, Row{Header: hdr("total", "dashboard.row.total"), Total: true})
	b.group(cl.ID, "total", "all", clAll)
	b.group(cl.ID, "total", "started", clStarted)

	// Times from the concern, median days.
	times := def(&Table{ID: "times", Section: "times", Chart: "hbars", Series: []string{"median_days"}, Unit: "days", National: true,
		Cols: []Header{hdr("n", "dashboard.col.n"), hdr("median_days", "dashboard.col.median_days")}})
	for _, m := range []string{"concern_to_decision", "concern_to_group", "concern_to_plan"} {
		m := m
		times.Rows = append(times.Rows, Row{Header: hdr(m, "dashboard.row."+m)})
		if m == "concern_to_decision" { // the decisions of the period: the flow's started
			b.alias(times.ID, m, "n", flow.ID, "started", "total")
		} else {
			b.count(times.ID, m, "n", func(sl int64) int {
				n := 0
				for _, c := range raw.times[sl][m] {
					n += c
				}
				return n
			})
		}
		b.derive(times.ID, m, "median_days", func(v int64) *Cell {
			md, n := median(b.hist(v, m, false))
			return Derived(KindMedian, md, n, b.get(v, times.ID, m, "n"))
		})
	}

	// Deadlines met.
	dl := def(&Table{ID: "deadlines", Section: "times", Chart: "hbars", Series: []string{"share_within"}, Unit: "share", National: true,
		Cols: []Header{hdr("n", "dashboard.col.n"), hdr("within", "dashboard.col.within"), hdr("late", "dashboard.col.late"), hdr("share_within", "dashboard.col.share_within")}})
	for _, k := range []string{"assessment", "group", "plan"} {
		k := k
		dl.Rows = append(dl.Rows, Row{Header: hdr(k, "dashboard.row.deadline."+k)})
		for i, col := range []string{"within", "late"} {
			i := i
			b.count(dl.ID, k, col, func(sl int64) int {
				if x := raw.deadlines[sl][k]; x != nil {
					return x[i]
				}
				return 0
			})
		}
		b.count(dl.ID, k, "n", func(sl int64) int {
			if x := raw.deadlines[sl][k]; x != nil {
				return x[0] + x[1]
			}
			return 0
		})
		b.group(dl.ID, k, "n", [][2]string{{k, "within"}, {k, "late"}})
		b.derive(dl.ID, k, "share_within", func(v int64) *Cell {
			w, l, n := b.get(v, dl.ID, k, "within"), b.get(v, dl.ID, k, "late"), b.get(v, dl.ID, k, "n")
			return Derived(KindShare, ratio(w.Value, n.Value), n.N, w, l, n)
		})
	}

	// Consent.
	cs := def(&Table{ID: "consent", Section: "consent", Unit: "count", National: true,
		Cols: []Header{hdr("value", "dashboard.col.value")}})
	consent := func(sl int64, row string) int { return raw.consent[sl][row] }
	// Proposed are the cases decided to start in the period: the flow's started, the same
	// figure (two cells would let one be suppressed and the other shown).
	b.alias(cs.ID, "proposed", "value", flow.ID, "started", "total")
	b.count(cs.ID, "consented", "value", func(sl int64) int { return consent(sl, "consented") })
	b.count(cs.ID, "not_consented", "value", func(sl int64) int { return max(consent(sl, "proposed")-consent(sl, "consented"), 0) })
	b.count(cs.ID, "withdrawn", "value", func(sl int64) int { return consent(sl, "withdrawn") })
	b.group(cs.ID, "proposed", "value", [][2]string{{"consented", "value"}, {"not_consented", "value"}})
	b.derive(cs.ID, "share_consented", "value", func(v int64) *Cell {
		y, no, p := b.get(v, cs.ID, "consented", "value"), b.get(v, cs.ID, "not_consented", "value"), b.get(v, cs.ID, "proposed", "value")
		return Derived(KindShare, ratio(y.Value, p.Value), p.N, y, no, p)
	})
	for _, r := range []string{"proposed", "consented", "not_consented", "share_consented", "withdrawn"} {
		cs.Rows = append(cs.Rows, Row{Header: hdr(r, "dashboard.row."+r)})
	}

	// Outcomes of numeric indicators, paired per young person.
	for _, code := range numericOutcomes {
		code := code
		in, _ := IndicatorByCode(code)
		kind, unit := KindMean, map[string]string{UnitPercent: "percent", UnitScale: "score", UnitCount: "grades"}[in.Unit]
		if in.Code == "police_suspect" || in.Code == "police_victim" {
			kind, unit = KindSum, "crimes"
		}
		t := def(&Table{ID: "outcome_" + code, Section: "outcomes", Chart: "hbars", Series: []string{"before", "after"}, Unit: unit, National: true,
			Cols: []Header{hdr("n", "dashboard.col.n"), hdr("before", "dashboard.col.at_intake"), hdr("after", "dashboard.col.after"), hdr("change", "dashboard.col.change")}})
		for _, later := range LaterPoints {
			later := later
			t.Rows = append(t.Rows, Row{Header: hdr(later, "dashboard.row.pair."+later)})
			key := code + "/" + later
			b.count(t.ID, later, "n", func(sl int64) int { return b.numbers(sl, key).N })
			addPair(b, t.ID, later, kind, func(v int64) PairSum { return b.numbers(v, key) }, b.getter(t.ID, later, "n"))
		}
		if len(in.Parts) > 0 {
			pt := def(&Table{ID: "outcome_" + code + "_parts", Section: "outcomes", Chart: "hbars", Series: []string{AtFollow6 + "_before", AtFollow6 + "_after"}, Unit: unit, National: true})
			for _, later := range LaterPoints {
				pt.Cols = append(pt.Cols, hdr(later+"_before", "dashboard.col."+later+"_before"), hdr(later+"_after", "dashboard.col."+later+"_after"))
			}
			for _, part := range in.Parts {
				part := part
				pt.Rows = append(pt.Rows, Row{Header: hdr(part, "indicator."+code+"."+part)})
				for _, later := range LaterPoints {
					key := code + "." + part + "/" + later
					nCell := b.getter(t.ID, later, "n")
					b.derive(pt.ID, part, later+"_before", func(v int64) *Cell {
						s := b.numbers(v, key)
						return Derived(KindSum, s.Before, nCell(v).N, nCell(v))
					})
					b.derive(pt.ID, part, later+"_after", func(v int64) *Cell {
						s := b.numbers(v, key)
						return Derived(KindSum, s.After, nCell(v).N, nCell(v))
					})
				}
			}
		}
	}

	// Outcomes of choices: young people per value at intake and at the later time point.
	for _, code := range choiceOutcomes {
		code := code
		in, _ := IndicatorByCode(code)
		t := def(&Table{ID: "outcome_" + code, Section: "outcomes", Chart: "hbars", Series: []string{AtClosure + "_before", AtClosure + "_after"}, Unit: "count", National: true})
		for _, later := range LaterPoints {
			t.Cols = append(t.Cols, hdr(later+"_before", "dashboard.col."+later+"_before"), hdr(later+"_after", "dashboard.col."+later+"_after"))
		}
		for _, val := range in.Values {
			t.Rows = append(t.Rows, Row{Header: hdr(val, "indicator."+code+"."+val)})
		}
		t.Rows = append(t.Rows, Row{Header: hdr("total", "dashboard.row.paired"), Total: true})
		for _, later := range LaterPoints {
			key := code + "/" + later
			for side, col := range []string{later + "_before", later + "_after"} {
				side := side
				var parts [][2]string
				for _, val := range in.Values {
					val := val
					b.count(t.ID, val, col, func(sl int64) int {
						n := 0
						for k, c := range b.raw.choices[sl][key] {
							if k[side] == val {
								n += c
							}
						}
						return n
					})
					parts = append(parts, [2]string{val, col})
				}
				if side == 0 {
					b.count(t.ID, "total", col, func(sl int64) int {
						n := 0
						for _, c := range b.raw.choices[sl][key] {
							n += c
						}
						return n
					})
				} else {
					b.alias(t.ID, "total", col, t.ID, "total", later+"_before")
				}
				b.group(t.ID, "total", col, parts)
			}
		}
	}

	// Assessment domains (Check: IRK), mean score at intake and at closure.
	irk := def(&Table{ID: "outcome_irk", Section: "outcomes", Chart: "hbars", Series: []string{"before", "after"}, Unit: "score", National: true,
		Cols: []Header{hdr("n", "dashboard.col.n"), hdr("before", "dashboard.col.at_intake"), hdr("after", "dashboard.col.at_closure"), hdr("change", "dashboard.col.change")}})
	for _, dom := range IRKDomains {
		dom := dom
		irk.Rows = append(irk.Rows, Row{Header: hdr(dom, "indicator.irk_domain."+dom)})
		key := "irk_domain." + dom + "/" + AtClosure
		b.count(irk.ID, dom, "n", func(sl int64) int { return b.numbers(sl, key).N })
		addPair(b, irk.ID, dom, KindMean, func(v int64) PairSum { return b.numbers(v, key) }, b.getter(irk.ID, dom, "n"))
	}

	// Goals.
	gl := def(&Table{ID: "goals", Section: "outcomes", Unit: "share", National: true,
		Cols: []Header{hdr("value", "dashboard.col.value")}})
	b.derive(gl.ID, "goals_reached_share", "value", func(v int64) *Cell {
		r, tot := b.get(v, cl.ID, string(casework.CloseGoalsReached), "started"), b.get(v, cl.ID, "total", "started")
		return Derived(KindShare, ratio(r.Value, tot.Value), tot.N, r, tot)
	})
	b.count(gl.ID, "plans", "value", func(sl int64) int { return b.goals(sl).Plans })
	b.derive(gl.ID, "sub_goals_reached_share", "value", func(v int64) *Cell {
		g := b.goals(v)
		return Derived(KindShare, ratio(float64(g.Reached), float64(g.SubGoals)), g.Plans, b.get(v, gl.ID, "plans", "value"))
	})
	for _, r := range []string{"goals_reached_share", "plans", "sub_goals_reached_share"} {
		gl.Rows = append(gl.Rows, Row{Header: hdr(r, "dashboard.row."+r)})
	}

	// Breakdowns by age band and gender.
	bdCols := []Header{hdr("open", "dashboard.col.open_now"), hdr("opened", "dashboard.col.opened"), hdr("closed", "dashboard.col.closed")}
	totals := [][3]string{{steps.ID, "total", "count"}, {flow.ID, "opened", "total"}, {flow.ID, "closed", "total"}}
	breakdown := func(id string, values []string, key func(string) string, data map[int64]map[string]*[3]int) {
		t := def(&Table{ID: id, Section: "breakdown", Chart: "hbars", Series: []string{"open", "opened", "closed"}, Unit: "count", National: true, Cols: bdCols})
		for _, val := range values {
			h := Header{Code: val, Key: key(val)}
			if h.Key == "" {
				h.Text = val
			}
			t.Rows = append(t.Rows, Row{Header: h})
		}
		t.Rows = append(t.Rows, Row{Header: hdr("total", "dashboard.row.total"), Total: true})
		for i, col := range bdCols {
			i := i
			var parts [][2]string
			for _, val := range values {
				val := val
				b.count(id, val, col.Code, func(sl int64) int {
					if x := data[sl][val]; x != nil {
						return x[i]
					}
					return 0
				})
				parts = append(parts, [2]string{val, col.Code})
			}
			b.alias(id, "total", col.Code, totals[i][0], totals[i][1], totals[i][2])
			b.group(id, "total", col.Code, parts)
		}
	}
	breakdown("breakdown_age", AgeBands, func(v string) string { return "dashboard.age." + strings.ReplaceAll(v, "-", "_") }, raw.ages)
	var genders []string
	for _, g := range casework.Genders {
		genders = append(genders, string(g))
	}
	breakdown("breakdown_gender", genders, func(v string) string { return "gender." + v }, raw.genders)
	// SIG and SSPF apart: the same cases by track, so every figure above is also the sum of
	// the two.
	breakdown("breakdown_program", Programs, func(v string) string { return "program." + v }, raw.programs)
	// Needs per age band, for the mapping (needs.go).
	def(b.needsTable())

	// The release before: its open cases at the end, with this period's opened and closed,
	// give this period's open cases — protect them together. A relation that no longer holds
	// in the data (a young person moved district, records merged) is left out: what a reader
	// would compute from it is not the truth.
	if prev := raw.Previous; prev != nil {
		d.previous = prev
		for _, v := range b.views() {
			for _, row := range append([]string{"total"}, genders...) {
				k := carryKey{v, row}
				pc := prev.carriedCell(k)
				if pc == nil {
					continue
				}
				n := 0
				for _, sl := range b.in(v) {
					n += raw.prevOpen[sl][row]
				}
				holds := !pc.Suppressed && int(pc.Value) == n ||
					pc.Suppressed && pc.Primary && n < MinCell ||
					pc.Suppressed && !pc.Primary && n >= MinCell
				if holds {
					d.carried = append(d.carried, k)
				}
			}
		}
		b.groups = append(b.groups, d.carryRelations(func(view int64, row, col string) *Cell { return b.get(view, "breakdown_gender", row, col) })...)
	}

	// Assemble the views' tables from the cells.
	for _, v := range b.views() {
		view := &View{Slice: v}
		for _, t := range defs {
			c := *t
			c.Rows = make([]Row, len(t.Rows))
			for i, r := range t.Rows {
				r.Cells = make([]*Cell, len(t.Cols))
				for j, col := range t.Cols {
					r.Cells[j] = b.get(v, t.ID, r.Code, col.Code)
				}
				c.Rows[i] = r
			}
			view.Tables = append(view.Tables, &c)
		}
		d.views[v] = view
	}
	// By district: the slices' totals, in the municipality's view only.
	if len(b.slices) > 0 {
		t := &Table{ID: "breakdown_district", Section: "breakdown", Chart: "hbars", Series: []string{"open", "opened", "closed"}, Unit: "count", Cols: bdCols}
		for _, dist := range d.Districts {
			h := Header{Code: "d" + strconv.FormatInt(dist.ID, 10), Text: dist.Name}
			if dist.ID == NoDistrict {
				h = hdr("none", "dashboard.row.no_district")
			}
			r := Row{Header: h}
			for _, tot := range totals {
				r.Cells = append(r.Cells, b.get(dist.ID, tot[0], tot[1], tot[2]))
			}
			t.Rows = append(t.Rows, r)
		}
		r := Row{Header: hdr("total", "dashboard.row.total"), Total: true}
		for _, tot := range totals {
			r.Cells = append(r.Cells, b.get(All, tot[0], tot[1], tot[2]))
		}
		t.Rows = append(t.Rows, r)
		d.views[All].Tables = append(d.views[All].Tables, t)
	}

	Suppress(b.all, b.groups)
	d.verified = Verify(b.all, b.groups)
	// What is hidden is forgotten: no template or export can show it by mistake.
	for _, c := range b.all {
		if c.Suppressed {
			c.Value, c.N = 0, 0
		}
	}
	return d, b
}

// getter returns a function giving a cell of a view.
func (b *builder) getter(table, row, col string) func(int64) *Cell {
	return func(v int64) *Cell { return b.get(v, table, row, col) }
}

// addPair makes the before, after and change cells of a paired comparison over the n cell.
func addPair(b *builder, table, row, kind string, sums func(int64) PairSum, n func(int64) *Cell) {
	val := func(s PairSum, x float64) float64 {
		if kind == KindMean {
			return ratio(x, float64(s.N))
		}
		return x
	}
	b.derive(table, row, "before", func(v int64) *Cell {
		s := sums(v)
		return Derived(kind, val(s, s.Before), s.N, n(v))
	})
	b.derive(table, row, "after", func(v int64) *Cell {
		s := sums(v)
		return Derived(kind, val(s, s.After), s.N, n(v))
	})
	b.derive(table, row, "change", func(v int64) *Cell {
		s := sums(v)
		return Derived(KindChange, val(s, s.After)-val(s, s.Before), s.N, n(v))
	})
}

// KindChange is a difference between two shown figures (it may be negative). It is shown on
// the dashboard and left out of the export, where it can be computed.
const KindChange = "change"

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
