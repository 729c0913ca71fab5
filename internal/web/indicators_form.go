package web

import (
	"net/http"
	"net/url"
	"time"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

// The indicator form of a case: the follow-up manual's indicators at one time point (intake,
// a follow-up meeting, closure, 6 or 12 months after), with the parts the actor may record.
// The case page, the meeting form, the closure form and the 6-month call link here, so the
// recording happens inside the work.

type indicatorsData struct {
	caseView
	At         string
	AtLabel    string
	Date       string // a follow-up meeting's date
	TimePoints []caseNavItem
	Groups     []indicatorGroup
	Recorded   bool // the time point was recorded before: the form shows its values
	Prefilled  bool // the form starts from the lasting values of the last recording
	Refusal    string
	History    tableView
}

// indicatorGroup is the fieldset of one information category.
type indicatorGroup struct {
	Category string
	Legend   string
	Fields   []indicatorField
}

// indicatorField is one indicator in the form: a number field, a choice, or a group of number
// fields per part (police reports by crime category).
type indicatorField struct {
	Name, Label, Hint, Error, Value string
	Unit                            string
	Options                         []caseChoice // a choice
	Parts                           []indicatorField
}

// defaultTimePoint picks the time point a case is most likely at.
func defaultTimePoint(sh store.IndicatorSheet) string {
	_, hasIntake := sh.Point(stats.AtIntake, "")
	_, hasClosure := sh.Point(stats.AtClosure, "")
	_, has6 := sh.Point(stats.AtFollow6, "")
	switch {
	case !hasIntake && sh.Step.Open():
		return stats.AtIntake
	case sh.Step == casework.StepActive:
		return stats.AtMeeting
	case !sh.Step.Open() && sh.Started && !hasClosure:
		return stats.AtClosure
	case !sh.Step.Open() && sh.Started && !has6:
		return stats.AtFollow6
	case !sh.Step.Open() && sh.Started:
		return stats.AtFollow12
	}
	return stats.AtIntake
}

func indicatorsURL(id int64, at, date string) string {
	q := url.Values{"at": {at}}
	if at == stats.AtMeeting && date != "" {
		q.Set("date", date)
	}
	return caseURL(id, "/indicators?"+q.Encode())
}

// indicatorsShow shows the form, filled from the time point's values or from the last ones.
func (s *Server) indicatorsShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "indicator.title")
	v, ok := s.loadCaseView(w, r, p, "indicators")
	if !ok {
		return
	}
	sh, err := s.store.IndicatorSheet(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	at := r.URL.Query().Get("at")
	if !stats.ValidTimePoint(at) {
		at = defaultTimePoint(sh)
	}
	today := s.now().In(stockholm).Format(time.DateOnly)
	date := ""
	if at == stats.AtMeeting {
		date = r.URL.Query().Get("date")
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			date = today
		}
	}
	values, recorded := sh.Prefill(at, date)
	for _, val := range values {
		p.Form[stats.Field(val.Code, val.Part)] = val.Text()
	}
	p.Form["measured_on"] = today
	if date != "" {
		p.Form["measured_on"] = date
	}
	if pt, ok := sh.Point(at, date); ok {
		p.Form["measured_on"] = pt.MeasuredOn.Format(time.DateOnly)
	}
	s.renderIndicators(w, r, p, v, sh, at, date, recorded, len(values) > 0 && !recorded, http.StatusOK)
}

