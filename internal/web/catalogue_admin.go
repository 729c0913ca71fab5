package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lots/internal/casework"
)

// The administrator keeps the municipality's catalogue: which methods are available here, from
// whom, with what capacity; methods of its own. Built-in texts are kept in both languages; the
// form edits the administrator's language.

// catalogueAdminData is the list of methods for the administrator.
type catalogueAdminData struct {
	Methods []methodView
	Missing []string
}

// catalogueAdmin lists the methods with their availability.
func (s *Server) catalogueAdmin(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "catalogue.admin_title")
	ms, err := s.store.Catalogue(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d catalogueAdminData
	for _, m := range ms {
		d.Methods = append(d.Methods, methodViewOf(p, m))
	}
	for _, n := range casework.MissingNeeds(ms, 0) {
		d.Missing = append(d.Missing, needName(p.Locale, n))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "catalogue_admin", p)
}

// catalogueFormData is the form of one method.
type catalogueFormData struct {
	New      bool
	Code     string
	Builtin  bool
	Edited   bool
	Kinds    []caseChoice
	Evidence []caseChoice
	Risks    []caseChoice
	Needs    []caseChoice
	// Available and OfferedBy are the registry's answer (mapping.Offered): no checkbox.
	Available bool
	OfferedBy string
}

// catalogueNew shows an empty form for a method of the municipality's own.
func (s *Server) catalogueNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "catalogue.new_title")
	s.renderCatalogueForm(w, r, p, casework.Method{Kind: casework.KindOther, Evidence: casework.EvidenceLocal}, true, http.StatusOK)
}

// catalogueEdit shows the form of a method.
func (s *Server) catalogueEdit(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "catalogue.edit_title")
	m, err := s.store.Method(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCatalogueForm(w, r, p, m, false, http.StatusOK)
}

func (s *Server) renderCatalogueForm(w http.ResponseWriter, r *http.Request, p *Page, m casework.Method, isNew bool, status int) {
	if status == http.StatusOK {
		p.Form = map[string]string{"code": m.Code, "name": m.Name, "kind": string(m.Kind), "evidence": string(m.Evidence),
			"summary": m.Summary.In(p.Locale), "evidence_note": m.EvidenceNote.In(p.Locale), "source": m.Source,
			"capacity": m.Capacity, "local_note": m.LocalNote}
		if m.AgeMin > 0 {
			p.Form["age_min"] = strconv.Itoa(m.AgeMin)
		}
		if m.AgeMax > 0 {
			p.Form["age_max"] = strconv.Itoa(m.AgeMax)
		}
		for _, rl := range m.Risk {
			p.Form["risk_"+string(rl)] = "1"
		}
		for _, n := range m.Needs {
			p.Form["need_"+n] = "1"
		}
	}
	if !isNew {
		p.Title = p.T("catalogue.edit_title") + " – " + m.Name
	}
	d := catalogueFormData{New: isNew, Code: m.Code, Builtin: m.Builtin, Edited: m.Edited, Available: m.Available, OfferedBy: strings.Join(m.OfferedBy, ", ")}
	for _, k := range casework.MethodKinds {
		d.Kinds = append(d.Kinds, caseChoice{Value: string(k), Label: p.T("intervention.kind." + string(k)), Selected: p.V("kind") == string(k)})
	}
	for _, e := range casework.EvidenceLevels {
		d.Evidence = append(d.Evidence, caseChoice{Value: string(e), Label: p.T("intervention.evidence." + string(e)), Selected: p.V("evidence") == string(e)})
	}
	for _, rl := range casework.RiskLevels {
		d.Risks = append(d.Risks, caseChoice{Value: string(rl), Label: p.T("risk." + string(rl)), Selected: p.V("risk_"+string(rl)) == "1"})
	}
	for _, n := range casework.IRKNeeds {
		d.Needs = append(d.Needs, caseChoice{Value: n, Label: needName(p.Locale, n), Selected: p.V("need_"+n) == "1"})
	}
	p.Data = d
	s.render(w, r, status, "catalogue_form", p)
}

