package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
)

// One case: its overview, the young person's details, who works on it and which agencies take
// part.

func (api *API) caseRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}", Summary: "A case: young person, step, staff, parties, deadlines, IRK summary, consent state", Tag: "cases",
			Response: reflect.TypeFor[CaseDetail](), Handle: api.caseDetail},
		{Method: "PUT", Path: "/api/v1/cases/{id}/youth", Summary: "Correct the young person's details", Tag: "cases",
			Request: reflect.TypeFor[YouthInput](), Status: http.StatusNoContent, Handle: api.updateYouth},
		{Method: "PUT", Path: "/api/v1/cases/{id}/staff", Summary: "Assign the coordinator (replacing the present one) or add a case officer", Tag: "cases",
			Request: reflect.TypeFor[StaffRequest](), Status: http.StatusNoContent, Handle: api.assignStaff},
		{Method: "DELETE", Path: "/api/v1/cases/{id}/staff/{uid}", Summary: "Remove a case officer from the case", Tag: "cases",
			Status: http.StatusNoContent, Handle: api.removeStaff},
		{Method: "PUT", Path: "/api/v1/cases/{id}/parties", Summary: "Set the agencies identified as needed for the case (step 5)", Tag: "cases",
			Request: reflect.TypeFor[PartiesRequest](), Status: http.StatusNoContent, Handle: api.setParties},
	}
}

// CaseDetail is a case's overview.
type CaseDetail struct {
	ID            int64        `json:"id"`
	Program       string       `json:"program" enum:"sig,sspf"`
	Step          string       `json:"step" enum:"identified,assessment,decision,parties,motivation,consent,mapping,network,planning,active,closed,followed_up"`
	StepNumber    string       `json:"step_number,omitempty" doc:"the step's number in the eleven steps of SIG, e.g. 1–2"`
	StepSince     time.Time    `json:"step_since"`
	OpenedAt      time.Time    `json:"opened_at"`
	RiskLevel     string       `json:"risk_level,omitempty" enum:"low,moderate,high,very_high" doc:"the professional's judgement at intake; its reason is in the assessments"`
	ClosureReason string       `json:"closure_reason,omitempty" enum:"goals_reached,moved,placed,declined,consent_withdrawn,aged_out,not_now,referred,not_started,excluded,other"`
	Milestones    Milestones   `json:"milestones"`
	Youth         Youth        `json:"youth"`
	Staff         []Staff      `json:"staff"`
	Parties       []Party      `json:"parties"`
	Deadlines     []Deadline   `json:"deadlines"`
	IRK           IRKSummary   `json:"irk" doc:"the latest IRK check"`
	Consent       ConsentState `json:"consent"`
	Actions       []MoveAction `json:"actions" doc:"the moves of the flow from this step that you may make, each with whether the case allows it now and why not; the same answer the server gives when you make it"`
	May           May          `json:"may" doc:"what you may do with this case: the categories you read, and the work you may do in each category"`
	Access        string       `json:"access" doc:"why you see the case, e.g. staff:coordinator, intake:coordinator, consent:<id>"`
}

// MoveAction is a move of the flow you may make.
type MoveAction struct {
	Action   string `json:"action" enum:"prep_take_on,prep_not_now,prep_refer,assessment_done,decide_start,decide_not_start,back_to_assessment,parties_set,motivation_done,consent_given,back_to_parties,start_motivation,plan_set,back_to_planning,close,followup_done,reopen"`
	Possible bool   `json:"possible" doc:"the case's facts allow the move now"`
	Refusal  string `json:"refusal,omitempty" doc:"when not possible: the key of the flow's refusal, e.g. flow.needs_consent"`
	Message  string `json:"message,omitempty" doc:"the refusal in your language"`
	Reason   string `json:"reason" enum:"none,optional,required" doc:"whether the move asks for a reason"`
}

