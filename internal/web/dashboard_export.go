package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"lots/internal/csvout"
	"lots/internal/stats"
)

// The dashboard's exports: CSV and Excel of exactly the figures the page shows (hidden ones
// as "<5"), and the national export file. Each is audited by the store as an export of
// aggregates.

// exportRows are the figures of a view as rows: table, row, column and the shown text, with
// their stable codes.
type exportRow struct {
	Table, Row, Col          string
	Text                     string
	Value                    float64
	Hidden, Empty            bool
	Kind                     string
	TableCode, RowCode, Code string
}

func exportRows(p *Page, v *stats.View) []exportRow {
	l := labeller{p}
	var out []exportRow
	for _, t := range v.Tables {
		title := p.T("dashboard.table." + t.ID)
		for _, r := range t.Rows {
			for j, c := range r.Cells {
				cv := formatCell(p.Locale, c, t.Unit)
				out = append(out, exportRow{Table: title, Row: l.header(r.Header), Col: l.header(t.Cols[j]), Text: cv.Text, Value: cv.Value,
					Hidden: cv.Hidden, Empty: cv.Empty, Kind: cv.Kind, TableCode: t.ID, RowCode: r.Code, Code: t.Cols[j].Code})
			}
		}
	}
	return out
}

func exportName(q stats.Period, district int64, ext string) string {
	name := "lots-uppfoljning-" + q.String()
	if district != stats.All {
		name += "-" + districtValue(district)
	}
	return name + "." + ext
}

// dashboardCSV sends the figures as CSV for a spreadsheet in Swedish: semicolons, decimal
// commas, UTF-8 with a byte order mark, no cell read as a formula (internal/csvout).
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "dashboard.title")
	d, q, _, ok := s.loadDashboard(w, r, "csv")
	if !ok {
		return
	}
	if d == nil {
		s.notFound(w, r)
		return
	}
	v, _ := d.View(q.District)
	cw := csvout.New(';')
	cw.Row(p.T("export.col_table"), p.T("export.col_row"), p.T("export.col_column"), p.T("export.col_value"), p.T("export.col_number"),
		p.T("export.col_table_code"), p.T("export.col_row_code"), p.T("export.col_column_code"))
	for _, e := range exportRows(p, v) {
		cw.Row(e.Table, e.Row, e.Col, e.Text, plainNumber(p, e, e.Kind), e.TableCode, e.RowCode, e.Code)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(q.Period, q.District, "csv")+`"`)
	_, _ = w.Write(cw.Bytes())
}

// plainNumber is a figure as a bare number for a spreadsheet: no grouping, shares in percent,
// the locale's decimal mark; empty when hidden.
func plainNumber(p *Page, e exportRow, kind string) string {
	if e.Hidden || e.Empty {
		return ""
	}
	v := e.Value
	if kind == stats.KindShare {
		v *= 100
	}
	s := strconv.FormatFloat(roundTo(v, 2), 'f', -1, 64)
	if p.Locale != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// dashboardXLSX sends the figures as an Excel workbook: a sheet of tables, numbers as numbers
// and hidden figures as "<5", and a sheet saying what the file is.
func (s *Server) dashboardXLSX(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "dashboard.title")
	d, q, _, ok := s.loadDashboard(w, r, "xlsx")
	if !ok {
		return
	}
	if d == nil {
		s.notFound(w, r)
		return
	}
	v, _ := d.View(q.District)
	f := excelize.NewFile()
	defer f.Close()
	sheet := p.T("export.sheet_figures")
	_ = f.SetSheetName("Sheet1", sheet)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	l := labeller{p}
	row := 1
	set := func(col, rw int, v any, style int) {
		cell, _ := excelize.CoordinatesToCellName(col, rw)
		_ = f.SetCellValue(sheet, cell, v)
		if style != 0 {
			_ = f.SetCellStyle(sheet, cell, cell, style)
		}
	}
	for _, t := range v.Tables {
		set(1, row, p.T("dashboard.table."+t.ID), title)
		row++
		set(1, row, tableCorner(p, t), bold)
		for j, c := range t.Cols {
			set(j+2, row, l.header(c), bold)
		}
		row++
		for _, rw := range t.Rows {
			style := 0
			if rw.Total {
				style = bold
			}
			set(1, row, l.header(rw.Header), style)
			for j, c := range rw.Cells {
				cv := formatCell(p.Locale, c, t.Unit)
				switch {
				case cv.Hidden || cv.Empty:
					set(j+2, row, cv.Text, 0)
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
	_ = f.SetColWidth(sheet, "A", "A", 36)
	_ = f.SetColWidth(sheet, "B", "M", 14)
	about := p.T("export.sheet_about")
	_, _ = f.NewSheet(about)
	for i, line := range [][2]string{
		{p.T("export.about_title"), p.T("dashboard.title")},
		{p.T("export.about_period"), periodLabel(p, q.Period)},
		{p.T("export.about_view"), or(districtLabel(p, d, q.District), p.T("dashboard.whole_municipality"))},
		{p.T("export.about_made"), d.Now.In(stockholm).Format("2006-01-02 15:04")},
		{p.T("export.about_small_cells"), p.T("dashboard.small_cells")},
		{p.T("export.about_release"), p.T("dashboard.release_rule")},
		{p.T("export.about_shares"), p.T("export.about_shares_text")},
		{p.T("export.about_manual"), p.T("dashboard.manual")},
	} {
		a, _ := excelize.CoordinatesToCellName(1, i+1)
		b, _ := excelize.CoordinatesToCellName(2, i+1)
		_ = f.SetCellValue(about, a, line[0])
		_ = f.SetCellStyle(about, a, a, bold)
		_ = f.SetCellValue(about, b, line[1])
	}
	_ = f.SetColWidth(about, "A", "A", 24)
	_ = f.SetColWidth(about, "B", "B", 90)
	buf, err := f.WriteToBuffer()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(q.Period, q.District, "xlsx")+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

func roundTo(v float64, decimals int) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', decimals, 64), 64)
	return f
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// dashboardJSON sends the municipality's national export file for a half-year that is over.
func (s *Server) dashboardJSON(w http.ResponseWriter, r *http.Request) {
	period, err := stats.ParsePeriod(r.URL.Query().Get("period"))
	if err != nil || stats.DueAt(period, stats.PartMain).After(s.now()) {
		s.notFound(w, r)
		return
	}
	b, err := s.store.ExportStats(r.Context(), period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="lots-export-`+period.String()+`.json"`)
	_, _ = w.Write(b)
}
