package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// Meetings of the operative group: planned in the municipality's fixed weekly slots in the
// group's rhythm, with an agenda, attendance and minutes, decisions that become tasks, and a
// calendar file that says nothing about the young person.

func (api *API) meetingRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/meetings", Summary: "Your planned meetings from now on, in the groups you are in, soonest first", Tag: "meetings",
			Query:    []Param{{Name: "limit", Type: "integer", Doc: "at most this many, 1–100; 10 when left out"}},
			Response: reflect.TypeFor[MyMeetingList](), Handle: api.myMeetings},
		{Method: "GET", Path: "/api/v1/cases/{id}/meetings", Summary: "The case's meetings, latest first, and proposed times for the next ones", Tag: "meetings",
			Response: reflect.TypeFor[MeetingList](), Handle: api.meetings},
		{Method: "POST", Path: "/api/v1/cases/{id}/meetings", Summary: "Plan a meeting of the group (a proposed time, or any other)", Tag: "meetings",
			Request: reflect.TypeFor[MeetingRequest](), Response: reflect.TypeFor[Meeting](), Status: http.StatusCreated, Handle: api.createMeeting},
		{Method: "GET", Path: "/api/v1/cases/{id}/meetings/{mid}", Summary: "A meeting with its agenda, attendance and decisions", Tag: "meetings",
			Response: reflect.TypeFor[MeetingDetail](), Handle: api.meeting},
		{Method: "POST", Path: "/api/v1/cases/{id}/meetings/{mid}/held", Summary: "Record that the meeting was held: who came and the minutes (again to correct them)", Tag: "meetings",
			Request: reflect.TypeFor[HeldRequest](), Status: http.StatusNoContent, Handle: api.meetingHeld},
		{Method: "POST", Path: "/api/v1/cases/{id}/meetings/{mid}/cancel", Summary: "Cancel a planned meeting; its calendar file then cancels the entry", Tag: "meetings",
			Request: reflect.TypeFor[CancelRequest](), Status: http.StatusNoContent, Handle: api.cancelMeeting},
		{Method: "POST", Path: "/api/v1/cases/{id}/meetings/{mid}/decisions", Summary: "Record a decision; with an owner and a due date it becomes the owner's task", Tag: "meetings",
			Request: reflect.TypeFor[DecisionRequest](), Response: reflect.TypeFor[Decision](), Status: http.StatusCreated, Handle: api.addDecision},
		{Method: "GET", Path: "/api/v1/cases/{id}/meetings/{mid}/calendar", Summary: "The meeting's iCalendar file, as the web pages serve it: times, the case's short reference, the place unless protected — never the young person's name", Tag: "meetings",
			ResponseMedia: []string{"text/calendar"}, Handle: api.meetingCalendar},
	}
}

// Meeting is a meeting of the group.
type Meeting struct {
	ID              int64     `json:"id"`
	CaseID          int64     `json:"case_id"`
	Start           time.Time `json:"start" doc:"the group meeting's start; a pre-meeting ends here"`
	End             time.Time `json:"end"`
	DurationMinutes int       `json:"duration_minutes"`
	PreMinutes      int       `json:"pre_minutes" doc:"the professionals' pre-meeting just before start; 0 for none"`
	Place           string    `json:"place,omitempty" doc:"left out when protected identity hides it from you"`
	Kind            string    `json:"kind" enum:"group_meeting,mapping_conversation,network_meeting,follow_up,future_meeting"`
	Status          string    `json:"status" enum:"planned,held,cancelled"`
	Minutes         string    `json:"minutes,omitempty" doc:"left out when in a category you may not see"`
	MinutesCategory string    `json:"minutes_category" enum:"basic,school,police,social,health,family,leisure"`
	CancelReason    string    `json:"cancel_reason,omitempty"`
	HeldAt          time.Time `json:"held_at,omitzero"`
	CreatedAt       time.Time `json:"created_at"`
}

func meetingOf(m casework.Meeting) Meeting {
	return Meeting{ID: m.ID, CaseID: m.CaseID, Start: utc(m.Start), End: utc(m.End()), DurationMinutes: m.DurationMinutes, PreMinutes: m.PreMinutes,
		Place: m.Place, Kind: string(m.Kind), Status: string(m.Status), Minutes: m.MinutesText, MinutesCategory: string(m.MinutesCategory), CancelReason: m.CancelReason,
		HeldAt: utc(m.HeldAt), CreatedAt: utc(m.CreatedAt)}
}

