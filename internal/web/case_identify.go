package web

import (
	"net/http"

	"lots/internal/store"
)

// caseIdentifyShow offers to identify a young person reported without personnummer: by the
// number (the population register is asked, and a protected identity it reports applies at
// once), or by confirming the identity without one.
func (s *Server) caseIdentifyShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "identify.title")
	v, ok := s.loadCaseView(w, r, p, "youth")
	if !ok {
		return
	}
	s.renderCaseIdentify(w, r, p, v, http.StatusOK)
}

func (s *Server) renderCaseIdentify(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "identify.title", v)
	p.Data = v
	s.render(w, r, status, "case_identify", p)
}

// caseIdentifySave identifies the young person.
func (s *Server) caseIdentifySave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "identify.title")
	v, ok := s.loadCaseView(w, r, p, "youth")
	if !ok {
		return
	}
	err := s.store.IdentifyYouth(r.Context(), v.ID, store.IdentifyInput{PersonalNumber: r.PostFormValue("personal_number"),
		Confirm: r.PostFormValue("confirm") == "on", Basis: r.PostFormValue("basis")})
	if err == nil {
		s.setFlash(w, r, "identify.saved")
		http.Redirect(w, r, caseURL(v.ID, ""), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	formValues(r, p, "personal_number", "confirm", "basis")
	s.renderCaseIdentify(w, r, p, v, status)
}
