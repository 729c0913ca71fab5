package web

import (
	"net/http"
	"strconv"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/store"
)

// concernReceiptData is the receipt of one concern: what the reporter wrote, never whether the
// young person was known before.
type concernReceiptData struct {
	Concern store.MyConcern
	Factors int    // how many factors the IRK has
	CaseID  int64  // set only when the actor may open the case
	CaseURL string // the case page
}

// concernReceipt confirms a concern to the person who reported it. It is found among the
// actor's own concerns, so nobody sees someone else's receipt.
func (s *Server) concernReceipt(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	mine, err := s.store.MyConcerns(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "concern.receipt_title")
	d := concernReceiptData{Factors: listsIRKFactorCount()}
	found := false
	for _, c := range mine {
		if c.ConcernID == id {
			d.Concern, found = c, true
			break
		}
	}
	if !found {
		s.store.AuditRefusal(r.Context(), *p.Actor, store.What{Action: audit.ActionRead, Object: "concern", ObjectID: id}, access.Denied("not_found"))
		s.notFound(w, r)
		return
	}
	// A coordinator is offered the case when the store lets them open it (a case someone else
	// already coordinates is not theirs to see).
	if caseID, err := strconv.ParseInt(r.URL.Query().Get("case"), 10, 64); err == nil && p.Actor.User.Roles.Has(casework.RoleCoordinator) {
		if _, err := s.store.CaseDetail(r.Context(), caseID); err == nil {
			d.CaseID, d.CaseURL = caseID, "/cases/"+strconv.FormatInt(caseID, 10)
		} else if code := casework.ErrorCode(err); code != casework.ENotFound && code != casework.EForbidden {
			s.fail(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "concern_receipt", p)
}

// concernsMine lists the concerns the actor reported.
func (s *Server) concernsMine(w http.ResponseWriter, r *http.Request) {
	mine, err := s.store.MyConcerns(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "concern.mine_title")
	p.Data = concernListData{Concerns: mine, Factors: listsIRKFactorCount()}
	s.render(w, r, http.StatusOK, "concern_list", p)
}

// concernListData is the reporter's own concerns.
type concernListData struct {
	Concerns []store.MyConcern
	Factors  int
}

// listsIRKFactorCount is the number of factors in Check: IRK (eight).
func listsIRKFactorCount() int {
	n := 0
	for _, d := range listsIRK().Domains {
		n += len(d.Items)
	}
	return n
}
