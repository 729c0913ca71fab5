package web

import (
	"net/http"

	"lots/internal/store"
)

// caseLegalHoldData is a case's legal holds and the form to set one.
type caseLegalHoldData struct {
	caseView
	Holds []store.LegalHold
}

// caseLegalHoldShow shows the case's legal holds: while one holds, retention deletes nothing of
// the case (docs/data-protection.md).
func (s *Server) caseLegalHoldShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "hold.title")
	v, ok := s.loadCaseView(w, r, p, "legalhold")
	if !ok {
		return
	}
	s.renderCaseLegalHold(w, r, p, v, http.StatusOK)
}

func (s *Server) renderCaseLegalHold(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "hold.title", v)
	hs, err := s.store.LegalHolds(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = caseLegalHoldData{caseView: v, Holds: hs}
	s.render(w, r, status, "case_legal_hold", p)
}

// caseLegalHoldSet puts a hold on the case: a reason and its last day.
func (s *Server) caseLegalHoldSet(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "hold.title")
	v, ok := s.loadCaseView(w, r, p, "legalhold")
	if !ok {
		return
	}
	_, err := s.store.SetLegalHold(r.Context(), v.ID, r.PostFormValue("reason"), r.PostFormValue("until"))
	if err == nil {
		s.setFlash(w, r, "hold.saved")
		http.Redirect(w, r, caseURL(v.ID, "/legal-hold"), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	formValues(r, p, "reason", "until")
	s.renderCaseLegalHold(w, r, p, v, status)
}

// caseLegalHoldRelease ends a hold before its last day.
func (s *Server) caseLegalHoldRelease(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	hid, ok2 := casePathID(r, "hid")
	if !ok || !ok2 {
		s.notFound(w, r)
		return
	}
	if err := s.store.ReleaseLegalHold(r.Context(), id, hid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "hold.released")
	http.Redirect(w, r, caseURL(id, "/legal-hold"), http.StatusSeeOther)
}
