package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// consentNewData is the form to draw up a consent (or renew one).
type consentNewData struct {
	CaseID        int64
	ListURL       string
	YouthName     string
	Agencies      []casework.Agency
	People        []store.Colleague
	Categories    []consentCategoryOption
	Languages     []consentLang
	AgencyChecked map[int64]bool
	UserChecked   map[int64]bool
	Renews        int64
	RenewsPeriod  string // the period of the consent being renewed
	DefaultMonths int
}

// AnyUser reports whether a named person is chosen (the list of people then starts open).
func (d *consentNewData) AnyUser() bool {
	for _, v := range d.UserChecked {
		if v {
			return true
		}
	}
	return false
}

// consentCategoryOption is a category checkbox.
type consentCategoryOption struct {
	Key, Label string
	Checked    bool
}

// consentNewPage loads what the form offers: the case's young person, the municipality's
// agencies and the people who may be named.
func (s *Server) consentNewPage(w http.ResponseWriter, r *http.Request, caseID int64) (*Page, store.ConsentOverview, bool) {
	ov, err := s.store.ConsentOverview(r.Context(), caseID)
	if err != nil {
		s.fail(w, r, err)
		return nil, ov, false
	}
	if !ov.MayEdit || !ov.Open {
		s.fail(w, r, casework.Errorf(casework.EForbidden, "error.forbidden_case_work", "drawing up a consent needs staff on an open case"))
		return nil, ov, false
	}
	a, _ := casework.ActorFrom(r.Context())
	ags, err := s.store.Agencies(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return nil, ov, false
	}
	people, err := s.store.Colleagues(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return nil, ov, false
	}
	p := s.page(w, r, "consent.new_title")
	p.Title = p.T("consent.new_heading", ov.YouthName)
	p.Data = &consentNewData{
		CaseID: caseID, ListURL: consentsURL(caseID), YouthName: ov.YouthName, Agencies: ags, People: people,
		Languages: consentLanguages(p), AgencyChecked: map[int64]bool{}, UserChecked: map[int64]bool{},
		DefaultMonths: ov.Settings.ConsentValidityMonths,
	}
	return p, ov, true
}

func (d *consentNewData) setCategories(p *Page, checked []casework.Category) {
	d.Categories = nil
	for _, c := range casework.ConsentCategories {
		if c == casework.CatBasic {
			continue // always included; the form says so
		}
		d.Categories = append(d.Categories, consentCategoryOption{Key: string(c), Label: p.T("category." + string(c)), Checked: slices.Contains(checked, c)})
	}
}

// consentNew shows the form, empty or — with ?renews= — filled from the consent it renews.
func (s *Server) consentNew(w http.ResponseWriter, r *http.Request) {
	caseID, _, ok := consentIDs(r, false)
	if !ok {
		s.notFound(w, r)
		return
	}
	p, ov, ok := s.consentNewPage(w, r, caseID)
	if !ok {
		return
	}
	d := p.Data.(*consentNewData)
	now := s.now()
	p.Form["valid_from"] = now.In(stockholm).Format("2006-01-02")
	p.Form["months"] = strconv.Itoa(ov.Settings.ConsentValidityMonths)
	p.Form["language"] = "sv"
	var cats []casework.Category
	if id, err := strconv.ParseInt(r.URL.Query().Get("renews"), 10, 64); err == nil {
		for _, c := range ov.Consents {
			if c.ID != id {
				continue
			}
			d.Renews, d.RenewsPeriod = c.ID, formatDate(c.ValidFrom)+" – "+formatDate(c.ValidUntil)
			if c.ValidUntil.After(now) { // continue without a gap
				p.Form["valid_from"] = c.ValidUntil.In(stockholm).Format("2006-01-02")
			}
			p.Form["language"] = c.Language
			for _, pt := range c.Parties {
				d.AgencyChecked[pt.AgencyID] = pt.AgencyID != 0
				d.UserChecked[pt.UserID] = pt.UserID != 0
			}
			cats = c.Categories
		}
	}
	d.setCategories(p, cats)
	s.render(w, r, http.StatusOK, "consent_new", p)
}

