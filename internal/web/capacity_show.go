package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/mapping"
)

// The capacity view: every coordinator's active young people against the municipality's
// cap (default 10), with a warning for each one at the cap — the next young person would
// overload them — and over it. The administrator changes the cap here.

type capacityRow struct {
	Name, State, StateText string
	Active                 int
}

type capacityData struct {
	Cap        int
	Rows       []capacityRow
	Full, Over int
	CanSet     bool
}

func (s *Server) capacityShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "capacity.title")
	s.renderCapacity(w, r, p, http.StatusOK)
}

func (s *Server) renderCapacity(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	c, err := s.store.Capacity(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, _ := casework.ActorFrom(r.Context())
	d := capacityData{Cap: c.Cap, CanSet: access.Can(a, access.ManageOrganisation).Allowed}
	for _, l := range c.Caseloads {
		d.Rows = append(d.Rows, capacityRow{Name: l.Name, Active: l.Active, State: l.State, StateText: p.T("capacity.state." + l.State)})
		switch l.State {
		case mapping.LoadFull:
			d.Full++
		case mapping.LoadOver:
			d.Over++
		}
	}
	if _, ok := p.Form["caseload_cap"]; !ok {
		p.Form["caseload_cap"] = strconv.Itoa(c.Cap)
	}
	p.Data = d
	s.render(w, r, status, "capacity", p)
}

func (s *Server) capacityCapSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "capacity.title")
	formValues(r, p, "caseload_cap")
	n, err := strconv.Atoi(strings.TrimSpace(p.V("caseload_cap")))
	if err != nil {
		n = 0
	}
	if err := s.store.SetCaseloadCap(r.Context(), n); err != nil {
		if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
			s.fail(w, r, err)
			return
		}
		s.renderCapacity(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.setFlash(w, r, "capacity.saved")
	http.Redirect(w, r, "/capacity", http.StatusSeeOther)
}
