package web

import (
	"context"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

const (
	sessionCookie = "lots_session"
	langCookie    = "lots_lang"
	flashCookie   = "lots_flash"
)

// Handler returns the whole HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.door(h)                          // one visit to the store, and one audit entry, per request
	cop := http.NewCrossOriginProtection() // CSRF: refuse cross-origin unsafe requests
	for _, p := range samlPaths {
		cop.AddInsecureBypassPattern(p) // signed SAML messages the IdP posts from its origin (login_saml.go)
	}
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.withClientAddr(h)
	h = s.recoverer(h)
	h = s.logRequests(h)
	return h
}

// securityHeaders sets a strict content security policy (no inline script or style, nothing
// from other origins) and the usual hardening headers. Pages hold personal data: no caching.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.isTLS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// withClientAddr puts the client's address (clientAddr) on the request's context, where the
// login flow's audit entries find it.
func (s *Server) withClientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(casework.WithClientAddr(r.Context(), s.clientAddr(r))))
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "path", r.URL.Path, "stack", string(debug.Stack()))
				http.Error(w, "Internt fel / Internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, path (never the query: it may hold search terms), status and time.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "took", time.Since(start).Round(time.Microsecond))
	})
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies || s.isTLS(r), SameSite: http.SameSiteLaxMode,
	})
}

// sessionKey carries the raw session token on the request context (for logout).
type sessionKey struct{}

// sessionInfoKey carries the session (store.Session) on the request context: how it was
// authenticated, for logout and step-up.
type sessionInfoKey struct{}

func sessionFrom(r *http.Request) (store.Session, bool) {
	sess, ok := r.Context().Value(sessionInfoKey{}).(store.Session)
	return sess, ok
}

// authed wraps a handler that needs a logged-in user: it loads the actor from the session
// cookie and puts it on the context, or sends the browser to the login page.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			s.toLogin(w, r, "")
			return
		}
		sess, a, err := s.auth.SessionActor(r.Context(), c.Value)
		if err != nil {
			// A database that cannot answer says nothing about the session: keep the cookie
			// (a failover must not log everyone out).
			if c := casework.ErrorCode(store.Classify(err)); c == casework.EInternal || c == casework.EUnavailable {
				s.serverError(w, r, err)
				return
			}
			s.setCookie(w, r, sessionCookie, "", -1)
			key := ""
			if casework.AsError(err).Key == "session.expired" {
				key = "session.expired"
				s.keepLateForm(r, sess) // drafts.go: the text of a form sent too late is kept
			}
			s.toLogin(w, r, key)
			return
		}
		// A session still waiting for its second factor may only give the code (its own
		// page) or log out; so may one whose roles need a second factor it did not give
		// (docs/sso.md). One whose roles need single sign-on ends.
		loggingOut := r.Method == http.MethodPost && r.URL.Path == "/logout"
		switch {
		case (sess.MFAPending || sess.Needs == auth.NeedsMFA) && !loggingOut:
			http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
			return
		case sess.Needs == auth.NeedsSSO:
			_ = s.auth.Logout(r.Context(), a, c.Value)
			s.setCookie(w, r, sessionCookie, "", -1)
			s.toLogin(w, r, "sso.required")
			return
		case sess.Needs == auth.NeedsMFASetup && !loggingOut && r.URL.Path != "/settings/totp" && !strings.HasPrefix(r.URL.Path, "/settings/passkeys"):
			s.setFlash(w, r, "sso.mfa_required")
			http.Redirect(w, r, "/settings/totp", http.StatusSeeOther)
			return
		}
		ctx := casework.WithActor(r.Context(), a)
		ctx = context.WithValue(ctx, sessionKey{}, c.Value)
		ctx = context.WithValue(ctx, sessionInfoKey{}, sess)
		if r.Method != http.MethodPost {
			h(w, r.WithContext(ctx))
			return
		}
		draft := isDraftForm(r) // drafts.go: a form sent deletes its draft
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h(sw, r.WithContext(ctx))
		if draft {
			s.draftSent(r.WithContext(ctx), sw.status)
		}
	}
}

// toLogin redirects to the login page, remembering where the user was going (GET only).
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request, flashKey string) {
	if flashKey != "" {
		s.setFlash(w, r, flashKey)
	}
	target := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	} else if back := sameOriginReferer(r); r.Method == http.MethodPost && back != "/" && back != "" {
		target += "?next=" + url.QueryEscape(back) // a form sent too late: back to its page, where its draft waits
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext accepts only a local path as a post-login or language-switch target (no open
// redirect). Browsers parse a Location as a WHATWG URL: they drop leading and trailing C0
// controls and spaces and every tab, newline and CR anywhere, and read a backslash as "/". So the value
// is cleaned the same way first, then it must parse (net/url) as a bare path that starts with
// one "/" followed by something other than "/" or a backslash — "/\t/evil.example" becomes
// "//evil.example", a host, and is refused.
func safeNext(next string) string {
	next = strings.TrimFunc(next, func(r rune) bool { return r <= ' ' })
	next = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, next)
	if next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return next
}

func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, key string) {
	s.setCookie(w, r, flashCookie, key, 60)
}

// takeFlash reads and clears the flash message key. Only catalogue keys are accepted, so the
// cookie cannot inject text.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	s.setCookie(w, r, flashCookie, "", -1)
	if !s.catalog.Has(casework.LocaleSv, c.Value) {
		return ""
	}
	return c.Value
}

// locale is the actor's language, or for anonymous visitors the language cookie. Swedish
// otherwise: a Swedish public service speaks Swedish unless asked not to, whatever language
// the browser happens to be set to.
func (s *Server) locale(r *http.Request) casework.Locale {
	if a, ok := casework.ActorFrom(r.Context()); ok {
		return a.User.Locale
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return casework.ParseLocale(c.Value)
	}
	return casework.LocaleSv
}

// withOptionalActor puts the actor on the request when a complete session exists, for public
// pages that look different to a logged-in user.
func (s *Server) withOptionalActor(r *http.Request) *http.Request {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return r
	}
	sess, a, err := s.auth.SessionActor(r.Context(), c.Value)
	if err != nil || sess.MFAPending || sess.Needs != "" {
		return r
	}
	return r.WithContext(casework.WithActor(r.Context(), a))
}

func hasActor(r *http.Request) bool {
	_, ok := casework.ActorFrom(r.Context())
	return ok
}

// can wraps a page that needs a role-level permission (see package access). It runs inside
// authed, so the actor is on the context.
func (s *Server) can(p access.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := casework.ActorFrom(r.Context())
		if d := access.Can(a, p); !d.Allowed {
			// Refused at the door of the page, before anything was read: recorded all the same
			// (the route's pattern, never its ids).
			s.store.AuditRefusal(r.Context(), a, store.What{Action: auditAction(r.Method), Object: "page", Detail: r.Pattern}, d)
			s.fail(w, r, casework.Errorf(casework.EForbidden, "error.forbidden", "page needs %s", p))
			return
		}
		h(w, r)
	}
}
