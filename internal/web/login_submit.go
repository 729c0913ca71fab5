package web

import (
	"net/http"

	"lots/internal/casework"
)

// loginSubmit checks username and password, then starts a session — a pending one when the
// user has a second factor.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "login.title")
	formValues(r, p, "username", "next")
	p.Form["next"] = safeNext(p.Form["next"])
	a, needTOTP, err := s.auth.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), s.clientAddr(r))
	if err != nil {
		if c := casework.ErrorCode(err); c == casework.EUnauthorized || c == casework.ETooMany {
			p.ErrorMsg = s.catalog.Error(p.Locale, err)
			s.render(w, r, http.StatusUnauthorized, "login", p)
			return
		}
		s.fail(w, r, err)
		return
	}
	token, err := s.auth.StartSession(r.Context(), a, "password", needTOTP)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setCookie(w, r, sessionCookie, token, 0)
	if needTOTP {
		http.Redirect(w, r, "/login/totp?next="+urlQueryEscape(p.Form["next"]), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, p.Form["next"], http.StatusSeeOther)
}
