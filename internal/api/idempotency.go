package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"lots/internal/casework"
	"lots/internal/store"
)

// Idempotency keys (issue 18, docs/api.md): a write sent with an Idempotency-Key header is
// done once, however often it is sent within store.IdempotencyHours. The key is stored in the
// same transaction as the write (store.IdempotentRequest), the answer after it; a retry gets
// the first answer again with Idempotent-Replayed: true. The same key with another request
// (method, path or body) is refused with 422 idempotency.key_reused; a retry while the first
// is still running gets 409 idempotency.pending (Retry-After: 1), and one after the first was
// interrupted between its commit and its answer (the instance died) 409 idempotency.answer_lost
// once store.IdempotencyAnswerWait has passed — the write exists; sending it again will not
// make a second.

// IdempotencyHeader is the request header that carries the key.
const IdempotencyHeader = "Idempotency-Key"

// maxIdempotentBody bounds a body read whole to fingerprint it: the largest any route takes.
const maxIdempotentBody = store.MaxEvidenceBytes + maxBody

// maxRecordedAnswer bounds an answer kept for retries; a larger one is not kept (a retry then
// gets 409 idempotency.pending, then idempotency.answer_lost).
const maxRecordedAnswer = 1 << 20

// isWrite says whether a request may change something.
func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// validIdempotencyKey: 1–255 visible ASCII characters (a UUID fits).
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotent runs handle for an authenticated write request carrying an Idempotency-Key, or
// answers it from the key's memory. It reports false when the request has no key (the caller
// runs it as usual).
func (api *API) idempotent(w http.ResponseWriter, r *http.Request, handle func(w http.ResponseWriter, r *http.Request)) bool {
	keys := r.Header.Values(IdempotencyHeader)
	if len(keys) == 0 || !isWrite(r.Method) {
		return false
	}
	if len(keys) > 1 || !validIdempotencyKey(keys[0]) {
		api.problem(w, r, &statusError{status: http.StatusBadRequest, err: &casework.Error{Code: casework.EInvalid,
			Key: "idempotency.key_invalid", Field: IdempotencyHeader, Detail: "Idempotency-Key must be one value of 1 to 255 visible ASCII characters"}})
		return true
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxIdempotentBody))
	if err != nil {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			api.problem(w, r, &statusError{status: http.StatusRequestEntityTooLarge,
				err: casework.Errorf(casework.EInvalid, "api.body_too_large", "request body larger than %d bytes", maxIdempotentBody)})
			return true
		}
		api.problem(w, r, casework.Errorf(casework.EInvalid, "api.body_syntax", "reading the body: %v", err))
		return true
	}
	sum := sha256.Sum256(body)
	req := &store.IdempotentRequest{Key: keys[0], Fingerprint: r.Method + " " + r.URL.RequestURI() + " " + hex.EncodeToString(sum[:])}

	prior, err := api.store.IdempotentAnswerOf(r.Context(), req.Key)
	switch {
	case err == nil && prior.Fingerprint != req.Fingerprint:
		api.problem(w, r, casework.Errorf(casework.EInvalid, "idempotency.key_reused",
			"this Idempotency-Key was used for another request (%s); use a new key for a new request", firstField(prior.Fingerprint, 2)))
		return true
	case err == nil && prior.AnswerLost:
		api.problem(w, r, casework.Errorf(casework.EConflict, "idempotency.answer_lost",
			"the request with this Idempotency-Key was saved at %s, but its answer was lost (the connection or the instance broke after it was saved); do not send it again",
			prior.CreatedAt.Format("2006-01-02T15:04:05Z")))
		return true
	case err == nil && prior.Status == 0:
		w.Header().Set("Retry-After", "1")
		api.problem(w, r, casework.Errorf(casework.EConflict, "idempotency.pending",
			"a request with this Idempotency-Key was saved at %s and its answer is not recorded yet (it is still running); send it again in a moment",
			prior.CreatedAt.Format("2006-01-02T15:04:05Z")))
		return true
	case err == nil:
		if prior.ContentType != "" {
			w.Header().Set("Content-Type", prior.ContentType)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prior.Status)
		_, _ = w.Write(prior.Body)
		return true
	case casework.ErrorCode(err) != casework.ENotFound:
		api.problem(w, r, err)
		return true
	}

	r.Body = io.NopCloser(bytes.NewReader(body))
	r = r.WithContext(store.WithIdempotentRequest(r.Context(), req))
	rec := &answerRecorder{ResponseWriter: w}
	handle(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	switch {
	case !req.Committed():
		// Nothing was committed: a retry runs the request again.
	case rec.status >= 500 || rec.tooLong:
		api.log.Warn("idempotent request committed but its answer is not kept", "path", r.URL.Path, "status", rec.status)
	default:
		if err := api.store.RecordIdempotentAnswer(r.Context(), req, rec.status, rec.Header().Get("Content-Type"), rec.body.Bytes()); err != nil {
			api.log.Error("recording an idempotent answer", "path", r.URL.Path, "err", err)
		}
	}
	return true
}

// firstField returns the first n space-separated fields of s (the method and path of a
// fingerprint, not its hash).
func firstField(s string, n int) string {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if n--; n == 0 {
				return s[:i]
			}
		}
	}
	return s
}

// answerRecorder passes an answer on and keeps a copy of it.
type answerRecorder struct {
	http.ResponseWriter
	status  int
	body    bytes.Buffer
	tooLong bool
}

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerRecorder) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if !a.tooLong {
		if a.body.Len()+len(p) > maxRecordedAnswer {
			a.tooLong = true
			a.body.Reset()
		} else {
			a.body.Write(p)
		}
	}
	return a.ResponseWriter.Write(p)
}

func (a *answerRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }
