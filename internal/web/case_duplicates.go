package web

import (
	"net/http"
	"strconv"

	"lots/internal/store"
)

// caseDuplicatesData lists the registered young people who may be the same as the case's,
// and, with ?other=CASE, asks to confirm merging one of them into this case.
type caseDuplicatesData struct {
	caseView
	Candidates []store.DuplicateCandidate
	Confirm    *store.DuplicateCandidate
}

// caseDuplicates lists possible duplicates of the case's young person.
func (s *Server) caseDuplicates(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.duplicates_title")
	s.renderCaseDuplicates(w, r, p, r.URL.Query().Get("other"), http.StatusOK)
}

// caseMerge merges the young person of case "other" into this case's, once confirmed.
func (s *Server) caseMerge(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	other := r.PostFormValue("other")
	otherID, err := strconv.ParseInt(other, 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	p := s.page(w, r, "case.duplicates_title")
	if r.PostFormValue("confirm") != "on" {
		p.Errors.Add("confirm", "case.merge_confirm_required")
		s.renderCaseDuplicates(w, r, p, other, http.StatusUnprocessableEntity)
		return
	}
	err = s.store.MergeYouth(r.Context(), id, otherID)
	if err == nil {
		s.setFlash(w, r, "case.merged")
		http.Redirect(w, r, caseURL(id, ""), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderCaseDuplicates(w, r, p, other, status)
}

// renderCaseDuplicates draws the list; other names the candidate's case to confirm ("" for
// none). A case that is not among the candidates is not found.
func (s *Server) renderCaseDuplicates(w http.ResponseWriter, r *http.Request, p *Page, other string, status int) {
	v, ok := s.loadCaseView(w, r, p, "duplicates")
	if !ok {
		return
	}
	caseTitle(p, "case.duplicates_title", v)
	cands, err := s.store.PossibleDuplicates(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := caseDuplicatesData{caseView: v, Candidates: cands}
	if other != "" {
		for i := range cands {
			if strconv.FormatInt(cands[i].CaseID, 10) == other {
				d.Confirm = &cands[i]
			}
		}
		if d.Confirm == nil {
			s.notFound(w, r)
			return
		}
	}
	p.Data = d
	s.render(w, r, status, "case_duplicates", p)
}
