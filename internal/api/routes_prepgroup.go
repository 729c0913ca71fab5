package api

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// The preparatory group's meetings (issue 14:6, docs/daily-work.md): the schedule, the
// meetings, one meeting's agenda of the concerns waiting when it began, and the decision per
// concern — the intake's move, minuted with the meeting. Only those who sit in the group
// (access.PrepGroup) reach these routes; which concerns an agenda names is the intake rule,
// per case, as on the pages (the same store methods).

func (api *API) prepGroupRoutes() []Route {
	day := Param{Name: "day", Type: "string", Doc: "the meeting's day, YYYY-MM-DD (Swedish time); a day without a meeting answers 404"}
	return []Route{
		{Method: "GET", Path: "/api/v1/prepgroup/meetings", Summary: "The preparatory group's schedule and meetings: those with decisions minuted, the schedule's last three begun and next four", Tag: "prepgroup",
			Response: reflect.TypeFor[PrepMeetingList](), Handle: api.prepMeetings},
		{Method: "PUT", Path: "/api/v1/prepgroup/schedule", Summary: "Set the preparatory group's schedule: a weekday, a time, every 1–8 weeks from a day", Tag: "prepgroup",
			Request: reflect.TypeFor[PrepSchedule](), Response: reflect.TypeFor[PrepSchedule](), Handle: api.setPrepSchedule},
		{Method: "GET", Path: "/api/v1/prepgroup/meetings/{day}", Summary: "One meeting and its agenda: the concerns waiting when it began, the days from each to its first meeting against the one-week target, and the decisions minuted", Tag: "prepgroup",
			PathParams: []Param{day}, Response: reflect.TypeFor[PrepMeeting](), Handle: api.prepMeeting},
		{Method: "POST", Path: "/api/v1/prepgroup/meetings/{day}/decisions", Summary: "Minute the group's decision on a concern on the agenda: take on, not now (with a reason) or refer; the decision is the case's move", Tag: "prepgroup",
			PathParams: []Param{day}, Request: reflect.TypeFor[PrepDecisionRequest](), Response: reflect.TypeFor[PrepDecision](), Status: http.StatusCreated, Handle: api.decidePrep},
	}
}

// weekdays are the weekdays' names in the API, Sunday first as time.Weekday counts.
var weekdays = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// PrepSchedule is the rhythm of the preparatory group's meetings.
type PrepSchedule struct {
	Weekday    string `json:"weekday" enum:"monday,tuesday,wednesday,thursday,friday,saturday,sunday"`
	Start      string `json:"start" doc:"HH:MM, Swedish time"`
	EveryWeeks int    `json:"every_weeks" doc:"1–8: weekly, every fifth week …"`
	From       string `json:"from" doc:"YYYY-MM-DD: the first meeting is the first weekday on or after it"`
}

func prepScheduleOf(p casework.PrepSchedule) PrepSchedule {
	return PrepSchedule{Weekday: weekdays[p.Weekday], Start: p.StartText(), EveryWeeks: p.EveryWeeks, From: p.From.Format(time.DateOnly)}
}

// PrepMeetingRef is a meeting in the list.
type PrepMeetingRef struct {
	Day     string    `json:"day" doc:"YYYY-MM-DD: the meeting's path"`
	At      time.Time `json:"at"`
	Begun   bool      `json:"begun"`
	Decided int       `json:"decided" doc:"decisions minuted at it"`
}

// PrepMeetingList is the schedule and the meetings, oldest first. It names no young person.
type PrepMeetingList struct {
	Schedule PrepSchedule     `json:"schedule"`
	Meetings []PrepMeetingRef `json:"meetings"`
}

// PrepAgendaItem is a concern on a meeting's agenda.
type PrepAgendaItem struct {
	CaseID       int64     `json:"case_id"`
	Name         string    `json:"name"`
	Identity     string    `json:"identity" doc:"personnummer (YYYYMMDD-NNNN) or reserve id"`
	Program      string    `json:"program" enum:"sig,sspf"`
	Step         string    `json:"step" enum:"identified,assessment,decision,parties,motivation,consent,mapping,network,planning,active,closed,followed_up"`
	RiskLevel    string    `json:"risk_level,omitempty" enum:"low,moderate,high,very_high"`
	OpenedAt     time.Time `json:"opened_at" doc:"when the concern was raised"`
	FirstMeeting time.Time `json:"first_meeting" doc:"the first meeting it could be raised at"`
	Days         int       `json:"days" doc:"days from the concern to its first meeting"`
	Late         bool      `json:"late" doc:"more days than the target"`
	Decision     string    `json:"decision,omitempty" enum:"prep_take_on,prep_not_now,prep_refer" doc:"minuted at this meeting; absent: none yet"`
}

