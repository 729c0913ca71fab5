package api

import (
	"net/http"
	"reflect"
	"time"

	"lots/internal/casework"
)

// Operative groups: the people around one young person — professionals the valid consent
// covers, adults the young person trusts, the guardians and the young person — with a lead
// contact and a meeting rhythm. Membership never gives access; the consent does.

func (api *API) groupRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/groups", Summary: "The groups you are in, as a member or as staff on the case, among the cases you may see now", Tag: "groups",
			Response: reflect.TypeFor[GroupList](), Handle: api.myGroups},
		{Method: "GET", Path: "/api/v1/cases/{id}/group", Summary: "The case's operative group: members with their consent coverage, the lead contact, the rhythm", Tag: "groups",
			Response: reflect.TypeFor[Group](), Handle: api.group},
		{Method: "POST", Path: "/api/v1/cases/{id}/group/members", Summary: "Add a member; a professional the valid consent does not cover is a 409 problem naming what the consent lacks", Tag: "groups",
			Request: reflect.TypeFor[MemberRequest](), Response: reflect.TypeFor[GroupMember](), Status: http.StatusCreated, Handle: api.addMember},
		{Method: "DELETE", Path: "/api/v1/cases/{id}/group/members/{mid}", Summary: "Take a member out of the group (past attendance still names them)", Tag: "groups",
			Status: http.StatusNoContent, Handle: api.removeMember},
		{Method: "PUT", Path: "/api/v1/cases/{id}/group/lead", Summary: "Choose the lead contact: a covered professional or a trusted adult", Tag: "groups",
			Request: reflect.TypeFor[LeadRequest](), Status: http.StatusNoContent, Handle: api.setLead},
		{Method: "PUT", Path: "/api/v1/cases/{id}/group/rhythm", Summary: "Set how often the group meets", Tag: "groups",
			Request: reflect.TypeFor[RhythmRequest](), Status: http.StatusNoContent, Handle: api.setRhythm},
	}
}

// Group is a case's operative group.
type Group struct {
	CaseID       int64         `json:"case_id"`
	RhythmWeeks  int           `json:"rhythm_weeks" doc:"how often the group meets, in weeks"`
	LeadMemberID int64         `json:"lead_member_id,omitempty" doc:"the lead contact; left out when none is chosen"`
	Members      []GroupMember `json:"members" doc:"in the order they were added"`
}

// GroupMember is one person in a group.
type GroupMember struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind" enum:"professional,trusted_adult,youth,guardian"`
	UserID     int64     `json:"user_id,omitempty" doc:"a professional: the user"`
	AgencyID   int64     `json:"agency_id,omitempty"`
	Agency     string    `json:"agency,omitempty"`
	AgencyKind string    `json:"agency_kind,omitempty"`
	PersonID   int64     `json:"person_id,omitempty" doc:"a trusted adult or guardian linked to one of the young person's related persons"`
	Name       string    `json:"name,omitempty" doc:"left out for the young person, whom the case names"`
	Relation   string    `json:"relation,omitempty" doc:"a trusted adult's or guardian's relation to the young person"`
	Contact    string    `json:"contact,omitempty" doc:"a trusted adult's phone or e-mail"`
	Role       string    `json:"role,omitempty" doc:"the role in the group: kontaktpolis, mentor …"`
	Lead       bool      `json:"lead"`
	Covered    bool      `json:"covered" doc:"a professional is covered while social services staff on the case or named by a valid consent; one not covered is left out of invitations. Members who are not professionals never use Lots and are always covered"`
	Ground     string    `json:"ground,omitempty" doc:"what a covered professional's coverage rests on: staff, or consent:<id>"`
	AddedAt    time.Time `json:"added_at"`
}

func groupOf(g casework.Group) Group {
	out := Group{CaseID: g.CaseID, RhythmWeeks: g.RhythmWeeks, Members: []GroupMember{}}
	if l, ok := g.Lead(); ok {
		out.LeadMemberID = l.ID
	}
	for _, m := range g.Members {
		out.Members = append(out.Members, memberOf(m))
	}
	return out
}

func memberOf(m casework.GroupMember) GroupMember {
	return GroupMember{ID: m.ID, Kind: string(m.Kind), UserID: m.UserID, AgencyID: m.AgencyID, Agency: m.AgencyName, AgencyKind: string(m.AgencyKind),
		PersonID: m.PersonID, Name: m.Name, Relation: m.Relation, Contact: m.Contact, Role: m.Role, Lead: m.Lead, Covered: m.Covered,
		Ground: m.Ground, AddedAt: utc(m.AddedAt)}
}

func (api *API) group(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	g, err := api.store.Group(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, groupOf(g))
}

