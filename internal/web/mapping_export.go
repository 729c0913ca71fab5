package web

import (
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// mappingXLSX sends the current-state report (nulägesbild) of a half-year as an Excel
// workbook: the needs per district and age band, the resources and money, the gaps — the
// page's figures, hidden ones as "<5" or "–". The store audits it as an export of aggregates.
func (s *Server) mappingXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "mapping.title")
	periods, err := s.store.DashboardPeriods(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := s.dashboardQuery(r, periods)
	if q.Period.IsZero() {
		s.notFound(w, r)
		return
	}
	pic, err := s.store.MappingPicture(r.Context(), q.Period, "xlsx")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := mapPictureData{PeriodLabel: periodLabel(p, q.Period)}
	s.fillMapping(p, &d, pic)

	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	set := func(sheet string, col, row int, v any, style int) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		_ = f.SetCellValue(sheet, cell, v)
		if style != 0 {
			_ = f.SetCellStyle(sheet, cell, cell, style)
		}
	}
	// A figure as a number when shown, else its label.
	fig := func(x mapFigure, value float64) any {
		if x.Hidden || x.Text == "" {
			return x.Text
		}
		return value
	}
	needs := p.T("mapping.sheet_needs")
	_ = f.SetSheetName("Sheet1", needs)
	set(needs, 1, 1, p.T("mapping.needs_caption", d.PeriodLabel), bold)
	set(needs, 1, 2, p.T("mapping.district"), bold)
	for j, b := range d.Bands {
		set(needs, 2+2*j, 2, b+" – "+p.T("mapping.rate"), bold)
		set(needs, 3+2*j, 2, b+" – "+p.T("mapping.count"), bold)
	}
	for i, row := range d.Rows {
		style := 0
		if row.Total {
			style = bold
		}
		set(needs, 1, 3+i, row.Name, style)
		for j, c := range row.Cells {
			pc := pic.Rows[i].Cells[j]
			set(needs, 2+2*j, 3+i, fig(c.Rate, roundTo(pc.OpenPer1000.Value, 1)), 0)
			set(needs, 3+2*j, 3+i, fig(c.Count, pc.Open.Value), 0)
		}
	}
	set(needs, 1, 4+len(d.Rows), p.T("dashboard.small_cells"), 0)

	res := p.T("mapping.sheet_resources")
	_, _ = f.NewSheet(res)
	for j, h := range []string{"mapping.district", "mapping.population", "mapping.resources", "mapping.cost", "mapping.per_young", "mapping.bands_missing"} {
		set(res, 1+j, 1, p.T(h), bold)
	}
	for i, row := range pic.Rows {
		name := d.Rows[i].Name
		per := any("")
		if row.CostPerYoung.Shown {
			per = roundTo(row.CostPerYoung.Value, 0)
		}
		for j, v := range []any{name, row.Population, row.Resources, row.Cost, per, row.MissingBands} {
			set(res, 1+j, 2+i, v, 0)
		}
	}

	gaps := p.T("mapping.sheet_gaps")
	_, _ = f.NewSheet(gaps)
	for j, h := range []string{"mapping.district", "mapping.band", "mapping.rate", "mapping.rate_municipality", "mapping.missing_needs", "mapping.hours"} {
		set(gaps, 1+j, 1, p.T(h), bold)
	}
	for i, g := range d.Gaps {
		for j, v := range []string{g.District, g.Band, g.Rate, g.Municipality, g.Missing, g.Hours} {
			set(gaps, 1+j, 2+i, v, 0)
		}
	}
	summary, long := s.mappingNeedsSheets(p, f, pic, d, bold)
	for _, sh := range []string{needs, res, gaps, summary, long} {
		_ = f.SetColWidth(sh, "A", "A", 24)
		_ = f.SetColWidth(sh, "B", "N", 16)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="lots-kartlaggning-`+q.Period.String()+`.xlsx"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
