// Package httpx maps domain errors to HTTP, in one place for the web pages and the API:
// the status code, and an RFC 9457 problem document for programs.
package httpx

import (
	"encoding/json"
	"net/http"

	"lots/internal/casework"
)

// Status is the HTTP status for an error code.
func Status(c casework.Code) int {
	switch c {
	case casework.EInvalid:
		return http.StatusUnprocessableEntity
	case casework.ENotFound:
		return http.StatusNotFound
	case casework.EConflict:
		return http.StatusConflict
	case casework.EUnauthorized:
		return http.StatusUnauthorized
	case casework.EForbidden:
		return http.StatusForbidden
	case casework.ETooMany:
		return http.StatusTooManyRequests
	case casework.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Code   string         `json:"code"`
	Errors []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one invalid field: its name, the message key and the message.
type ProblemField struct {
	Field   string `json:"field"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// Translator renders a message key in the client's language.
type Translator func(key string, args ...any) string

// ProblemFor builds the problem document for err. Internal errors reveal nothing.
func ProblemFor(err error, t Translator) Problem {
	e := casework.AsError(err)
	p := Problem{
		Type:   "urn:lots:problem:" + string(e.Code),
		Status: Status(e.Code),
		Code:   string(e.Code),
		Title:  t("error." + string(e.Code)),
	}
	if e.Code != casework.EInternal && e.Code != casework.ENotFound {
		p.Detail = e.Detail
	}
	for _, f := range casework.FieldErrorsOf(err) {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Key: f.Key, Message: t(f.Key, f.Args...)})
	}
	return p
}

// WriteProblem writes err as application/problem+json.
func WriteProblem(w http.ResponseWriter, err error, t Translator) {
	p := ProblemFor(err, t)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
