package web

// passkeyRoutes declares passkeys (docs/passkeys.md, login_passkey.go): the user's own
// passkeys on their security page, passwordless login, the passkey as the second factor after
// the password, and step-up with a passkey.
func (s *Server) passkeyRoutes() {
	m := s.mux
	m.HandleFunc("GET /settings/passkeys", s.authed(s.settingsPasskeys))
	m.HandleFunc("POST /settings/passkeys/begin", s.authed(s.settingsPasskeyBegin))
	m.HandleFunc("POST /settings/passkeys", s.authed(s.settingsPasskeyAdd))
	m.HandleFunc("POST /settings/passkeys/{id}/remove", s.authed(s.settingsPasskeyRemove))
	m.HandleFunc("POST /login/passkey/begin", s.loginPasskeyBegin)
	m.HandleFunc("POST /login/passkey", s.loginPasskeyFinish)
	m.HandleFunc("GET /login/passkey/second", s.loginPasskeySecondShow)
	m.HandleFunc("POST /login/passkey/second/begin", s.loginPasskeySecondBegin)
	m.HandleFunc("POST /login/passkey/second", s.loginPasskeySecondFinish)
	m.HandleFunc("POST /login/reauth/passkey/begin", s.authed(s.reauthPasskeyBegin))
	m.HandleFunc("POST /login/reauth/passkey", s.authed(s.reauthPasskeyFinish))
}