// May is what you may do with a case, decided once by the access rule.
type May struct {
	Read []string   `json:"read" doc:"the information categories you may read"`
	Work []WorkAuth `json:"work" doc:"the kinds of work you may do, each in the categories it is allowed in"`
}

// WorkAuth is one kind of work you may do.
type WorkAuth struct {
	Work       string   `json:"work" enum:"prep_decision,flow,youth,edit,assess,note"`
	Categories []string `json:"categories"`
}

// mayOf describes m for the API, in the actor's language.
func (api *API) mayOf(r *http.Request, m access.May) ([]MoveAction, May) {
	l := api.locale(r)
	moves := []MoveAction{}
	for _, o := range m.Moves {
		if !o.Decision.Allowed {
			continue // a move this actor may never make is not offered
		}
		a := MoveAction{Action: string(o.Action), Possible: o.Possible(), Reason: string(o.Reason)}
		if a.Reason == "" {
			a.Reason = "none"
		}
		if o.Blocked != "" {
			a.Refusal, a.Message = o.Blocked, api.catalog.T(l, o.Blocked)
		}
		moves = append(moves, a)
	}
	out := May{Read: []string{}, Work: []WorkAuth{}}
	for _, c := range access.Categories {
		if m.Sees(c) {
			out.Read = append(out.Read, string(c))
		}
	}
	for _, w := range access.Works {
		wa := WorkAuth{Work: string(w), Categories: []string{}}
		for _, c := range append(append([]casework.Category{}, casework.ConsentCategories...), casework.CatProtected, casework.CatSecurity, casework.CatExitDestination) {
			if m.Write(w, c).Allowed {
				wa.Categories = append(wa.Categories, string(c))
			}
		}
		if len(wa.Categories) > 0 {
			out.Work = append(out.Work, wa)
		}
	}
	return moves, out
}

// Milestones are the moments the case reached; left out when not reached.
type Milestones struct {
	TakenOn        time.Time `json:"taken_on,omitzero"`
	AssessmentDone time.Time `json:"assessment_done,omitzero"`
	DecidedStart   time.Time `json:"decided_start,omitzero"`
	GroupConvened  time.Time `json:"group_convened,omitzero"`
	PlanSet        time.Time `json:"plan_set,omitzero"`
	Closed         time.Time `json:"closed,omitzero"`
	FollowUp6      time.Time `json:"followup_6,omitzero"`
	FollowUp12     time.Time `json:"followup_12,omitzero"`
}

// Staff is a social services worker on the case.
type Staff struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role" enum:"coordinator,case_officer"`
	Name   string `json:"name"`
}

// Party is an agency identified as needed for the case.
type Party struct {
	AgencyID   int64  `json:"agency_id"`
	Agency     string `json:"agency"`
	AgencyKind string `json:"agency_kind"`
	Reason     string `json:"reason,omitempty"`
}

// IRKSummary counts an IRK check's factors by rating.
type IRKSummary struct {
	Clear        int      `json:"clear"`
	Some         int      `json:"some"`
	No           int      `json:"no"`
	Unknown      int      `json:"unknown"`
	ClearFactors []string `json:"clear_factors"`
}

// ConsentState says whether a consent is in force and which one.
type ConsentState struct {
	Valid   bool            `json:"valid" doc:"a consent is in force now"`
	Count   int             `json:"count" doc:"consents drawn up for the case, in any state"`
	Current *ConsentSummary `json:"current,omitempty" doc:"the consent in force, else the latest"`
}

