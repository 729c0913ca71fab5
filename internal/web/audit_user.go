package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
)

// auditUserData is one user's entries in a period.
type auditUserData struct {
	UserID int64
	Lines  []auditLine
}

// auditUser lists one user's entries in a period (?user=&from=&to=, the last seven days by
// default): where a finding of the review leads. Reading it is logged.
func (s *Server) auditUser(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "audit.user_title")
	q := r.URL.Query()
	id, err := strconv.ParseInt(q.Get("user"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	from, to, fe := s.auditPeriod(p, q, 7)
	d := auditUserData{UserID: id}
	p.Data = d
	if err := fe.Err(); err != nil {
		s.formError(w, r, "audit_user", p, err)
		return
	}
	ls, err := s.store.UserLog(r.Context(), id, from, to)
	if err != nil {
		if casework.FieldErrorsOf(err) != nil {
			s.formError(w, r, "audit_user", p, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	d.Lines = auditLines(p, ls)
	name := q.Get("user")
	if len(ls) > 0 {
		name = d.Lines[0].User
	}
	p.Title = p.T("audit.user_heading", name)
	p.Data = d
	s.render(w, r, http.StatusOK, "audit_user", p)
}
