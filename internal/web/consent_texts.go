package web

import (
	"io"
	"net/http"

	"lots/internal/casework"
	"lots/internal/consentform"
)

// consentTextsData is the administrator's page for the consent form's texts.
type consentTextsData struct {
	Languages []consentTextLang
}

// consentTextLang is one form language and whose texts it uses.
type consentTextLang struct {
	Code, Name string
	Own        bool
}

func (s *Server) consentTextsPage(w http.ResponseWriter, r *http.Request) (*Page, bool) {
	own, err := s.store.ConsentTextLanguages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p := s.page(w, r, "consent.texts_title")
	d := consentTextsData{}
	for _, l := range consentLanguages(p) {
		d.Languages = append(d.Languages, consentTextLang{Code: l.Code, Name: l.Name, Own: own[l.Code]})
	}
	p.Data = d
	return p, true
}

// consentTextsShow lists the form's languages, and with ?download=<lang> sends the file to edit:
// the municipality's own texts, or the defaults.
func (s *Server) consentTextsShow(w http.ResponseWriter, r *http.Request) {
	if lang := r.URL.Query().Get("download"); lang != "" {
		if !consentform.Supported(lang) {
			s.notFound(w, r)
			return
		}
		data, own, err := s.store.ConsentTextFile(r.Context(), lang)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !own {
			if data, err = consentform.DefaultFile(lang); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="samtyckesblankett-`+lang+`.json"`)
		_, _ = w.Write(data)
		return
	}
	p, ok := s.consentTextsPage(w, r)
	if !ok {
		return
	}
	p.Form["language"] = "sv"
	s.render(w, r, http.StatusOK, "consent_texts", p)
}

// consentTextsUpload takes an edited file for one language. A file with any mistake is refused
// whole, every problem named; nothing is saved.
func (s *Server) consentTextsUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, consentform.MaxFileBytes+consentUploadMargin)
	p, ok := s.consentTextsPage(w, r)
	if !ok {
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.formError(w, r, "consent_texts", p, casework.Invalid("file", "consent.texts_too_large"))
		return
	}
	defer r.MultipartForm.RemoveAll()
	lang := r.PostFormValue("language")
	p.Form["language"] = lang
	f, _, err := r.FormFile("file")
	if err != nil {
		s.formError(w, r, "consent_texts", p, casework.Invalid("file", "consent.texts_empty_file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, consentform.MaxFileBytes+1))
	if err != nil {
		s.fail(w, r, casework.Internal(err))
		return
	}
	if err := s.store.SaveConsentTexts(r.Context(), lang, data); err != nil {
		p.ErrorMsg = p.T("consent.texts_nothing_saved")
		s.formError(w, r, "consent_texts", p, err)
		return
	}
	s.setFlash(w, r, "consent.texts_saved")
	http.Redirect(w, r, "/admin/consent-texts", http.StatusSeeOther)
}

// consentTextsReset returns a language to the shipped defaults.
func (s *Server) consentTextsReset(w http.ResponseWriter, r *http.Request) {
	if err := s.store.ResetConsentTexts(r.Context(), r.PostFormValue("language")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "consent.texts_reset_done")
	http.Redirect(w, r, "/admin/consent-texts", http.StatusSeeOther)
}
