package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
)

// casePersonsData lists the guardians and other adults around the young person, with one
// form: a new person, or the one being changed.
type casePersonsData struct {
	caseView
	Persons []casework.RelatedPerson
	Kinds   []caseChoice
	EditID  int64
	Editing string // the name of the person being changed
}

var casePersonFields = []string{"kind", "name", "relation", "has_custody", "phone", "email", "address", "language", "interpreter", "note"}

// casePersonsShow lists the adults; ?edit=ID puts one of them in the form.
func (s *Server) casePersonsShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.persons_title")
	v, ok := s.loadCaseView(w, r, p, "persons")
	if !ok {
		return
	}
	persons, err := s.store.RelatedPersons(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var editID int64
	p.Form["kind"] = string(casework.RelGuardian)
	if e := r.URL.Query().Get("edit"); e != "" {
		editID, _ = strconv.ParseInt(e, 10, 64)
		found := false
		for _, pr := range persons {
			if pr.ID == editID {
				found = true
				p.Form = casePersonForm(pr)
			}
		}
		if !found {
			s.notFound(w, r)
			return
		}
	}
	s.renderCasePersons(w, r, p, v, persons, editID, http.StatusOK)
}

func casePersonForm(pr casework.RelatedPerson) map[string]string {
	f := map[string]string{"kind": string(pr.Kind), "name": pr.Name, "relation": pr.Relation, "phone": pr.Phone,
		"email": pr.Email, "address": pr.Address, "language": pr.Language, "note": pr.Note}
	if pr.HasCustody {
		f["has_custody"] = "on"
	}
	if pr.Interpreter {
		f["interpreter"] = "on"
	}
	return f
}

// casePersonSave adds a person (POST …/persons) or changes one (POST …/persons/{pid}).
func (s *Server) casePersonSave(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	var pid int64
	if r.PathValue("pid") != "" {
		if pid, ok = casePathID(r, "pid"); !ok {
			s.notFound(w, r)
			return
		}
	}
	pr := casework.RelatedPerson{
		ID: pid, Kind: casework.RelationKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"),
		Relation: r.PostFormValue("relation"), HasCustody: r.PostFormValue("has_custody") == "on",
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"), Address: r.PostFormValue("address"),
		Language: r.PostFormValue("language"), Interpreter: r.PostFormValue("interpreter") == "on", Note: r.PostFormValue("note"),
	}
	err := s.store.SaveRelatedPerson(r.Context(), id, &pr)
	if err == nil {
		s.setFlash(w, r, "case.person_saved")
		http.Redirect(w, r, caseURL(id, "/persons"), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "case.persons_title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadCaseView(w, r, p, "persons")
	if !ok {
		return
	}
	persons, err := s.store.RelatedPersons(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	formValues(r, p, casePersonFields...)
	s.renderCasePersons(w, r, p, v, persons, pid, status)
}

func (s *Server) renderCasePersons(w http.ResponseWriter, r *http.Request, p *Page, v caseView, persons []casework.RelatedPerson, editID int64, status int) {
	caseTitle(p, "case.persons_title", v)
	d := casePersonsData{caseView: v, Persons: persons, EditID: editID}
	for _, pr := range persons {
		if pr.ID == editID {
			d.Editing = pr.Name
		}
	}
	for _, k := range casework.RelationKinds {
		d.Kinds = append(d.Kinds, caseChoice{Value: string(k), Label: p.T("relation." + string(k)), Selected: p.V("kind") == string(k)})
	}
	p.Data = d
	s.render(w, r, status, "case_persons", p)
}
