package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
	"lots/internal/store"
)

// caseStaffData is the case's social services staff and the colleagues who can be assigned.
type caseStaffData struct {
	caseView
	Coordinator  string
	Officers     []casework.StaffLink
	Coordinators []caseChoice
	Candidates   []caseChoice // case officers not yet on the case
	// Length is the case's planned length and its weight against the coordinator's experience.
	Length store.CaseCapacity
}

// caseStaffShow shows the coordinator and case officers, with forms to change them.
func (s *Server) caseStaffShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.staff_title")
	v, ok := s.loadCaseView(w, r, p, "staff")
	if !ok {
		return
	}
	s.renderCaseStaff(w, r, p, v, http.StatusOK)
}

// caseStaffSave appoints the coordinator (replacing the present one), adds a case officer
// (role and the chosen user in the field named by the role), or removes one (remove=user id).
func (s *Server) caseStaffSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.staff_title")
	v, ok := s.loadCaseView(w, r, p, "staff")
	if !ok {
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	role := casework.StaffRole(r.PostFormValue("role"))
	field := string(role)
	var err error
	var warns []store.Warning
	if rm := r.PostFormValue("remove"); rm != "" {
		uid, perr := strconv.ParseInt(rm, 10, 64)
		if perr != nil {
			s.notFound(w, r)
			return
		}
		err = s.store.RemoveStaff(r.Context(), v.ID, uid)
		field = "remove"
	} else {
		uid, _ := strconv.ParseInt(r.PostFormValue(field), 10, 64)
		if uid == 0 {
			err = casework.Invalid(field, "case.staff_choose")
		} else {
			warns, err = s.store.AssignStaffChecked(r.Context(), v.ID, uid, role)
		}
		// A coordinator who hands the case over to someone else no longer works on it.
		if err == nil && role == casework.StaffCoordinator && uid != a.User.ID && caseStaffRole(v, a.User.ID) == casework.StaffCoordinator {
			s.setFlash(w, r, "case.handed_over")
			http.Redirect(w, r, "/worklist", http.StatusSeeOther)
			return
		}
	}
	if err == nil {
		s.setFlash(w, r, staffSavedFlash(warns))
		http.Redirect(w, r, caseURL(v.ID, "/staff"), http.StatusSeeOther)
		return
	}
	if casework.ErrorCode(err) != casework.EInvalid || field == "remove" {
		s.fail(w, r, err)
		return
	}
	// The store names the field "user"; the page has one select per role.
	e := casework.AsError(err)
	p.Errors = casework.FieldErrors{casework.Invalid(field, e.Key, e.Args...)}
	formValues(r, p, "coordinator", "case_officer")
	s.renderCaseStaff(w, r, p, v, http.StatusUnprocessableEntity)
}

// caseStaffRole is the user's role on the case, or "".
func caseStaffRole(v caseView, userID int64) casework.StaffRole {
	for _, l := range v.Detail.Staff {
		if l.UserID == userID {
			return l.Role
		}
	}
	return ""
}

func (s *Server) renderCaseStaff(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "case.staff_title", v)
	d := caseStaffData{caseView: v}
	on := map[int64]bool{}
	for _, l := range v.Detail.Staff {
		on[l.UserID] = true
		if l.Role == casework.StaffCoordinator {
			d.Coordinator = l.Name
		} else {
			d.Officers = append(d.Officers, l)
		}
	}
	var err error
	if d.Length, err = s.store.CaseCapacity(r.Context(), v.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.May.Edit() {
		cs, err := s.store.Colleagues(r.Context(), "")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range cs {
			if c.AgencyKind != casework.AgencySocial {
				continue
			}
			val := strconv.FormatInt(c.ID, 10)
			label := c.Name
			if c.Title != "" {
				label += ", " + c.Title
			}
			if c.Roles.Has(casework.RoleCoordinator) {
				d.Coordinators = append(d.Coordinators, caseChoice{Value: val, Label: label, Selected: p.V("coordinator") == val || (p.V("coordinator") == "" && caseStaffRole(v, c.ID) == casework.StaffCoordinator)})
			}
			if c.Roles.Has(casework.RoleCaseOfficer) && !on[c.ID] {
				d.Candidates = append(d.Candidates, caseChoice{Value: val, Label: label, Selected: p.V("case_officer") == val})
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "case_staff", p)
}
