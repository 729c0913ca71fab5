package web

import (
	"net/http"
	"strconv"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
)

// settingsTokenCreate creates a personal API token and shows it once.
func (s *Server) settingsTokenCreate(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "settings.title")
	formValues(r, p, "token_name", "token_days")
	var validFor time.Duration
	if d := r.PostFormValue("token_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 365 {
			p.Errors = casework.FieldErrors{casework.Invalid("token_days", "token.days_range")}
			s.renderSettings(w, r, http.StatusUnprocessableEntity, p, "")
			return
		}
		validFor = time.Duration(n) * 24 * time.Hour
	}
	token, _, err := s.auth.CreateAPIToken(r.Context(), a.User.ID, r.PostFormValue("token_name"), validFor)
	if err != nil {
		if fe := casework.FieldErrorsOf(err); fe != nil {
			for _, e := range fe {
				e.Field = "token_" + e.Field
			}
			p.Errors = fe
			s.renderSettings(w, r, http.StatusUnprocessableEntity, p, "")
			return
		}
		s.fail(w, r, err)
		return
	}
	// The token carries when its maker last proved who they are (step-up in the API).
	if sess, ok := sessionFrom(r); ok {
		if err := s.store.TokenAuthenticated(r.Context(), auth.HashToken(token), sess.AuthenticatedAt); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Form = map[string]string{}
	s.renderSettings(w, r, http.StatusOK, p, token)
}

// settingsTokenRevoke revokes one of the user's tokens.
func (s *Server) settingsTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.store.RevokeToken(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "token.revoked")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}
