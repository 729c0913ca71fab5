package web

import (
	"net/http"

	"lots/internal/access"
)

// dataProtectionRoutes declares the pages of the data-protection lifecycle
// (docs/data-protection.md): the register extract and the reviews of identification (the
// auditor), a case's legal hold and the identification of a young person reported without
// personnummer (the staff), and retention (the administrator).
func (s *Server) dataProtectionRoutes() {
	m := s.mux
	with := func(p access.Permission, h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(p, h)) }
	m.HandleFunc("GET /audit/register", with(access.RegisterExtract, s.fresh(s.auditRegister))) // step-up: login_reauth.go
	m.HandleFunc("POST /audit/register/{id}/delivered", with(access.RegisterExtract, s.auditRegisterDelivered))
	m.HandleFunc("GET /audit/identity", with(access.ReviewAuditLog, s.auditIdentity))
	m.HandleFunc("POST /audit/identity/{id}/reviewed", with(access.ReviewAuditLog, s.auditIdentityReviewed))
	m.HandleFunc("GET /cases/{id}/legal-hold", with(access.WorkWithCases, s.caseLegalHoldShow))
	m.HandleFunc("POST /cases/{id}/legal-hold", with(access.WorkWithCases, s.caseLegalHoldSet))
	m.HandleFunc("POST /cases/{id}/legal-hold/{hid}/release", with(access.WorkWithCases, s.caseLegalHoldRelease))
	m.HandleFunc("GET /cases/{id}/identify", with(access.WorkWithCases, s.caseIdentifyShow))
	m.HandleFunc("POST /cases/{id}/identify", with(access.WorkWithCases, s.caseIdentifySave))
	m.HandleFunc("GET /admin/retention", with(access.ManageOrganisation, s.adminRetention))
	m.HandleFunc("POST /admin/retention", with(access.ManageOrganisation, s.adminRetentionSave))
	m.HandleFunc("POST /admin/retention/run", with(access.ManageOrganisation, s.adminRetentionRun))
}
