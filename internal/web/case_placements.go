package web

import (
	"net/http"
	"strconv"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// Placements (issue 14:3, docs/placements.md): the list with the young person's moves, days
// placed and any wait for a SiS place, a form for a new placement, and a page to change one.
// The store decides who sees them (social services' information) and where (the address rule).

// placementsRoutes declares the placements pages.
func (s *Server) placementsRoutes() {
	m := s.mux
	with := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.WorkWithCases, h)) }
	m.HandleFunc("GET /cases/{id}/placements", with(s.casePlacementsShow))
	m.HandleFunc("POST /cases/{id}/placements", with(s.casePlacementsAdd))
	m.HandleFunc("GET /cases/{id}/placements/{plid}", with(s.casePlacementEdit))
	m.HandleFunc("POST /cases/{id}/placements/{plid}", with(s.casePlacementSave))
}

// placementRow is a placement as the page shows it.
type placementRow struct {
	casework.Placement
	FormLabel, BasisLabel string
	WaitDays              int
	WaitAlert             bool
}

// casePlacementsData is the placements page.
type casePlacementsData struct {
	caseView
	List       store.PlacementList
	Rows       []placementRow
	Current    *placementRow
	Waiting    *placementRow
	Forms      []caseChoice
	Bases      []caseChoice
	Editing    *placementRow // the placement the edit page changes
	AlertDays  int
	FormAction string
}

func (s *Server) casePlacementsShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "placement.title")
	v, ok := s.loadCaseView(w, r, p, "placements")
	if !ok {
		return
	}
	s.renderPlacements(w, r, p, v, 0, http.StatusOK)
}

// renderPlacements draws the list (editing 0) or the edit page of one placement.
func (s *Server) renderPlacements(w http.ResponseWriter, r *http.Request, p *Page, v caseView, editing int64, status int) {
	caseTitle(p, "placement.title", v)
	pl, err := s.store.Placements(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := casePlacementsData{caseView: v, List: pl, AlertDays: casework.SiSWaitAlertDays, FormAction: caseURL(v.ID, "/placements")}
	row := func(x casework.Placement) placementRow {
		return placementRow{Placement: x, FormLabel: caseEnum(p, "placement.", "form_", string(x.Form)),
			BasisLabel: caseEnum(p, "placement.", "basis_", string(x.Basis)), WaitDays: x.WaitDays(pl.Today), WaitAlert: x.WaitAlert(pl.Today)}
	}
	for _, x := range pl.Placements {
		rw := row(x)
		d.Rows = append(d.Rows, rw)
		if editing == x.ID {
			d.Editing = &rw
		}
	}
	if editing != 0 {
		if d.Editing == nil {
			s.notFound(w, r)
			return
		}
		p.Title = p.T("placement.edit_title") + " – " + v.Detail.Youth.Name()
		d.FormAction = caseURL(v.ID, "/placements/"+strconv.FormatInt(editing, 10))
		if status == http.StatusOK {
			e := d.Editing.Placement
			p.Form["form"], p.Form["legal_basis"], p.Form["requested_on"] = string(e.Form), string(e.Basis), e.RequestedOn
			p.Form["from"], p.Form["to"], p.Form["place"], p.Form["reason"] = e.From, e.To, e.Place, e.Reason
			if e.Waiting {
				p.Form["waiting"] = "on"
			}
		}
	}
	if c := pl.Summary.Current; c != nil {
		rw := row(*c)
		d.Current = &rw
	}
	if c := pl.Summary.Waiting; c != nil {
		rw := row(*c)
		d.Waiting = &rw
	}
	for _, f := range casework.PlacementForms {
		d.Forms = append(d.Forms, caseChoice{Value: string(f), Label: caseEnum(p, "placement.", "form_", string(f)), Selected: p.V("form") == string(f)})
	}
	for _, b := range casework.LegalBases {
		d.Bases = append(d.Bases, caseChoice{Value: string(b), Label: caseEnum(p, "placement.", "basis_", string(b)), Selected: p.V("legal_basis") == string(b)})
	}
	p.Data = d
	name := "case_placements"
	if editing != 0 {
		name = "case_placement_edit"
	}
	s.render(w, r, status, name, p)
}

// placementInput reads the form.
func placementInput(r *http.Request) casework.PlacementInput {
	return casework.PlacementInput{Form: r.PostFormValue("form"), Basis: r.PostFormValue("legal_basis"), Waiting: r.PostFormValue("waiting") == "on",
		RequestedOn: r.PostFormValue("requested_on"), From: r.PostFormValue("from"), To: r.PostFormValue("to"),
		Place: r.PostFormValue("place"), Reason: r.PostFormValue("reason")}
}

var placementFields = []string{"form", "legal_basis", "waiting", "requested_on", "from", "to", "place", "reason"}

func (s *Server) casePlacementsAdd(w http.ResponseWriter, r *http.Request) {
	s.savePlacement(w, r, 0)
}

func (s *Server) casePlacementEdit(w http.ResponseWriter, r *http.Request) {
	plid, ok := casePathID(r, "plid")
	if !ok {
		s.notFound(w, r)
		return
	}
	p := s.page(w, r, "placement.edit_title")
	v, ok := s.loadCaseView(w, r, p, "placements")
	if !ok {
		return
	}
	s.renderPlacements(w, r, p, v, plid, http.StatusOK)
}

func (s *Server) casePlacementSave(w http.ResponseWriter, r *http.Request) {
	plid, ok := casePathID(r, "plid")
	if !ok {
		s.notFound(w, r)
		return
	}
	s.savePlacement(w, r, plid)
}

// savePlacement records a new placement (plid 0) or changes one; on bad input the form comes
// back with every error at its field and the values kept.
func (s *Server) savePlacement(w http.ResponseWriter, r *http.Request, plid int64) {
	p := s.page(w, r, "placement.title")
	v, ok := s.loadCaseView(w, r, p, "placements")
	if !ok {
		return
	}
	_, err := s.store.SavePlacement(r.Context(), v.ID, plid, placementInput(r))
	if err == nil {
		s.setFlash(w, r, "placement.saved")
		http.Redirect(w, r, caseURL(v.ID, "/placements"), http.StatusSeeOther)
		return
	}
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	formValues(r, p, placementFields...)
	s.renderPlacements(w, r, p, v, plid, status)
}
