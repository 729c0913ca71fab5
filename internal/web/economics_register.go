package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/economics"
	"lots/internal/store"
)

// The cost register: every unit cost with its unit, amount, range, price year, source and how
// sure it is; the price index; the assumptions. Those who see the report read it; the steering
// group and the administrator keep it. A refused change shows each error at its field in
// Swedish, with what was written kept, and nothing is saved.

var errWhatIf = casework.Errorf(casework.EInvalid, "economics.what_if_invalid", "the what-if assumptions are refused")

type registerItem struct {
	Code, Label, Unit, Amount, Range, PriceYear string
	Source, URL, Tag, Note                      string
	Priced, Edited, Builtin                     bool
	Href                                        string
}

type registerGroup struct {
	ID, Heading, Intro string
	Items              []registerItem
}

type indexRow struct {
	Year, Value, Source, URL string
	Builtin                  bool
}

type registerData struct {
	Groups      []registerGroup
	Index       []indexRow
	Assumptions []caseChoice // label and value
	CanEdit     bool
	SeeReport   bool
}

func (s *Server) registerShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.register_title")
	s.renderRegister(w, r, p, http.StatusOK)
}

func (s *Server) renderRegister(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	reg, err := s.store.CostRegister(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	d := registerData{CanEdit: access.Can(a, access.EditCostRegister).Allowed, SeeReport: access.Can(a, access.ViewAggregates).Allowed}
	items := registerItems(reg)
	for _, c := range economics.Categories {
		g := registerGroup{ID: string(c), Heading: p.T("economics.category." + string(c)), Intro: p.T("economics.category." + string(c) + "_intro")}
		for _, u := range items {
			if u.Category != c {
				continue
			}
			ri := registerItem{Code: u.Code, Label: itemLabel(p, u.Code, reg, nil), Priced: u.Priced(), Edited: u.Edited, Builtin: u.Builtin,
				Href: "/economics/register/" + u.Code}
			if u.Priced() {
				ri.Unit = perUnit(p, u.Unit)
				ri.Amount = unitMoney(p, u.Amount.Kronor())
				ri.Range = p.T("economics.range", unitMoney(p, u.Low.Kronor()), unitMoney(p, u.High.Kronor()))
				ri.PriceYear = strconv.Itoa(u.PriceYear)
				ri.Source, ri.URL, ri.Tag, ri.Note = u.Source, u.URL, p.T("economics.tag."+string(u.Tag)), u.Note.In(p.Locale)
			} else if u.Unit != "" {
				ri.Unit = perUnit(p, u.Unit)
			}
			g.Items = append(g.Items, ri)
		}
		if len(g.Items) > 0 {
			d.Groups = append(d.Groups, g)
		}
	}
	for _, y := range reg.Index.Years() {
		x := reg.Index[y]
		d.Index = append(d.Index, indexRow{Year: strconv.Itoa(y), Value: formatNumber(p.Locale, x.Value, 2), Source: x.Source, URL: x.URL, Builtin: x.Builtin})
	}
	as := reg.Assumptions
	pct := func(r economics.Range) string {
		return p.T("economics.value_range", percentText(p, r.Value, 1), percentText(p, r.Low, 1), percentText(p, r.High, 1))
	}
	yrs := func(r economics.Range) string {
		return p.T("economics.value_range", formatNumber(p.Locale, r.Value, 1), formatNumber(p.Locale, r.Low, 1), formatNumber(p.Locale, r.High, 1))
	}
	d.Assumptions = []caseChoice{
		{Label: p.T("economics.assumption.price_year"), Value: strconv.Itoa(as.PriceYear)},
		{Label: p.T("economics.assumption.fte"), Value: formatNumber(p.Locale, as.CoordinatorFTE, 2)},
		{Label: p.T("economics.assumption.attribution"), Value: pct(as.Attribution)},
		{Label: p.T("economics.assumption.persistence"), Value: yrs(as.Persistence)},
		{Label: p.T("economics.assumption.discount"), Value: pct(as.Discount)},
		{Label: p.T("economics.assumption.after"), Value: afterLabel(p, as.After)},
		{Label: p.T("economics.assumption.draws"), Value: formatNumber(p.Locale, float64(as.Draws), 0)},
		{Label: p.T("economics.assumption.seed"), Value: strconv.FormatUint(as.Seed, 10)},
	}
	if p.V("year") == "" && len(p.Errors) == 0 {
		p.Form["year"] = strconv.Itoa(reg.Index.Latest() + 1)
	}
	p.Data = d
	s.render(w, r, status, "economics_register", p)
}

// registerItems are the register's items and a slot for every catalogue method not yet priced,
// so each intervention can be given a cost.
func registerItems(reg *store.CostRegister) []economics.UnitCost {
	items := slices.Clone(reg.Items)
	var codes []string
	for code := range reg.Methods {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, m := range codes {
		code := economics.InterventionCode(m)
		if _, ok := reg.Item(code); !ok {
			items = append(items, economics.UnitCost{Code: code, Category: economics.CatIntervention})
		}
	}
	slices.SortStableFunc(items, func(a, b economics.UnitCost) int {
		ca, cb := slices.Index(economics.Categories, a.Category), slices.Index(economics.Categories, b.Category)
		if ca != cb || a.Category != economics.CatIntervention {
			return ca - cb
		}
		return strings.Compare(a.Code, b.Code)
	})
	return items
}

type itemFormData struct {
	New      bool
	Code     string
	Label    string
	Own      bool // an item of the municipality's own: it has a name
	Edited   bool
	Builtin  bool
	Units    []caseChoice
	Years    []caseChoice
	Tags     []caseChoice
	Shares   []caseChoice // perspective and its field name
	Default  string       // the national default, described
	CanReset bool
}

// registerNew is the form of an item of the municipality's own.
func (s *Server) registerNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.item_new_title")
	reg, err := s.store.CostRegister(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := economics.UnitCost{Category: economics.CatOther, Unit: economics.PerYear, PriceYear: reg.Assumptions.PriceYear, Tag: economics.TagLocal,
		Shares: economics.One(economics.MunicipalitySocial)}
	s.renderItemForm(w, r, p, reg, u, true, http.StatusOK)
}

// registerEdit is the form of an item: a built-in slot, an intervention or an own item.
func (s *Server) registerEdit(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.item_title")
	reg, u, ok := s.registerItem(w, r)
	if !ok {
		return
	}
	s.renderItemForm(w, r, p, reg, u, false, http.StatusOK)
}

// registerItem reads the register and the item of the path; an unknown code is not found.
func (s *Server) registerItem(w http.ResponseWriter, r *http.Request) (*store.CostRegister, economics.UnitCost, bool) {
	reg, err := s.store.CostRegister(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, economics.UnitCost{}, false
	}
	code := r.PathValue("code")
	u, ok := reg.Item(code)
	if !ok {
		slot, known := economics.SlotOf(code)
		m, isMethod := strings.CutPrefix(code, "intervention.")
		if !known || !isMethod || reg.Methods[m] == "" {
			s.notFound(w, r)
			return nil, economics.UnitCost{}, false
		}
		u = economics.UnitCost{Code: code, Category: slot.Category, Shares: slot.Shares}
	}
	return reg, u, true
}

func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, p *Page, reg *store.CostRegister, u economics.UnitCost, isNew bool, status int) {
	if status == http.StatusOK {
		p.Form = map[string]string{"unit": string(u.Unit), "source": u.Source, "url": u.URL, "tag": string(u.Tag), "note": u.Note.In(p.Locale),
			"name": u.Name.In(p.Locale)}
		if u.Priced() {
			p.Form["amount"], p.Form["low"], p.Form["high"] = amountText(p, u.Amount), amountText(p, u.Low), amountText(p, u.High)
		}
		if u.PriceYear != 0 {
			p.Form["price_year"] = strconv.Itoa(u.PriceYear)
		} else {
			p.Form["price_year"] = strconv.Itoa(reg.Assumptions.PriceYear)
		}
		if p.Form["tag"] == "" {
			p.Form["tag"] = string(economics.TagLocal)
		}
		for _, pp := range economics.Perspectives {
			if v := u.Shares[pp]; v != 0 {
				p.Form["share_"+string(pp)] = decimalText(p.Locale, v*100)
			}
		}
		if u.PerCourse > 0 {
			p.Form["per_course"] = strconv.Itoa(int(u.PerCourse))
		}
	}
	label := itemLabel(p, u.Code, reg, nil)
	if isNew {
		label = p.T("economics.item_new_title")
	} else {
		p.Title = p.T("economics.item_title") + " – " + label
	}
	d := itemFormData{New: isNew, Code: u.Code, Label: label, Own: isNew || u.Category == economics.CatOther, Edited: u.Edited, Builtin: u.Builtin,
		CanReset: u.Edited}
	for _, un := range economics.Units {
		d.Units = append(d.Units, caseChoice{Value: string(un), Label: perUnit(p, un), Selected: p.V("unit") == string(un)})
	}
	for _, y := range reg.Index.Years() {
		d.Years = append(d.Years, caseChoice{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: p.V("price_year") == strconv.Itoa(y)})
	}
	if !slices.ContainsFunc(d.Years, func(c caseChoice) bool { return c.Selected }) && p.V("price_year") != "" {
		// A year without an index, as written: kept, so the error at the field makes sense.
		d.Years = append(d.Years, caseChoice{Value: p.V("price_year"), Label: p.V("price_year"), Selected: true})
	}
	for _, t := range economics.Tags {
		d.Tags = append(d.Tags, caseChoice{Value: string(t), Label: p.T("economics.tag." + string(t)), Selected: p.V("tag") == string(t)})
	}
	for _, pp := range economics.Perspectives {
		d.Shares = append(d.Shares, caseChoice{Value: "share_" + string(pp), Label: string(pp)})
	}
	for _, x := range economics.DefaultRegister() {
		if x.Code == u.Code {
			d.Default = p.T("economics.default_is", unitMoney(p, x.Amount.Kronor()), perUnit(p, x.Unit), x.PriceYear, x.Source)
		}
	}
	p.Data = d
	s.render(w, r, status, "economics_item", p)
}

// amountText is an amount for a form field.
func amountText(p *Page, m economics.Money) string { return decimalText(p.Locale, m.Kronor()) }

// itemFromForm reads the item form over base. Amounts are written as people write them; an
// empty low or high is the amount itself. Shares are percent per perspective, empty for none.
func itemFromForm(r *http.Request, p *Page, base economics.UnitCost) (economics.UnitCost, casework.FieldErrors) {
	_ = r.ParseForm()
	var fe casework.FieldErrors
	get := func(k string) string { v := strings.TrimSpace(r.PostFormValue(k)); p.Form[k] = v; return v }
	u := base
	u.Unit = economics.Unit(get("unit"))
	amount := func(field string, fallback economics.Money, required bool) economics.Money {
		v := get(field)
		if v == "" && !required {
			return fallback
		}
		m, key := economics.ParseAmount(v)
		if key != "" {
			fe.Add(field, key)
		}
		return m
	}
	u.Amount = amount("amount", 0, true)
	u.Low = amount("low", u.Amount, false)
	u.High = amount("high", u.Amount, false)
	if y, err := strconv.Atoi(get("price_year")); err == nil {
		u.PriceYear = y
	} else {
		fe.Add("price_year", "economics.whole_number")
	}
	u.Source, u.URL, u.Tag = get("source"), get("url"), economics.Tag(get("tag"))
	u.Note, u.Name = copyText(base.Note), copyText(base.Name)
	u.Note[string(p.Locale)] = get("note")
	if base.Category == economics.CatOther {
		u.Name[string(p.Locale)] = get("name")
		if u.Name["sv"] == "" {
			u.Name["sv"] = u.Name[string(p.Locale)]
		}
	}
	u.Shares = economics.Shares{}
	for _, pp := range economics.Perspectives {
		v := get("share_" + string(pp))
		if v == "" {
			continue
		}
		x, ok := parseDecimal(v)
		if !ok || x < 0 || x > 100 {
			fe.Add("shares", "economics.share_invalid")
			continue
		}
		u.Shares[pp] = x / 100
	}
	u.PerCourse = 0
	if u.Unit == economics.PerSession {
		if n, err := strconv.Atoi(get("per_course")); err == nil {
			u.PerCourse = float64(n)
		} else {
			fe.Add("per_course", "economics.per_course_range")
		}
	} else {
		get("per_course")
	}
	if len(u.Shares) == 0 {
		fe.Add("shares", "economics.shares_sum")
	}
	return u, fe
}

// registerCreate adds an item of the municipality's own.
func (s *Server) registerCreate(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.item_new_title")
	reg, err := s.store.CostRegister(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, fe := itemFromForm(r, p, economics.UnitCost{Category: economics.CatOther})
	slug := strings.ToLower(strings.TrimSpace(r.PostFormValue("slug")))
	p.Form["slug"] = slug
	u.Code = "other." + slug
	s.saveItem(w, r, p, reg, u, fe, true)
}

// registerSave saves the municipality's figure for an item.
func (s *Server) registerSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.item_title")
	reg, base, ok := s.registerItem(w, r)
	if !ok {
		return
	}
	u, fe := itemFromForm(r, p, base)
	s.saveItem(w, r, p, reg, u, fe, false)
}

func (s *Server) saveItem(w http.ResponseWriter, r *http.Request, p *Page, reg *store.CostRegister, u economics.UnitCost, fe casework.FieldErrors, isNew bool) {
	if len(fe) > 0 { // show the rule's errors at the other fields too, all at once
		x := u
		x.Normalise()
		fe = mergeErrors(fe, x.Validate(reg.Index))
	}
	var err error = fe.Err()
	if err == nil {
		err = s.store.SaveUnitCost(r.Context(), u, isNew)
	}
	if err == nil {
		s.setFlash(w, r, "economics.saved")
		http.Redirect(w, r, "/economics/register#cat-"+string(u.Category), http.StatusSeeOther)
		return
	}
	errs := casework.FieldErrorsOf(err)
	if errs == nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range errs {
		if e.Field == "code" {
			e.Field = "slug" // the code is made from the slug
		}
	}
	p.Errors = errs
	s.renderItemForm(w, r, p, reg, u, isNew, http.StatusUnprocessableEntity)
}

// mergeErrors adds the field errors of err at fields fe does not already name.
func mergeErrors(fe casework.FieldErrors, err error) casework.FieldErrors {
	for _, e := range casework.FieldErrorsOf(err) {
		if !slices.ContainsFunc(fe, func(x *casework.Error) bool { return x.Field == e.Field }) {
			fe = append(fe, e)
		}
	}
	return fe
}

// registerReset drops the municipality's figure for an item.
func (s *Server) registerReset(w http.ResponseWriter, r *http.Request) {
	if err := s.store.ResetUnitCost(r.Context(), r.PathValue("code")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "economics.reset_done")
	http.Redirect(w, r, "/economics/register", http.StatusSeeOther)
}

// indexAdd adds a year of the price index.
func (s *Server) indexAdd(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.register_title")
	_ = r.ParseForm()
	get := func(k string) string { v := strings.TrimSpace(r.PostFormValue(k)); p.Form[k] = v; return v }
	var fe casework.FieldErrors
	y := economics.IndexYear{Source: get("index_source"), URL: get("index_url")}
	if n, err := strconv.Atoi(get("year")); err == nil {
		y.Year = n
	} else {
		fe.Add("year", "economics.whole_number")
	}
	if v, ok := parseDecimal(get("value")); ok {
		y.Value = v
	} else {
		fe.Add("value", "economics.number_invalid")
	}
	var err error = fe.Err()
	if err == nil {
		err = s.store.SavePriceIndex(r.Context(), y)
	}
	if err == nil {
		s.setFlash(w, r, "economics.index_saved")
		http.Redirect(w, r, "/economics/register#index", http.StatusSeeOther)
		return
	}
	if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderRegister(w, r, p, http.StatusUnprocessableEntity)
}

type assumptionsData struct {
	Inputs assumptionInputs
}

// assumptionsShow is the form of the municipality's assumptions.
func (s *Server) assumptionsShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.assumptions_title")
	reg, err := s.store.CostRegister(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	assumptionsForm(p, reg.Assumptions)
	s.renderAssumptions(w, r, p, reg, http.StatusOK)
}

func (s *Server) renderAssumptions(w http.ResponseWriter, r *http.Request, p *Page, reg *store.CostRegister, status int) {
	p.Data = assumptionsData{Inputs: assumptionInputsOf(p, reg.Index.Years())}
	s.render(w, r, status, "economics_assumptions", p)
}

// assumptionsSave saves the municipality's assumptions.
func (s *Server) assumptionsSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "economics.assumptions_title")
	reg, err := s.store.CostRegister(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	a, fe := assumptionsFromForm(p, r.PostFormValue, reg.Assumptions)
	if len(fe) > 0 {
		fe = mergeErrors(fe, a.Validate(reg.Index))
	}
	err = fe.Err()
	if err == nil {
		err = s.store.SaveEconomicsAssumptions(r.Context(), a)
	}
	if err == nil {
		s.setFlash(w, r, "economics.assumptions_saved_flash")
		http.Redirect(w, r, "/economics/register#assumptions", http.StatusSeeOther)
		return
	}
	if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderAssumptions(w, r, p, reg, http.StatusUnprocessableEntity)
}
