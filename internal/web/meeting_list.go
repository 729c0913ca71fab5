package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
)

// meetingListData is the case's meetings page: the meetings, proposals in the fixed slots and
// the form to plan one.
type meetingListData struct {
	caseView
	Upcoming, Past []meetingRow
	Proposals      []caseChoice // value: start in RFC 3339, label: when in words
	Slots          []string
	Rhythm         int
	PreMinutes     int
	Members        int
	SeesPlace      bool
	OtherChosen    bool
	Durations      []caseChoice
	Kinds          []caseChoice // the kinds the case's track offers
	PlaceHint      string       // "hint:<key>" for fld
	// The tables of upcoming and past meetings (the partial groups_meeting_table).
	UpcomingTable, PastTable meetingTable
}

// meetingTable is a list of meetings for the partial groups_meeting_table.
type meetingTable struct {
	P         *Page
	CaseID    int64
	Rows      []meetingRow
	SeesPlace bool
}

// meetingRow is a meeting in a list.
type meetingRow struct {
	ID          int64
	When        string
	Pre         string // the pre-meeting's time, or ""
	Place       string
	Status      casework.MeetingStatus
	StatusLabel string
	Kind        string // the meeting kind's name
}

func meetingRowOf(p *Page, m casework.Meeting) meetingRow {
	row := meetingRow{ID: m.ID, When: whenText(p, m.Start, m.DurationMinutes), Place: m.Place, Status: m.Status, StatusLabel: p.T("meeting.status." + string(m.Status)), Kind: p.T("kinds14.kind." + string(m.Kind))}
	if m.PreMinutes > 0 {
		row.Pre = p.T("meeting.pre_at", localTime(m.PreStart(), "15:04"))
	}
	return row
}

// meetingList shows the case's meetings and proposes the next ones.
func (s *Server) meetingList(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "meeting.list_title")
	v, ok := s.loadGroupCaseView(w, r, p, "meetings")
	if !ok {
		return
	}
	s.renderMeetingList(w, r, p, v, http.StatusOK)
}

func (s *Server) renderMeetingList(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	caseTitle(p, "meeting.list_title", v)
	ml, err := s.store.Meetings(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := meetingListData{caseView: v, Rhythm: ml.Group.RhythmWeeks, PreMinutes: ml.PreMinutes, Members: len(ml.Group.Members), SeesPlace: ml.SeesPlace}
	now := s.now()
	for _, m := range ml.Meetings {
		row := meetingRowOf(p, m)
		if m.Status == casework.MeetingPlanned && !m.End().Before(now) {
			d.Upcoming = append([]meetingRow{row}, d.Upcoming...) // soonest first
		} else {
			d.Past = append(d.Past, row)
		}
	}
	for _, sl := range ml.Slots {
		d.Slots = append(d.Slots, p.T("meeting.slot", p.T(weekdayKey(sl.Weekday)), sl.Start, sl.Minutes))
	}
	chosen := p.V("start")
	for i, pr := range ml.Proposals {
		val := pr.Start.UTC().Format(time.RFC3339)
		d.Proposals = append(d.Proposals, caseChoice{Value: val, Label: whenText(p, pr.Start, pr.Minutes), Selected: chosen == val || (chosen == "" && i == 0)})
	}
	d.OtherChosen = chosen == "other" || len(d.Proposals) == 0
	dur := p.V("duration")
	if dur == "" && len(ml.Slots) > 0 {
		dur = strconv.Itoa(ml.Slots[0].Minutes)
	}
	for _, m := range []int{30, 45, 60, 90, 120, 150, 180} {
		d.Durations = append(d.Durations, caseChoice{Value: strconv.Itoa(m), Label: p.N("meeting.duration_minutes", m), Selected: dur == strconv.Itoa(m)})
	}
	kind := p.V("kind")
	for _, k := range v.Detail.Settings.OfferedMeetingKinds(v.Detail.Case.Program) {
		d.Kinds = append(d.Kinds, caseChoice{Value: string(k), Label: p.T("kinds14.kind." + string(k)),
			Selected: kind == string(k) || (kind == "" && k == casework.TrackMeetingKind(v.Detail.Case.Program))})
	}
	d.UpcomingTable = meetingTable{P: p, CaseID: v.ID, Rows: d.Upcoming, SeesPlace: d.SeesPlace}
	d.PastTable = meetingTable{P: p, CaseID: v.ID, Rows: d.Past, SeesPlace: d.SeesPlace}
	d.PlaceHint = "hint:meeting.place_hint"
	if v.Detail.Youth.Protected() {
		d.PlaceHint = "hint:meeting.place_hint_protected"
	}
	if p.Form["pre_meeting"] == "" && status == http.StatusOK {
		p.Form["pre_meeting"] = "1"
	}
	p.Data = d
	s.render(w, r, status, "meeting_list", p)
}

// meetingCreate plans a meeting: one of the proposals (start = RFC 3339), or another time
// (start = "other", date and time in Stockholm).
func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "meeting.list_title")
	v, ok := s.loadGroupCaseView(w, r, p, "meetings")
	if !ok {
		return
	}
	formValues(r, p, "start", "date", "time", "duration", "pre_meeting", "place", "kind")
	in := casework.MeetingInput{PreMeeting: r.PostFormValue("pre_meeting") == "1", Place: r.PostFormValue("place"), Kind: casework.MeetingKind(r.PostFormValue("kind"))}
	in.DurationMinutes, _ = strconv.Atoi(r.PostFormValue("duration"))
	var err error
	if in.Start, err = meetingStart(r); err == nil {
		var m casework.Meeting
		if m, err = s.store.CreateMeeting(r.Context(), v.ID, in); err == nil {
			s.setFlash(w, r, "meeting.created")
			http.Redirect(w, r, caseURL(v.ID, "/meetings/"+strconv.FormatInt(m.ID, 10)), http.StatusSeeOther)
			return
		}
	}
	if status, ok := s.caseRefusal(p, err); ok {
		// A start error belongs to the date field when another time was chosen.
		for i, e := range p.Errors {
			if e.Field == "start" && p.V("start") == "other" {
				c := *e
				c.Field = "date"
				p.Errors[i] = &c
			}
		}
		s.renderMeetingList(w, r, p, v, status)
		return
	}
	s.fail(w, r, err)
}

// meetingStart reads the chosen start.
func meetingStart(r *http.Request) (time.Time, error) {
	v := r.PostFormValue("start")
	if v != "other" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return t, casework.Invalid("start", "meeting.start_required")
		}
		return t, nil
	}
	date, clock := strings.TrimSpace(r.PostFormValue("date")), strings.TrimSpace(r.PostFormValue("time"))
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, casework.Stockholm)
	if err != nil {
		return t, casework.Invalid("date", "meeting.date_invalid")
	}
	return t, nil
}
