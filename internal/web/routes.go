package web

import "lots/internal/access"

// routes declares every page. Pages that need a login are wrapped in authed; pages for one
// kind of work name the role-level permission they need (can). What the actor may see of a
// particular record is decided by package access, inside the store.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	m.HandleFunc("GET /static/{version}/{path...}", s.static)
	m.HandleFunc("GET /tillganglighet", s.accessibility)
	m.HandleFunc("POST /language", s.languageSave)

	m.HandleFunc("GET /login", s.loginShow)
	m.HandleFunc("POST /login", s.loginSubmit)
	m.HandleFunc("GET /login/totp", s.loginTOTPShow)
	m.HandleFunc("POST /login/totp", s.loginTOTPSubmit)
	m.HandleFunc("POST /logout", s.authed(s.logout))

	m.HandleFunc("GET /{$}", s.authed(s.home))

	s.caseRoutes()           // routes_cases.go: concerns, case lists, the case page and its steps
	s.listRoutes()           // routes_lists.go: the concern form, work lists and anonymous cards
	s.consentRoutes()        // routes_consent.go: consents, their forms and evidence
	s.auditRoutes()          // routes_audit.go: access-log extracts and log review
	s.groupRoutes()          // routes_groups.go: operative groups, meetings, tasks, the intervention catalogue
	s.followupRoutes()       // routes_followup.go: indicators, the dashboard, national comparison
	s.economicsRoutes()      // routes_economics.go: the avoided-cost report and the cost register
	s.placementsRoutes()     // case_placements.go: a case's placements (issue 14:3)
	s.closureRoutes()        // case_closure.go: future meeting, follow-up dates, watch list (issue 14:5)
	s.dataProtectionRoutes() // routes_dataprotection.go: register extract, legal hold, identification, retention
	s.mappingRoutes()        // routes_mapping.go: needs and resource mapping, capacity
	s.samlRoutes()           // login_saml.go: SAML 2.0 single sign-on and single logout
	s.ssoRoutes()            // routes_sso.go: single sign-on, its administration and policy
	s.dailyRoutes()          // routes_daily.go: the session's time left, drafts of long forms
	s.passkeyRoutes()        // routes_passkey.go: passkeys (WebAuthn)
	s.securityRoutes()       // routes_security.go: security assessments, exit pathways, their alerts
	s.prepGroupRoutes()      // prepgroup.go: the preparatory group's meetings, agendas and decisions (issue 14:6)

	m.HandleFunc("GET /settings", s.authed(s.settingsShow))
	m.HandleFunc("POST /settings/password", s.authed(s.settingsPassword))
	m.HandleFunc("GET /settings/totp", s.authed(s.settingsTOTPShow))
	m.HandleFunc("POST /settings/totp", s.authed(s.settingsTOTPEnable))
	m.HandleFunc("POST /settings/totp/disable", s.authed(s.settingsTOTPDisable))
	m.HandleFunc("POST /settings/tokens", s.authed(s.settingsTokenCreate))
	m.HandleFunc("POST /settings/tokens/{id}/revoke", s.authed(s.settingsTokenRevoke))

	m.HandleFunc("GET /admin/users", s.authed(s.can(access.ManageUsers, s.adminUsers)))
	m.HandleFunc("GET /admin/users/new", s.authed(s.can(access.ManageUsers, s.adminUserNew)))
	m.HandleFunc("POST /admin/users", s.authed(s.can(access.ManageUsers, s.adminUserCreate)))
	m.HandleFunc("GET /admin/users/{id}", s.authed(s.can(access.ManageUsers, s.adminUserEdit)))
	m.HandleFunc("POST /admin/users/{id}", s.authed(s.can(access.ManageUsers, s.adminUserSave)))
	m.HandleFunc("POST /admin/users/{id}/password", s.authed(s.can(access.ManageUsers, s.adminUserPassword)))
	m.HandleFunc("GET /admin/organisation", s.authed(s.can(access.ManageOrganisation, s.adminOrganisation)))
	m.HandleFunc("POST /admin/districts", s.authed(s.can(access.ManageOrganisation, s.adminDistrictCreate)))
	m.HandleFunc("POST /admin/agencies", s.authed(s.can(access.ManageOrganisation, s.adminAgencyCreate)))
	m.HandleFunc("POST /admin/units", s.authed(s.can(access.ManageOrganisation, s.adminUnitCreate)))
	m.HandleFunc("GET /admin/settings", s.authed(s.can(access.ManageOrganisation, s.adminSettingsShow)))
	m.HandleFunc("POST /admin/settings", s.authed(s.can(access.ManageOrganisation, s.adminSettingsSave)))

	if s.cfg.API != nil {
		m.Handle("/api/v1/", s.cfg.API)
	}
	m.HandleFunc("/", s.notFound)
}
