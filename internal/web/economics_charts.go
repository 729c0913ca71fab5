package web

import (
	"math"

	"lots/internal/economics"
)

// The report's charts, drawn on the server as SVG like the dashboard's (no script, they print,
// the content security policy holds); each has its table beside it.

// histogramChart draws the Monte Carlo's net benefit as columns: draws per bin, the bins below
// zero in one colour and those above in another, with the zero line and the axis ends labelled.
func histogramChart(p *Page, bins []economics.Bin, title, desc string) *svgChart {
	if len(bins) == 0 {
		return nil
	}
	ch := &svgChart{ID: "chart-net", Width: chartWidth, Title: title, Desc: desc}
	left, top, plotH := 48, 30, 180
	base := top + plotH
	plotW := chartWidth - left - 16
	most := 0
	for _, b := range bins {
		most = max(most, b.Count)
	}
	if most == 0 {
		most = 1
	}
	lo, hi := bins[0].From, bins[len(bins)-1].To
	span := hi - lo
	if span <= 0 {
		span = 1
	}
	x := func(v float64) int { return left + int(float64(plotW)*(v-lo)/span) }
	ch.Legend = []svgLegend{
		{X: left, Y: 4, TX: left + 20, TY: 16, Class: "s1", Label: p.T("economics.chart.loss")},
		{X: left + 220, Y: 4, TX: left + 240, TY: 16, Class: "s0", Label: p.T("economics.chart.gain")},
	}
	w := plotW / len(bins)
	for i, b := range bins {
		h := int(float64(plotH) * float64(b.Count) / float64(most))
		if b.Count > 0 && h < 1 {
			h = 1
		}
		class := "s0"
		if (b.From+b.To)/2 < 0 {
			class = "s1"
		}
		ch.Bars = append(ch.Bars, svgBar{X: left + i*w + 1, Y: base - h, W: max(w-2, 1), H: h, Class: class})
	}
	ch.Lines = append(ch.Lines, svgLine{X1: left, Y1: base, X2: left + plotW, Y2: base, Class: "axis"})
	if lo < 0 && hi > 0 {
		z := x(0)
		ch.Lines = append(ch.Lines, svgLine{X1: z, Y1: top - 4, X2: z, Y2: base + 4, Class: "axis"})
		ch.Texts = append(ch.Texts, svgText{X: z, Y: base + 18, Text: "0", Anchor: "middle", Class: "label"})
	}
	ch.Texts = append(ch.Texts,
		svgText{X: left, Y: base + 18, Text: moneyShort(p, lo), Anchor: "start", Class: "label"},
		svgText{X: left + plotW, Y: base + 18, Text: moneyShort(p, hi), Anchor: "end", Class: "label"},
		svgText{X: left - 6, Y: top + 8, Text: formatNumber(p.Locale, float64(most), 0), Anchor: "end", Class: "label"},
	)
	ch.Height = base + 28
	return ch
}

// divergingBars draws one bar per row from a zero line: left for negative values, right for
// positive ones.
func divergingBars(p *Page, id string, labels []string, values []float64, title, desc string) *svgChart {
	if len(values) == 0 {
		return nil
	}
	ch := &svgChart{ID: id, Width: chartWidth, Title: title, Desc: desc}
	most := 0.0
	for _, v := range values {
		most = math.Max(most, math.Abs(v))
	}
	if most == 0 {
		most = 1
	}
	half := (chartWidth - labelWidth - 2*valueWidth) / 2
	zero := labelWidth + valueWidth + half
	y := 6
	for i, v := range values {
		ch.Texts = append(ch.Texts, svgText{X: labelWidth - 8, Y: y + barHeight - 3, Text: short(labels[i]), Anchor: "end", Class: "label"})
		w := int(math.Abs(v) / most * float64(half))
		if v != 0 && w < 1 {
			w = 1
		}
		if v < 0 {
			ch.Bars = append(ch.Bars, svgBar{X: zero - w, Y: y, W: w, H: barHeight, Class: "s1"})
			ch.Texts = append(ch.Texts, svgText{X: zero - w - 4, Y: y + barHeight - 3, Text: moneyShort(p, v), Anchor: "end", Class: "value"})
		} else {
			ch.Bars = append(ch.Bars, svgBar{X: zero, Y: y, W: w, H: barHeight, Class: "s0"})
			ch.Texts = append(ch.Texts, svgText{X: zero + w + 4, Y: y + barHeight - 3, Text: moneyShort(p, v), Class: "value"})
		}
		y += barHeight + groupGap
	}
	ch.Lines = append(ch.Lines, svgLine{X1: zero, Y1: 2, X2: zero, Y2: y - groupGap + 4, Class: "axis"})
	ch.Height = y
	return ch
}

// moneyShort is an amount for a chart: in millions (MSEK) or thousands (tkr).
func moneyShort(p *Page, v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return p.T("economics.msek", formatNumber(p.Locale, v/1e6, 1))
	case a >= 1e3:
		return p.T("economics.tsek", formatNumber(p.Locale, v/1e3, 0))
	}
	return p.T("economics.sek", formatNumber(p.Locale, v, 0))
}
