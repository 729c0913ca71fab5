package web

import (
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"lots/internal/stats"
)

// economicsXLSX sends the report as an Excel workbook: the same tables the page shows (hidden
// figures as "<5", money results on too few young people as "too few to say"), amounts as
// numbers, and a sheet saying what the file is. The store audits it as an export of aggregates.
func (s *Server) economicsXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.title")
	out, _, whatIf, status := s.loadEconomics(w, r, p, "xlsx")
	if out == nil {
		return
	}
	if status != http.StatusOK {
		// A refused what-if is shown on the page, with its errors at the fields.
		s.fail(w, r, errWhatIf)
		return
	}
	v := economicsViewOf(p, out)
	f := excelize.NewFile()
	defer f.Close()
	sheet := p.T("economics.sheet")
	_ = f.SetSheetName("Sheet1", sheet)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	row := 1
	set := func(col, rw int, v any, style int) {
		cell, _ := excelize.CoordinatesToCellName(col, rw)
		_ = f.SetCellValue(sheet, cell, v)
		if style != 0 {
			_ = f.SetCellStyle(sheet, cell, cell, style)
		}
	}
	table := func(t tableView) {
		set(1, row, t.Caption, title)
		row++
		set(1, row, t.Corner, bold)
		for j, c := range t.Cols {
			set(j+2, row, c, bold)
		}
		row++
		for _, rw := range t.Rows {
			style := 0
			if rw.Total {
				style = bold
			}
			set(1, row, rw.Label, style)
			for j, c := range rw.Cells {
				switch {
				case c.Hidden || c.Empty || c.Kind == "text":
					set(j+2, row, c.Text, 0)
				case c.Kind == stats.KindShare:
					set(j+2, row, roundTo(c.Value*100, 1), 0)
				default:
					set(j+2, row, roundTo(c.Value, 2), 0)
				}
			}
			row++
		}
		row++
	}
	set(1, row, p.T("economics.title"), title)
	set(1, row+1, v.Showing, 0)
	row += 3
	table(v.Key)
	for _, sec := range v.Sections {
		for _, fig := range sec.Figures {
			table(fig.Table)
		}
	}
	_ = f.SetColWidth(sheet, "A", "A", 44)
	_ = f.SetColWidth(sheet, "B", "M", 18)
	about := p.T("export.sheet_about")
	_, _ = f.NewSheet(about)
	lines := [][2]string{
		{p.T("export.about_title"), p.T("economics.title")},
		{p.T("export.about_period"), periodLabel(p, out.Period)},
		{p.T("economics.about_price_year"), strconv.Itoa(out.Report.PriceYear)},
		{p.T("export.about_made"), out.Now.In(stockholm).Format("2006-01-02 15:04")},
		{p.T("export.about_small_cells"), p.T("economics.small_cells")},
		{p.T("economics.about_estimate"), p.T("economics.estimate")},
		{p.T("export.about_shares"), p.T("export.about_shares_text")},
		{p.T("export.about_manual"), p.T("economics.manual")},
	}
	if fr := out.Frozen; fr != nil {
		key := "economics2.frozen"
		switch {
		case whatIf:
			key = "economics2.frozen_whatif"
		case out.Live:
			key = "economics2.frozen_recomputed"
		}
		lines = append(lines, [2]string{p.T("economics2.about_published"), p.T(key, formatDateTime(fr.ComputedAt), p.T("economics2.part."+fr.Part))})
	}
	for i, line := range lines {
		a, _ := excelize.CoordinatesToCellName(1, i+1)
		b, _ := excelize.CoordinatesToCellName(2, i+1)
		_ = f.SetCellValue(about, a, line[0])
		_ = f.SetCellStyle(about, a, a, bold)
		_ = f.SetCellValue(about, b, line[1])
	}
	_ = f.SetColWidth(about, "A", "A", 24)
	_ = f.SetColWidth(about, "B", "B", 100)
	buf, err := f.WriteToBuffer()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="lots-kostnader-`+out.Period.String()+`.xlsx"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
