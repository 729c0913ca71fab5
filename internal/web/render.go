package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/httpx"
	"lots/internal/store"
)

// Page is what every template receives.
type Page struct {
	Name     string // the template, also on <body data-page> for tests and styling
	Locale   casework.Locale
	Title    string // already translated
	Actor    *casework.Actor
	Nav      []NavItem
	Path     string
	Flash    string // translated flash message
	Undo     string // the address of the undo of the step the flash reports (undo.go), or ""
	Errors   casework.FieldErrors
	ErrorMsg string // a message for the whole form
	Form     map[string]string
	Data     any
	// Refresh, when set, reloads the page after that many seconds in a browser without
	// JavaScript (a running job's page: mapping_job.go).
	Refresh int

	s *Server
}

// NavItem is an entry of the main navigation.
type NavItem struct {
	Href, Label string
	Current     bool
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.s.catalog.T(p.Locale, key, args...) }

// N translates key in the plural form of count n ("1 ärende", "2 ärenden"), formatted with n
// and then args (i18n.Catalog.N).
func (p *Page) N(key string, n int, args ...any) string {
	return p.s.catalog.N(p.Locale, key, n, args...)
}

// FieldError returns the translated error for a form field, or "".
func (p *Page) FieldError(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return p.s.catalog.Error(p.Locale, e)
		}
	}
	return ""
}

// ErrorList returns the translated field errors, for the summary at the top of a form.
func (p *Page) ErrorList() []FieldMessage {
	var out []FieldMessage
	for _, e := range p.Errors {
		out = append(out, FieldMessage{Field: e.Field, Message: p.s.catalog.Error(p.Locale, e)})
	}
	return out
}

// FieldMessage is one line of an error summary.
type FieldMessage struct{ Field, Message string }

// V returns a form value to redisplay.
func (p *Page) V(field string) string { return p.Form[field] }

// Has reports whether the actor holds role r.
func (p *Page) Has(r string) bool { return p.Actor != nil && p.Actor.User.Roles.Has(casework.Role(r)) }

// Dir is the text direction of the page's language.
func (p *Page) Dir() string { return "ltr" }

// page starts the data for a page.
func (s *Server) page(w http.ResponseWriter, r *http.Request, titleKey string) *Page {
	p := &Page{s: s, Locale: s.locale(r), Path: r.URL.Path, Form: map[string]string{}}
	p.Title = s.catalog.T(p.Locale, titleKey)
	if a, ok := casework.ActorFrom(r.Context()); ok {
		p.Actor = &a
		p.Nav = s.nav(a, r.URL.Path, p.Locale)
	}
	if k := s.takeFlash(w, r); k != "" {
		p.Flash = s.catalog.T(p.Locale, k)
		p.Undo = s.takeUndo(w, r)
	}
	return p
}

// nav builds the main navigation from what the actor may do.
func (s *Server) nav(a casework.Actor, path string, l casework.Locale) []NavItem {
	var items []NavItem
	add := func(href, key string) {
		cur := path == href || (href != "/" && len(path) > len(href) && path[:len(href)+1] == href+"/")
		items = append(items, NavItem{Href: href, Label: s.catalog.T(l, key), Current: cur})
	}
	add("/", "nav.start")
	if access.Can(a, access.WorkWithCases).Allowed {
		add("/cases", "nav.cases")
		add("/groups", "nav.groups")
	}
	if access.Can(a, access.PrepGroup).Allowed {
		add("/prepgroup", "nav.prepgroup")
	}
	if access.Can(a, access.ViewAggregates).Allowed {
		add("/followup", "nav.followup")
		add("/economics", "nav.economics")
	} else if access.Can(a, access.EditCostRegister).Allowed {
		add("/economics/register", "nav.economics_register")
	}
	if access.Can(a, access.ViewAggregates).Allowed {
		add("/mapping", "nav.mapping")
	} else if access.Can(a, access.ManageOrganisation).Allowed || access.Can(a, access.EditCostRegister).Allowed {
		add("/mapping/data", "nav.mapping_data")
	}
	if access.Can(a, access.ViewCaseload).Allowed {
		add("/capacity", "nav.capacity")
	}
	if access.Can(a, access.ReviewAuditLog).Allowed {
		add("/audit", "nav.audit")
	}
	if access.Can(a, access.ManageUsers).Allowed {
		add("/admin/users", "nav.admin_users")
	}
	if access.Can(a, access.ManageOrganisation).Allowed {
		add("/admin/organisation", "nav.admin_org")
		add("/admin/settings", "nav.admin_settings")
		add("/admin/catalogue", "nav.admin_catalogue")
		add("/admin/instruments", "nav.admin_instruments")
		add("/admin/sso", "nav.admin_sso")
		add("/admin/retention", "nav.admin_retention")
	}
	return items
}

