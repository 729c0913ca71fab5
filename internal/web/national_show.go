package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

// The national comparison. A municipality sees its own figures against the national median,
// quartiles and range; national support (the tenant with kommunkod 0000) sees every
// municipality side by side and imports their export files.

type nationalData struct {
	Period    stats.Period
	Periods   []caseChoice
	National  bool
	HasFiles  bool
	Own       string // the municipality's name
	Count     int    // municipalities in the comparison
	Key       []figureView
	All       tableView
	Results   []string // what an import did, one line per file
	MaxUpload int
	Staleness string // how current the files are when read from a replica (--db-read)
	// Mapping is the municipalities' needs and gaps from their files (national_mapping.go).
	Mapping *nationalMappingView
}

// nationalKeys are the figures the comparison leads with: times, deadlines, consent, goals and
// the outcomes, each as a rate that compares between municipalities of any size.
var nationalKeys = []string{
	"times/concern_to_decision/median_days", "times/concern_to_group/median_days", "times/concern_to_plan/median_days",
	"deadlines/assessment/share_within", "deadlines/group/share_within", "deadlines/plan/share_within",
	"consent/share_consented/value", "goals/goals_reached_share/value", "goals/sub_goals_reached_share/value",
	"outcome_school_attendance/closure/before", "outcome_school_attendance/closure/after",
	"outcome_school_attendance/followup_6/after", "outcome_school_attendance/followup_12/after",
	"outcome_police_suspect/followup_6/before", "outcome_police_suspect/followup_6/after", "outcome_police_suspect/followup_12/after",
	"outcome_placement/none/closure_after", "outcome_placement/none/followup_6_after", "outcome_placement/none/followup_12_after",
	"outcome_occupation/none/closure_before", "outcome_occupation/none/closure_after",
	"outcome_own_progress/closure/before", "outcome_own_progress/closure/after",
}

// figureLabel names a figure by its table, row and column, from the dashboard's own headers.
type figureLabel struct {
	Text  string // table, row and column
	Short string // row and column, for the chart
	Unit  string
}

func figureLabels(p *Page, period stats.Period) map[string]figureLabel {
	d := stats.Build(stats.NewRaw(period, period.End()))
	v, _ := d.View(stats.All)
	l := labeller{p}
	out := map[string]figureLabel{}
	for _, t := range v.Tables {
		title := p.T("dashboard.table." + t.ID)
		for _, r := range t.Rows {
			for _, c := range t.Cols {
				out[t.ID+"/"+r.Code+"/"+c.Code] = figureLabel{Text: title + ": " + l.header(r.Header) + ", " + strings.ToLower(l.header(c)),
					Short: l.header(r.Header) + ", " + strings.ToLower(l.header(c)), Unit: t.Unit}
			}
		}
	}
	return out
}

// comparableText formats a comparable value.
func comparableText(p *Page, how, kind, unit string, v float64) string {
	switch how {
	case "per_youth":
		return p.T("national.per_youth", formatNumber(p.Locale, v, 2))
	case "share_of_total":
		return formatNumber(p.Locale, v*100, 0) + "\u00a0%"
	}
	return formatValue(p.Locale, kind, unit, v)
}

func (s *Server) nationalShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "national.title")
	s.renderNational(w, r, p, nil, http.StatusOK)
}

