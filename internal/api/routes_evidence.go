package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"lots/internal/casework"
	"lots/internal/store"
)

// The signed consent form, uploaded as it is (a scan or a PDF) so the consent can be shown to
// have been given. The file's type is decided by its content, not by what the client says: a
// text file sent as application/pdf is refused.

// evidenceMedia are the media types a signed form may have.
var evidenceMedia = []string{"application/pdf", "image/jpeg", "image/png"}

func (api *API) evidenceRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/api/v1/cases/{id}/consents/{cid}/evidence", Summary: "Upload the signed form: the raw file as the body, at most 10 MB, its Content-Type PDF, JPEG or PNG and matching its content; Content-Disposition may give a file name. Replaces an earlier upload", Tag: "consents",
			RequestMedia: evidenceMedia, Response: reflect.TypeFor[Consent](), Problems: []int{http.StatusRequestEntityTooLarge}, Handle: api.putEvidence},
		{Method: "GET", Path: "/api/v1/cases/{id}/consents/{cid}/evidence", Summary: "Download the signed form, with the type it was stored with", Tag: "consents",
			ResponseMedia: evidenceMedia, Handle: api.evidence},
	}
}

// tooLarge is the problem of a file over the limit: 413, with the store's key for it.
func tooLarge() error {
	return &statusError{status: http.StatusRequestEntityTooLarge, err: casework.Invalid("file", "consent.file_too_large")}
}

func (api *API) putEvidence(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := consentPath(r)
	if err != nil {
		return err
	}
	declared, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(evidenceMedia, declared) {
		return casework.Invalid("file", "consent.file_type")
	}
	if r.ContentLength > store.MaxEvidenceBytes {
		return tooLarge()
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, store.MaxEvidenceBytes))
	if err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			return tooLarge()
		}
		return casework.Errorf(casework.EInvalid, "consent.file_empty", "reading the body: %v", err)
	}
	if len(data) == 0 {
		return casework.Invalid("file", "consent.file_empty")
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if sniffed != declared {
		return casework.Invalid("file", "api.file_mismatch", declared)
	}
	var name string
	if cd := r.Header.Get("Content-Disposition"); cd != "" {
		if _, ps, err := mime.ParseMediaType(cd); err == nil {
			name = ps["filename"]
		}
	}
	c, err := api.store.AttachConsentEvidence(r.Context(), id, cid, name, sniffed, data)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, consentOf(c, api.store.Now()))
}

func (api *API) evidence(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := consentPath(r)
	if err != nil {
		return err
	}
	f, err := api.store.ConsentEvidence(r.Context(), id, cid)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data) // the status is sent: a failed write cannot become a problem
	return nil
}
