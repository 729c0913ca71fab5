package web

import (
	"net/http"

	"lots/internal/store"
)

// settingsData is the personal settings page.
type settingsData struct {
	Tokens   []store.APIToken
	NewToken string // shown once, right after creation
}

// settingsShow shows language, password, second factor and API tokens.
func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, s.page(w, r, "settings.title"), "")
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, p *Page, newToken string) {
	tokens, err := s.store.Tokens(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = settingsData{Tokens: tokens, NewToken: newToken}
	s.render(w, r, status, "settings", p)
}
