package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
)

// Passkeys (docs/passkeys.md). Each ceremony is two JSON requests that static/js/passkey.js
// makes: .../begin answers the options for navigator.credentials and keeps the ceremony's
// token in a cookie; the answer is posted back and checked by package auth. The pages are
// ordinary pages; the JSON requests answer {"redirect": …} or {"error": …} (a Swedish or
// English message for the page's live region).

// passkeyCookie keeps a passkey ceremony's token in the browser that began it.
const passkeyCookie = "lots_passkey"

// passkeyBodyLimit is the largest answer an authenticator gives (with room to spare).
const passkeyBodyLimit = 64 << 10

func (s *Server) passkeyBegin(w http.ResponseWriter, r *http.Request, c auth.PasskeyCeremony, err error) {
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	s.setCookie(w, r, passkeyCookie, c.Token, int(auth.PasskeyTTL.Seconds()))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(c.Options)
}

// passkeyAnswer reads the browser's answer: {"name": …, "credential": {…}}, and the ceremony's
// token (the cookie ends: a ceremony is answered once).
func (s *Server) passkeyAnswer(w http.ResponseWriter, r *http.Request) (token, name string, credential []byte, ok bool) {
	if c, err := r.Cookie(passkeyCookie); err == nil {
		token = c.Value
	}
	s.setCookie(w, r, passkeyCookie, "", -1)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, passkeyBodyLimit))
	var in struct {
		Name       string          `json:"name"`
		Credential json.RawMessage `json:"credential"`
	}
	if err != nil || json.Unmarshal(body, &in) != nil || len(in.Credential) == 0 {
		s.passkeyJSON(w, http.StatusBadRequest, map[string]string{"error": s.catalog.T(s.locale(r), "passkey.failed")})
		return "", "", nil, false
	}
	return token, in.Name, in.Credential, true
}

func (s *Server) passkeyJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// passkeyFail answers a refused ceremony with its message; internal errors are logged only.
func (s *Server) passkeyFail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusUnauthorized
	switch casework.ErrorCode(err) {
	case casework.EInternal, casework.EUnavailable:
		s.log.Error("passkey", "err", err)
		s.passkeyJSON(w, http.StatusInternalServerError, map[string]string{"error": s.catalog.T(s.locale(r), "error.internal")})
		return
	case casework.EInvalid:
		status = http.StatusUnprocessableEntity
	case casework.EConflict:
		status = http.StatusConflict
	case casework.ETooMany:
		status = http.StatusTooManyRequests
	}
	s.passkeyJSON(w, status, map[string]string{"error": s.catalog.Error(s.locale(r), err)})
}

// --- the security page: the user's own passkeys ---

type passkeysData struct {
	Keys []store.Passkey
	// Fresh: the login is recent enough to add a passkey (a stolen session cannot add the
	// thief's; otherwise the page links to the step-up).
	Fresh bool
}

// freshSession reports whether the request's session is within the step-up time.
func freshSession(r *http.Request) bool {
	sess, ok := sessionFrom(r)
	return ok && sess.Fresh
}

func errStepUp() error {
	return casework.Errorf(casework.EUnauthorized, "stepup.required", "login not recent enough")
}

// settingsPasskeys lists the user's passkeys and offers to add one.
func (s *Server) settingsPasskeys(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	keys, err := s.store.PasskeysOf(r.Context(), a.User.MunicipalityID, a.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "passkey.title")
	p.Data = passkeysData{Keys: keys, Fresh: freshSession(r)}
	s.render(w, r, http.StatusOK, "settings_passkeys", p)
}

// settingsPasskeyBegin starts registering a passkey.
func (s *Server) settingsPasskeyBegin(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	if !freshSession(r) {
		s.passkeyFail(w, r, errStepUp())
		return
	}
	c, err := s.auth.BeginPasskeyRegistration(r.Context(), a, s.origin(r))
	s.passkeyBegin(w, r, c, err)
}

// settingsPasskeyAdd stores the passkey the authenticator made. Registering one proves it:
// the session counts as one with a second factor.
func (s *Server) settingsPasskeyAdd(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	token, name, cred, ok := s.passkeyAnswer(w, r)
	if !ok {
		return
	}
	if !freshSession(r) {
		s.passkeyFail(w, r, errStepUp())
		return
	}
	if _, err := s.auth.FinishPasskeyRegistration(r.Context(), a, s.origin(r), token, name, cred); err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	if session, ok := r.Context().Value(sessionKey{}).(string); ok {
		if err := s.store.PasskeySecondFactor(r.Context(), a, auth.HashToken(session)); err != nil {
			s.passkeyFail(w, r, err)
			return
		}
	}
	s.setFlash(w, r, "passkey.added")
	s.passkeyJSON(w, http.StatusOK, map[string]string{"redirect": "/settings/passkeys"})
}

