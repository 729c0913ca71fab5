package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"lots/internal/store"
)

// The access-log extract's summary (issue 17:6): before its entries, one row per person and
// information category — who read or changed what, how often, first and last time — so the
// young person or guardian who asked sees the answer at a glance; refused attempts are rows of
// their own.

// auditSummaryRow is one person's entries in one category with one outcome.
type auditSummaryRow struct {
	User, Username, Roles, Agency, Category, Outcome string
	Allowed                                          bool
	Count                                            int
	First, Last                                      string
}

// auditSummary groups the extract's lines by person, category and outcome, most entries first
// (then by name and category).
func auditSummary(lines []auditLine) []auditSummaryRow {
	type key struct {
		username, category string
		allowed            bool
	}
	idx := map[key]int{}
	var out []auditSummaryRow
	for _, l := range lines {
		k := key{l.Username, l.Category, l.Allowed}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, auditSummaryRow{User: l.User, Username: l.Username, Roles: l.Roles, Agency: l.Agency,
				Category: l.Category, Outcome: l.Outcome, Allowed: l.Allowed, First: l.Time, Last: l.Time})
		}
		r := &out[i]
		r.Count++
		if l.Time < r.First {
			r.First = l.Time
		}
		if l.Time > r.Last {
			r.Last = l.Time
		}
	}
	slices.SortStableFunc(out, func(a, b auditSummaryRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.User, b.User), cmp.Compare(a.Category, b.Category))
	})
	return out
}

// auditXLSX sends the extract as an Excel workbook: the summary, then every entry. Texts are
// written as text cells, never as formulas.
func (s *Server) auditXLSX(w http.ResponseWriter, r *http.Request, p *Page, x store.Extract, lines []auditLine) {
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	write := func(sheet string, rows [][]any) {
		for i, row := range rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				_ = f.SetCellValue(sheet, cell, v)
				if i == 0 {
					_ = f.SetCellStyle(sheet, cell, cell, bold)
				}
			}
		}
		_ = f.SetColWidth(sheet, "A", "L", 22)
	}
	summary := p.T("audit.sheet_summary")
	_ = f.SetSheetName("Sheet1", summary)
	rows := [][]any{{p.T("audit.col_user"), p.T("audit.col_username"), p.T("audit.col_role"), p.T("audit.col_agency"), p.T("audit.col_category"),
		p.T("audit.summary_count"), p.T("audit.summary_first"), p.T("audit.summary_last"), p.T("audit.col_allowed")}}
	for _, sr := range auditSummary(lines) {
		rows = append(rows, []any{sr.User, sr.Username, sr.Roles, sr.Agency, sr.Category, sr.Count, sr.First, sr.Last, sr.Outcome})
	}
	write(summary, rows)
	entries := p.T("audit.sheet_entries")
	_, _ = f.NewSheet(entries)
	rows = [][]any{{p.T("audit.col_time"), p.T("audit.col_user"), p.T("audit.col_username"), p.T("audit.col_role"), p.T("audit.col_agency"),
		p.T("audit.col_action"), p.T("audit.col_object"), p.T("audit.col_category"), p.T("audit.col_ground"),
		p.T("audit.col_ground_code"), p.T("audit.col_allowed"), p.T("audit.col_seq")}}
	for _, l := range lines {
		rows = append(rows, []any{l.Time, l.User, l.Username, l.Roles, l.Agency, l.Action, l.Object, l.Category, l.Ground, l.GroundCode, l.Outcome, l.Seq})
	}
	write(entries, rows)
	buf, err := f.WriteToBuffer()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "loggutdrag-" + strconv.FormatInt(x.Youth.ID, 10) + "-" + x.MadeAt.In(stockholm).Format("2006-01-02") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
