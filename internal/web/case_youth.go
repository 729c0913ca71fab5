package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// caseYouthData is the form for the young person's details.
type caseYouthData struct {
	caseView
	Genders   []caseChoice
	Districts []caseChoice
}

// caseYouthFields are the fields of the form, in order.
var caseYouthFields = []string{"first_name", "last_name", "personal_number", "birth_date", "gender", "district",
	"school", "address", "languages", "interpreter", "protected_identity"}

// caseYouthShow shows the young person's details for correction.
func (s *Server) caseYouthShow(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "case.youth_title")
	v, ok := s.loadCaseView(w, r, p, "youth")
	if !ok {
		return
	}
	y := v.Detail.Youth
	p.Form = map[string]string{
		"first_name": y.FirstName, "last_name": y.LastName, "gender": string(y.Gender),
		"school": y.School, "address": y.Address, "languages": strings.Join(y.Languages, ", "),
	}
	if y.PersonalNumber.IsZero() {
		p.Form["birth_date"] = y.BirthDate.Format("2006-01-02")
	} else {
		p.Form["personal_number"] = y.PersonalNumber.Formatted()
	}
	if y.DistrictID != 0 {
		p.Form["district"] = strconv.FormatInt(y.DistrictID, 10)
	}
	if y.Interpreter {
		p.Form["interpreter"] = "on"
	}
	if y.ProtectedIdentity {
		p.Form["protected_identity"] = "on"
	}
	s.renderCaseYouth(w, r, p, v, http.StatusOK)
}

// caseYouthSave saves the young person's details; every error is shown at once, with the
// values typed.
func (s *Server) caseYouthSave(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	in := casework.YouthInput{
		FirstName: r.PostFormValue("first_name"), LastName: r.PostFormValue("last_name"),
		PersonalNumber: r.PostFormValue("personal_number"), BirthDate: r.PostFormValue("birth_date"),
		Gender: r.PostFormValue("gender"), School: r.PostFormValue("school"), Address: r.PostFormValue("address"),
		Languages: r.PostFormValue("languages"), Interpreter: r.PostFormValue("interpreter") == "on",
		ProtectedIdentity: r.PostFormValue("protected_identity") == "on",
	}
	if d := r.PostFormValue("district"); d != "" {
		var err error
		if in.DistrictID, err = strconv.ParseInt(d, 10, 64); err != nil {
			in.DistrictID = -1 // no such district: the store says so
		}
	}
	err := s.store.UpdateYouth(r.Context(), id, in)
	if err == nil {
		s.setFlash(w, r, "case.youth_saved")
		http.Redirect(w, r, caseURL(id, ""), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "case.youth_title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadCaseView(w, r, p, "youth")
	if !ok {
		return
	}
	formValues(r, p, caseYouthFields...)
	s.renderCaseYouth(w, r, p, v, status)
}

func (s *Server) renderCaseYouth(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "case.youth_title", v)
	d := caseYouthData{caseView: v}
	for _, g := range casework.Genders {
		d.Genders = append(d.Genders, caseChoice{Value: string(g), Label: p.T("gender." + string(g)), Selected: p.V("gender") == string(g)})
	}
	ds, err := s.store.Districts(r.Context(), v.Detail.Case.MunicipalityID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, di := range ds {
		val := strconv.FormatInt(di.ID, 10)
		d.Districts = append(d.Districts, caseChoice{Value: val, Label: di.Name, Selected: p.V("district") == val})
	}
	p.Data = d
	s.render(w, r, status, "case_youth", p)
}
