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

// settingsTOTPShow shows the second-factor state; when it is off, it prepares a secret
// (stored, not yet enabled) unless one is prepared, and shows it as a QR code and as text.
func (s *Server) settingsTOTPShow(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "totp.title")
	if a.User.TOTPEnabled {
		p.Data = totpData{Enabled: true}
		s.render(w, r, http.StatusOK, "settings_totp", p)
		return
	}
	// A secret prepared on an earlier view is shown again (a second tab or a reload must not
	// invalidate the QR code already scanned); only the first view prepares one.
	c, err := s.store.CredentialsByUsername(r.Context(), a.User.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secret := c.TOTPSecret
	var url string
	if secret != "" {
		url, err = auth.TOTPKeyURL("Lots", a.User.Username, secret)
	} else if secret, url, err = auth.NewTOTPKey("Lots", a.User.Username); err == nil {
		err = s.store.SetTOTP(r.Context(), secret, false)
	}
	if err != nil {
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
	err := s.auth.EnableSecondFactor(r.Context(), a, r.PostFormValue("code"))
	switch {
	case err == nil:
		// Setting the factor up proves it: the session counts as one with a second factor.
		if token, ok := r.Context().Value(sessionKey{}).(string); ok {
			if err := s.auth.CompleteSecondFactor(r.Context(), a, token); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		s.setFlash(w, r, "totp.enabled")
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
	case casework.ErrorCode(err) == casework.EConflict: // on already, or nothing prepared
		http.Redirect(w, r, "/settings/totp", http.StatusSeeOther)
	case casework.FieldErrorsOf(err) != nil:
		c, cerr := s.store.CredentialsByUsername(r.Context(), a.User.Username)
		if cerr != nil {
			s.fail(w, r, cerr)
			return
		}
		p := s.page(w, r, "totp.title")
		p.Errors = casework.FieldErrorsOf(err)
		p.Data = totpData{Secret: c.TOTPSecret}
		s.render(w, r, http.StatusUnprocessableEntity, "settings_totp", p)
	default:
		s.fail(w, r, err)
	}
}

// settingsTOTPDisable turns the second factor off after checking the password (braked as
// at login).
func (s *Server) settingsTOTPDisable(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	if err := s.auth.CheckPassword(r.Context(), a, r.PostFormValue("password")); err != nil {
		p := s.page(w, r, "totp.title")
		p.Data = totpData{Enabled: true}
		status := http.StatusUnprocessableEntity
		switch {
		case casework.ErrorCode(err) == casework.ETooMany:
			p.ErrorMsg, status = s.catalog.Error(p.Locale, err), http.StatusTooManyRequests
		case casework.FieldErrorsOf(err) != nil:
			p.Errors = casework.FieldErrors{casework.Invalid("password", "password.current_wrong")}
		default:
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "settings_totp", p)
		return
	}
	if err := s.store.SetTOTP(r.Context(), "", false); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "totp.disabled")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}