// MeetingList is a case's meetings and proposals for the next.
type MeetingList struct {
	Items       []Meeting     `json:"items" doc:"latest first"`
	Proposals   []Proposal    `json:"proposals" doc:"free occurrences of the municipality's slots in the group's rhythm, where the case's coordinator has no other meeting; none once the case is closed"`
	RhythmWeeks int           `json:"rhythm_weeks"`
	Slots       []MeetingSlot `json:"slots" doc:"the municipality's fixed weekly meeting times"`
	PreMinutes  int           `json:"pre_minutes" doc:"the length of a pre-meeting, when one is asked for"`
	PlaceHidden bool          `json:"place_hidden" doc:"the young person has protected identity and your role may not see meeting places"`
	Kinds       []string      `json:"kinds" doc:"the meeting kinds the municipality offers for the case's track, one of which a new meeting's kind must be"`
}

// Proposal is a proposed meeting time.
type Proposal struct {
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Minutes int       `json:"minutes"`
}

// MeetingSlot is one of the municipality's weekly meeting times, in Swedish local time.
type MeetingSlot struct {
	Weekday int    `json:"weekday" doc:"ISO: 1 Monday … 7 Sunday"`
	Start   string `json:"start" doc:"HH:MM, Europe/Stockholm"`
	Minutes int    `json:"minutes"`
}

func (api *API) meetings(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	ml, err := api.store.Meetings(r.Context(), id)
	if err != nil {
		return err
	}
	out := MeetingList{Items: []Meeting{}, Proposals: []Proposal{}, RhythmWeeks: ml.Group.RhythmWeeks, Slots: []MeetingSlot{},
		PreMinutes: ml.PreMinutes, PlaceHidden: !ml.SeesPlace, Kinds: []string{}}
	for _, k := range ml.Kinds {
		out.Kinds = append(out.Kinds, string(k))
	}
	for _, m := range ml.Meetings {
		out.Items = append(out.Items, meetingOf(m))
	}
	for _, p := range ml.Proposals {
		out.Proposals = append(out.Proposals, Proposal{Start: utc(p.Start), End: utc(p.Start.Add(time.Duration(p.Minutes) * time.Minute)), Minutes: p.Minutes})
	}
	for _, s := range ml.Slots {
		out.Slots = append(out.Slots, MeetingSlot{Weekday: s.Weekday, Start: s.Start, Minutes: s.Minutes})
	}
	return writeJSON(w, http.StatusOK, out)
}

// MeetingRequest plans a meeting.
type MeetingRequest struct {
	Start           string `json:"start" doc:"RFC 3339, e.g. a proposal's start; from 90 days back to a year ahead"`
	DurationMinutes int    `json:"duration_minutes,omitempty" doc:"15–480; 90 when left out"`
	PreMeeting      bool   `json:"pre_meeting,omitempty" doc:"the professionals meet on their own just before (the municipality's pre-meeting length)"`
	Place           string `json:"place,omitempty"`
	Kind            string `json:"kind,omitempty" enum:"group_meeting,mapping_conversation,network_meeting,follow_up,future_meeting" doc:"one the municipality offers for the case's track (422 naming kind otherwise); the track's own meeting when left out: group_meeting (SIG), network_meeting (SSPF)"`
}

// parseTime reads an RFC 3339 time; the zero time when s is empty.
func parseTime(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, casework.Invalid(field, "api.time_invalid")
	}
	return t.UTC(), nil
}

func (api *API) createMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in MeetingRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	start, err := parseTime("start", in.Start)
	if err != nil {
		return err
	}
	m, err := api.store.CreateMeeting(r.Context(), id, casework.MeetingInput{Start: start, DurationMinutes: in.DurationMinutes, PreMeeting: in.PreMeeting, Place: in.Place, Kind: casework.MeetingKind(in.Kind)})
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"duration": "duration_minutes"}))
	}
	return writeJSON(w, http.StatusCreated, meetingOf(m))
}

// MeetingDetail is a meeting as its page shows it.
type MeetingDetail struct {
	Meeting       Meeting    `json:"meeting"`
	Reference     string     `json:"reference" doc:"the case's short reference, as calendar files give it"`
	Coordinator   string     `json:"coordinator,omitempty"`
	MinutesHidden bool       `json:"minutes_hidden" doc:"the minutes are in a category you may not see"`
	Recorded      bool       `json:"attendance_recorded"`
	Attendance    []Attendee `json:"attendance" doc:"the group's present members; present is false for all until attendance is recorded"`
	Decisions     []Decision `json:"decisions"`
	Agenda        Agenda     `json:"agenda"`
}

