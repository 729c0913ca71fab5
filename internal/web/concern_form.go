package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"lots/internal/casework"
	"lots/internal/store"
)

// concernFormData is the concern form (Check: IRK): the young person, the program and the
// eight IRK factors with the values typed so far.
type concernFormData struct {
	Districts  []casework.District
	Instrument string // the IRK's name in the page's language
	Intro      string
	Programs   []concernChoice
	Factors    []concernFactor
}

// concernFactor is one IRK factor as a radio group with an optional note.
type concernFactor struct {
	Code, Name       string
	Field, NoteField string // "item_<code>", "note_<code>"
	Values           []concernChoice
	Note             string
	Error, NoteError string
}

// concernChoice is one radio button.
type concernChoice struct {
	ID, Value, Label, Hint string
	Checked                bool
}

// listsIRK is the built-in Check: IRK, read once.
var listsIRK = sync.OnceValue(casework.IRK)

// maxConcernBytes bounds a posted concern: eight notes and two texts of a few thousand
// characters fit many times over.
const maxConcernBytes = 256 << 10

// concernTextFields are the posted fields kept as typed when the form comes back with errors.
var concernTextFields = []string{"first_name", "last_name", "personal_number", "birth_date", "district", "school",
	"address", "protected_identity", "program", "protective", "note"}

// concernFormFor builds the form's choices from the IRK instrument and the values on the page.
func (s *Server) concernFormFor(r *http.Request, p *Page) (concernFormData, error) {
	irk := listsIRK()
	d := concernFormData{Instrument: irk.Name.In(p.Locale), Intro: irk.Description.In(p.Locale)}
	var err error
	if d.Districts, err = s.store.Districts(r.Context(), p.Actor.User.MunicipalityID); err != nil {
		return d, err
	}
	for i, prog := range []struct {
		program casework.Program
		hint    string
	}{{casework.ProgramSIG, "concern.program_sig_hint"}, {casework.ProgramSSPF, "concern.program_sspf_hint"}} {
		v := string(prog.program)
		d.Programs = append(d.Programs, concernChoice{ID: "f-program" + listsRadioSuffix(v, i == 0), Value: v,
			Label: p.T("program." + v), Hint: p.T(prog.hint), Checked: p.V("program") == v})
	}
	for _, dom := range irk.Domains {
		for _, it := range dom.Items {
			f := concernFactor{Code: it.Code, Name: it.Name.In(p.Locale), Field: "item_" + it.Code, NoteField: "note_" + it.Code}
			f.Note, f.Error, f.NoteError = p.V(f.NoteField), p.FieldError(f.Field), p.FieldError(f.NoteField)
			for i, v := range irk.Scales[it.Scale].Values {
				f.Values = append(f.Values, concernChoice{ID: "f-" + f.Field + listsRadioSuffix(v.Code, i == 0), Value: v.Code,
					Label: v.Label.In(p.Locale), Checked: p.V(f.Field) == v.Code})
			}
			d.Factors = append(d.Factors, f)
		}
	}
	return d, nil
}

// listsRadioSuffix gives every radio button but the first of a group its own id suffix; the first
// carries the group's id (f-<field>), which the error summary links to.
func listsRadioSuffix(value string, first bool) string {
	if first {
		return ""
	}
	return "-" + value
}

// concernNew shows an empty concern form.
func (s *Server) concernNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "concern.title")
	p.Form["program"] = string(casework.ProgramSIG)
	d, err := s.concernFormFor(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "concern_form", p)
}

// concernCreate registers a concern and sends the reporter to the receipt. On errors the form
// comes back with every value typed, the radio choices included.
func (s *Server) concernCreate(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "concern.title")
	r.Body = http.MaxBytesReader(w, r.Body, maxConcernBytes)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errFormUnreadable(err))
		return
	}
	formValues(r, p, concernTextFields...)
	in := store.ConcernInput{
		Youth: casework.YouthInput{
			FirstName: r.PostFormValue("first_name"), LastName: r.PostFormValue("last_name"),
			PersonalNumber: r.PostFormValue("personal_number"), BirthDate: r.PostFormValue("birth_date"),
			School: r.PostFormValue("school"), Address: r.PostFormValue("address"),
			ProtectedIdentity: r.PostFormValue("protected_identity") == "on",
		},
		Program:    casework.Program(r.PostFormValue("program")),
		Protective: r.PostFormValue("protective"),
		Note:       r.PostFormValue("note"),
	}
	in.Youth.DistrictID, _ = strconv.ParseInt(r.PostFormValue("district"), 10, 64)
	irk := listsIRK()
	for _, dom := range irk.Domains {
		for _, it := range dom.Items {
			value, note := r.PostFormValue("item_"+it.Code), r.PostFormValue("note_"+it.Code)
			p.Form["item_"+it.Code], p.Form["note_"+it.Code] = value, note
			if value != "" {
				in.Ratings = append(in.Ratings, casework.Rating{Item: it.Code, Value: value, Note: note})
			}
		}
	}
	rc, err := s.store.RegisterConcern(r.Context(), in)
	if err != nil {
		if fe := casework.FieldErrorsOf(err); fe != nil {
			err = s.nameFactors(p, irk, fe).Err()
		}
		d, derr := s.concernFormFor(r, p)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		p.Data = d
		s.formError(w, r, "concern_form", p, err)
		return
	}
	target := "/concerns/" + strconv.FormatInt(rc.ConcernID, 10) + "/receipt"
	// Only a coordinator is offered the case from the receipt. Nobody else gets its id: two
	// concerns about one person would share it, which would tell that the person was known.
	if p.Actor.User.Roles.Has(casework.RoleCoordinator) {
		target += "?case=" + strconv.FormatInt(rc.CaseID, 10)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// nameFactors puts the factor's name before the errors of an IRK factor, so the error summary
// says which of the eight factors needs an answer.
func (s *Server) nameFactors(p *Page, irk casework.Instrument, fe casework.FieldErrors) casework.FieldErrors {
	out := make(casework.FieldErrors, 0, len(fe))
	for _, e := range fe {
		code, ok := strings.CutPrefix(e.Field, "item_")
		if !ok {
			code, ok = strings.CutPrefix(e.Field, "note_")
		}
		if it, _, _, found := irk.Item(code); ok && found {
			e = &casework.Error{Code: e.Code, Field: e.Field, Key: "concern.factor_error",
				Args: []any{it.Name.In(p.Locale), s.catalog.Error(p.Locale, e)}, Detail: e.Detail}
		}
		out = append(out, e)
	}
	return out
}
