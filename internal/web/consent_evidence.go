package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"lots/internal/casework"
	"lots/internal/store"
)

// consentUploadMargin is what a multipart request may carry beyond the file itself: the
// boundaries and part headers.
const consentUploadMargin = 64 << 10

// consentEvidenceUpload stores the signed form (PDF, JPEG or PNG). The type is decided by the
// file's content, not by its name: a text file renamed .pdf is refused.
func (s *Server) consentEvidenceUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxEvidenceBytes+consentUploadMargin)
	p, d, ok := s.consentOne(w, r, "consent.evidence_title")
	if !ok {
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.Errors = casework.FieldErrors{casework.Invalid("file", "consent.file_too_large")}
			s.render(w, r, http.StatusRequestEntityTooLarge, "consent_evidence", p)
			return
		}
		s.formError(w, r, "consent_evidence", p, casework.Invalid("file", "consent.file_empty"))
		return
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.formError(w, r, "consent_evidence", p, casework.Invalid("file", "consent.file_empty"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, store.MaxEvidenceBytes+1))
	if err != nil {
		s.fail(w, r, casework.Internal(err))
		return
	}
	if len(data) > store.MaxEvidenceBytes {
		p.Errors = casework.FieldErrors{casework.Invalid("file", "consent.file_too_large")}
		s.render(w, r, http.StatusRequestEntityTooLarge, "consent_evidence", p)
		return
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if _, err := s.store.AttachConsentEvidence(r.Context(), d.CaseID, d.Row.C.ID, hdr.Filename, sniffed, data); err != nil {
		s.consentActionError(w, r, "consent_evidence", p, err)
		return
	}
	s.setFlash(w, r, "consent.evidence_saved")
	http.Redirect(w, r, d.ListURL+"#consent-"+strconv.FormatInt(d.Row.C.ID, 10), http.StatusSeeOther)
}

// consentEvidenceDownload sends the signed form as an attachment with the type it was stored
// with, never to be sniffed into something else by the browser.
func (s *Server) consentEvidenceDownload(w http.ResponseWriter, r *http.Request) {
	caseID, consentID, ok := consentIDs(r, true)
	if !ok {
		s.notFound(w, r)
		return
	}
	f, err := s.store.ConsentEvidence(r.Context(), caseID, consentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}