// PrepMeeting is one meeting with its agenda.
type PrepMeeting struct {
	Day        string           `json:"day"`
	At         time.Time        `json:"at"`
	Begun      bool             `json:"begun" doc:"decisions may be minuted once it has begun"`
	TargetDays int              `json:"target_days" doc:"the target for the days from a concern to its first meeting"`
	Late       int              `json:"late" doc:"how many on the agenda waited longer than the target"`
	Items      []PrepAgendaItem `json:"items"`
}

// PrepDecisionRequest is a decision on a concern on the agenda.
type PrepDecisionRequest struct {
	CaseID   int64  `json:"case_id"`
	Decision string `json:"decision" enum:"prep_take_on,prep_not_now,prep_refer"`
	Reason   string `json:"reason,omitempty" doc:"required for prep_not_now"`
}

func prepDayOf(at time.Time) string { return at.In(casework.Stockholm).Format(time.DateOnly) }

// prepDay reads {day}; anything that is not a day is "not found", as a day without a meeting.
func prepDay(r *http.Request) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, r.PathValue("day"), casework.Stockholm)
	if err != nil {
		return d, casework.NotFound("prep_meeting")
	}
	return d, nil
}

func (api *API) prepMeetings(w http.ResponseWriter, r *http.Request) error {
	sched, refs, err := api.store.PrepMeetings(r.Context())
	if err != nil {
		return err
	}
	out := PrepMeetingList{Schedule: prepScheduleOf(sched), Meetings: []PrepMeetingRef{}}
	for _, m := range refs {
		out.Meetings = append(out.Meetings, PrepMeetingRef{Day: prepDayOf(m.At), At: utc(m.At), Begun: m.Begun, Decided: m.Decided})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (api *API) setPrepSchedule(w http.ResponseWriter, r *http.Request) error {
	var in PrepSchedule
	if err := decode(w, r, &in); err != nil {
		return err
	}
	// What does not parse is handed on as invalid, so the rule names every field at fault.
	p := casework.PrepSchedule{Weekday: -1, Start: -1, EveryWeeks: in.EveryWeeks}
	for i, n := range weekdays {
		if strings.EqualFold(strings.TrimSpace(in.Weekday), n) {
			p.Weekday = time.Weekday(i)
		}
	}
	if m, ok := casework.ParseClock(in.Start); ok {
		p.Start = m
	}
	if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.From), casework.Stockholm); err == nil {
		p.From = d
	}
	if err := api.store.SetPrepSchedule(r.Context(), p); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, prepScheduleOf(p))
}

func prepItemOf(it store.PrepAgendaItem) PrepAgendaItem {
	return PrepAgendaItem{CaseID: it.CaseID, Name: it.Name, Identity: it.Identity, Program: string(it.Program), Step: string(it.Step),
		RiskLevel: string(it.RiskLevel), OpenedAt: utc(it.OpenedAt), FirstMeeting: utc(it.FirstMeeting), Days: it.Days, Late: it.Late,
		Decision: string(it.Decision)}
}

func (api *API) prepMeeting(w http.ResponseWriter, r *http.Request) error {
	day, err := prepDay(r)
	if err != nil {
		return err
	}
	m, err := api.store.PrepMeetingOn(r.Context(), day)
	if err != nil {
		return err
	}
	out := PrepMeeting{Day: prepDayOf(m.At), At: utc(m.At), Begun: m.Begun, TargetDays: casework.PrepTargetDays, Late: m.Late, Items: []PrepAgendaItem{}}
	for _, it := range m.Items {
		out.Items = append(out.Items, prepItemOf(it))
	}
	return writeJSON(w, http.StatusOK, out)
}

// PrepDecision is a decision minuted at a meeting.
type PrepDecision struct {
	Day      string `json:"day" doc:"the meeting's day"`
	CaseID   int64  `json:"case_id"`
	Decision string `json:"decision" enum:"prep_take_on,prep_not_now,prep_refer"`
}

// decidePrep minutes a decision. As on the page: a concern the caller may not see, or none,
// is "not on the agenda" at the field case_id; one that has left the intake (decided already)
// is a conflict. The answer is the minute; the agenda is one GET away (a second read here
// would be a second audit entry).
func (api *API) decidePrep(w http.ResponseWriter, r *http.Request) error {
	day, err := prepDay(r)
	if err != nil {
		return err
	}
	var in PrepDecisionRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	err = api.store.DecidePrep(r.Context(), day, in.CaseID, casework.Action(in.Decision), in.Reason)
	if e := casework.AsError(err); err != nil && e.Code == casework.ENotFound && in.CaseID > 0 && !strings.HasPrefix(e.Detail, "prep_meeting") {
		return casework.Invalid("case_id", "prepgroup.not_on_agenda")
	}
	if err != nil {
		return renameFields(err, fieldMap(map[string]string{"case": "case_id", "action": "decision"}))
	}
	return writeJSON(w, http.StatusCreated, PrepDecision{Day: day.Format(time.DateOnly), CaseID: in.CaseID, Decision: in.Decision})
}
