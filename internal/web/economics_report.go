package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/stats"
	"lots/internal/store"
)

// The steering group's report: what SIG and SSPF cost in a half-year, what their effects may be
// worth, who pays and who gains, and how sure that is — with a "what if" form that changes the
// assumptions for one view without saving them (its values travel in the address, so the
// Excel export and a printout show the same).

// assumptionFields are the form fields of the assumptions, in form order.
var assumptionFields = []string{"price_year", "coordinator_fte", "attribution", "attribution_low", "attribution_high",
	"persistence", "persistence_low", "persistence_high", "discount", "discount_low", "discount_high", "after", "draws", "seed"}

// parseDecimal reads a number as people write it: a comma or a point for decimals, spaces
// between digit groups.
func parseDecimal(s string) (float64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		case ',':
			return '.'
		}
		return r
	}, strings.TrimSpace(s))
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "eExX") {
		return 0, false
	}
	return v, true
}

// decimalText writes a number for a form field in the page's language.
func decimalText(l casework.Locale, v float64) string {
	s := strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
	if l != casework.LocaleEn {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// assumptionsForm fills the form with assumptions: shares and rates in percent.
func assumptionsForm(p *Page, a economics.Assumptions) {
	pct := func(v float64) string { return decimalText(p.Locale, v*100) }
	dec := func(v float64) string { return decimalText(p.Locale, v) }
	for k, v := range map[string]string{
		"price_year": strconv.Itoa(a.PriceYear), "coordinator_fte": dec(a.CoordinatorFTE),
		"attribution": pct(a.Attribution.Value), "attribution_low": pct(a.Attribution.Low), "attribution_high": pct(a.Attribution.High),
		"persistence": dec(a.Persistence.Value), "persistence_low": dec(a.Persistence.Low), "persistence_high": dec(a.Persistence.High),
		"discount": pct(a.Discount.Value), "discount_low": pct(a.Discount.Low), "discount_high": pct(a.Discount.High),
		"after": a.After, "draws": strconv.Itoa(a.Draws), "seed": strconv.FormatUint(a.Seed, 10),
	} {
		p.Form[k] = v
	}
}

// assumptionsFromForm reads the assumptions the form gives over base, keeping every value on
// the page. A value that is not a number is refused at its field; whether the numbers make
// sense is economics.Assumptions.Validate's to say.
func assumptionsFromForm(p *Page, get func(string) string, base economics.Assumptions) (economics.Assumptions, casework.FieldErrors) {
	a := base
	var fe casework.FieldErrors
	for _, f := range assumptionFields {
		p.Form[f] = strings.TrimSpace(get(f))
	}
	num := func(field string, scale float64, to *float64) {
		v, ok := parseDecimal(p.Form[field])
		if !ok {
			fe.Add(field, "economics.number_invalid")
			return
		}
		*to = v / scale
	}
	whole := func(field string, to *int) {
		v, err := strconv.Atoi(p.Form[field])
		if err != nil {
			fe.Add(field, "economics.whole_number")
			return
		}
		*to = v
	}
	whole("price_year", &a.PriceYear)
	num("coordinator_fte", 1, &a.CoordinatorFTE)
	num("attribution", 100, &a.Attribution.Value)
	num("attribution_low", 100, &a.Attribution.Low)
	num("attribution_high", 100, &a.Attribution.High)
	num("persistence", 1, &a.Persistence.Value)
	num("persistence_low", 1, &a.Persistence.Low)
	num("persistence_high", 1, &a.Persistence.High)
	num("discount", 100, &a.Discount.Value)
	num("discount_low", 100, &a.Discount.Low)
	num("discount_high", 100, &a.Discount.High)
	a.After = p.Form["after"]
	whole("draws", &a.Draws)
	if seed, err := strconv.ParseUint(p.Form["seed"], 10, 64); err == nil {
		a.Seed = seed
	} else {
		fe.Add("seed", "economics.whole_number")
	}
	return a, fe
}

// economicsPeriod reads the period as the dashboard does: the one asked for if the
// municipality has it, else the last whole half-year, else the current.
func (s *Server) economicsPeriod(r *http.Request, periods []stats.Period) stats.Period {
	return s.dashboardQuery(r, periods).Period
}

// loadEconomics reads the period, the what-if assumptions (when the form sent them) and the
// report. A what-if that is refused shows its errors at the fields (status 422) beside the
// report on the saved assumptions. On failure it has answered.
func (s *Server) loadEconomics(w http.ResponseWriter, r *http.Request, p *Page, export string) (*store.EconomicsReport, []stats.Period, bool, int) {
	periods, err := s.store.DashboardPeriods(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false, 0
	}
	q := store.EconomicsQuery{Period: s.economicsPeriod(r, periods), Export: export, Recompute: r.URL.Query().Get("recompute") == "1"}
	status := http.StatusOK
	whatIf := r.URL.Query().Has("attribution")
	if whatIf {
		reg, err := s.store.CostRegister(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return nil, nil, false, 0
		}
		a, fe := assumptionsFromForm(p, r.URL.Query().Get, reg.Assumptions)
		if len(fe) == 0 {
			q.WhatIf = &a
		} else {
			p.Errors, status = mergeErrors(fe, a.Validate(reg.Index)), http.StatusUnprocessableEntity
		}
	}
	out, err := s.store.Economics(r.Context(), q)
	if fe := casework.FieldErrorsOf(err); fe != nil && q.WhatIf != nil {
		p.Errors, status = fe, http.StatusUnprocessableEntity
		q.WhatIf = nil
		out, err = s.store.Economics(r.Context(), q)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false, 0
	}
	if !whatIf {
		assumptionsForm(p, out.Register.Assumptions)
	}
	return out, periods, q.WhatIf != nil && q.WhatIf.WithDefaults() != out.Register.Assumptions, status
}

// economicsData is the report page.
type economicsData struct {
	Periods     []caseChoice
	Showing     string
	WhatIf      bool
	Inputs      assumptionInputs
	TooFew      bool
	NoEffects   bool
	Key         tableView
	Sections    []sectionView
	Cannot      []string
	XLSX        template.URL
	CanEdit     bool
	SavedAt     string
	Assumptions string // "the municipality's" or "Lots' defaults"
	// Frozen says which published report is shown (or compared with); Recompute is true when
	// the report was computed from today's data; RecomputeURL and Published link the two.
	Frozen       string
	Recompute    bool
	RecomputeURL template.URL
	Published    template.URL
}

// economicsShow is the report page.
func (s *Server) economicsShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.title")
	out, periods, whatIf, status := s.loadEconomics(w, r, p, "")
	if out == nil {
		return
	}
	v := economicsViewOf(p, out)
	d := economicsData{Showing: v.Showing, WhatIf: whatIf, TooFew: out.Report.TooFew, NoEffects: out.Report.NoEffects, Key: v.Key, Sections: v.Sections,
		Cannot: v.Cannot}
	for _, x := range periods {
		d.Periods = append(d.Periods, caseChoice{Value: x.String(), Label: periodLabel(p, x), Selected: x == out.Period})
	}
	d.Inputs = assumptionInputsOf(p, out.Register.Index.Years())
	a, _ := casework.ActorFrom(r.Context())
	d.CanEdit = access.Can(a, access.EditCostRegister).Allowed
	d.Assumptions = p.T("economics.assumptions_defaults")
	if out.Register.AssumptionsSaved {
		d.Assumptions = p.T("economics.assumptions_saved", formatDateTime(out.Register.AssumptionsSavedAt))
	}
	vals := url.Values{"period": {out.Period.String()}}
	if whatIf || len(p.Errors) == 0 && r.URL.Query().Has("attribution") {
		for _, f := range assumptionFields {
			vals.Set(f, p.V(f))
		}
	}
	if fr := out.Frozen; fr != nil {
		key := "economics2.frozen"
		switch {
		case whatIf:
			key = "economics2.frozen_whatif"
		case out.Live:
			key = "economics2.frozen_recomputed"
		}
		d.Frozen = p.T(key, formatDateTime(fr.ComputedAt), p.T("economics2.part."+fr.Part))
	}
	d.Recompute = out.Live && !whatIf
	published := url.Values{"period": {out.Period.String()}}
	d.Published = template.URL("/economics?" + published.Encode())
	published.Set("recompute", "1")
	d.RecomputeURL = template.URL("/economics?" + published.Encode())
	if d.Recompute {
		vals.Set("recompute", "1")
	}
	d.XLSX = template.URL("/economics/export.xlsx?" + vals.Encode())
	p.Data = d
	s.render(w, r, status, "economics_report", p)
}

// selectField is a select as econ_select draws it.
type selectField struct {
	Name, Label, Hint, Error string
	Options                  []caseChoice
}

// assumptionInputs are the assumptions' inputs as econ_assumptions draws them.
type assumptionInputs struct {
	P                *Page
	PriceYear, After selectField
}

// assumptionInputsOf builds the inputs over the page's form values.
func assumptionInputsOf(p *Page, years []int) assumptionInputs {
	in := assumptionInputs{P: p,
		PriceYear: selectField{Name: "price_year", Label: p.T("economics.assumption.price_year"), Hint: p.T("economics.hint.price_year"), Error: p.FieldError("price_year")},
		After:     selectField{Name: "after", Label: p.T("economics.assumption.after"), Hint: p.T("economics.hint.after"), Error: p.FieldError("after"), Options: afterChoices(p)},
	}
	found := false
	for _, y := range years {
		v := strconv.Itoa(y)
		in.PriceYear.Options = append(in.PriceYear.Options, caseChoice{Value: v, Label: v, Selected: p.V("price_year") == v})
		found = found || p.V("price_year") == v
	}
	if !found && p.V("price_year") != "" {
		in.PriceYear.Options = append(in.PriceYear.Options, caseChoice{Value: p.V("price_year"), Label: p.V("price_year"), Selected: true})
	}
	return in
}

// afterChoices are the time points the follow-up may be read at.
func afterChoices(p *Page) []caseChoice {
	out := []caseChoice{{Value: "", Label: p.T("economics.after.auto"), Selected: p.V("after") == ""}}
	for _, at := range economics.AfterPoints {
		out = append(out, caseChoice{Value: at, Label: p.T("economics.after." + at), Selected: p.V("after") == at})
	}
	return out
}

// afterLabel names a time point; "" is the automatic choice.
func afterLabel(p *Page, at string) string {
	if at == "" {
		return p.T("economics.after.auto")
	}
	return p.T("economics.after." + at)
}
