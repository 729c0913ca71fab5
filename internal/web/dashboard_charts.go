package web

import (
	"strconv"
	"unicode/utf8"

	"lots/internal/stats"
)

// Charts are drawn on the server as SVG: no script, they print, and the content security
// policy holds (shapes take their colours from classes in followup.css). Every chart has the
// accessible table beside it and a text summary; the SVG itself is an image with a title and
// a description.

type svgChart struct {
	ID            string
	Width, Height int
	Title, Desc   string
	Bars          []svgBar
	Texts         []svgText
	Lines         []svgLine
	Legend        []svgLegend
}

type svgBar struct {
	X, Y, W, H int
	Class      string
}

type svgText struct {
	X, Y   int
	Text   string
	Anchor string // start, middle, end
	Class  string
}

type svgLine struct {
	X1, Y1, X2, Y2 int
	Class          string
}

type svgLegend struct {
	X, Y   int
	TX, TY int // where the label starts
	Class  string
	Label  string
}

const (
	chartWidth  = 680
	labelWidth  = 200
	valueWidth  = 64
	barHeight   = 16
	barGap      = 3
	groupGap    = 12
	legendRow   = 22
	maxLabelLen = 28
)

// short cuts a label for the chart (the table has it whole).
func short(s string) string { return shortTo(s, maxLabelLen) }

