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

// Closure and return (issue 14:5, docs/daily-work.md): the future meeting at closure that names
// who carries on (school, leisure, adult services), the follow-ups at 6 and 12 months with
// their due dates, and the watch list after closure. The same store methods as the closure
// page: the case's door, one access decision, one audit entry. A follow-up is recorded as done
// with POST /api/v1/cases/{id}/followups.

func (api *API) closureRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/cases/{id}/closure", Summary: "The case's closure: the future meeting and who carries on, the 6- and 12-month follow-ups with their due dates, the watches", Tag: "closure",
			Response: reflect.TypeFor[Closure](), Handle: api.closure},
		{Method: "PUT", Path: "/api/v1/cases/{id}/closure/future-meeting", Summary: "Record the future meeting (replacing one recorded before): the day, who takes over what, a note; the case active or closed", Tag: "closure",
			Request: reflect.TypeFor[FutureMeetingInput](), Status: http.StatusNoContent, Handle: api.saveFutureMeeting},
		{Method: "POST", Path: "/api/v1/cases/{id}/closure/watch", Summary: "Put the closed case on the watch list until a last day, for a reason; an active watch is replaced", Tag: "closure",
			Request: reflect.TypeFor[WatchInput](), Response: reflect.TypeFor[Watch](), Status: http.StatusCreated, Handle: api.setWatch},
		{Method: "DELETE", Path: "/api/v1/cases/{id}/closure/watch", Summary: "Take the case off the watch list before the watch's last day (409 without an active watch)", Tag: "closure",
			Status: http.StatusNoContent, Handle: api.endWatch},
		{Method: "GET", Path: "/api/v1/watchlist", Summary: "The watch list: the closed cases I may see with an active watch, the watch ending first on top", Tag: "closure",
			Query:    []Param{{Name: "limit", Type: "integer", Doc: "at most this many items (1–500, default 50)"}},
			Response: reflect.TypeFor[WatchList](), Handle: api.watchList},
	}
}

// HandoverItem is one party that carries on after the case.
type HandoverItem struct {
	Kind  string `json:"kind" enum:"socialtjanst,polis,skola,fritid,bup,habilitering,arbetsformedlingen,frivard,hvb,civilsamhalle,kommunledning,annan" doc:"the kind of party: skola, fritid, adult services (socialtjanst) …"`
	Party string `json:"party" doc:"who: a school and a mentor, a club"`
	Takes string `json:"takes" doc:"what they take over"`
}

// FutureMeetingInput is the future meeting as entered.
type FutureMeetingInput struct {
	HeldOn    string         `json:"held_on" doc:"YYYY-MM-DD, not in the future"`
	Handovers []HandoverItem `json:"handovers" doc:"1–12 parties; a problem names handovers[n].party (n from 0)"`
	Note      string         `json:"note,omitempty"`
}

// FutureMeeting is a recorded future meeting.
type FutureMeeting struct {
	HeldOn     string         `json:"held_on"`
	Handovers  []HandoverItem `json:"handovers"`
	Note       string         `json:"note,omitempty"`
	RecordedBy string         `json:"recorded_by"`
	RecordedAt time.Time      `json:"recorded_at"`
}

// FollowUpCheck is a follow-up after closure.
type FollowUpCheck struct {
	Kind  string    `json:"kind" enum:"6,12" doc:"months after closure"`
	Due   time.Time `json:"due"`
	Done  time.Time `json:"done,omitzero"`
	State string    `json:"state" enum:"pending,near,overdue,met,met_late" doc:"near: due within 14 days"`
}

// Watch is a watch on a closed case.
type Watch struct {
	ID      int64     `json:"id"`
	CaseID  int64     `json:"case_id"`
	Reason  string    `json:"reason"`
	Until   string    `json:"until" doc:"the last day, YYYY-MM-DD"`
	SetBy   string    `json:"set_by,omitempty"`
	SetAt   time.Time `json:"set_at"`
	EndedAt time.Time `json:"ended_at,omitzero" doc:"ended early: reopened, or by hand"`
	Active  bool      `json:"active"`
}

