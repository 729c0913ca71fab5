package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// A case's planned length (docs/mapping.md "Capacity"): the staff page shows it with its
// extensions and the experience rule's verdict on the coordinator; the coordinator extends
// it here, always with a reason.

// staffSavedFlash is the message after an assignment: saved, with the assignment's warnings
// (the experience rule, the coordinator's caseload at or over the cap).
func staffSavedFlash(warns []store.Warning) string {
	var inexperienced bool
	load := ""
	for _, w := range warns {
		switch w.Key {
		case "capacity.warn_inexperienced":
			inexperienced = true
		case "capacity.warn_full":
			load = "full"
		case "capacity.warn_over":
			load = "over"
		}
	}
	switch {
	case inexperienced && load != "":
		return "capacity.saved_warn_inexperienced_" + load
	case inexperienced:
		return "capacity.saved_warn_inexperienced"
	case load != "":
		return "capacity.saved_warn_" + load
	}
	return "case.staff_saved"
}

// caseExtendSave extends the case's planned length by the months given, with a reason.
func (s *Server) caseExtendSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.staff_title")
	v, ok := s.loadCaseView(w, r, p, "staff")
	if !ok {
		return
	}
	formValues(r, p, "months", "reason")
	months, perr := strconv.Atoi(strings.TrimSpace(p.V("months")))
	if perr != nil {
		months = 0 // refused by the range
	}
	err := s.store.ExtendPlan(r.Context(), v.ID, months, p.V("reason"))
	if err == nil {
		s.setFlash(w, r, "capacity.extended_saved")
		http.Redirect(w, r, caseURL(v.ID, "/staff"), http.StatusSeeOther)
		return
	}
	if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderCaseStaff(w, r, p, v, http.StatusUnprocessableEntity)
}
