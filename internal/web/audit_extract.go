package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/csvout"
	"lots/internal/store"
)

// auditIndexData is the auditor's start: the extract search, the review and the tree head.
type auditIndexData struct {
	Extract *auditExtractData
}

// auditExtractData is an access-log extract as the page shows it.
type auditExtractData struct {
	Youth   store.YouthRef
	Period  string
	Made    string
	Lines   []auditLine
	Summary []auditSummaryRow // who read what, when, how often (audit_summary.go)
	CSVURL  string
	XLSXURL string
	Entries int
	Pruned  string // the log's entries from before this day were deleted under retention
}

// auditIndex shows the auditor's page: search for a young person's extract, the log review,
// the tree head.
func (s *Server) auditIndex(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "audit.title")
	p.Data = auditIndexData{}
	s.render(w, r, http.StatusOK, "audit_index", p)
}

// auditYouth makes the access-log extract for one young person, found by a case of theirs
// (?case=) or by personnummer or reserve number (?identity=), for a period or the whole log;
// ?format=csv sends it as a CSV file for Excel. Making it is itself logged.
func (s *Server) auditYouth(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "audit.youth_title")
	p.Data = auditIndexData{}
	q := r.URL.Query()
	p.Form["identity"], p.Form["case"] = q.Get("identity"), q.Get("case")
	format := q.Get("format")
	xq := store.ExtractQuery{Identity: q.Get("identity"), Export: format == "csv" || format == "xlsx"}
	from, to, fe := s.auditPeriod(p, q, 0)
	xq.From, xq.To = from, to
	if c := strings.TrimSpace(q.Get("case")); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			fe.Add("case", "audit.identity_required")
		}
		xq.CaseID = id
	}
	if xq.CaseID == 0 && strings.TrimSpace(xq.Identity) == "" && len(fe) == 0 {
		fe.Add("identity", "audit.identity_required")
	}
	if err := fe.Err(); err != nil {
		s.formError(w, r, "audit_index", p, err)
		return
	}
	x, err := s.store.AccessExtract(r.Context(), xq)
	switch {
	case casework.ErrorCode(err) == casework.ENotFound:
		p.ErrorMsg = p.T("audit.not_found")
		s.render(w, r, http.StatusNotFound, "audit_index", p)
		return
	case err != nil:
		s.formError(w, r, "audit_index", p, err)
		return
	}
	lines := auditLines(p, x.Lines)
	if format == "xlsx" { // audit_summary.go: the summary and the entries as sheets
		s.auditXLSX(w, r, p, x, lines)
		return
	}
	if xq.Export {
		s.auditCSV(w, p, x, lines)
		return
	}
	d := &auditExtractData{Youth: x.Youth, Made: p.T("audit.made", auditTime(x.MadeAt), x.MadeBy), Lines: lines, Entries: len(lines),
		Summary: auditSummary(lines), Pruned: prunedDay(x.LogPrunedBefore)}
	d.Period = p.T("audit.period_all")
	if !x.From.IsZero() || !x.To.IsZero() {
		d.Period = formatDate(x.From) + " – " + formatDate(x.To.AddDate(0, 0, -1))
	}
	csvq := r.URL.Query()
	csvq.Set("format", "csv")
	d.CSVURL = "/audit/youth?" + csvq.Encode()
	csvq.Set("format", "xlsx")
	d.XLSXURL = "/audit/youth?" + csvq.Encode()
	name := x.Youth.Name
	if x.Youth.Erased { // records deleted under retention: the log knows an id only
		name = p.T("identify.erased_youth")
	}
	p.Title = p.T("audit.youth_heading", name)
	p.Data = auditIndexData{Extract: d}
	s.render(w, r, http.StatusOK, "audit_youth", p)
}

// auditCSV writes an extract as CSV (internal/csvout: a header row, semicolons as Swedish Excel
// expects, RFC 4180 quoting with CRLF line ends, UTF-8 with a byte-order mark so Excel shows å,
// ä and ö, no cell read as a formula).
func (s *Server) auditCSV(w http.ResponseWriter, p *Page, x store.Extract, lines []auditLine) {
	cw := csvout.New(';') // Swedish Excel splits on semicolons (issue 17:6)
	cw.Row(p.T("audit.col_time"), p.T("audit.col_user"), p.T("audit.col_username"), p.T("audit.col_role"), p.T("audit.col_agency"),
		p.T("audit.col_action"), p.T("audit.col_object"), p.T("audit.col_category"), p.T("audit.col_ground"),
		p.T("audit.col_ground_code"), p.T("audit.col_allowed"), p.T("audit.col_seq"))
	for _, l := range lines {
		cw.Row(l.Time, l.User, l.Username, l.Roles, l.Agency, l.Action, l.Object, l.Category, l.Ground,
			l.GroundCode, l.Outcome, strconv.FormatInt(l.Seq, 10))
	}
	b := cw.Bytes()
	name := "loggutdrag-" + strconv.FormatInt(x.Youth.ID, 10) + "-" + x.MadeAt.In(stockholm).Format("2006-01-02") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// prunedDay is the day before which the access log was cut under retention, as an extract
// says it; empty when it never was.
func prunedDay(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatDate(*t)
}