// settingsPasskeyRemove removes one of the user's passkeys, after a recent login (a stolen
// session cannot take its owner's second factor away).
func (s *Server) settingsPasskeyRemove(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	if sess, ok := sessionFrom(r); ok && !sess.Fresh {
		http.Redirect(w, r, "/login/reauth?next=%2Fsettings%2Fpasskeys", http.StatusSeeOther)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.store.RemovePasskey(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "passkey.removed")
	http.Redirect(w, r, "/settings/passkeys", http.StatusSeeOther)
}

// --- passwordless login ---

// loginPasskeyBegin starts a passwordless login.
func (s *Server) loginPasskeyBegin(w http.ResponseWriter, r *http.Request) {
	c, err := s.auth.BeginPasskeyLogin(r.Context(), s.origin(r))
	s.passkeyBegin(w, r, c, err)
}

// loginPasskeyFinish checks the passkey and starts a session (with a second factor: user
// verification was required). A session this browser had ends.
func (s *Server) loginPasskeyFinish(w http.ResponseWriter, r *http.Request) {
	token, _, cred, ok := s.passkeyAnswer(w, r)
	if !ok {
		return
	}
	_, session, err := s.auth.FinishPasskeyLogin(r.Context(), s.origin(r), token, cred, s.clientAddr(r))
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if sess, old, err := s.auth.SessionActor(r.Context(), c.Value); err == nil && sess.TokenHash != nil {
			_ = s.auth.Logout(r.Context(), old, c.Value)
		}
	}
	s.setCookie(w, r, sessionCookie, session, 0)
	s.passkeyJSON(w, http.StatusOK, map[string]string{"redirect": safeNext(r.URL.Query().Get("next"))})
}

// --- the second factor after the password ---

// loginPasskeySecondShow offers the passkey as the second factor of a pending login.
func (s *Server) loginPasskeySecondShow(w http.ResponseWriter, r *http.Request) {
	_, _, a, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "passkey.second_title")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	p.Data = a.User.TOTPEnabled
	s.render(w, r, http.StatusOK, "login_passkey", p)
}

func (s *Server) loginPasskeySecondBegin(w http.ResponseWriter, r *http.Request) {
	_, _, a, ok := s.pendingSession(r)
	if !ok {
		s.passkeyFail(w, r, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no pending login"))
		return
	}
	c, err := s.auth.BeginPasskeyCheck(r.Context(), a, s.origin(r), store.PasskeyMFA)
	s.passkeyBegin(w, r, c, err)
}

func (s *Server) loginPasskeySecondFinish(w http.ResponseWriter, r *http.Request) {
	session, _, a, ok := s.pendingSession(r)
	if !ok {
		s.passkeyFail(w, r, casework.Errorf(casework.EUnauthorized, "error.unauthorized", "no pending login"))
		return
	}
	token, _, cred, ok := s.passkeyAnswer(w, r)
	if !ok {
		return
	}
	if err := s.auth.PasskeySecondFactor(r.Context(), a, s.origin(r), token, session, cred); err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	s.passkeyJSON(w, http.StatusOK, map[string]string{"redirect": safeNext(r.URL.Query().Get("next"))})
}

// --- step-up with a passkey ---

func (s *Server) reauthPasskeyBegin(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	c, err := s.auth.BeginPasskeyCheck(r.Context(), a, s.origin(r), store.PasskeyStepUp)
	s.passkeyBegin(w, r, c, err)
}

func (s *Server) reauthPasskeyFinish(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	session, _ := r.Context().Value(sessionKey{}).(string)
	token, _, cred, ok := s.passkeyAnswer(w, r)
	if !ok {
		return
	}
	renewed, err := s.auth.PasskeyStepUp(r.Context(), a, s.origin(r), token, session, cred)
	if err != nil {
		s.passkeyFail(w, r, err)
		return
	}
	s.setCookie(w, r, sessionCookie, renewed, 0)
	s.passkeyJSON(w, http.StatusOK, map[string]string{"redirect": safeNext(r.URL.Query().Get("next"))})
}
