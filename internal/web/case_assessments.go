package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
)

// caseAssessmentsData lists a case's assessments per instrument, with the change per domain.
type caseAssessmentsData struct {
	caseView
	Groups      []caseAssessmentGroup
	Instruments []caseChoice // for the choice of a new assessment
	TimePoints  []caseChoice
}

// caseAssessmentGroup is one instrument's assessments: a table of domain scores per time
// point and the change from the first to the latest.
type caseAssessmentGroup struct {
	Code, Name string
	Columns    []string
	Rows       []caseDomainRow
	Entries    []caseAssessmentEntry
}

type caseDomainRow struct {
	Name, Kind       string
	Scores           []string
	Change           string
	Direction, Label string // better/worse/same and its words; "" with fewer than two scores
	Arrow, ArrowText string // the score's direction as an arrow, and the arrow in words
}

type caseAssessmentEntry struct {
	Heading                            string
	Assessor                           string
	Risk, RiskReason, Protective, Note string
	Ratings                            []caseRatingView
}

type caseRatingView struct{ Item, Value, Note string }

// caseAssessments lists the case's assessments (social services' documentation).
func (s *Server) caseAssessments(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.assessments_title")
	v, ok := s.loadCaseView(w, r, p, "assessments")
	if !ok {
		return
	}
	caseTitle(p, "case.assessments_title", v)
	as, err := s.store.Assessments(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ins, err := s.store.Instruments(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := caseAssessmentsData{caseView: v}
	byCode := map[string]casework.Instrument{}
	for _, in := range ins {
		byCode[in.Code] = in
		d.Instruments = append(d.Instruments, caseChoice{Value: in.Code, Label: in.Name.In(p.Locale)})
	}
	for _, tp := range casework.TimePoints {
		if tp != casework.TPConcern {
			d.TimePoints = append(d.TimePoints, caseChoice{Value: string(tp), Label: caseEnum(p, "assessment.", "tp_", string(tp))})
		}
	}
	var order []string
	groups := map[string][]casework.Assessment{}
	for _, a := range as {
		if _, ok := groups[a.Instrument]; !ok {
			order = append(order, a.Instrument)
		}
		groups[a.Instrument] = append(groups[a.Instrument], a)
	}
	for _, code := range order {
		d.Groups = append(d.Groups, caseAssessmentGroupOf(p, byCode[code], code, groups[code]))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "case_assessments", p)
}

// caseAssessmentGroupOf summarises one instrument's assessments (in time order).
func caseAssessmentGroupOf(p *Page, in casework.Instrument, code string, as []casework.Assessment) caseAssessmentGroup {
	g := caseAssessmentGroup{Code: code, Name: in.Name.In(p.Locale)}
	if g.Name == "" {
		g.Name = code
	}
	for _, a := range as {
		col := caseEnum(p, "assessment.", "tp_", string(a.TimePoint)) + " " + formatDate(a.AssessedAt)
		g.Columns = append(g.Columns, col)
		e := caseAssessmentEntry{Heading: col, Assessor: a.AssessorName, RiskReason: a.RiskReason, Protective: a.Protective, Note: a.Note}
		if a.RiskLevel != "" {
			e.Risk = p.T("risk." + string(a.RiskLevel))
		}
		for _, rt := range a.Ratings {
			rv := caseRatingView{Item: rt.Item, Value: rt.Value, Note: rt.Note}
			if it, _, sc, ok := in.Item(rt.Item); ok {
				rv.Item = caseItemLabel(p, in, it)
				if val, ok := sc.Value(rt.Value); ok {
					rv.Value = val.Label.In(p.Locale)
				}
			}
			e.Ratings = append(e.Ratings, rv)
		}
		g.Entries = append(g.Entries, e)
	}
	if len(in.Domains) == 0 {
		return g
	}
	for i, dc := range in.Changes(as) {
		dom := in.Domains[i]
		row := caseDomainRow{Name: dom.Name.In(p.Locale), Kind: p.T("case.domain." + dom.Kind)}
		for _, sc := range dc.Scores {
			if sc == nil {
				row.Scores = append(row.Scores, "–")
			} else {
				row.Scores = append(row.Scores, caseScore(*sc))
			}
		}
		if dc.Change != nil {
			c := *dc.Change
			row.Change = caseScore(c)
			if c > 0 {
				row.Change = "+" + row.Change
			}
			row.Direction, row.Label = dc.Direction, p.T("case.change."+dc.Direction)
			switch {
			case c > 0:
				row.Arrow, row.ArrowText = "↑", p.T("case.score_up")
			case c < 0:
				row.Arrow, row.ArrowText = "↓", p.T("case.score_down")
			default:
				row.Arrow, row.ArrowText = "→", p.T("case.score_same")
			}
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// caseScore formats a domain score: whole numbers without decimals, others with one; a
// minus sign, not a hyphen.
func caseScore(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, "-", "−", 1)
}

// caseItemLabel is what an item is called on a page: its name, or in a structure-only
// definition its code (the texts are in the licensed manual).
func caseItemLabel(p *Page, in casework.Instrument, it casework.Item) string {
	if n := it.Name.In(p.Locale); n != "" && !in.StructureOnly {
		return n
	}
	return strings.ToUpper(it.Code)
}

// caseAssessmentFormData is a form generated from an instrument's definition.
type caseAssessmentFormData struct {
	caseView
	Code, Name, Description, Licence string
	StructureOnly                    bool
	TimePoints                       []caseChoice
	Domains                          []caseFormDomain
	RiskLevels                       []caseChoice
}

type caseFormDomain struct {
	Name, Kind string
	Items      []caseFormItem
}

type caseFormItem struct {
	Code, Legend, Field, NoteField string
	Values                         []caseFormValue
	Error, NoteError, NoteValue    string
}

type caseFormValue struct {
	ID, Code, Label string
	Checked         bool
}

// caseAssessmentNew shows the form for an assessment with ?instrument=CODE&tp=TIMEPOINT.
func (s *Server) caseAssessmentNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.assessment_new_title")
	v, ok := s.loadCaseView(w, r, p, "assessments")
	if !ok {
		return
	}
	in, err := s.caseInstrument(r, r.URL.Query().Get("instrument"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form["time_point"] = r.URL.Query().Get("tp")
	p.Form["assessed_at"] = s.now().In(stockholm).Format("2006-01-02")
	s.renderCaseAssessmentForm(w, r, p, v, in, http.StatusOK)
}

// caseInstrument finds an instrument the municipality can use; another code is not found.
func (s *Server) caseInstrument(r *http.Request, code string) (casework.Instrument, error) {
	ins, err := s.store.Instruments(r.Context())
	if err != nil {
		return casework.Instrument{}, err
	}
	for _, in := range ins {
		if in.Code == code {
			return in, nil
		}
	}
	return casework.Instrument{}, casework.NotFound("instrument")
}

// caseAssessmentCreate records an assessment. The overall risk level is the professional's
// judgement, optional, and needs a reason; Lots never sets it.
func (s *Server) caseAssessmentCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	in, err := s.caseInstrument(r, r.PostFormValue("instrument"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as := casework.Assessment{
		Instrument: in.Code, TimePoint: casework.TimePoint(r.PostFormValue("time_point")),
		Protective: r.PostFormValue("protective"), Note: r.PostFormValue("note"),
		RiskLevel: casework.RiskLevel(r.PostFormValue("risk_level")), RiskReason: r.PostFormValue("risk_reason"),
	}
	fields := []string{"time_point", "assessed_at", "protective", "note", "risk_level", "risk_reason"}
	for _, dom := range in.Domains {
		for _, it := range dom.Items {
			fields = append(fields, "item_"+it.Code, "note_"+it.Code)
			if val := r.PostFormValue("item_" + it.Code); val != "" {
				as.Ratings = append(as.Ratings, casework.Rating{Item: it.Code, Value: val, Note: r.PostFormValue("note_" + it.Code)})
			}
		}
	}
	var fe casework.FieldErrors
	if at, ok := s.caseAssessedAt(r.PostFormValue("assessed_at")); ok {
		as.AssessedAt = at
	} else {
		fe.Add("assessed_at", "case.date_invalid")
	}
	if fe != nil {
		// Show every error at once: the date's and the instrument's own rules.
		fe = append(fe, casework.FieldErrorsOf(in.Check(&as))...)
		err = fe.Err()
	} else {
		err = s.store.RecordAssessment(r.Context(), id, &as)
	}
	if err == nil {
		s.setFlash(w, r, "case.assessment_saved")
		http.Redirect(w, r, caseURL(id, "/assessments"), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "case.assessment_new_title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadCaseView(w, r, p, "assessments")
	if !ok {
		return
	}
	formValues(r, p, fields...)
	s.renderCaseAssessmentForm(w, r, p, v, in, status)
}

// caseAssessedAt reads the assessment date: today (or empty) is now; an earlier day is noon
// of that day in Sweden, so assessments of one day keep the order they were recorded in.
func (s *Server) caseAssessedAt(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	d, err := time.ParseInLocation("2006-01-02", v, stockholm)
	if err != nil {
		return time.Time{}, false
	}
	if d.Format("2006-01-02") == s.now().In(stockholm).Format("2006-01-02") {
		return time.Time{}, true
	}
	return d.Add(12 * time.Hour).UTC(), true
}

func (s *Server) renderCaseAssessmentForm(w http.ResponseWriter, r *http.Request, p *Page, v caseView, in casework.Instrument, status int) {
	caseTitle(p, "case.assessment_new_title", v)
	d := caseAssessmentFormData{caseView: v, Code: in.Code, Name: in.Name.In(p.Locale), Description: in.Description.In(p.Locale),
		Licence: in.Licence, StructureOnly: in.StructureOnly}
	for _, tp := range in.TimePoints {
		if tp != casework.TPConcern {
			d.TimePoints = append(d.TimePoints, caseChoice{Value: string(tp), Label: caseEnum(p, "assessment.", "tp_", string(tp)), Selected: p.V("time_point") == string(tp)})
		}
	}
	for _, dom := range in.Domains {
		fd := caseFormDomain{Name: dom.Name.In(p.Locale), Kind: p.T("case.domain." + dom.Kind)}
		for _, it := range dom.Items {
			fi := caseFormItem{Code: it.Code, Legend: caseItemLabel(p, in, it), Field: "item_" + it.Code, NoteField: "note_" + it.Code}
			fi.Error, fi.NoteError, fi.NoteValue = p.FieldError(fi.Field), p.FieldError(fi.NoteField), p.V(fi.NoteField)
			for i, val := range in.Scales[it.Scale].Values {
				id := "f-" + fi.Field
				if i > 0 {
					id += "-" + strconv.Itoa(i)
				}
				fi.Values = append(fi.Values, caseFormValue{ID: id, Code: val.Code, Label: val.Label.In(p.Locale), Checked: p.V(fi.Field) == val.Code})
			}
			fd.Items = append(fd.Items, fi)
		}
		d.Domains = append(d.Domains, fd)
	}
	d.RiskLevels = []caseChoice{{Value: "", Label: p.T("case.risk_not_now"), Selected: p.V("risk_level") == ""}}
	for _, rl := range casework.RiskLevels {
		d.RiskLevels = append(d.RiskLevels, caseChoice{Value: string(rl), Label: p.T("risk." + string(rl)), Selected: p.V("risk_level") == string(rl)})
	}
	p.Data = d
	s.render(w, r, status, "case_assessment_form", p)
}
