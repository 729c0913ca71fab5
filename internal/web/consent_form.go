package web

import (
	"bytes"
	"net/http"
	"strconv"

	"lots/internal/consentform"
)

// consentFormData is the printable consent form: the form in its language, and a bar for the
// person printing it (in their own language, not printed).
type consentFormData struct {
	Form      consentformView
	UI        *Page
	ListURL   string
	BaseURL   string
	Languages []consentLang
	OwnTexts  bool
	PrintCSS  string // the running header: case and consent reference, page numbers
}

// consentformView is the rendered form.
type consentformView = consentform.View

// consentFormShow renders the form Lots generates for signing, in Swedish, English, Arabic or
// Somali (?lang=), with the municipality's own texts when it has uploaded them. It is a page of
// its own, not the layout: no navigation, nothing of the case but the young person's name and
// the consent's content, and the document's language and direction are the form's.
func (s *Server) consentFormShow(w http.ResponseWriter, r *http.Request) {
	caseID, consentID, ok := consentIDs(r, true)
	if !ok {
		s.notFound(w, r)
		return
	}
	lang := r.URL.Query().Get("lang")
	if lang != "" && !consentform.Supported(lang) {
		s.notFound(w, r)
		return
	}
	cf, err := s.store.ConsentForm(r.Context(), caseID, consentID, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view, err := consentform.Render(cf.Consent.Language, cf.Texts, cf.Input, stockholm)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.page(w, r, "consent.form_title")
	list := consentsURL(caseID)
	data := consentFormData{
		Form: view, UI: p, ListURL: list + "#consent-" + strconv.FormatInt(consentID, 10),
		BaseURL: list + "/" + strconv.FormatInt(consentID, 10) + "/form", Languages: consentLanguages(p), OwnTexts: cf.Texts != nil,
		PrintCSS: printReferenceURL(caseID, consentID),
	}
	t, err := s.sourcePage("consent_form")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "consentform", data); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}
