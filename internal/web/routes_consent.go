package web

import (
	"net/http"

	"lots/internal/access"
)

// consentRoutes declares the consent pages: a case's consents, drawing one up (or renewing),
// signatures, withdrawal, the signed form, the printable form — and the administrator's
// texts of that form. What an actor may see or do with a case's consents is decided by the
// store; the pages need the role-level permission only.
func (s *Server) consentRoutes() {
	m := s.mux
	work := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }
	admin := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.ManageOrganisation, h)) }

	m.HandleFunc("GET /cases/{id}/consents", work(s.consentList))
	m.HandleFunc("POST /cases/{id}/consents", work(s.consentCreate))
	m.HandleFunc("GET /cases/{id}/consents/new", work(s.consentNew))
	m.HandleFunc("POST /cases/{id}/consents/{cid}/signatures", work(s.consentSign))
	m.HandleFunc("GET /cases/{id}/consents/{cid}/withdraw", work(s.consentWithdrawShow))
	m.HandleFunc("POST /cases/{id}/consents/{cid}/withdrawal", work(s.consentWithdraw))
	m.HandleFunc("POST /cases/{id}/consents/{cid}/evidence", work(s.consentEvidenceUpload))
	m.HandleFunc("GET /cases/{id}/consents/{cid}/evidence", work(s.consentEvidenceDownload))
	m.HandleFunc("GET /cases/{id}/consents/{cid}/form", work(s.consentFormShow))

	m.HandleFunc("GET /admin/consent-texts", admin(s.consentTextsShow))
	m.HandleFunc("POST /admin/consent-texts", admin(s.consentTextsUpload))
	m.HandleFunc("POST /admin/consent-texts/reset", admin(s.consentTextsReset))
}