// Attendee is a member of the group and whether they came.
type Attendee struct {
	MemberID int64  `json:"member_id"`
	Kind     string `json:"kind" enum:"professional,trusted_adult,youth,guardian"`
	Name     string `json:"name,omitempty" doc:"left out for the young person"`
	Covered  bool   `json:"covered" doc:"false for a professional the valid consent no longer covers: not invited"`
	Present  bool   `json:"present"`
}

// Decision is a decision of a meeting, and the task it became.
type Decision struct {
	ID        int64     `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	TaskID    int64     `json:"task_id,omitempty" doc:"the task the decision became, when it has an owner"`
	Owner     string    `json:"owner,omitempty"`
	Due       string    `json:"due,omitempty" doc:"YYYY-MM-DD"`
}

func decisionOf(d casework.Decision) Decision {
	return Decision{ID: d.ID, Text: d.Text, CreatedAt: utc(d.CreatedAt), CreatedBy: d.CreatedByName, TaskID: d.TaskID, Owner: d.OwnerName, Due: d.Due}
}

// Agenda is what the meeting goes through.
type Agenda struct {
	Since       time.Time    `json:"since,omitzero" doc:"events from here on: the previous held meeting, else the consent's start"`
	Goals       []AgendaGoal `json:"goals" doc:"the action plan's open sub-goals due by the meeting's day"`
	Events      []Event      `json:"events" doc:"what happened since, in the categories you may see (the newest 50)"`
	NoConsent   bool         `json:"no_consent" doc:"no consent is in force: the group cannot share anything"`
	ConsentEnds time.Time    `json:"consent_ends,omitzero" doc:"set when the consent in force ends within 30 days of the meeting"`
	Tasks       []AgendaTask `json:"tasks" doc:"the case's tasks not done"`
}

// AgendaGoal is a sub-goal of the plan due by the meeting.
type AgendaGoal struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Criterion   string `json:"criterion"`
	Responsible string `json:"responsible"`
	Due         string `json:"due" doc:"YYYY-MM-DD"`
	Overdue     bool   `json:"overdue"`
}

// AgendaTask is a task not done.
type AgendaTask struct {
	ID      int64  `json:"id"`
	Text    string `json:"text"`
	Owner   string `json:"owner"`
	Due     string `json:"due" doc:"YYYY-MM-DD"`
	Overdue bool   `json:"overdue"`
}

func agendaOf(a casework.Agenda) Agenda {
	out := Agenda{Since: utc(a.Since), Goals: []AgendaGoal{}, Events: []Event{}, NoConsent: a.NoConsent, ConsentEnds: utc(a.ConsentEnds), Tasks: []AgendaTask{}}
	for _, g := range a.Goals {
		out.Goals = append(out.Goals, AgendaGoal{ID: g.ID, Text: g.Text, Criterion: g.Criterion, Responsible: g.Responsible, Due: g.Due, Overdue: g.Overdue})
	}
	for _, e := range a.Events {
		out.Events = append(out.Events, eventOf(e))
	}
	for _, t := range a.Tasks {
		out.Tasks = append(out.Tasks, AgendaTask{ID: t.ID, Text: t.Text, Owner: t.OwnerName, Due: t.Due, Overdue: t.Overdue})
	}
	return out
}

func eventOf(e casework.Event) Event {
	return Event{ID: e.ID, At: utc(e.At), User: e.UserName, Agency: e.AgencyName, Kind: e.Kind,
		FromStep: string(e.FromStep), ToStep: string(e.ToStep), Text: e.Reason, Category: string(e.Category)}
}

// meetingPath reads the {id} and {mid} of a meeting's route.
func meetingPath(r *http.Request) (caseID, meetingID int64, err error) {
	if caseID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	meetingID, err = pathID(r, "mid")
	return caseID, meetingID, err
}

func (api *API) meeting(w http.ResponseWriter, r *http.Request) error {
	id, mid, err := meetingPath(r)
	if err != nil {
		return err
	}
	md, err := api.store.Meeting(r.Context(), id, mid)
	if err != nil {
		return err
	}
	out := MeetingDetail{Meeting: meetingOf(md.Meeting), Reference: md.Reference, Coordinator: md.Coordinator,
		MinutesHidden: !md.SeesMinutes, Recorded: md.Recorded, Attendance: []Attendee{}, Decisions: []Decision{}, Agenda: agendaOf(md.Agenda)}
	for _, m := range md.Group.Members {
		out.Attendance = append(out.Attendance, Attendee{MemberID: m.ID, Kind: string(m.Kind), Name: m.Name, Covered: m.Covered, Present: md.Present[m.ID]})
	}
	for _, d := range md.Decisions {
		out.Decisions = append(out.Decisions, decisionOf(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

// HeldRequest records a held meeting.
type HeldRequest struct {
	Present         []int64 `json:"present" doc:"the member ids of those who came; the others are recorded as absent"`
	Minutes         string  `json:"minutes,omitempty"`
	MinutesCategory string  `json:"minutes_category,omitempty" enum:"basic,school,police,social,health,family,leisure" doc:"who may read the minutes; basic when left out"`
}

func (api *API) meetingHeld(w http.ResponseWriter, r *http.Request) error {
	id, mid, err := meetingPath(r)
	if err != nil {
		return err
	}
	var in HeldRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rec := casework.MeetingRecord{Present: in.Present, MinutesText: in.Minutes, MinutesCategory: casework.Category(in.MinutesCategory)}
	if err := api.store.RecordMeeting(r.Context(), id, mid, rec, true); err != nil {
		return err
	}
	return noContent(w)
}

// CancelRequest cancels a meeting.
type CancelRequest struct {
	Reason string `json:"reason,omitempty"`
}

func (api *API) cancelMeeting(w http.ResponseWriter, r *http.Request) error {
	id, mid, err := meetingPath(r)
	if err != nil {
		return err
	}
	var in CancelRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := api.store.CancelMeeting(r.Context(), id, mid, in.Reason); err != nil {
		return err
	}
	return noContent(w)
}

// DecisionRequest records a decision of a meeting.
type DecisionRequest struct {
	Text        string `json:"text"`
	OwnerUserID int64  `json:"owner_user_id,omitempty" doc:"a group member who is a user and whom the consent covers; the decision becomes their task"`
	Due         string `json:"due,omitempty" doc:"YYYY-MM-DD, not before today; needed with an owner"`
}

func (api *API) addDecision(w http.ResponseWriter, r *http.Request) error {
	id, mid, err := meetingPath(r)
	if err != nil {
		return err
	}
	var in DecisionRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := api.store.AddDecision(r.Context(), id, mid, casework.DecisionInput{Text: in.Text, OwnerUserID: in.OwnerUserID, Due: in.Due})
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"decision_text": "text", "owner": "owner_user_id"}))
	}
	return writeJSON(w, http.StatusCreated, decisionOf(d))
}

func (api *API) meetingCalendar(w http.ResponseWriter, r *http.Request) error {
	id, mid, err := meetingPath(r)
	if err != nil {
		return err
	}
	m, err := api.store.MeetingCalendar(r.Context(), id, mid)
	if err != nil {
		return err
	}
	t, name := api.catalog.MeetingCalendar(api.locale(r), id, m)
	body := casework.MeetingCalendarFile(m, t, api.store.Now())
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=PUBLISH")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write([]byte(body)) // the status is sent: a failed write cannot become a problem
	return nil
}

// MyMeeting is a planned meeting in a group you are in.
type MyMeeting struct {
	MeetingID  int64     `json:"meeting_id"`
	CaseID     int64     `json:"case_id"`
	YouthName  string    `json:"youth_name"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	PreMinutes int       `json:"pre_minutes"`
	Status     string    `json:"status" enum:"planned,held,cancelled"`
}

// MyMeetingList is your meetings ahead, soonest first. Places are left out: the meeting shows
// them to those who may see them.
type MyMeetingList struct {
	Items []MyMeeting `json:"items"`
}

func (api *API) myMeetings(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 10, 1, 100)
	if err != nil {
		return err
	}
	ms, err := api.store.MyMeetings(r.Context(), limit)
	if err != nil {
		return err
	}
	out := MyMeetingList{Items: []MyMeeting{}}
	for _, x := range ms {
		out.Items = append(out.Items, myMeetingOf(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

func myMeetingOf(x store.MyMeeting) MyMeeting {
	m := x.Meeting
	return MyMeeting{MeetingID: m.ID, CaseID: x.CaseID, YouthName: x.Name, Start: utc(m.Start), End: utc(m.End()), PreMinutes: m.PreMinutes, Status: string(m.Status)}
}
