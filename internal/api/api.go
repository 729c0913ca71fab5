// Package api is Lots' JSON API under /api/v1. Clients authenticate with a personal token
// (Authorization: Bearer lots_…). Every route is declared once, in routes(), with the types it
// reads and writes; the OpenAPI 3.1 document is generated from those declarations, so the
// two cannot drift apart.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/httpx"
	"lots/internal/i18n"
	"lots/internal/store"
)

// API serves /api/v1.
type API struct {
	store   *store.Store
	auth    *auth.Service
	catalog *i18n.Catalog
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []Route
	openapi []byte
}

// Route is one operation of the API.
type Route struct {
	Method, Path string // Path as in the mux, e.g. "/api/v1/me"
	Summary      string
	Tag          string
	Public       bool         // no token needed
	Request      reflect.Type // body type, nil for none
	Response     reflect.Type // 2xx body type, nil for none
	Status       int          // success status; 200 when 0
	Query        []Param      // query parameters
	// PathParams describe path parameters that are not ids (ids, {…id}, need nothing here).
	PathParams []Param
	// RequestMedia and ResponseMedia name the media types of a raw body (a file, a calendar)
	// in place of a JSON Request or Response type.
	RequestMedia, ResponseMedia []string
	// Problems are problem statuses beyond the usual ones the route may answer, e.g. 413.
	Problems []int
	Handle   func(w http.ResponseWriter, r *http.Request) error
}

// Param is a query parameter of a route, for the OpenAPI document.
type Param struct {
	Name string
	Type string // "string", "boolean" or "integer"
	Doc  string
	Enum []string
}

// New builds the API.
func New(st *store.Store, a *auth.Service, c *i18n.Catalog, log *slog.Logger) (*API, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	api := &API{store: st, auth: a, catalog: c, log: log, mux: http.NewServeMux()}
	api.routes = api.declare()
	for _, rt := range api.routes {
		api.mux.Handle(rt.Method+" "+rt.Path, api.wrap(rt))
	}
	api.mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		api.problem(w, r, casework.NotFound("endpoint"))
	})
	doc, err := api.openAPI()
	if err != nil {
		return nil, err
	}
	api.openapi = doc
	return api, nil
}

// Routes returns the declared routes (tests walk them).
func (api *API) Routes() []Route { return api.routes }

func (api *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { api.mux.ServeHTTP(w, r) }

// wrap authenticates the request (unless the route is public) and turns a returned error into
// a problem document.
func (api *API) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.Public {
			token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || token == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="lots"`)
				api.problem(w, r, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "missing bearer token"))
				return
			}
			a, err := api.auth.TokenActor(r.Context(), strings.TrimSpace(token))
			if err != nil {
				if casework.ErrorCode(err) == casework.EUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="lots", error="invalid_token"`)
				}
				api.problem(w, r, err)
				return
			}
			r = r.WithContext(casework.WithActor(r.Context(), a))
		}
		handle := func(w http.ResponseWriter, r *http.Request) {
			if err := rt.Handle(w, r); err != nil {
				api.problem(w, r, err)
			}
		}
		if !rt.Public && api.idempotent(w, r, handle) {
			return
		}
		handle(w, r)
	})
}

// locale is the actor's language, else the request's Accept-Language; Swedish by default.
func (api *API) locale(r *http.Request) casework.Locale {
	if a, ok := casework.ActorFrom(r.Context()); ok {
		return a.User.Locale
	}
	return casework.ParseLocale(r.Header.Get("Accept-Language"))
}

// Problem is the API's RFC 9457 problem document: httpx's, plus the message key of the error
// and its text, so a program can tell one refusal from another ("flow.needs_consent") without
// reading prose.
type Problem struct {
	Type    string               `json:"type"`
	Title   string               `json:"title"`
	Status  int                  `json:"status"`
	Detail  string               `json:"detail,omitempty"`
	Code    string               `json:"code" enum:"invalid,not_found,conflict,unauthorized,forbidden,too_many,internal,unavailable"`
	Key     string               `json:"key,omitempty" doc:"message key of the error, e.g. flow.needs_consent; error.invalid when several fields are at fault"`
	Message string               `json:"message,omitempty" doc:"the key's text in the user's language"`
	Errors  []httpx.ProblemField `json:"errors,omitempty" doc:"each invalid field with its message key and text"`
}

// problemFor builds the problem document for err in the request's language. Internal errors
// reveal nothing; "not found" always carries the same key, whatever the store's reason.
func (api *API) problemFor(r *http.Request, err error) Problem {
	l := api.locale(r)
	t := func(k string, args ...any) string { return api.catalog.T(l, k, args...) }
	hp := httpx.ProblemFor(err, t)
	p := Problem{Type: hp.Type, Title: hp.Title, Status: hp.Status, Detail: hp.Detail, Code: hp.Code, Errors: hp.Errors}
	e := casework.AsError(err)
	switch {
	case e.Code == casework.EInternal:
		return p
	case e.Code == casework.ENotFound:
		p.Key = "error.not_found"
	case len(p.Errors) > 1:
		p.Key = "error.invalid"
	case e.Key != "":
		p.Key = e.Key
		p.Message = t(e.Key, e.Args...)
		return p
	default:
		p.Key = "error." + string(e.Code)
	}
	p.Message = t(p.Key)
	return p
}

func (api *API) problem(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		// The client went away: not an error of Lots (web.cancelled says the same for pages).
		api.log.Info("api request cancelled", "method", r.Method, "path", r.URL.Path, "reason", context.Cause(r.Context()), "err", err)
		w.WriteHeader(499)
		return
	}
	err = store.Classify(err)
	switch casework.ErrorCode(err) {
	case casework.EInternal:
		api.log.Error("api request failed", "path", r.URL.Path, "err", err)
	case casework.EUnavailable:
		api.log.Warn("api request: database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
	}
	p := api.problemFor(r, err)
	var se *statusError
	if errors.As(err, &se) {
		p.Status = se.status
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// statusError answers err with a status its code does not map to (413 for a body too large);
// the problem keeps the code, key and message of err.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// maxBody bounds request bodies.
const maxBody = 1 << 20

// decode reads a JSON body into v, refusing unknown fields and trailing data, with a precise
// problem for each kind of mistake.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return casework.Errorf(casework.EInvalid, "api.content_type", "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return casework.Errorf(casework.EInvalid, "api.body_empty", "request body is empty")
		case errors.As(err, &syn):
			return casework.Errorf(casework.EInvalid, "api.body_syntax", "malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			return &casework.Error{Code: casework.EInvalid, Key: "api.body_type", Field: typ.Field, Detail: "field " + typ.Field + " must be " + typ.Type.String()}
		case errors.As(err, &tooBig):
			return casework.Errorf(casework.EInvalid, "api.body_too_large", "request body larger than %d bytes", maxBody)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &casework.Error{Code: casework.EInvalid, Key: "api.body_unknown_field", Field: name, Detail: "unknown field " + name}
		}
		return casework.Errorf(casework.EInvalid, "api.body_syntax", "malformed JSON: %v", err)
	}
	if dec.More() {
		return casework.Errorf(casework.EInvalid, "api.body_syntax", "trailing data after the JSON value")
	}
	return nil
}