// ConsentSummary is a consent in brief.
type ConsentSummary struct {
	ID         int64     `json:"id"`
	Status     string    `json:"status" enum:"unsigned,future,valid,expired,withdrawn"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
	Categories []string  `json:"categories"`
	Parties    []string  `json:"parties" doc:"names of the agencies and people it covers"`
}

func (api *API) caseDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	cd, err := api.store.CaseDetail(r.Context(), id)
	if err != nil {
		return err
	}
	now := api.store.Now()
	c, m := cd.Case, cd.Case.Milestones
	out := CaseDetail{
		ID: c.ID, Program: string(c.Program), Step: string(c.Step), StepNumber: c.Step.NumberIn(c.Program), StepSince: utc(c.StepSince),
		OpenedAt: utc(c.OpenedAt), RiskLevel: string(c.RiskLevel), ClosureReason: string(c.ClosureReason),
		Milestones: Milestones{TakenOn: utc(m.TakenOn), AssessmentDone: utc(m.AssessmentDone), DecidedStart: utc(m.DecidedStart),
			GroupConvened: utc(m.GroupConvened), PlanSet: utc(m.PlanSet), Closed: utc(m.Closed), FollowUp6: utc(m.FollowUp6), FollowUp12: utc(m.FollowUp12)},
		Youth:     youthOf(cd.Youth, cd.Age, cd.District),
		Staff:     []Staff{},
		Parties:   []Party{},
		Deadlines: deadlinesOf(cd.Deadlines, now),
		IRK: IRKSummary{Clear: cd.IRK.Clear, Some: cd.IRK.Some, No: cd.IRK.No, Unknown: cd.IRK.Unknown,
			ClearFactors: orEmpty(cd.IRK.ClearFactors)},
		Consent: ConsentState{Valid: cd.HasConsent, Count: cd.ConsentCount},
		Access:  cd.Ground.String(),
	}
	for _, s := range cd.Staff {
		out.Staff = append(out.Staff, Staff{UserID: s.UserID, Role: string(s.Role), Name: s.Name})
	}
	for _, p := range cd.Parties {
		out.Parties = append(out.Parties, Party{AgencyID: p.AgencyID, Agency: p.AgencyName, AgencyKind: string(p.AgencyKind), Reason: p.Reason})
	}
	if cd.ConsentCount > 0 {
		k := cd.Consent
		s := &ConsentSummary{ID: k.ID, Status: string(k.StatusAt(now)), ValidFrom: utc(k.ValidFrom), ValidUntil: utc(k.ValidUntil),
			Categories: categoryNames(k.Categories), Parties: []string{}}
		for _, p := range k.Parties {
			s.Parties = append(s.Parties, p.Name)
		}
		out.Consent.Current = s
	}
	out.Actions, out.May = api.mayOf(r, cd.May)
	return writeJSON(w, http.StatusOK, out)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func categoryNames(cs []casework.Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func (api *API) updateYouth(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in YouthInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.UpdateYouth(r.Context(), id, in.domain()); err != nil {
		return renameFields(err, fieldMap(map[string]string{"district": "district_id"}))
	}
	return noContent(w)
}

// StaffRequest assigns a social services worker to the case.
type StaffRequest struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role" enum:"coordinator,case_officer"`
}

func (api *API) assignStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in StaffRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.AssignStaff(r.Context(), id, in.UserID, casework.StaffRole(in.Role)); err != nil {
		return renameFields(err, fieldMap(map[string]string{"user": "user_id"}))
	}
	return noContent(w)
}

func (api *API) removeStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	uid, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	if err := api.store.RemoveStaff(r.Context(), id, uid); err != nil {
		return err
	}
	return noContent(w)
}

// PartiesRequest is the whole list of agencies needed for the case; it replaces the present
// one.
type PartiesRequest struct {
	Parties []PartyInput `json:"parties"`
}

// PartyInput is an agency needed for the case, with why.
type PartyInput struct {
	AgencyID int64  `json:"agency_id"`
	Reason   string `json:"reason,omitempty"`
}

func (api *API) setParties(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in PartiesRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ps := make([]casework.Party, len(in.Parties))
	for i, p := range in.Parties {
		ps[i] = casework.Party{AgencyID: p.AgencyID, Reason: p.Reason}
	}
	if err := api.store.SetParties(r.Context(), id, ps); err != nil {
		return renameFields(err, fieldMap(map[string]string{"reason": "parties.*.reason"}))
	}
	return noContent(w)
}
