package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// Security assessments and exit pathways (issue 14; docs/security-assessment.md): information
// category "security", which only the social services staff on the case and the consented
// parties of the agency kinds the municipality lists (the police and social services by
// default) see; the exit pathway's destination only the police and social-services staff named
// on it.

func (api *API) securityRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/security", Summary: "The case's security assessments and exit pathway (the destination only for the named contacts)", Tag: "security",
			Response: reflect.TypeFor[Security](), Handle: api.security},
		{Method: "POST", Path: "/api/v1/cases/{id}/security/assessments", Summary: "Record a security assessment of one participant; a raised level alerts the coordinator and the police contact", Tag: "security",
			Request: reflect.TypeFor[SecurityAssessmentInput](), Response: reflect.TypeFor[SecurityAssessment](), Status: http.StatusCreated, Handle: api.recordSecurity},
		{Method: "PUT", Path: "/api/v1/cases/{id}/security/exit", Summary: "Record or change the exit pathway; a protected relocation turns on protected identity", Tag: "security",
			Request: reflect.TypeFor[ExitPathwayInput](), Response: reflect.TypeFor[Security](), Handle: api.saveExit},
		{Method: "GET", Path: "/api/v1/security/alerts", Summary: "The caller's alerts of raised threat levels and the reviews due on their cases", Tag: "security",
			Response: reflect.TypeFor[SecurityAlerts](), Handle: api.securityAlerts},
	}
}

// SecurityAssessmentInput is a security assessment as entered.
type SecurityAssessmentInput struct {
	Participant     string `json:"participant" enum:"youth,sibling,guardian,witness,other"`
	ParticipantName string `json:"participant_name,omitempty" doc:"required unless the participant is the young person"`
	Level           string `json:"level" enum:"low,elevated,high,severe"`
	Threats         string `json:"threats,omitempty" doc:"known threats and conflicts"`
	Linked          string `json:"linked,omitempty" doc:"persons linked to the threats"`
	Escalation      string `json:"escalation,omitempty" doc:"signs of escalation"`
	Measures        string `json:"measures,omitempty" doc:"protective measures"`
	AssessedOn      string `json:"assessed_on,omitempty" doc:"YYYY-MM-DD; today when left out; not in the future"`
	ReviewOn        string `json:"review_on" doc:"YYYY-MM-DD, after assessed_on: required"`
}

// SecurityAssessment is a recorded security assessment.
type SecurityAssessment struct {
	ID              int64     `json:"id"`
	Participant     string    `json:"participant" enum:"youth,sibling,guardian,witness,other"`
	ParticipantName string    `json:"participant_name,omitempty"`
	Level           string    `json:"level" enum:"low,elevated,high,severe"`
	PreviousLevel   string    `json:"previous_level,omitempty" doc:"the participant's level before this assessment"`
	Threats         string    `json:"threats,omitempty"`
	Linked          string    `json:"linked,omitempty"`
	Escalation      string    `json:"escalation,omitempty"`
	Measures        string    `json:"measures,omitempty"`
	AssessedOn      string    `json:"assessed_on"`
	ReviewOn        string    `json:"review_on"`
	ReviewDue       bool      `json:"review_due" doc:"the review date has come"`
	Current         bool      `json:"current" doc:"the participant's latest assessment"`
	By              string    `json:"by"`
	ByAgency        string    `json:"by_agency"`
	CreatedAt       time.Time `json:"created_at"`
}

// ExitPathwayInput is an exit pathway as entered.
type ExitPathwayInput struct {
	Stage            string  `json:"stage" enum:"wish,assessed,programme,relocated,identity,ended"`
	WishOn           string  `json:"wish_on" doc:"YYYY-MM-DD the wish to leave was expressed"`
	PoliceAssessment string  `json:"police_assessment,omitempty"`
	Programme        string  `json:"programme,omitempty" doc:"the exit programme; required from stage programme"`
	PoliceContactID  int64   `json:"police_contact_id" doc:"a user of a police agency: one of the two who see the destination"`
	SocialContactID  int64   `json:"social_contact_id" doc:"a user of social services: the other who sees the destination"`
	Destination      *string `json:"destination,omitempty" doc:"left out: unchanged; only a named contact may set it; required for relocated and identity"`
}

// ExitPathway is a case's exit pathway as the caller may see it.
type ExitPathway struct {
	Stage            string    `json:"stage" enum:"wish,assessed,programme,relocated,identity,ended"`
	WishOn           string    `json:"wish_on"`
	PoliceAssessment string    `json:"police_assessment,omitempty"`
	Programme        string    `json:"programme,omitempty"`
	PoliceContactID  int64     `json:"police_contact_id"`
	PoliceContact    string    `json:"police_contact"`
	SocialContactID  int64     `json:"social_contact_id"`
	SocialContact    string    `json:"social_contact"`
	Destination      *string   `json:"destination,omitempty" doc:"only for the named contacts"`
	UpdatedAt        time.Time `json:"updated_at"`
	UpdatedBy        string    `json:"updated_by"`
}

