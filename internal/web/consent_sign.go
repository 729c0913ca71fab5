package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/casework"
)

// consentOneData is a page about one consent: its summary and one form (signing, withdrawal or
// the signed form's upload).
type consentOneData struct {
	CaseID    int64
	ListURL   string
	YouthName string
	Row       consentRow
	Today     string
}

// consentOne loads one consent of a case for a page; on failure it has answered.
func (s *Server) consentOne(w http.ResponseWriter, r *http.Request, titleKey string) (*Page, *consentOneData, bool) {
	caseID, consentID, ok := consentIDs(r, true)
	if !ok {
		s.notFound(w, r)
		return nil, nil, false
	}
	ov, err := s.store.ConsentOverview(r.Context(), caseID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	p := s.page(w, r, titleKey)
	d := &consentOneData{CaseID: caseID, ListURL: consentsURL(caseID), YouthName: ov.YouthName, Today: s.now().In(stockholm).Format("2006-01-02")}
	found := false
	for _, row := range consentRows(p, ov, s.now()) {
		if row.C.ID == consentID {
			d.Row, found = row, true
		}
	}
	if !found {
		s.notFound(w, r)
		return nil, nil, false
	}
	p.Data = d
	return p, d, true
}

// consentSign records one signer's signature: who, on which day, and how (on paper, in a
// meeting, digitally). When the last required signature is in, the consent is in force.
func (s *Server) consentSign(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.consentOne(w, r, "consent.sign_title")
	if !ok {
		return
	}
	formValues(r, p, "signer", "signed_on", "signed_how")
	var fe casework.FieldErrors
	signerID, err := strconv.ParseInt(r.PostFormValue("signer"), 10, 64)
	if err != nil {
		fe.Add("signer", "signer.required")
	}
	var at time.Time
	if day, ok := consentDay(r.PostFormValue("signed_on")); ok {
		at = consentSignedAt(day, s.now())
	} else {
		fe.Add("signed_on", "signer.date_invalid")
	}
	how := r.PostFormValue("signed_how")
	if how != "paper" && how != "meeting" && how != "digital" {
		fe.Add("signed_how", "consent.signed_how_invalid")
	}
	if err := fe.Err(); err != nil {
		s.formError(w, r, "consent_sign", p, err)
		return
	}
	if _, err := s.store.SignConsent(r.Context(), d.CaseID, d.Row.C.ID, signerID, how, at); err != nil {
		if e := casework.AsError(err); e.Field == "signed_at" { // the store's name for the day typed
			err = casework.Invalid("signed_on", e.Key)
		}
		s.consentActionError(w, r, "consent_sign", p, err)
		return
	}
	s.setFlash(w, r, "consent.signed")
	http.Redirect(w, r, d.ListURL+"#consent-"+strconv.FormatInt(d.Row.C.ID, 10), http.StatusSeeOther)
}

// consentActionError shows a refused action on its page: field errors at the fields, a
// conflict (already signed, already withdrawn) as a message, the rest as usual.
func (s *Server) consentActionError(w http.ResponseWriter, r *http.Request, name string, p *Page, err error) {
	switch casework.ErrorCode(err) {
	case casework.EConflict:
		p.ErrorMsg = s.catalog.Error(p.Locale, err)
		s.render(w, r, http.StatusConflict, name, p)
	case casework.ENotFound:
		if e := casework.AsError(err); e.Detail == "signer not found" {
			s.formError(w, r, name, p, casework.Invalid("signer", "signer.required"))
			return
		}
		s.fail(w, r, err)
	default:
		s.formError(w, r, name, p, err)
	}
}

// consentSignedAt is when a signature given on day is recorded: now when it is today (so the
// consent is in force at once), otherwise noon that day.
func consentSignedAt(day, now time.Time) time.Time {
	if day.Format("2006-01-02") == now.In(stockholm).Format("2006-01-02") {
		return now
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, stockholm)
}