// catalogueMethodFromForm reads the form over base (the stored method, or an empty one).
func catalogueMethodFromForm(r *http.Request, p *Page, base casework.Method) (casework.Method, error) {
	_ = r.ParseForm()
	m := base
	var fe casework.FieldErrors
	get := func(k string) string { v := r.PostFormValue(k); p.Form[k] = v; return v }
	m.Name, m.Kind, m.Evidence = get("name"), casework.MethodKind(get("kind")), casework.Evidence(get("evidence"))
	m.Source, m.Capacity, m.LocalNote = get("source"), get("capacity"), get("local_note")
	// Available and the provider are the resource registry's (mapping.Offered), not the form's.
	m.Available, m.Provider, m.OfferedBy = false, "", nil
	age := func(field string) int {
		v := strings.TrimSpace(get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fe.Add(field, "catalogue.age_range")
		}
		return n
	}
	m.AgeMin, m.AgeMax = age("age_min"), age("age_max")
	m.Summary, m.EvidenceNote = copyText(base.Summary), copyText(base.EvidenceNote)
	m.Summary[string(p.Locale)], m.EvidenceNote[string(p.Locale)] = get("summary"), get("evidence_note")
	m.Risk, m.Needs = nil, nil
	for _, rl := range casework.RiskLevels {
		if get("risk_"+string(rl)) == "1" {
			m.Risk = append(m.Risk, rl)
		}
	}
	for _, n := range casework.IRKNeeds {
		if get("need_"+n) == "1" {
			m.Needs = append(m.Needs, n)
		}
	}
	return m, fe.Err()
}

func copyText(t casework.Text) casework.Text {
	out := casework.Text{}
	for k, v := range t {
		out[k] = v
	}
	return out
}

// catalogueCreate adds a method of the municipality's own.
func (s *Server) catalogueCreate(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "catalogue.new_title")
	m, err := catalogueMethodFromForm(r, p, casework.Method{})
	m.Code = r.PostFormValue("code")
	p.Form["code"] = m.Code
	if err == nil {
		err = s.store.SaveMethod(r.Context(), m, true)
	}
	if err == nil {
		s.setFlash(w, r, "catalogue.saved")
		http.Redirect(w, r, "/admin/catalogue", http.StatusSeeOther)
		return
	}
	s.catalogueFormError(w, r, p, m, true, err)
}

// catalogueSave saves the municipality's version of a method.
func (s *Server) catalogueSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "catalogue.edit_title")
	base, err := s.store.Method(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := catalogueMethodFromForm(r, p, base)
	if err == nil {
		err = s.store.SaveMethod(r.Context(), m, false)
	}
	if err == nil {
		s.setFlash(w, r, "catalogue.saved")
		http.Redirect(w, r, "/admin/catalogue", http.StatusSeeOther)
		return
	}
	s.catalogueFormError(w, r, p, m, false, err)
}

func (s *Server) catalogueFormError(w http.ResponseWriter, r *http.Request, p *Page, m casework.Method, isNew bool, err error) {
	fe := casework.FieldErrorsOf(err)
	if fe == nil {
		s.fail(w, r, err)
		return
	}
	// The form has one field per language-free value; texts too long go to the note.
	known := []string{"code", "name", "kind", "evidence", "age_min", "age_max", "available", "local_note"}
	for i, e := range fe {
		if !slices.Contains(known, e.Field) {
			c := *e
			c.Field = "name"
			fe[i] = &c
		}
	}
	p.Errors = fe
	s.renderCatalogueForm(w, r, p, m, isNew, http.StatusUnprocessableEntity)
}

// catalogueReset drops the municipality's changes to a method.
func (s *Server) catalogueReset(w http.ResponseWriter, r *http.Request) {
	if err := s.store.ResetMethod(r.Context(), r.PathValue("code")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "catalogue.reset_done")
	http.Redirect(w, r, "/admin/catalogue", http.StatusSeeOther)
}