// Closure is a case's closure.
type Closure struct {
	Closed        bool            `json:"closed"`
	ClosedAt      time.Time       `json:"closed_at,omitzero"`
	ClosureReason string          `json:"closure_reason,omitempty"`
	Expects       bool            `json:"expects_future_meeting" doc:"a SIG case closed with its goals reached: a future meeting is expected"`
	FutureMeeting *FutureMeeting  `json:"future_meeting,omitempty"`
	FollowUps     []FollowUpCheck `json:"follow_ups" doc:"empty unless the case closed after it started"`
	Watches       []Watch         `json:"watches" doc:"newest first"`
}

// WatchInput is a watch as entered.
type WatchInput struct {
	Reason string `json:"reason"`
	Until  string `json:"until" doc:"the last day, YYYY-MM-DD: today at the earliest, at most 24 months ahead"`
}

// WatchedCase is a case on the watch list.
type WatchedCase struct {
	CaseSummary
	Watch Watch `json:"watch"`
}

// WatchList is the watch list.
type WatchList struct {
	Items []WatchedCase `json:"items"`
	Total int           `json:"total"`
}

func watchOf(w store.CaseWatch) Watch {
	return Watch{ID: w.ID, CaseID: w.CaseID, Reason: w.Reason, Until: w.Until, SetBy: w.SetBy, SetAt: utc(w.SetAt), EndedAt: utc(w.EndedAt), Active: w.Active}
}

func closureOf(c store.Closure) Closure {
	out := Closure{Closed: c.Closed, ClosedAt: utc(c.ClosedAt), ClosureReason: string(c.ClosureReason), Expects: c.Expects,
		FollowUps: []FollowUpCheck{}, Watches: []Watch{}}
	if fm := c.FutureMeeting; fm != nil {
		f := &FutureMeeting{HeldOn: fm.HeldOn, Note: fm.Note, RecordedBy: fm.RecordedBy, RecordedAt: utc(fm.RecordedAt), Handovers: []HandoverItem{}}
		for _, h := range fm.Handovers {
			f.Handovers = append(f.Handovers, HandoverItem{Kind: string(h.Kind), Party: h.Party, Takes: h.Takes})
		}
		out.FutureMeeting = f
	}
	for _, f := range c.FollowUps {
		out.FollowUps = append(out.FollowUps, FollowUpCheck{Kind: f.Kind, Due: utc(f.Due), Done: utc(f.Done), State: f.State})
	}
	for _, w := range c.Watches {
		out.Watches = append(out.Watches, watchOf(w))
	}
	return out
}

func (api *API) closure(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	c, err := api.store.CaseClosure(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, closureOf(c))
}

// handoverField renames the rule's "handover_<n>_<field>" (n from 1) to the body's
// "handovers[<n-1>].<field>".
func handoverField(f string) string {
	rest, ok := strings.CutPrefix(f, "handover_")
	if !ok {
		return f
	}
	n, field, ok := strings.Cut(rest, "_")
	i, err := strconv.Atoi(n)
	if !ok || err != nil {
		return f
	}
	return "handovers[" + strconv.Itoa(i-1) + "]." + field
}

func (api *API) saveFutureMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in FutureMeetingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m := casework.FutureMeeting{HeldOn: in.HeldOn, Note: in.Note}
	for _, h := range in.Handovers {
		m.Handovers = append(m.Handovers, casework.Handover{Kind: casework.AgencyKind(h.Kind), Party: h.Party, Takes: h.Takes})
	}
	if err := api.store.SaveFutureMeeting(r.Context(), id, m); err != nil {
		return renameFields(err, handoverField)
	}
	return noContent(w)
}

func (api *API) setWatch(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var in WatchInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	cw, err := api.store.SetWatch(r.Context(), id, in.Reason, in.Until)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, watchOf(cw))
}

func (api *API) endWatch(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	if err := api.store.EndWatch(r.Context(), id); err != nil {
		return err
	}
	return noContent(w)
}

func (api *API) watchList(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	page, err := api.store.Cases(r.Context(), store.CaseQuery{Watched: true, Limit: limit, NearDays: nearDays})
	if err != nil {
		return err
	}
	now := api.store.Now()
	out := WatchList{Items: []WatchedCase{}, Total: page.Total}
	for _, c := range page.Rows {
		out.Items = append(out.Items, WatchedCase{CaseSummary: caseSummaryOf(c, now), Watch: watchOf(c.Watch)})
	}
	return writeJSON(w, http.StatusOK, out)
}
