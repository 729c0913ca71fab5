package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
)

// orgData is the organisation page: districts, agencies and their units.
type orgData struct {
	Districts []casework.District
	Agencies  []casework.Agency
	Units     map[int64][]casework.Unit
	Kinds     []casework.AgencyKind
}

// adminOrganisation shows districts, agencies and units with forms to add to them.
func (s *Server) adminOrganisation(w http.ResponseWriter, r *http.Request) {
	s.renderOrganisation(w, r, http.StatusOK, s.page(w, r, "admin.org_title"))
}

func (s *Server) renderOrganisation(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	a, _ := casework.ActorFrom(r.Context())
	mid := a.User.MunicipalityID
	d := orgData{Units: map[int64][]casework.Unit{}, Kinds: casework.AgencyKinds}
	var err error
	if d.Districts, err = s.store.Districts(r.Context(), mid); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Agencies, err = s.store.Agencies(r.Context(), mid); err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.store.Units(r.Context(), mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range units {
		d.Units[u.AgencyID] = append(d.Units[u.AgencyID], u)
	}
	p.Data = d
	s.render(w, r, status, "admin_organisation", p)
}

// orgCreated finishes an organisation form: back to the page, or the page with the error.
func (s *Server) orgCreated(w http.ResponseWriter, r *http.Request, form string, err error) {
	if err != nil {
		p := s.page(w, r, "admin.org_title")
		formValues(r, p, "district_name", "agency_name", "unit_name")
		p.Form["form"] = form
		if fe := casework.FieldErrorsOf(err); fe != nil {
			for _, e := range fe {
				e.Field = form + "_" + e.Field
			}
			p.Errors = fe
			s.renderOrganisation(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "admin.org_saved")
	http.Redirect(w, r, "/admin/organisation", http.StatusSeeOther)
}

func (s *Server) adminDistrictCreate(w http.ResponseWriter, r *http.Request) {
	d := casework.District{Name: r.PostFormValue("district_name")}
	s.orgCreated(w, r, "district", s.store.CreateDistrict(r.Context(), &d))
}

func (s *Server) adminAgencyCreate(w http.ResponseWriter, r *http.Request) {
	a := casework.Agency{Name: r.PostFormValue("agency_name"), Kind: casework.AgencyKind(r.PostFormValue("kind"))}
	s.orgCreated(w, r, "agency", s.store.CreateAgency(r.Context(), &a))
}

func (s *Server) adminUnitCreate(w http.ResponseWriter, r *http.Request) {
	agency, _ := strconv.ParseInt(r.PostFormValue("agency"), 10, 64)
	u := casework.Unit{Name: r.PostFormValue("unit_name"), AgencyID: agency}
	err := s.store.CreateUnit(r.Context(), &u)
	if casework.ErrorCode(err) == casework.ENotFound {
		err = casework.Invalid("agency", "org.agency_required")
	}
	s.orgCreated(w, r, "unit", err)
}
