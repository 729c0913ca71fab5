package web

import (
	"net/http"
	"net/url"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// pendingSession returns the session and actor of a login waiting for its second factor.
func (s *Server) pendingSession(r *http.Request) (string, store.Session, casework.Actor, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", store.Session{}, casework.Actor{}, false
	}
	sess, a, err := s.auth.SessionActor(r.Context(), c.Value)
	if err != nil || !(sess.MFAPending || sess.Needs == auth.NeedsMFA) {
		return "", sess, a, false
	}
	return c.Value, sess, a, true
}

// loginTOTPShow asks for the code from the authenticator app.
func (s *Server) loginTOTPShow(w http.ResponseWriter, r *http.Request) {
	_, _, a, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "login.totp_title")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	// A user with a passkey and no TOTP app gives the passkey (login_passkey.go).
	if a.User.HasPasskey && !a.User.TOTPEnabled {
		http.Redirect(w, r, "/login/passkey/second?next="+urlQueryEscape(p.Form["next"]), http.StatusSeeOther)
		return
	}
	p.Data = a.User.HasPasskey
	s.render(w, r, http.StatusOK, "login_totp", p)
}

// loginTOTPSubmit checks the code and completes the login.
func (s *Server) loginTOTPSubmit(w http.ResponseWriter, r *http.Request) {
	token, _, a, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "login.totp_title")
	p.Form["next"] = safeNext(r.PostFormValue("next"))
	if err := s.auth.CheckSecondFactor(r.Context(), a, r.PostFormValue("code")); err != nil {
		s.formError(w, r, "login_totp", p, err)
		return
	}
	if err := s.auth.CompleteSecondFactor(r.Context(), a, token); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, p.Form["next"], http.StatusSeeOther)
}
