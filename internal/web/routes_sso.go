package web

import "lots/internal/access"

// ssoRoutes declares single sign-on (docs/sso.md): the login through a municipality's
// identity provider, its callback and back-channel logout, and the administrator's page of
// providers, group mappings and the sign-in policy per role.
func (s *Server) ssoRoutes() {
	m := s.mux
	m.HandleFunc("GET /login/sso/{slug}", s.ssoStart)
	m.HandleFunc("GET /login/sso/{slug}/callback", s.ssoCallback)
	m.HandleFunc("POST /login/sso/{slug}/backchannel-logout", s.ssoBackChannelLogout)
	m.HandleFunc("GET /login/reauth", s.authed(s.loginReauthShow))
	m.HandleFunc("POST /login/reauth", s.authed(s.loginReauthSubmit))
	m.HandleFunc("GET /settings/sessions", s.authed(s.settingsSessions))
	m.HandleFunc("POST /settings/sessions/{id}/end", s.authed(s.settingsSessionEnd))
	m.HandleFunc("POST /admin/users/{id}/sessions/end", s.authed(s.can(access.ManageUsers, s.adminUserSessionsEnd)))
	m.HandleFunc("GET /admin/sso", s.authed(s.can(access.ManageOrganisation, s.adminSSO)))
	m.HandleFunc("POST /admin/sso", s.authed(s.can(access.ManageOrganisation, s.adminSSOSave)))
	m.HandleFunc("POST /admin/sso/policy", s.authed(s.can(access.ManageOrganisation, s.adminSSOPolicy)))
}
