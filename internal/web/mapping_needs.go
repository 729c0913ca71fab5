package web

import (
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"lots/internal/mapping"
	"lots/internal/stats"
)

// The needs the mapping shows per district and age band (issue 13:3): the open cases, those
// opened, and the release's needs table — young people with a concern, in SIG, in SSPF,
// placed, with a Check: IRK checklist and per risk factor. One measure is chosen for the map and the district table;
// the summary shows every measure for the whole municipality by band.

// mapSummaryRow is one measure of the whole municipality: per band and over every age.
type mapSummaryRow struct {
	Code, Label string
	Cells       []mapSummaryCell
	Total       mapSummaryCell
}

type mapSummaryCell struct {
	Rate, Count mapFigure
}

// measureLabel names a measure.
func measureLabel(p *Page, m string) string {
	if f, ok := strings.CutPrefix(m, stats.NeedIRKPrefix); ok {
		return p.T("needs13.measure_irk", p.T("indicator.irk_domain."+f))
	}
	return p.T("needs13.measure." + m)
}

// fillMeasures picks the measure (the open cases unless a known one is asked for), lists the
// choices and makes the municipality's summary.
func (s *Server) fillMeasures(p *Page, d *mapPictureData, pic mapping.Picture) {
	if !slices.Contains(mapping.Measures, d.Measure) {
		d.Measure = mapping.MeasureOpen
	}
	d.MeasureLabel = measureLabel(p, d.Measure)
	d.Measures = nil
	for _, m := range mapping.Measures {
		d.Measures = append(d.Measures, caseChoice{Value: m, Label: measureLabel(p, m), Selected: m == d.Measure})
	}
	d.Summary = nil
	if len(pic.Rows) == 0 {
		return
	}
	all := pic.Rows[len(pic.Rows)-1]
	for _, m := range mapping.Measures {
		r := mapSummaryRow{Code: m, Label: measureLabel(p, m)}
		for _, c := range all.Cells {
			count, rate := c.Measure(m)
			r.Cells = append(r.Cells, mapSummaryCell{Rate: figureText(p, rate, 1), Count: figureText(p, count, 0)})
		}
		count, rate := all.Measure(m)
		r.Total = mapSummaryCell{Rate: figureText(p, rate, 1), Count: figureText(p, count, 0)}
		d.AnyHidden = d.AnyHidden || r.Total.Count.Hidden
		for _, c := range r.Cells {
			d.AnyHidden = d.AnyHidden || c.Count.Hidden
		}
		d.Summary = append(d.Summary, r)
	}
}

// mappingNeedsSheets adds the needs to the current-state workbook: every measure of the whole
// municipality by band (as the page's summary), and every measure of every district and band
// in long form (one row each: district, measure, band, rate, count) for a pivot table. A
// hidden figure is its label, "<5" or "–"; a shown one a number.
func (s *Server) mappingNeedsSheets(p *Page, f *excelize.File, pic mapping.Picture, d mapPictureData, bold int) (string, string) {
	set := func(sheet string, col, row int, v any, style int) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		_ = f.SetCellValue(sheet, cell, v)
		if style != 0 {
			_ = f.SetCellStyle(sheet, cell, cell, style)
		}
	}
	value := func(x mapping.Figure, decimals int) any {
		if t := figureText(p, x, decimals); t.Hidden || t.Text == "" {
			return t.Text
		}
		return roundTo(x.Value, decimals)
	}
	summary := p.T("needs13.sheet_summary")
	_, _ = f.NewSheet(summary)
	set(summary, 1, 1, p.T("needs13.summary_caption", d.PeriodLabel), bold)
	set(summary, 1, 2, p.T("needs13.measure_label"), bold)
	for j, b := range d.Bands {
		set(summary, 2+2*j, 2, b+" – "+p.T("mapping.rate"), bold)
		set(summary, 3+2*j, 2, b+" – "+p.T("mapping.count"), bold)
	}
	nb := len(d.Bands)
	set(summary, 2+2*nb, 2, p.T("needs13.all_ages_col")+" – "+p.T("mapping.rate"), bold)
	set(summary, 3+2*nb, 2, p.T("needs13.all_ages_col")+" – "+p.T("mapping.count"), bold)
	long := p.T("needs13.sheet_long")
	_, _ = f.NewSheet(long)
	for j, h := range []string{p.T("mapping.district"), p.T("needs13.measure_label"), p.T("mapping.band"), p.T("mapping.rate"), p.T("mapping.count")} {
		set(long, 1+j, 1, h, bold)
	}
	if len(pic.Rows) == 0 {
		return summary, long
	}
	all := pic.Rows[len(pic.Rows)-1]
	line := 2
	for i, m := range mapping.Measures {
		label := measureLabel(p, m)
		set(summary, 1, 3+i, label, 0)
		for j, c := range all.Cells {
			count, rate := c.Measure(m)
			set(summary, 2+2*j, 3+i, value(rate, 1), 0)
			set(summary, 3+2*j, 3+i, value(count, 0), 0)
		}
		count, rate := all.Measure(m)
		set(summary, 2+2*nb, 3+i, value(rate, 1), 0)
		set(summary, 3+2*nb, 3+i, value(count, 0), 0)
		for k, row := range pic.Rows {
			for j, c := range row.Cells {
				count, rate := c.Measure(m)
				for col, v := range []any{d.Rows[k].Name, label, d.Bands[j], value(rate, 1), value(count, 0)} {
					set(long, 1+col, line, v, 0)
				}
				line++
			}
		}
	}
	set(summary, 1, 4+len(mapping.Measures), p.T("dashboard.small_cells"), 0)
	_ = f.SetColWidth(summary, "A", "A", 40)
	_ = f.SetColWidth(long, "B", "B", 40)
	return summary, long
}