func (s *Server) renderNational(w http.ResponseWriter, r *http.Request, p *Page, results []string, status int) {
	var period stats.Period
	if x, err := stats.ParsePeriod(r.URL.Query().Get("period")); err == nil {
		period = x
	}
	v, err := s.store.NationalComparison(r.Context(), period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := nationalData{Period: v.Period, National: v.National, HasFiles: len(v.Files) > 0, Results: results, MaxUpload: maxUploadFiles, Staleness: s.staleness(r, p)}
	for _, x := range v.Periods {
		d.Periods = append(d.Periods, caseChoice{Value: x.String(), Label: periodLabel(p, x), Selected: x == v.Period})
	}
	if !v.Period.IsZero() {
		labels := figureLabels(p, v.Period)
		if v.National {
			d.Count = len(v.Files)
			d.Key = []figureView{{ID: "national-side", Title: p.T("national.side_by_side"), Summary: p.T("national.side_by_side_summary", len(v.Files)),
				Table: sideBySide(p, v.Files, labels, nationalKeys, p.T("national.side_by_side"))}}
			d.All = sideBySide(p, v.Files, labels, nil, p.T("national.all_figures"))
		} else {
			// Own is nil while the municipality's own release of the period is not due.
			spreads := stats.Compare(v.Own, v.Files)
			d.Count = len(v.Files)
			if v.Own != nil {
				d.Own = v.Own.Municipality.Name
				d.Count++
				for _, x := range v.Files {
					if x.Municipality.Code == v.Own.Municipality.Code {
						d.Count--
					}
				}
			}
			d.Key = []figureView{comparisonFigure(p, spreads, labels, nationalKeys, d.Count)}
			d.All = comparisonTable(p, spreads, labels, nil, p.T("national.all_figures"))
		}
		d.Mapping = nationalMapping(p, v.Own, v.Files, r.URL.Query().Get("measure"))
	}
	p.Data = d
	s.render(w, r, status, "national_show", p)
}

func pick(keys []string, has func(string) bool) []string {
	var out []string
	for _, k := range keys {
		if has(k) {
			out = append(out, k)
		}
	}
	return out
}

// comparisonTable sets the municipality against the distribution, one row per figure (the
// keys given, or every comparable figure).
func comparisonTable(p *Page, spreads []stats.Spread, labels map[string]figureLabel, keys []string, caption string) tableView {
	by := map[string]stats.Spread{}
	var order []string
	for _, sp := range spreads {
		by[sp.Key] = sp
		order = append(order, sp.Key)
	}
	if keys != nil {
		order = pick(keys, func(k string) bool { _, ok := by[k]; return ok })
	}
	tv := tableView{Caption: caption, Corner: p.T("national.figure"),
		Cols: []string{p.T("national.own"), p.T("national.median"), p.T("national.verdict"), p.T("national.quartiles"), p.T("national.range"), p.T("national.count")}}
	for _, k := range order {
		sp := by[k]
		lb := labels[k]
		f := func(v float64) string { return comparableText(p, sp.How, sp.Kind, lb.Unit, v) }
		own := cellView{Text: Hidden, Hidden: true}
		if sp.HasOwn {
			own = cellView{Text: f(sp.Own), Value: sp.Own}
		}
		verdict := "–"
		if key, ok := nationalVerdictKeys[nationalVerdict(sp)]; ok {
			verdict = p.T(key)
		}
		tv.Rows = append(tv.Rows, rowView{Label: or(lb.Text, k), Cells: []cellView{own, {Text: f(sp.Median)}, {Text: verdict}, {Text: f(sp.Q1) + "–" + f(sp.Q3)},
			{Text: f(sp.Min) + "–" + f(sp.Max)}, {Text: strconv.Itoa(sp.Count)}}})
	}
	return tv
}

// comparisonFigure is the key figures with a range chart: for each, the line from the lowest
// to the highest municipality, the box between the quartiles, the median and the own value.
func comparisonFigure(p *Page, spreads []stats.Spread, labels map[string]figureLabel, keys []string, count int) figureView {
	title := p.T("national.key_figures")
	f := figureView{ID: "national-key", Title: title, Table: comparisonTable(p, spreads, labels, keys, title), Wide: true}
	const labelW = 330 // the figures' names are long
	by := map[string]stats.Spread{}
	for _, sp := range spreads {
		by[sp.Key] = sp
	}
	better, worse := 0, 0 // than the median, in each figure's direction (nationalBetter)
	ch := &svgChart{ID: "chart-national", Width: chartWidth, Title: title}
	ch.Legend = []svgLegend{{X: labelW, Y: 4, TX: labelW + 20, TY: 16, Class: "quartiles", Label: p.T("national.legend_range")},
		{X: labelW + 250, Y: 4, TX: labelW + 270, TY: 16, Class: "own", Label: p.T("national.legend_own")}}
	y := 34
	plot := chartWidth - labelW - valueWidth
	for _, k := range pick(keys, func(k string) bool { _, ok := by[k]; return ok }) {
		sp := by[k]
		lo, hi := 0.0, sp.Max
		if sp.HasOwn && sp.Own > hi {
			hi = sp.Own
		}
		if sp.Min < lo {
			lo = sp.Min
		}
		if hi <= lo {
			hi = lo + 1
		}
		x := func(v float64) int { return labelW + int((v-lo)/(hi-lo)*float64(plot)) }
		ch.Texts = append(ch.Texts, svgText{X: labelW - 8, Y: y + 12, Text: shortTo(or(labels[k].Short, k), 48), Anchor: "end", Class: "label"})
		ch.Lines = append(ch.Lines, svgLine{X1: x(sp.Min), Y1: y + 8, X2: x(sp.Max), Y2: y + 8, Class: "range"})
		ch.Bars = append(ch.Bars, svgBar{X: x(sp.Q1), Y: y + 2, W: max(x(sp.Q3)-x(sp.Q1), 2), H: 12, Class: "quartiles"})
		ch.Lines = append(ch.Lines, svgLine{X1: x(sp.Median), Y1: y, X2: x(sp.Median), Y2: y + 16, Class: "median"})
		if sp.HasOwn {
			ch.Bars = append(ch.Bars, svgBar{X: x(sp.Own) - 5, Y: y + 3, W: 10, H: 10, Class: "own"})
			ch.Texts = append(ch.Texts, svgText{X: chartWidth - valueWidth + 8, Y: y + 12, Text: comparableText(p, sp.How, sp.Kind, labels[k].Unit, sp.Own), Class: "value"})
			switch nationalVerdict(sp) {
			case "better":
				better++
			case "worse":
				worse++
			}
		} else {
			ch.Texts = append(ch.Texts, svgText{X: chartWidth - valueWidth + 8, Y: y + 12, Text: Hidden, Class: "value hidden"})
		}
		y += 28
	}
	ch.Height = y + 4
	f.Summary = p.T("national.summary_better", count, better, worse)
	ch.Desc = f.Summary
	f.Chart = ch
	return f
}

// sideBySide shows every municipality's figures in columns, with the national median.
func sideBySide(p *Page, files []*stats.Export, labels map[string]figureLabel, keys []string, caption string) tableView {
	tv := tableView{Caption: caption, Corner: p.T("national.figure")}
	maps := make([]map[string]stats.Figure, len(files))
	for i, e := range files {
		tv.Cols = append(tv.Cols, e.Municipality.Name)
		maps[i] = stats.FigureMap(e)
	}
	tv.Cols = append(tv.Cols, p.T("national.median"))
	spreads := stats.Compare(nil, files)
	by := map[string]stats.Spread{}
	var order []string
	for _, sp := range spreads {
		by[sp.Key] = sp
		order = append(order, sp.Key)
	}
	if keys != nil {
		order = pick(keys, func(k string) bool { _, ok := by[k]; return ok })
	}
	for _, k := range order {
		sp := by[k]
		lb := labels[k]
		rv := rowView{Label: or(lb.Text, k)}
		for i := range files {
			fg, ok := maps[i][k]
			v, how, comparable := stats.Comparable(fg, maps[i])
			switch {
			case !ok:
				rv.Cells = append(rv.Cells, cellView{Text: "–", Empty: true})
			case !comparable:
				rv.Cells = append(rv.Cells, cellView{Text: Hidden, Hidden: true})
			default:
				rv.Cells = append(rv.Cells, cellView{Text: comparableText(p, how, fg.Kind, lb.Unit, v), Value: v})
			}
		}
		rv.Cells = append(rv.Cells, cellView{Text: comparableText(p, sp.How, sp.Kind, lb.Unit, sp.Median)})
		tv.Rows = append(tv.Rows, rv)
	}
	return tv
}

// maxUploadFiles bounds one import.
const maxUploadFiles = 50

// nationalImport imports uploaded export files: all of them, or — when one is rejected —
// none, with the file and the reason named.
func (s *Server) nationalImport(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "national.title")
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadFiles*stats.MaxExportBytes)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		p.ErrorMsg = p.T("national.upload_failed")
		s.renderNational(w, r, p, nil, http.StatusBadRequest)
		return
	}
	var files []store.ExportFile
	for _, fh := range r.MultipartForm.File["files"] {
		if len(files) == maxUploadFiles {
			break
		}
		f, err := fh.Open()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		b, err := io.ReadAll(io.LimitReader(f, stats.MaxExportBytes+1))
		f.Close()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		files = append(files, store.ExportFile{Name: fh.Filename, Data: b})
	}
	res, err := s.store.ImportNationalExports(r.Context(), files)
	var rej *store.ImportRejection
	switch {
	case errors.As(err, &rej):
		p.ErrorMsg = p.T("national.rejected", rej.File, p.T(rej.Reason.Key, rej.Reason.Args...))
		s.renderNational(w, r, p, nil, http.StatusUnprocessableEntity)
		return
	case casework.ErrorCode(err) == casework.EInvalid:
		p.ErrorMsg = s.catalog.Error(p.Locale, err)
		s.renderNational(w, r, p, nil, http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	var lines []string
	for _, x := range res {
		lines = append(lines, p.T("national.result."+x.Status, x.Name, x.Code, x.Period))
	}
	p.Flash = p.N("national.imported", len(res))
	s.renderNational(w, r, p, lines, http.StatusOK)
}
