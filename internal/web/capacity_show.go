package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/mapping"
	"lots/internal/store"
)

// The capacity view: every coordinator's active young people against the municipality's
// cap (default 10), with a warning for each one at the cap — the next young person would
// overload them — and over it. The administrator changes the cap here.

type capacityRow struct {
	Name, State, StateText  string
	Active, Ending, Overrun int
}

type capacityData struct {
	Cap, PlannedMonths, WaitDays int
	Rows                         []capacityRow
	Full, Over                   int
	Waiting, Late, Longest       int
	CanSet                       bool
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
	d := capacityData{Cap: c.Cap, PlannedMonths: c.PlannedMonths, WaitDays: c.WaitDays, Waiting: c.Waiting, Late: c.Late, Longest: c.Longest,
		CanSet: access.Can(a, access.ManageOrganisation).Allowed}
	for _, l := range c.Caseloads {
		d.Rows = append(d.Rows, capacityRow{Name: l.Name, Active: l.Active, State: l.State, StateText: p.T("capacity.state." + l.State),
			Ending: l.Ending, Overrun: l.Overrun})
		switch l.State {
		case mapping.LoadFull:
			d.Full++
		case mapping.LoadOver:
			d.Over++
		}
	}
	for f, v := range map[string]int{"caseload_cap": c.Cap, "planned_months": c.PlannedMonths, "wait_days": c.WaitDays} {
		if _, ok := p.Form[f]; !ok {
			p.Form[f] = strconv.Itoa(v)
		}
	}
	p.Data = d
	s.render(w, r, status, "capacity", p)
}

func (s *Server) capacityCapSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "capacity.title")
	formValues(r, p, "caseload_cap", "planned_months", "wait_days")
	num := func(f string) int {
		n, err := strconv.Atoi(strings.TrimSpace(p.V(f)))
		if err != nil {
			return 0 // refused by the range
		}
		return n
	}
	if err := s.store.SetCapacity(r.Context(), store.CapacitySettings{Cap: num("caseload_cap"), PlannedMonths: num("planned_months"), WaitDays: num("wait_days")}); err != nil {
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
