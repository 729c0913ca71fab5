package web

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"rsc.io/qr"

	"lots/internal/auth"
	"lots/internal/casework"
)

// totpData is the second-factor setup page.
type totpData struct {
	Enabled bool
	Secret  string
	QR      template.URL // data: URL of a PNG
}

// settingsTOTPShow shows the second-factor state; when it is off, it prepares a new secret
// (stored, not yet enabled) and shows it as a QR code and as text.
func (s *Server) settingsTOTPShow(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "totp.title")
	if a.User.TOTPEnabled {
		p.Data = totpData{Enabled: true}
		s.render(w, r, http.StatusOK, "settings_totp", p)
		return
	}
	secret, url, err := auth.NewTOTPKey("Lots", a.User.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.SetTOTP(r.Context(), secret, false); err != nil {
		s.fail(w, r, err)
		return
	}
	d := totpData{Secret: secret}
	if code, err := qr.Encode(url, qr.M); err == nil {
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "settings_totp", p)
}

// settingsTOTPEnable turns the second factor on once the user proves their app has the secret.
func (s *Server) settingsTOTPEnable(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	c, err := s.store.CredentialsByUsername(r.Context(), a.User.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.User.TOTPEnabled || c.TOTPSecret == "" {
		http.Redirect(w, r, "/settings/totp", http.StatusSeeOther)
		return
	}
	if !auth.CheckTOTP(c.TOTPSecret, r.PostFormValue("code"), s.now()) {
		p := s.page(w, r, "totp.title")
		p.Errors = casework.FieldErrors{casework.Invalid("code", "login.totp_wrong")}
		p.Data = totpData{Secret: c.TOTPSecret}
		s.render(w, r, http.StatusUnprocessableEntity, "settings_totp", p)
		return
	}
	if err := s.store.SetTOTP(r.Context(), c.TOTPSecret, true); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "totp.enabled")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

// settingsTOTPDisable turns the second factor off after checking the password.
func (s *Server) settingsTOTPDisable(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	c, err := s.store.CredentialsByUsername(r.Context(), a.User.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.hasher.Check(r.PostFormValue("password"), c.PasswordHash) {
		p := s.page(w, r, "totp.title")
		p.Errors = casework.FieldErrors{casework.Invalid("password", "password.current_wrong")}
		p.Data = totpData{Enabled: true}
		s.render(w, r, http.StatusUnprocessableEntity, "settings_totp", p)
		return
	}
	if err := s.store.SetTOTP(r.Context(), "", false); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "totp.disabled")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}
