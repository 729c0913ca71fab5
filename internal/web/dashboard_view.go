package web

import (
	"math"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/stats"
)

// The dashboard as pages and exports show it: every table of a view with its labels
// translated and its figures formatted, hidden ones as "<5" or "–". The figures come
// suppressed from the store; this file only decides how they look.

// How a figure that is not shown is shown, on pages and in exports: Hidden rests on fewer
// than five young people; Protected is hidden to protect another figure (it rests on five or
// more: secondary suppression, explained in a footnote); Pending belongs to a part of the
// release not yet published (the follow-ups).
const (
	Hidden    = "<5"
	Protected = "–"
	Pending   = "…"
)

// figureView is one figure of the dashboard: a chart, the table beside it and a summary.
type figureView struct {
	ID      string
	Title   string
	Summary string
	Note    string // how the figure is computed, in one sentence
	Chart   *svgChart
	Table   tableView
	Wide    bool // the table goes below the chart, not beside it
}

// tableView is an accessible table: caption, column headers, rows with a header cell.
type tableView struct {
	Caption string
	Corner  string // the header of the row-label column
	Cols    []string
	Rows    []rowView
}

type rowView struct {
	Label string
	Total bool
	Cells []cellView
}

type cellView struct {
	Text      string
	Value     float64 // for charts and spreadsheets; meaningless when Hidden or Empty
	Hidden    bool    // not shown: "<5", "–" or "…"
	Secondary bool    // hidden to protect another figure ("–")
	Empty     bool    // no such figure (shown blank)
	Kind      string
}

// sectionView groups figures under a heading.
type sectionView struct {
	ID, Heading, Intro string
	Figures            []figureView
}

// dashSections are the dashboard's sections in order.
var dashSections = []string{"flow", "times", "consent", "outcomes", "breakdown"}

// labeller translates headers.
type labeller struct{ p *Page }

func (l labeller) header(h stats.Header) string {
	switch {
	case h.Key != "" && h.Text != "":
		return l.p.T(h.Key) + " " + h.Text
	case h.Key != "":
		return l.p.T(h.Key)
	}
	return h.Text
}

// formatNumber writes v with the locale's decimal mark and digit grouping.
func formatNumber(l casework.Locale, v float64, decimals int) string {
	neg := v < 0
	v = math.Abs(v)
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if len(intPart) > 4 {
		sep := "\u00a0"
		if l == casework.LocaleEn {
			sep = ","
		}
		var b strings.Builder
		for i, r := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteRune(r)
		}
		intPart = b.String()
	}
	out := intPart
	if frac != "" {
		mark := ","
		if l == casework.LocaleEn {
			mark = "."
		}
		out += mark + frac
	}
	if neg && v != 0 {
		out = "−" + out
	}
	return out
}

// formatCell shows a figure of a table with unit.
func formatCell(l casework.Locale, c *stats.Cell, unit string) cellView {
	if c == nil {
		return cellView{Text: "", Empty: true}
	}
	cv := cellView{Value: c.Value, Kind: c.Kind}
	switch {
	case c.Pending:
		cv.Text, cv.Hidden = Pending, true
		return cv
	case c.Secondary():
		cv.Text, cv.Hidden, cv.Secondary = Protected, true, true
		return cv
	case !c.Show():
		cv.Text, cv.Hidden = Hidden, true
		return cv
	}
	cv.Text = formatValue(l, c.Kind, unit, c.Value)
	return cv
}

// percentagePoints is the unit of a change between two percentages, in each interface
// language (a unit beside a number, like " %", rather than a catalogue sentence).
var percentagePoints = map[casework.Locale]string{casework.LocaleSv: "procentenheter", casework.LocaleEn: "percentage points"}

// formatValue formats a value of a kind in a table's unit.
func formatValue(l casework.Locale, kind, unit string, v float64) string {
	percent := "\u00a0%"
	switch kind {
	case stats.KindCount, "":
		return formatNumber(l, v, 0)
	case stats.KindShare:
		return formatNumber(l, v*100, 0) + percent
	case stats.KindMedian:
		if v == math.Trunc(v) {
			return formatNumber(l, v, 0)
		}
		return formatNumber(l, v, 1)
	}
	signed := func(s string) string {
		if kind == stats.KindChange && v > 0 {
			return "+" + s
		}
		return s
	}
	switch unit {
	case "percent":
		if kind == stats.KindChange {
			// The difference between two percentages is in percentage points (issue 17:5):
			// "+22,3 %" read as a relative change.
			return signed(formatNumber(l, v, 1)) + "\u00a0" + percentagePoints[l]
		}
		return signed(formatNumber(l, v, 1)) + percent
	case "score":
		return signed(formatNumber(l, v, 2))
	case "crimes":
		if v == math.Trunc(v) {
			return signed(formatNumber(l, v, 0))
		}
		return signed(formatNumber(l, v, 1))
	}
	return signed(formatNumber(l, v, 1))
}

// tableOf makes the accessible table of a stats table.
func tableOf(p *Page, t *stats.Table, caption string) tableView {
	l := labeller{p}
	tv := tableView{Caption: caption, Corner: tableCorner(p, t)}
	for _, c := range t.Cols {
		tv.Cols = append(tv.Cols, l.header(c))
	}
	for _, r := range t.Rows {
		rv := rowView{Label: l.header(r.Header), Total: r.Total}
		for _, c := range r.Cells {
			rv.Cells = append(rv.Cells, formatCell(p.Locale, c, t.Unit))
		}
		tv.Rows = append(tv.Rows, rv)
	}
	return tv
}