// indicatorsSave records the form: every field of the categories shown, or nothing.
func (s *Server) indicatorsSave(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	sh, err := s.store.IndicatorSheet(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	at, date := r.PostFormValue("at"), r.PostFormValue("date")
	in := store.IndicatorInput{TimePoint: at, Occasion: date, Categories: sh.Writable}
	var fe casework.FieldErrors
	on, perr := time.Parse(time.DateOnly, r.PostFormValue("measured_on"))
	if perr != nil {
		fe.Add("measured_on", "indicator.date_required")
	}
	in.MeasuredOn = on
	if at == stats.AtMeeting && date == "" {
		in.Occasion = r.PostFormValue("measured_on")
		date = in.Occasion
	}
	vals, err := stats.ParseForm(r.PostFormValue, sh.Writable)
	fe = append(fe, casework.FieldErrorsOf(err)...)
	if err = fe.Err(); err == nil {
		if len(sh.Writable) == 0 {
			err = casework.Errorf(casework.EForbidden, "indicator.category_forbidden", "nothing to record")
		} else {
			in.Values = vals
			_, err = s.store.RecordIndicators(r.Context(), id, in)
		}
	}
	if err == nil {
		s.setFlash(w, r, "indicator.saved")
		http.Redirect(w, r, indicatorsURL(id, at, date), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "indicator.title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		if casework.ErrorCode(err) != casework.EForbidden {
			s.fail(w, r, err)
			return
		}
		status, p.ErrorMsg = http.StatusForbidden, s.catalog.Error(p.Locale, err)
	}
	v, ok := s.loadCaseView(w, r, p, "indicators")
	if !ok {
		return
	}
	for k := range r.PostForm {
		p.Form[k] = r.PostFormValue(k)
	}
	_, recorded := sh.Point(at, date)
	if !stats.ValidTimePoint(at) {
		at = defaultTimePoint(sh)
	}
	s.renderIndicators(w, r, p, v, sh, at, date, recorded, false, status)
}

func (s *Server) renderIndicators(w http.ResponseWriter, r *http.Request, p *Page, v caseView, sh store.IndicatorSheet, at, date string, recorded, prefilled bool, status int) {
	caseTitle(p, "indicator.title", v)
	d := indicatorsData{caseView: v, At: at, AtLabel: p.T("indicator.at." + at), Date: date, Recorded: recorded, Prefilled: prefilled}
	for _, tp := range stats.TimePoints {
		d.TimePoints = append(d.TimePoints, caseNavItem{Href: indicatorsURL(v.ID, tp, ""), Label: p.T("indicator.at." + tp), Current: tp == at})
	}
	switch {
	case at == stats.AtMeeting && !sh.Started:
		d.Refusal = p.T("indicator.meeting_not_started")
	case at == stats.AtClosure && sh.Step.Open() && sh.Step != casework.StepActive:
		d.Refusal = p.T("indicator.closure_too_early")
	case (at == stats.AtFollow6 || at == stats.AtFollow12) && (sh.Step.Open() || !sh.Started):
		d.Refusal = p.T("followup.not_closed")
	}
	for _, cat := range sh.Writable {
		g := indicatorGroup{Category: string(cat), Legend: p.T("category." + string(cat))}
		for _, in := range stats.Indicators {
			if in.Category != cat || in.Derived {
				continue
			}
			g.Fields = append(g.Fields, indicatorFieldOf(p, in))
		}
		d.Groups = append(d.Groups, g)
	}
	d.History = indicatorHistory(p, sh)
	p.Data = d
	s.render(w, r, status, "indicators_form", p)
}

func indicatorFieldOf(p *Page, in stats.Indicator) indicatorField {
	name := stats.Field(in.Code, "")
	f := indicatorField{Name: name, Label: p.T("indicator." + in.Code), Hint: p.T("indicator." + in.Code + ".hint"),
		Error: p.FieldError(name), Value: p.V(name), Unit: in.Unit}
	switch in.Unit {
	case stats.UnitChoice, stats.UnitYesNo:
		f.Options = append(f.Options, caseChoice{Value: "", Label: p.T("indicator.not_recorded"), Selected: f.Value == ""})
		for _, val := range in.Values {
			f.Options = append(f.Options, caseChoice{Value: val, Label: p.T("indicator." + in.Code + "." + val), Selected: f.Value == val})
		}
		f.Options = append(f.Options, caseChoice{Value: "?", Label: p.T("indicator.unknown_value"), Selected: f.Value == "?"})
	}
	for _, part := range in.Parts {
		pn := stats.Field(in.Code, part)
		f.Parts = append(f.Parts, indicatorField{Name: pn, Label: p.T("indicator." + in.Code + "." + part), Error: p.FieldError(pn), Value: p.V(pn), Unit: in.Unit})
	}
	return f
}

// indicatorHistory is the table of earlier recordings the actor may read: one column per
// recording, one row per indicator.
func indicatorHistory(p *Page, sh store.IndicatorSheet) tableView {
	tv := tableView{Caption: p.T("indicator.history"), Corner: p.T("indicator.indicator")}
	if len(sh.Points) == 0 {
		return tv
	}
	for _, pt := range sh.Points {
		tv.Cols = append(tv.Cols, p.T("indicator.at."+pt.TimePoint)+" "+pt.MeasuredOn.Format(time.DateOnly))
	}
	readable := map[casework.Category]bool{}
	for _, c := range sh.Readable {
		readable[c] = true
	}
	for _, in := range stats.Indicators {
		if in.Derived || !readable[in.Category] {
			continue
		}
		rv := rowView{Label: p.T("indicator." + in.Code)}
		for _, pt := range sh.Points {
			val, ok := pt.Value(in.Code, "")
			rv.Cells = append(rv.Cells, cellView{Text: valueText(p, in, val, ok), Empty: !ok})
		}
		tv.Rows = append(tv.Rows, rv)
	}
	return tv
}

// valueText shows a recorded value in words.
func valueText(p *Page, in stats.Indicator, v stats.Value, ok bool) string {
	switch {
	case !ok:
		return "–"
	case !v.Known:
		return p.T("indicator.unknown_value")
	case v.Choice != "":
		return p.T("indicator." + in.Code + "." + v.Choice)
	case in.Unit == stats.UnitPercent:
		return formatNumber(p.Locale, v.Number, 1) + "\u00a0%"
	}
	return formatNumber(p.Locale, v.Number, 0)
}