// render executes a page template into a buffer first, so a template error becomes a clean
// 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, err := s.pageTemplate(name, p.Locale)
	if err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	p.Name = name
	buf := s.buffer()
	defer s.bufs.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", p); err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	if err := s.sameAsSource(name, "layout.html", p, buf.Bytes()); err != nil {
		s.serverError(w, r, casework.Internal(err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// buffer is an empty buffer to render a page into, from the server's pool: a page is tens of
// kilobytes, and growing a new buffer to that size for every view was the largest single
// source of garbage. A buffer that grew past a megabyte (an unusually long list) is dropped
// instead of kept.
func (s *Server) buffer() *bytes.Buffer {
	if b, ok := s.bufs.Get().(*bytes.Buffer); ok && b.Cap() <= 1<<20 {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

type errTemplate string

func (e errTemplate) Error() string { return "no template " + string(e) }

// fail shows an error for a request: not found and forbidden as pages, everything else as a
// server error whose details go to the log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = store.Classify(err)
	switch casework.ErrorCode(err) {
	case casework.ENotFound:
		s.notFound(w, r)
	case casework.EForbidden:
		p := s.page(w, r, "error.forbidden_title")
		p.ErrorMsg = p.T("error.forbidden")
		s.render(w, r, http.StatusForbidden, "error", p)
	case casework.EUnauthorized:
		s.toLogin(w, r, "")
	case casework.EConflict, casework.EInvalid, casework.ETooMany:
		// A refusal that has no form to show it on: the message on a page of its own.
		p := s.page(w, r, "error.conflict_title")
		p.ErrorMsg = s.catalog.Error(p.Locale, err)
		s.render(w, r, httpx.Status(casework.ErrorCode(err)), "error", p)
	case casework.EUnavailable:
		s.unavailable(w, r, err)
	default:
		s.serverError(w, r, err)
	}
}

// errFormUnreadable is a posted form that could not be parsed: too large, or not a form.
func errFormUnreadable(err error) error {
	return casework.Errorf(casework.EInvalid, "error.form_unreadable", "form: %v", err)
}

// unavailable answers 503 with a page saying to try again: no primary database can be
// reached (a failover under way), or a change's commit was cut off and its outcome is not
// known (issue 18). Never a stale success.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	if cancelled(w, r, s.log, err) {
		return
	}
	s.log.Warn("database unavailable", "path", r.URL.Path, "err", err)
	p := s.page(w, r, "error.unavailable_title")
	p.ErrorMsg = s.catalog.Error(p.Locale, err)
	w.Header().Set("Retry-After", "5")
	s.render(w, r, http.StatusServiceUnavailable, "error", p)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "error.not_found_title")
	p.ErrorMsg = p.T("error.not_found")
	s.render(w, r, http.StatusNotFound, "error", p)
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if cancelled(w, r, s.log, err) {
		return
	}
	if err = store.Classify(err); casework.ErrorCode(err) == casework.EUnavailable {
		s.unavailable(w, r, err)
		return
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("Internt fel. Försök igen om en stund. / Internal error. Please try again shortly.\n"))
}

// formError re-renders a form with its errors and the values typed, status 422. Errors that
// are not validation errors go to fail.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *Page, err error) {
	fe := casework.FieldErrorsOf(err)
	if fe == nil {
		if code := casework.ErrorCode(err); code == casework.EUnauthorized || code == casework.ETooMany {
			p.ErrorMsg = s.catalog.Error(p.Locale, err)
			s.render(w, r, httpx.Status(code), name, p)
			return
		}
		s.fail(w, r, err)
		return
	}
	p.Errors = fe
	s.render(w, r, http.StatusUnprocessableEntity, name, p)
}

// formValues copies the posted values of fields into the page, to show them again.
func formValues(r *http.Request, p *Page, fields ...string) {
	for _, f := range fields {
		p.Form[f] = r.PostFormValue(f)
	}
}

// statusClientClosedRequest is what the request log says of a request whose client went away
// before the answer was ready (nginx's 499; never sent to anyone).
const statusClientClosedRequest = 499

// cancelled handles a request whose client has gone (it closed the connection, or the server is
// shutting down): the failure that follows — a cancelled query, a transaction already rolled
// back — is no fault of Lots. It is logged as a cancelled request, not an error, the request log
// shows 499 instead of 500, and nothing is sent.
func cancelled(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) bool {
	if r.Context().Err() == nil {
		return false
	}
	log.Info("request cancelled", "method", r.Method, "path", r.URL.Path, "reason", context.Cause(r.Context()), "err", err)
	w.WriteHeader(statusClientClosedRequest)
	return true
}