// consentCreate draws up a consent. Every error is shown at its field with the values kept;
// nothing is saved until all are right.
func (s *Server) consentCreate(w http.ResponseWriter, r *http.Request) {
	caseID, _, ok := consentIDs(r, false)
	if !ok {
		s.notFound(w, r)
		return
	}
	// The form is read and the consent drawn up first: the store opens the case once, in its
	// writing transaction. The page is built only when the form is shown again.
	in, fe := consentFormInput(r, s.now())
	var err error
	if len(fe) == 0 {
		var c casework.Consent
		if c, err = s.store.CreateConsent(r.Context(), caseID, in); err == nil {
			s.setFlash(w, r, "consent.created")
			http.Redirect(w, r, consentsURL(caseID)+"#consent-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
			return
		}
		if code := casework.ErrorCode(err); code != casework.EInvalid && code != casework.EConflict {
			s.fail(w, r, err)
			return
		}
	}
	p, ov, ok := s.consentNewPage(w, r, caseID)
	if !ok {
		return
	}
	d := p.Data.(*consentNewData)
	formValues(r, p, "valid_from", "months", "valid_until", "language")
	for _, id := range in.AgencyIDs {
		d.AgencyChecked[id] = true
	}
	for _, id := range in.UserIDs {
		d.UserChecked[id] = true
	}
	d.setCategories(p, in.Categories)
	if in.RenewsID != 0 {
		d.Renews = in.RenewsID
		for _, c := range ov.Consents {
			if c.ID == in.RenewsID {
				d.RenewsPeriod = formatDate(c.ValidFrom) + " – " + formatDate(c.ValidUntil)
			}
		}
	}
	if casework.ErrorCode(err) == casework.EConflict {
		p.ErrorMsg = s.catalog.Error(p.Locale, err)
		s.render(w, r, http.StatusConflict, "consent_new", p)
		return
	}
	if in.Months == 0 {
		in.Months = ov.Settings.ConsentValidityMonths // an unreadable number is already an error
	}
	// The domain's own check too, so every error shows at once with the form's own ones.
	fe = append(fe, casework.FieldErrorsOf(err)...)
	if _, berr := casework.BuildConsent(in, ov.Settings); berr != nil {
		for _, e := range casework.FieldErrorsOf(berr) {
			if !consentHasField(fe, e.Field) {
				fe = append(fe, e)
			}
		}
	}
	s.formError(w, r, "consent_new", p, fe.Err())
}

// consentFormInput reads the consent form: what it says, and what it says wrong.
func consentFormInput(r *http.Request, now time.Time) (casework.ConsentInput, casework.FieldErrors) {
	var fe casework.FieldErrors
	in := casework.ConsentInput{Language: r.PostFormValue("language")}
	if from, ok := consentDay(r.PostFormValue("valid_from")); ok {
		in.ValidFrom = casework.ConsentStart(from, now)
	} else if r.PostFormValue("valid_from") != "" {
		fe.Add("valid_from", "consent.valid_from_invalid")
	}
	if n, err := strconv.Atoi(r.PostFormValue("months")); err == nil {
		in.Months = n
		if n == 0 {
			in.Months = -1 // 0 means "the default" to BuildConsent; typed, it is out of range
		}
	} else {
		fe.Add("months", "settings.number")
	}
	if v := strings.TrimSpace(r.PostFormValue("valid_until")); v != "" {
		// It ends on that day as a period counted in months does (stored as in casework.ConsentStart):
		// the list shows it as the period's end, "2026-01-20 – 2026-06-14".
		if day, ok := consentDay(v); ok {
			in.ValidUntil = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		} else {
			fe.Add("valid_until", "consent.until_invalid")
		}
	}
	for _, v := range r.PostForm["agency"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.AgencyIDs = append(in.AgencyIDs, id)
		}
	}
	for _, v := range r.PostForm["user"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.UserIDs = append(in.UserIDs, id)
		}
	}
	for _, v := range r.PostForm["category"] {
		in.Categories = append(in.Categories, casework.Category(v))
	}
	if id, err := strconv.ParseInt(r.PostFormValue("renews"), 10, 64); err == nil && id > 0 {
		in.RenewsID = id
	}
	return in, fe
}

// consentHasField reports whether fe already has an error for field.
func consentHasField(fe casework.FieldErrors, field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}
