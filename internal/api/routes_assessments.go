package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
)

// Assessments with structured instruments (social services' documentation), and the
// instruments themselves as data.

func (api *API) assessmentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/assessments", Summary: "The case's assessments, oldest first", Tag: "assessments",
			Response: reflect.TypeFor[AssessmentList](), Handle: api.assessments},
		{Method: "POST", Path: "/api/v1/cases/{id}/assessments", Summary: "Record an assessment; at intake, the risk level with its reason becomes the case's", Tag: "assessments",
			Request: reflect.TypeFor[AssessmentInput](), Response: reflect.TypeFor[Assessment](), Status: http.StatusCreated, Handle: api.recordAssessment},
		{Method: "GET", Path: "/api/v1/instruments", Summary: "The instruments the municipality uses, as data: domains, items, scales", Tag: "assessments",
			Response: reflect.TypeFor[InstrumentList](), Handle: api.instruments},
	}
}

// AssessmentInput is an administration of an instrument.
type AssessmentInput struct {
	Instrument string   `json:"instrument" doc:"an instrument code from GET /instruments, e.g. irk"`
	TimePoint  string   `json:"time_point" enum:"concern,intake,midway,closure,followup"`
	AssessedAt string   `json:"assessed_at,omitempty" doc:"YYYY-MM-DD or an RFC 3339 time; now when left out; not in the future"`
	Ratings    []Rating `json:"ratings" doc:"every item of the instrument"`
	Protective string   `json:"protective,omitempty"`
	Note       string   `json:"note,omitempty"`
	RiskLevel  string   `json:"risk_level,omitempty" enum:"low,moderate,high,very_high" doc:"the professional's overall judgement"`
	RiskReason string   `json:"risk_reason,omitempty" doc:"required with risk_level"`
}

// Assessment is a recorded assessment.
type Assessment struct {
	ID         int64     `json:"id"`
	Instrument string    `json:"instrument"`
	Version    string    `json:"version" doc:"the instrument's version it was made with"`
	TimePoint  string    `json:"time_point" enum:"concern,intake,midway,closure,followup"`
	AssessedAt time.Time `json:"assessed_at"`
	AssessorID int64     `json:"assessor_id"`
	Assessor   string    `json:"assessor"`
	AgencyKind string    `json:"agency_kind"`
	Ratings    []Rating  `json:"ratings"`
	Protective string    `json:"protective,omitempty"`
	Note       string    `json:"note,omitempty"`
	RiskLevel  string    `json:"risk_level,omitempty" enum:"low,moderate,high,very_high"`
	RiskReason string    `json:"risk_reason,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// AssessmentList is the case's assessments.
type AssessmentList struct {
	Items []Assessment `json:"items"`
}

// InstrumentList is the instruments in their definition format (casework.Instrument).
type InstrumentList struct {
	Items []casework.Instrument `json:"items"`
}

func assessmentOf(a casework.Assessment) Assessment {
	return Assessment{ID: a.ID, Instrument: a.Instrument, Version: a.Version, TimePoint: string(a.TimePoint), AssessedAt: utc(a.AssessedAt),
		AssessorID: a.AssessorID, Assessor: a.AssessorName, AgencyKind: string(a.AgencyKind), Ratings: ratingsOut(a.Ratings),
		Protective: a.Protective, Note: a.Note, RiskLevel: string(a.RiskLevel), RiskReason: a.RiskReason, CreatedAt: utc(a.CreatedAt)}
}

func (api *API) assessments(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	as, err := api.store.Assessments(r.Context(), id)
	if err != nil {
		return err
	}
	out := AssessmentList{Items: []Assessment{}}
	for _, a := range as {
		out.Items = append(out.Items, assessmentOf(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) recordAssessment(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in AssessmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	at, err := parseMoment("assessed_at", in.AssessedAt)
	if err != nil {
		return err
	}
	as := casework.Assessment{Instrument: in.Instrument, TimePoint: casework.TimePoint(in.TimePoint), AssessedAt: at,
		Ratings: ratingsIn(in.Ratings), Protective: in.Protective, Note: in.Note, RiskLevel: casework.RiskLevel(in.RiskLevel), RiskReason: in.RiskReason}
	if err := api.store.RecordAssessment(r.Context(), id, &as); err != nil {
		return renameFields(err, ratingField)
	}
	return writeJSON(w, http.StatusCreated, assessmentOf(as))
}

func (api *API) instruments(w http.ResponseWriter, r *http.Request) error {
	ins, err := api.store.Instruments(r.Context())
	if err != nil {
		return err
	}
	out := InstrumentList{Items: []casework.Instrument{}}
	out.Items = append(out.Items, ins...)
	return writeJSON(w, http.StatusOK, out)
}