func shortTo(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// chartOf draws a table's chart, or returns nil for tables without one.
func chartOf(p *Page, t *stats.Table, title, desc string) *svgChart {
	switch t.Chart {
	case "hbars":
		return hbars(p, t, title, desc)
	case "columns":
		return columns(p, t, title, desc)
	}
	return nil
}

func colIndex(t *stats.Table, code string) int {
	for i, c := range t.Cols {
		if c.Code == code {
			return i
		}
	}
	return -1
}

// scaleMax is the value a full bar stands for: 100 % for shares and for attendance, else the
// largest shown value.
func scaleMax(t *stats.Table, cells []*stats.Cell) float64 {
	shares, means := true, true
	for _, c := range cells {
		shares = shares && c.Kind == stats.KindShare
		means = means && c.Kind == stats.KindMean
	}
	switch {
	case len(cells) > 0 && shares:
		return 1
	case len(cells) > 0 && means && t.Unit == "percent":
		return 100
	}
	m := 0.0
	for _, c := range cells {
		if c.Show() && c.Value > m {
			m = c.Value
		}
	}
	if m <= 0 {
		m = 1
	}
	return m
}

// hbars draws each row (but totals) as a group of horizontal bars, one per series column.
func hbars(p *Page, t *stats.Table, title, desc string) *svgChart {
	l := labeller{p}
	var series []int
	for _, code := range t.Series {
		if i := colIndex(t, code); i >= 0 {
			series = append(series, i)
		}
	}
	if len(series) == 0 {
		return nil
	}
	var cells []*stats.Cell
	for _, r := range t.Rows {
		if r.Total {
			continue
		}
		for _, i := range series {
			if r.Cells[i] != nil {
				cells = append(cells, r.Cells[i])
			}
		}
	}
	max := scaleMax(t, cells)
	ch := &svgChart{ID: "chart-" + t.ID, Width: chartWidth, Title: title, Desc: desc}
	y := 4
	if len(series) > 1 {
		x := labelWidth
		for k, i := range series {
			label := short(l.header(t.Cols[i]))
			ch.Legend = append(ch.Legend, svgLegend{X: x, Y: y, TX: x + 20, TY: y + 12, Class: "s" + strconv.Itoa(k), Label: label})
			x += 24 + 8*utf8.RuneCountInString(label)
			if x > chartWidth-120 && k < len(series)-1 {
				x, y = labelWidth, y+legendRow
			}
		}
		y += legendRow + 6
	}
	top := y
	plot := chartWidth - labelWidth - valueWidth
	for _, r := range t.Rows {
		if r.Total {
			continue
		}
		h := len(series)*barHeight + (len(series)-1)*barGap
		ch.Texts = append(ch.Texts, svgText{X: labelWidth - 8, Y: y + h/2 + 5, Text: short(l.header(r.Header)), Anchor: "end", Class: "label"})
		for k, i := range series {
			c := r.Cells[i]
			by := y + k*(barHeight+barGap)
			cv := formatCell(p.Locale, c, t.Unit)
			if c == nil || !c.Show() {
				ch.Texts = append(ch.Texts, svgText{X: labelWidth + 4, Y: by + barHeight - 3, Text: cv.Text, Class: "value hidden"})
				continue
			}
			w := int(c.Value / max * float64(plot))
			if c.Value > 0 && w < 1 {
				w = 1
			}
			w = min(w, plot)
			ch.Bars = append(ch.Bars, svgBar{X: labelWidth, Y: by, W: w, H: barHeight, Class: "s" + strconv.Itoa(k)})
			ch.Texts = append(ch.Texts, svgText{X: labelWidth + w + 4, Y: by + barHeight - 3, Text: cv.Text, Class: "value"})
		}
		y += h + groupGap
	}
	ch.Lines = append(ch.Lines, svgLine{X1: labelWidth, Y1: top - 4, X2: labelWidth, Y2: y - groupGap + 4, Class: "axis"})
	ch.Height = y
	return ch
}

// columns draws the columns but the total (months) as groups of vertical bars, one per row.
func columns(p *Page, t *stats.Table, title, desc string) *svgChart {
	l := labeller{p}
	n := len(t.Cols) - 1 // the last column is the period's total
	if n <= 0 || len(t.Rows) == 0 {
		return nil
	}
	var cells []*stats.Cell
	for _, r := range t.Rows {
		for _, c := range r.Cells[:n] {
			if c != nil {
				cells = append(cells, c)
			}
		}
	}
	max := scaleMax(t, cells)
	ch := &svgChart{ID: "chart-" + t.ID, Width: chartWidth, Title: title, Desc: desc}
	x := 40
	for k, r := range t.Rows {
		label := short(l.header(r.Header))
		ch.Legend = append(ch.Legend, svgLegend{X: x, Y: 4, TX: x + 20, TY: 16, Class: "s" + strconv.Itoa(k), Label: label})
		x += 32 + 8*utf8.RuneCountInString(label)
	}
	top, plotH := 4+legendRow+24, 180
	base := top + plotH
	groupW := (chartWidth - 40) / n
	barW := (groupW - 16) / len(t.Rows)
	for j := 0; j < n; j++ {
		gx := 40 + j*groupW + 8
		for k, r := range t.Rows {
			c := r.Cells[j]
			bx := gx + k*barW
			cv := formatCell(p.Locale, c, t.Unit)
			if c == nil || !c.Show() {
				ch.Texts = append(ch.Texts, svgText{X: bx + barW/2, Y: base - 4, Text: cv.Text, Anchor: "middle", Class: "value small hidden"})
				continue
			}
			h := int(c.Value / max * float64(plotH))
			if c.Value > 0 && h < 1 {
				h = 1
			}
			ch.Bars = append(ch.Bars, svgBar{X: bx, Y: base - h, W: barW - 2, H: h, Class: "s" + strconv.Itoa(k)})
			ch.Texts = append(ch.Texts, svgText{X: bx + barW/2, Y: base - h - 4, Text: cv.Text, Anchor: "middle", Class: "value small"})
		}
		ch.Texts = append(ch.Texts, svgText{X: gx + (groupW-16)/2, Y: base + 18, Text: short(l.header(t.Cols[j])), Anchor: "middle", Class: "label"})
	}
	ch.Lines = append(ch.Lines, svgLine{X1: 36, Y1: base, X2: chartWidth, Y2: base, Class: "axis"})
	ch.Height = base + 28
	return ch
}
