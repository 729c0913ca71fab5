package web

import (
	"net/http"

	"lots/internal/access"
	"lots/internal/casework"
)

// homeData is the start page: one section per kind of work the actor does.
type homeData struct {
	Cases, Aggregates, Admin bool
	Roles                    []string // translated role names
	Municipality             string
	Users                    []casework.User // administrators: the accounts
	ActiveUsers              int
}

// home is the start page, built from the actor's roles.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a, _ := casework.ActorFrom(r.Context())
	p := s.page(w, r, "home.title")
	d := homeData{
		Cases:      access.Can(a, access.WorkWithCases).Allowed,
		Aggregates: access.Can(a, access.ViewAggregates).Allowed,
		Admin:      access.Can(a, access.ManageUsers).Allowed,
	}
	for _, role := range a.User.Roles {
		d.Roles = append(d.Roles, p.T("role."+string(role)))
	}
	m, err := s.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Municipality = m.Name
	if d.Admin {
		if d.Users, err = s.store.Users(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, u := range d.Users {
			if u.Active {
				d.ActiveUsers++
			}
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "home", p)
}

// soon marks a part that later work fills in.
func (s *Server) soon(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "soon.title")
	s.render(w, r, http.StatusOK, "soon", p)
}