// Security is a case's security information.
type Security struct {
	Assessments []SecurityAssessment `json:"assessments" doc:"newest first"`
	Exit        *ExitPathway         `json:"exit,omitempty"`
}

// SecurityAlert is an alert of a raised level.
type SecurityAlert struct {
	CaseID        int64     `json:"case_id"`
	Name          string    `json:"name"`
	Level         string    `json:"level"`
	PreviousLevel string    `json:"previous_level,omitempty"`
	At            time.Time `json:"at"`
}

// SecurityReview is an assessment whose review date has come.
type SecurityReview struct {
	CaseID      int64  `json:"case_id"`
	Name        string `json:"name"`
	Participant string `json:"participant"`
	Level       string `json:"level"`
	ReviewOn    string `json:"review_on"`
}

// SecurityAlerts are the caller's alerts and due reviews.
type SecurityAlerts struct {
	Alerts  []SecurityAlert  `json:"alerts"`
	Reviews []SecurityReview `json:"reviews"`
}

func securityOf(v store.SecurityView) Security {
	out := Security{Assessments: []SecurityAssessment{}}
	for _, a := range v.History {
		out.Assessments = append(out.Assessments, securityAssessmentOf(a, v.Today))
	}
	if x := v.Exit; x != nil {
		e := &ExitPathway{Stage: string(x.Stage), WishOn: x.WishOn, PoliceAssessment: x.PoliceAssessment, Programme: x.Programme,
			PoliceContactID: x.PoliceContactID, PoliceContact: x.PoliceContact, SocialContactID: x.SocialContactID, SocialContact: x.SocialContact,
			UpdatedAt: utc(x.UpdatedAt), UpdatedBy: x.UpdatedBy}
		if x.DestinationShown {
			d := x.Destination
			e.Destination = &d
		}
		out.Exit = e
	}
	return out
}

func securityAssessmentOf(a casework.SecurityAssessment, today string) SecurityAssessment {
	return SecurityAssessment{ID: a.ID, Participant: string(a.Kind), ParticipantName: a.Name, Level: string(a.Level), PreviousLevel: string(a.Previous),
		Threats: a.Threats, Linked: a.Linked, Escalation: a.Escalation, Measures: a.Measures, AssessedOn: a.AssessedOn, ReviewOn: a.ReviewOn,
		ReviewDue: !a.Superseded && a.ReviewDue(today), Current: !a.Superseded, By: a.ByName, ByAgency: a.ByAgency, CreatedAt: utc(a.CreatedAt)}
}

func (api *API) security(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	v, err := api.store.Security(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, securityOf(v))
}

func (api *API) recordSecurity(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in SecurityAssessmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := api.store.RecordSecurityAssessment(r.Context(), id, casework.SecurityInput{Kind: casework.ParticipantKind(in.Participant), Name: in.ParticipantName,
		Level: casework.ThreatLevel(in.Level), Threats: in.Threats, Linked: in.Linked, Escalation: in.Escalation, Measures: in.Measures,
		AssessedOn: in.AssessedOn, ReviewOn: in.ReviewOn})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, securityAssessmentOf(a, ""))
}

func (api *API) saveExit(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in ExitPathwayInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.SaveExitPathway(r.Context(), id, casework.ExitInput{Stage: casework.ExitStage(in.Stage), WishOn: in.WishOn,
		PoliceAssessment: in.PoliceAssessment, Programme: in.Programme, PoliceContactID: in.PoliceContactID, SocialContactID: in.SocialContactID,
		Destination: in.Destination}); err != nil {
		return renameFields(err, func(f string) string {
			if f == "police_contact" || f == "social_contact" {
				return f + "_id"
			}
			return f
		})
	}
	v, err := api.store.Security(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, securityOf(v))
}

func (api *API) securityAlerts(w http.ResponseWriter, r *http.Request) error {
	as, rs, err := api.store.MySecurityAlerts(r.Context())
	if err != nil {
		return err
	}
	out := SecurityAlerts{Alerts: []SecurityAlert{}, Reviews: []SecurityReview{}}
	for _, a := range as {
		out.Alerts = append(out.Alerts, SecurityAlert{CaseID: a.CaseID, Name: a.Name, Level: string(a.Level), PreviousLevel: string(a.Previous), At: utc(a.CreatedAt)})
	}
	for _, x := range rs {
		out.Reviews = append(out.Reviews, SecurityReview{CaseID: x.CaseID, Name: x.Name, Participant: string(x.Kind), Level: string(x.Level), ReviewOn: x.ReviewOn})
	}
	return writeJSON(w, http.StatusOK, out)
}
