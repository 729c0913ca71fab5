package web

import (
	"net/http"
	"strconv"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// caseSecurityData is a case's security page: the current assessment of each participant, the
// history, the reviews due, the exit pathway, and the forms for those who may record them.
type caseSecurityData struct {
	caseView
	View                 store.SecurityView
	Assess               bool // may record assessments and the pathway
	Participant, Level   selectField
	Stage, PoliceContact selectField
	SocialContact        selectField
	DestinationEditable  bool // the actor would see the destination after saving (named)
	ExitOpen             bool // the pathway form starts open (an error in it)
}

// caseSecurityShow shows the case's security page. The security information is read first,
// through the door, so a refusal answers exactly like a case that does not exist.
func (s *Server) caseSecurityShow(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	sv, err := s.store.Security(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(w, r, "security.title")
	v, ok := s.loadCaseView(w, r, p, "security")
	if !ok {
		return
	}
	s.renderSecurityView(w, r, p, v, sv, http.StatusOK, false)
}

func (s *Server) renderCaseSecurity(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int, exitForm bool) {
	sv, err := s.store.Security(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSecurityView(w, r, p, v, sv, status, exitForm)
}

func (s *Server) renderSecurityView(w http.ResponseWriter, r *http.Request, p *Page, v caseView, sv store.SecurityView, status int, exitForm bool) {
	caseTitle(p, "security.title", v)
	d := caseSecurityData{caseView: v, View: sv, Assess: v.May.Write(access.WorkAssess, casework.CatSecurity).Allowed, ExitOpen: exitForm}
	choice := func(name, labelKey string, values []string, prefix string, current string) selectField {
		f := selectField{Name: name, Label: p.T(labelKey), Error: p.FieldError(name)}
		for _, x := range values {
			f.Options = append(f.Options, caseChoice{Value: x, Label: caseEnum(p, "security.", prefix, x), Selected: x == current})
		}
		return f
	}
	var kinds, levels, stages []string
	for _, k := range casework.ParticipantKinds {
		kinds = append(kinds, string(k))
	}
	for _, l := range casework.ThreatLevels {
		levels = append(levels, string(l))
	}
	for _, st := range casework.ExitStages {
		stages = append(stages, string(st))
	}
	d.Participant = choice("participant", "security.participant", kinds, "participant_", p.V("participant"))
	d.Level = choice("level", "security.level", levels, "level_", p.V("level"))
	x := sv.Exit
	cur := func(field, fallback string) string {
		if v := p.V(field); v != "" || exitForm {
			return v
		}
		return fallback
	}
	stage, police, social := "", "", ""
	if x != nil {
		stage, police, social = string(x.Stage), strconv.FormatInt(x.PoliceContactID, 10), strconv.FormatInt(x.SocialContactID, 10)
		if !exitForm {
			p.Form["wish_on"], p.Form["police_assessment"], p.Form["programme"] = x.WishOn, x.PoliceAssessment, x.Programme
		}
	}
	d.Stage = choice("stage", "security.stage", stages, "stage_", cur("stage", stage))
	contacts := func(name, labelKey string, cs []store.SecurityContact, current string) selectField {
		f := selectField{Name: name, Label: p.T(labelKey), Error: p.FieldError(name), Hint: p.T("security.contact_hint")}
		f.Options = append(f.Options, caseChoice{Value: "", Label: p.T("form.choose")})
		for _, c := range cs {
			id := strconv.FormatInt(c.ID, 10)
			f.Options = append(f.Options, caseChoice{Value: id, Label: c.Name + " (" + c.Agency + ")", Selected: id == current})
		}
		return f
	}
	d.PoliceContact = contacts("police_contact", "security.police_contact", sv.Police, cur("police_contact", police))
	d.SocialContact = contacts("social_contact", "security.social_contact", sv.Social, cur("social_contact", social))
	d.DestinationEditable = x == nil || !x.DestinationSet || x.DestinationShown
	p.Data = d
	s.render(w, r, status, "case_security", p)
}

// caseSecurityRecord records an assessment.
func (s *Server) caseSecurityRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	in := casework.SecurityInput{Kind: casework.ParticipantKind(r.PostFormValue("participant")), Name: r.PostFormValue("participant_name"),
		Level: casework.ThreatLevel(r.PostFormValue("level")), Threats: r.PostFormValue("threats"), Linked: r.PostFormValue("linked"),
		Escalation: r.PostFormValue("escalation"), Measures: r.PostFormValue("measures"), AssessedOn: r.PostFormValue("assessed_on"),
		ReviewOn: r.PostFormValue("review_on")}
	_, err := s.store.RecordSecurityAssessment(r.Context(), id, in)
	s.securityAnswer(w, r, id, err, "security.saved", false,
		"participant", "participant_name", "level", "threats", "linked", "escalation", "measures", "assessed_on", "review_on")
}

// securityAnswer answers a security form: back to the page with a flash when saved; else the
// page again with the errors at their fields and the values kept (exitForm: the pathway's form
// open), or the failure ("not found" for a case the actor may not see).
func (s *Server) securityAnswer(w http.ResponseWriter, r *http.Request, id int64, err error, flash string, exitForm bool, fields ...string) {
	if err == nil {
		s.setFlash(w, r, flash)
		http.Redirect(w, r, caseURL(id, "/security"), http.StatusSeeOther)
		return
	}
	p := s.page(w, r, "security.title")
	status, ok := s.caseRefusal(p, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadCaseView(w, r, p, "security")
	if !ok {
		return
	}
	formValues(r, p, fields...)
	s.renderCaseSecurity(w, r, p, v, status, exitForm)
}

// caseSecurityExit records or changes the exit pathway. The destination field is sent only by
// a form that shows it (to a named contact); otherwise it stays as it was.
func (s *Server) caseSecurityExit(w http.ResponseWriter, r *http.Request) {
	caseID, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	id := func(name string) int64 { n, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64); return n }
	in := casework.ExitInput{Stage: casework.ExitStage(r.PostFormValue("stage")), WishOn: r.PostFormValue("wish_on"),
		PoliceAssessment: r.PostFormValue("police_assessment"), Programme: r.PostFormValue("programme"),
		PoliceContactID: id("police_contact"), SocialContactID: id("social_contact")}
	if _, ok := r.PostForm["destination"]; ok {
		dest := r.PostFormValue("destination")
		in.Destination = &dest
	}
	fields := []string{"stage", "wish_on", "police_assessment", "programme", "police_contact", "social_contact"}
	if in.Destination != nil {
		fields = append(fields, "destination") // what the poster typed, back to them
	}
	s.securityAnswer(w, r, caseID, s.store.SaveExitPathway(r.Context(), caseID, in), "security.exit_saved", true, fields...)
}

// caseSecuritySeen marks the actor's alerts on the case seen.
func (s *Server) caseSecuritySeen(w http.ResponseWriter, r *http.Request) {
	id, ok := casePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.store.MarkSecurityAlertsSeen(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/security/alerts", http.StatusSeeOther)
}

// securityAlertsData is the actor's alerts of raised levels and reviews due.
type securityAlertsData struct {
	Alerts  []store.SecurityAlert
	Reviews []store.SecurityReview
}

func (s *Server) securityAlerts(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "security.alerts_title")
	as, rs, err := s.store.MySecurityAlerts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = securityAlertsData{Alerts: as, Reviews: rs}
	s.render(w, r, http.StatusOK, "security_alerts", p)
}