// MemberRequest adds a member to the group.
type MemberRequest struct {
	Kind     string `json:"kind" enum:"professional,trusted_adult,youth,guardian"`
	UserID   int64  `json:"user_id,omitempty" doc:"professional: a colleague (GET /colleagues) who works with cases; the valid consent must cover their agency or them by name, unless they are social services staff on the case"`
	PersonID int64  `json:"person_id,omitempty" doc:"trusted adult or guardian: one of the young person's related persons (GET /cases/{id}/persons); or give name instead"`
	Name     string `json:"name,omitempty" doc:"trusted adult or guardian not among the related persons"`
	Relation string `json:"relation,omitempty" doc:"trusted adult: fotbollstränare, morbror …"`
	Contact  string `json:"contact,omitempty" doc:"trusted adult: phone or e-mail"`
	Role     string `json:"role,omitempty" doc:"the role in the group; suggested: kontaktpolis, mentor, kurator, fältare, fritidsledare, BUP-kontakt, handläggare, elevhälsa"`
}

// memberFields maps the store's field names of a member to the body's.
var memberFields = map[string]string{"user": "user_id", "person": "person_id"}

func (api *API) addMember(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in MemberRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := api.store.AddGroupMember(r.Context(), id, casework.MemberInput{Kind: casework.MemberKind(in.Kind), UserID: in.UserID,
		PersonID: in.PersonID, Name: in.Name, Relation: in.Relation, Contact: in.Contact, Role: in.Role})
	if err != nil {
		return renameFields(consentConflict(err), fieldMap(memberFields))
	}
	return writeJSON(w, http.StatusCreated, memberOf(m))
}

// consentConflict presents the store's refusal of a professional the valid consent does not
// cover as a conflict with the case's state rather than a mistake in the request: the body is
// right, the consent is what must change. The key and its message — which name the agency the
// consent lacks — stay the store's.
func consentConflict(err error) error {
	fs := casework.FieldErrorsOf(err)
	if len(fs) != 1 || (fs[0].Key != "group.consent_none" && fs[0].Key != "group.consent_missing_agency") {
		return err
	}
	return &casework.Error{Code: casework.EConflict, Key: fs[0].Key, Args: fs[0].Args, Field: "user_id",
		Detail: "the valid consent does not cover the professional's agency"}
}

func (api *API) removeMember(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	mid, err := pathID(r, "mid")
	if err != nil {
		return err
	}
	if err := api.store.RemoveGroupMember(r.Context(), id, mid); err != nil {
		return err
	}
	return noContent(w)
}

// LeadRequest chooses the group's lead contact.
type LeadRequest struct {
	MemberID int64 `json:"member_id" doc:"a member of the group: a professional the consent covers, or a trusted adult"`
}

func (api *API) setLead(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in LeadRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.SetGroupLead(r.Context(), id, in.MemberID); err != nil {
		return renameFields(err, fieldMap(map[string]string{"lead": "member_id"}))
	}
	return noContent(w)
}

// RhythmRequest sets how often the group meets.
type RhythmRequest struct {
	Weeks int `json:"weeks" doc:"1–8; groups usually meet every 3–5 weeks"`
}

func (api *API) setRhythm(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in RhythmRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.SetGroupRhythm(r.Context(), id, in.Weeks); err != nil {
		return renameFields(err, fieldMap(map[string]string{"rhythm": "weeks"}))
	}
	return noContent(w)
}

// GroupSummary is a group you are in.
type GroupSummary struct {
	CaseID      int64     `json:"case_id"`
	YouthName   string    `json:"youth_name"`
	Step        string    `json:"step" enum:"identified,assessment,decision,parties,motivation,consent,mapping,network,planning,active,closed,followed_up"`
	Staff       bool      `json:"staff" doc:"you are social services staff on the case"`
	Role        string    `json:"role,omitempty" doc:"your role in the group"`
	Lead        bool      `json:"lead" doc:"you are the lead contact"`
	LeadName    string    `json:"lead_name,omitempty"`
	Members     int       `json:"members"`
	NextMeeting time.Time `json:"next_meeting,omitzero" doc:"the start of the next planned meeting"`
}

// GroupList is your groups, by the young person's name.
type GroupList struct {
	Items []GroupSummary `json:"items"`
}

func (api *API) myGroups(w http.ResponseWriter, r *http.Request) error {
	gs, err := api.store.MyGroups(r.Context())
	if err != nil {
		return err
	}
	out := GroupList{Items: []GroupSummary{}}
	for _, g := range gs {
		out.Items = append(out.Items, GroupSummary{CaseID: g.CaseID, YouthName: g.Name, Step: string(g.Step), Staff: g.Staff, Role: g.Role,
			Lead: g.Lead, LeadName: g.LeadName, Members: g.Members, NextMeeting: utc(g.NextMeeting)})
	}
	return writeJSON(w, http.StatusOK, out)
}
