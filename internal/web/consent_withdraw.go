package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// consentWithdrawShow asks for the withdrawal: who withdrew and how. The page says that access
// ends the moment it is recorded.
func (s *Server) consentWithdrawShow(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.consentOne(w, r, "consent.withdraw_title")
	if !ok {
		return
	}
	if !d.Row.CanWithdraw {
		s.fail(w, r, casework.Errorf(casework.EForbidden, "error.forbidden_case_work", "withdrawal not possible"))
		return
	}
	p.Form["withdrawn_how"] = string(casework.WithdrawnInMeeting)
	s.render(w, r, http.StatusOK, "consent_withdraw", p)
}

// consentWithdraw records a withdrawal. It takes effect at once: the parties it covered see
// nothing of what it gave them from this moment.
func (s *Server) consentWithdraw(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.consentOne(w, r, "consent.withdraw_title")
	if !ok {
		return
	}
	formValues(r, p, "withdrawn_by", "withdrawn_other", "withdrawn_how", "withdrawn_note")
	by := r.PostFormValue("withdrawn_by")
	if by == "annan" {
		by = strings.TrimSpace(r.PostFormValue("withdrawn_other"))
		if by == "" {
			s.formError(w, r, "consent_withdraw", p, casework.Invalid("withdrawn_other", "consent.withdrawn_other_required"))
			return
		}
	} else if by != "" {
		known := false
		for _, sg := range d.Row.C.Signers {
			known = known || sg.Name == by
		}
		if !known {
			by = ""
		}
	}
	how := casework.WithdrawalMode(r.PostFormValue("withdrawn_how"))
	if err := casework.Withdrawal(by, how, r.PostFormValue("withdrawn_note")); err != nil {
		s.formError(w, r, "consent_withdraw", p, err)
		return
	}
	if _, err := s.store.WithdrawConsent(r.Context(), d.CaseID, d.Row.C.ID, by, how, r.PostFormValue("withdrawn_note")); err != nil {
		s.consentActionError(w, r, "consent_withdraw", p, err)
		return
	}
	s.setFlash(w, r, "consent.withdrawn")
	http.Redirect(w, r, d.ListURL+"#consent-"+strconv.FormatInt(d.Row.C.ID, 10), http.StatusSeeOther)
}
