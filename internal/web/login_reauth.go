package web

import (
	"encoding/hex"
	"net/http"
	"net/url"

	"lots/internal/casework"
	"lots/internal/store"
)

// Step-up (docs/sso.md): the access-log extracts and the register extract show personal data
// in bulk, so they ask for a login no older than the municipality's step-up time. A password
// session gives the password (and the TOTP code) again; a single sign-on session goes to its
// provider, which is asked to authenticate the person anew (and must say it did: auth_time).

// fresh wraps a page that needs a recent login to show what its query asks for (its empty
// search form does not).
func (s *Server) fresh(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if sess, ok := sessionFrom(r); ok && !sess.Fresh && r.URL.RawQuery != "" {
			http.Redirect(w, r, "/login/reauth?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// reauthData is the step-up page's.
type reauthData struct {
	Provider *store.SSOProvider // the session's identity provider, if it came from one
	TOTP     bool
}

func (s *Server) reauthPage(w http.ResponseWriter, r *http.Request, p *Page) bool {
	a, _ := casework.ActorFrom(r.Context())
	d := reauthData{TOTP: a.User.TOTPEnabled}
	if sess, ok := sessionFrom(r); ok && sess.IdPProvider != 0 {
		pr, err := s.store.SSOProviderByID(r.Context(), sess.IdPProvider)
		if err != nil && casework.ErrorCode(err) != casework.ENotFound {
			s.fail(w, r, err)
			return false
		}
		if err == nil {
			d.Provider = &pr
		}
	}
	p.Data = d
	return true
}

// loginReauthShow asks for the login again.
func (s *Server) loginReauthShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "sso.reauth_title")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	if s.reauthPage(w, r, p) {
		s.render(w, r, http.StatusOK, "login_reauth", p)
	}
}

// loginReauthSubmit checks the password (and code) again.
func (s *Server) loginReauthSubmit(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "sso.reauth_title")
	p.Form["next"] = safeNext(r.PostFormValue("next"))
	token, _ := r.Context().Value(sessionKey{}).(string)
	renewed, err := s.auth.StepUp(r.Context(), a, token, r.PostFormValue("current"), r.PostFormValue("code"))
	if err != nil {
		if s.reauthPage(w, r, p) {
			s.formError(w, r, "login_reauth", p, err)
		}
		return
	}
	s.setCookie(w, r, sessionCookie, renewed, 0)
	http.Redirect(w, r, p.Form["next"], http.StatusSeeOther)
}

// sessionRow is one of the user's sessions on the settings page.
type sessionRow struct {
	store.Session
	ID      string
	Current bool
}

// settingsSessions lists the user's own sessions.
func (s *Server) settingsSessions(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	list, err := s.store.SessionsOf(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur, _ := sessionFrom(r)
	var rows []sessionRow
	for _, sess := range list {
		rows = append(rows, sessionRow{Session: sess, ID: hex.EncodeToString(sess.TokenHash), Current: string(sess.TokenHash) == string(cur.TokenHash)})
	}
	p := s.page(w, r, "sso.sessions_title")
	p.Data = rows
	s.render(w, r, http.StatusOK, "settings_sessions", p)
}

// settingsSessionEnd ends one of the user's own sessions (a phone left logged in), after a
// recent login (ASVS 7.5.2: a stolen session cannot throw its owner out).
func (s *Server) settingsSessionEnd(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	if sess, ok := sessionFrom(r); ok && !sess.Fresh {
		http.Redirect(w, r, "/login/reauth?next=%2Fsettings%2Fsessions", http.StatusSeeOther)
		return
	}
	hash, err := hex.DecodeString(r.PathValue("id"))
	if err != nil || len(hash) != 32 {
		s.notFound(w, r)
		return
	}
	if err := s.store.EndOwnSession(r.Context(), a, hash); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "sso.session_ended")
	http.Redirect(w, r, "/settings/sessions", http.StatusSeeOther)
}
