package web

import (
	"net/http"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// auditIdentityData is the list of young people found protected after intake, each with the
// reads made while they were not known to be.
type auditIdentityData struct {
	Reviews []auditIdentityView
	Done    bool
}

type auditIdentityView struct {
	store.IdentityReview
	How, Protection string
	Reads           []auditLine
}

// auditIdentity lists the reviews of identification: a young person reported unidentified, or
// not known to be protected, who turned out to have protected identity. The auditor reads who
// read them in between and closes each review with a note. ?done=1 shows the closed ones too.
func (s *Server) auditIdentity(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "identify.review_title")
	s.renderAuditIdentity(w, r, p, r.URL.Query().Get("done") == "1", http.StatusOK)
}

func (s *Server) renderAuditIdentity(w http.ResponseWriter, r *http.Request, p *Page, done bool, status int) {
	rs, err := s.store.IdentityReviews(r.Context(), done)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := auditIdentityData{Done: done}
	for _, rv := range rs {
		v := auditIdentityView{IdentityReview: rv, How: p.T("identify.how." + rv.How), Reads: auditLines(p, rv.Reads)}
		v.Protection = p.T("identify.protection_recorded")
		if k, ok := strings.CutPrefix(rv.Protection, "register:"); ok {
			v.Protection = p.T("identify.protection_register", p.T("identify.kind."+k))
		}
		d.Reviews = append(d.Reviews, v)
	}
	p.Data = d
	s.render(w, r, status, "audit_identity", p)
}

// auditIdentityReviewed closes a review with the auditor's note.
func (s *Server) auditIdentityReviewed(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.store.CloseIdentityReview(r.Context(), id, r.PostFormValue("note"))
	if err == nil {
		s.setFlash(w, r, "identify.review_closed")
		http.Redirect(w, r, "/audit/identity", http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "identify.review_title")
	if fe := casework.FieldErrorsOf(err); fe != nil {
		// The field of the review the note was for.
		p.Errors = casework.FieldErrors{casework.Invalid("note-"+r.PathValue("id"), casework.AsError(err).Key)}
		s.renderAuditIdentity(w, r, p, false, http.StatusUnprocessableEntity)
		return
	}
	s.fail(w, r, err)
}