// figuresOf makes the figures of a view, by section.
func figuresOf(p *Page, v *stats.View, d *stats.Dashboard) []sectionView {
	var out []sectionView
	for _, sec := range dashSections {
		sv := sectionView{ID: sec, Heading: p.T("dashboard.section." + sec), Intro: p.T("dashboard.section." + sec + "_intro")}
		for _, t := range v.Tables {
			if t.Section != sec {
				continue
			}
			title := p.T("dashboard.table." + t.ID)
			f := figureView{ID: t.ID, Title: title, Note: p.T("dashboard.note." + t.ID), Table: tableOf(p, t, title)}
			f.Summary = summaryOf(p, t, d)
			f.Chart = chartOf(p, t, title, f.Summary)
			f.Wide = len(t.Cols) > 3
			sv.Figures = append(sv.Figures, f)
		}
		out = append(out, sv)
	}
	return out
}

// show formats a cell for a sentence: the value, or "fewer than five" / "hidden".
func show(p *Page, t *stats.Table, row, col string) string {
	c := t.Cell(row, col)
	switch {
	case c == nil:
		return "–"
	case c.Pending:
		return p.T("dashboard.pending")
	case c.Secondary():
		return p.T("dashboard.protected")
	case !c.Show() && c.IsCount():
		return p.T("dashboard.fewer_than_five")
	case !c.Show():
		return p.T("dashboard.hidden")
	}
	return formatValue(p.Locale, c.Kind, t.Unit, c.Value)
}

// summaryOf says in a sentence or two what a table shows, from its shown figures only.
func summaryOf(p *Page, t *stats.Table, d *stats.Dashboard) string {
	sh := func(row, col string) string { return show(p, t, row, col) }
	switch t.ID {
	case "active_by_step":
		return p.T("dashboard.summary.active_by_step", sh("total", "count"), sh("active", "count"))
	case "waiting":
		return p.T("dashboard.summary.waiting", sh("identified", "count"), sh("identified", "median_days"))
	case "caseload":
		return p.T("dashboard.summary.caseload", len(d.Coordinators))
	case "flow":
		return p.T("dashboard.summary.flow", periodLabel(p, d.Period), sh("opened", "total"), sh("started", "total"), sh("closed", "total"))
	case "closures":
		return p.T("dashboard.summary.closures", sh("total", "all"), sh("total", "started"), sh("goals_reached", "started"))
	case "times":
		return p.T("dashboard.summary.times", sh("concern_to_decision", "median_days"), sh("concern_to_group", "median_days"), sh("concern_to_plan", "median_days"))
	case "deadlines":
		if sp := d.Deadlines.SSPF; sp != nil { // each case measured against its own track's days
			return p.T("track14.summary.deadlines", sh("assessment", "share_within"), d.Deadlines.Assessment, sp.Assessment,
				sh("group", "share_within"), d.Deadlines.Group, sp.Group, sh("plan", "share_within"), d.Deadlines.Plan, sp.Plan)
		}
		return p.T("dashboard.summary.deadlines", sh("assessment", "share_within"), d.Deadlines.Assessment, sh("group", "share_within"), d.Deadlines.Group,
			sh("plan", "share_within"), d.Deadlines.Plan)
	case "consent":
		return p.T("dashboard.summary.consent", sh("proposed", "value"), sh("consented", "value"), sh("share_consented", "value"), sh("withdrawn", "value"))
	case "outcome_police_suspect", "outcome_police_victim":
		row := stats.AtFollow6
		if c := t.Cell(row, "n"); c == nil || !c.Show() {
			row = stats.AtClosure
		}
		diff := "–"
		if c := t.Cell(row, "change"); c != nil && c.Show() {
			diff = formatNumber(p.Locale, -c.Value, 0)
		}
		return p.T("dashboard.summary."+t.ID, sh(row, "n"), sh(row, "before"), p.T("dashboard.row.pair."+row), sh(row, "after"), diff)
	case "outcome_school_attendance", "outcome_own_progress", "outcome_passed_subjects":
		return p.T("dashboard.summary.outcome_mean", sh(stats.AtClosure, "n"), sh(stats.AtClosure, "before"), sh(stats.AtClosure, "after"),
			sh(stats.AtFollow6, "n"), sh(stats.AtFollow6, "after"))
	case "outcome_irk":
		return p.T("dashboard.summary.outcome_irk")
	case "goals":
		return p.T("dashboard.summary.goals", sh("goals_reached_share", "value"), sh("sub_goals_reached_share", "value"), sh("plans", "value"))
	case "breakdown_age", "breakdown_gender", "breakdown_district", "breakdown_program":
		return p.T("dashboard.summary.breakdown", sh("total", "open"), sh("total", "opened"), sh("total", "closed"))
	}
	if strings.HasPrefix(t.ID, "outcome_") {
		if strings.HasSuffix(t.ID, "_parts") {
			return p.T("dashboard.summary.outcome_parts")
		}
		return p.T("dashboard.summary.outcome_choice", sh("total", stats.AtClosure+"_before"), sh("total", stats.AtFollow6+"_before"), sh("total", stats.AtFollow12+"_before"))
	}
	return ""
}
