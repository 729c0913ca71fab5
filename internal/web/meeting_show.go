package web

import (
	"net/http"
	"strconv"
	"strings"

	"lots/internal/casework"
	"lots/internal/store"
)

// meetingShowData is a meeting's page: when and where, who is invited, the agenda, attendance
// and minutes, and the decisions.
type meetingShowData struct {
	caseView
	// IndicatorsURL records the follow-up indicators measured at this meeting (the follow-up
	// manual asks for them at follow-up meetings).
	IndicatorsURL string
	MD            store.MeetingDetail
	MeetingID     int64
	When          string
	Pre           string
	Status        string
	Planned       bool
	Held          bool
	Cancelled     bool
	Invited       []memberView
	PreInvited    []memberView
	Uncovered     []memberView
	Attendance    []attendanceRow
	Categories    []caseChoice
	Minutes       string
	MinutesCat    string
	Agenda        agendaView
	Decisions     []casework.Decision
	Owners        []caseChoice
	CalendarURL   string
}

// attendanceRow is a member with whether they came.
type attendanceRow struct {
	memberView
	Present bool
}

// agendaView is the agenda as shown.
type agendaView struct {
	Since       string
	Goals       []casework.AgendaGoal
	Events      []agendaEvent
	NoConsent   bool
	ConsentEnds string
	Tasks       []casework.AgendaTask
	Empty       bool
}

type agendaEvent struct {
	At                     string
	Kind, Who, Text, Label string
}

// meetingShow shows a meeting, or with a ".ics" ending its calendar file.
func (s *Server) meetingShow(w http.ResponseWriter, r *http.Request) {
	if raw := r.PathValue("mid"); strings.HasSuffix(raw, ".ics") {
		s.meetingCalendar(w, r, strings.TrimSuffix(raw, ".ics"))
		return
	}
	p := s.page(w, r, "meeting.title")
	v, ok := s.loadGroupCaseView(w, r, p, "meetings")
	if !ok {
		return
	}
	s.renderMeeting(w, r, p, v, http.StatusOK)
}

func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, p *Page, v caseView, status int) {
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return
	}
	md, err := s.store.Meeting(r.Context(), v.ID, mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := md.Meeting
	d := meetingShowData{caseView: v, MD: md, MeetingID: mid, When: whenText(p, m.Start, m.DurationMinutes),
		Status: p.T("meeting.status." + string(m.Status)), Planned: m.Status == casework.MeetingPlanned,
		Held: m.Status == casework.MeetingHeld, Cancelled: m.Status == casework.MeetingCancelled, Decisions: md.Decisions,
		CalendarURL:   caseURL(v.ID, "/meetings/"+strconv.FormatInt(mid, 10)+".ics"),
		IndicatorsURL: caseURL(v.ID, "/indicators?at=meeting&date="+m.Start.In(stockholm).Format("2006-01-02"))}
	p.Title = p.T("meeting.title_on", localTime(m.Start, "2006-01-02")) + " – " + v.Detail.Youth.Name()
	if m.PreMinutes > 0 {
		d.Pre = p.T("meeting.pre_from", localTime(m.PreStart(), "15:04"), localTime(m.Start, "15:04"))
	}
	youth := v.Detail.Youth.Name()
	members := memberViews(p, md.Group, youth)
	for _, mv := range members {
		switch {
		case mv.NoConsent:
			d.Uncovered = append(d.Uncovered, mv)
		default:
			d.Invited = append(d.Invited, mv)
			if mv.GroupMember.Kind == casework.MemberProfessional {
				d.PreInvited = append(d.PreInvited, mv)
			}
		}
		present := md.Present[mv.ID]
		if f, posted := p.Form["present_"+strconv.FormatInt(mv.ID, 10)]; posted || status != http.StatusOK {
			present = f == "1"
		}
		d.Attendance = append(d.Attendance, attendanceRow{memberView: mv, Present: present})
		if mv.GroupMember.Kind == casework.MemberProfessional && mv.Covered {
			val := strconv.FormatInt(mv.UserID, 10)
			d.Owners = append(d.Owners, caseChoice{Value: val, Label: mv.Label + ", " + mv.AgencyName, Selected: p.V("owner") == val})
		}
	}
	d.Minutes, d.MinutesCat = m.MinutesText, string(m.MinutesCategory)
	if status != http.StatusOK {
		d.Minutes, d.MinutesCat = p.V("minutes"), p.V("minutes_category")
	}
	for _, c := range casework.ConsentCategories {
		d.Categories = append(d.Categories, caseChoice{Value: string(c), Label: p.T("category." + string(c)), Selected: string(c) == d.MinutesCat})
	}
	a := md.Agenda
	d.Agenda = agendaView{Goals: a.Goals, NoConsent: a.NoConsent, Tasks: a.Tasks, Empty: a.Empty()}
	if !a.Since.IsZero() {
		d.Agenda.Since = formatDate(a.Since)
	}
	if !a.ConsentEnds.IsZero() {
		d.Agenda.ConsentEnds = formatDate(a.ConsentEnds)
	}
	for _, e := range a.Events {
		d.Agenda.Events = append(d.Agenda.Events, agendaEvent{At: formatDateTime(e.At), Kind: s.caseEventKind(p, e.Kind), Who: e.UserName + ", " + e.AgencyName,
			Text: e.Reason, Label: p.T("category." + string(e.Category))})
	}
	p.Data = d
	s.render(w, r, status, "meeting_show", p)
}

// meetingRecordInput reads attendance and minutes from the form.
func meetingRecordInput(r *http.Request, p *Page) casework.MeetingRecord {
	_ = r.ParseForm()
	rec := casework.MeetingRecord{MinutesText: r.PostFormValue("minutes"), MinutesCategory: casework.Category(r.PostFormValue("minutes_category"))}
	for _, v := range r.PostForm["present"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			rec.Present = append(rec.Present, id)
			p.Form["present_"+v] = "1"
		}
	}
	formValues(r, p, "minutes", "minutes_category")
	return rec
}

// meetingHeld records attendance and minutes and marks the meeting held.
func (s *Server) meetingHeld(w http.ResponseWriter, r *http.Request) { s.meetingRecord(w, r, true) }

// meetingMinutes records attendance and minutes of a held meeting.
func (s *Server) meetingMinutes(w http.ResponseWriter, r *http.Request) { s.meetingRecord(w, r, false) }

func (s *Server) meetingRecord(w http.ResponseWriter, r *http.Request, held bool) {
	s.meetingChange(w, r, func(p *Page, caseID, mid int64) (string, string, error) {
		key := "meeting.minutes_saved"
		if held {
			key = "meeting.held_saved"
		}
		return key, "", s.store.RecordMeeting(r.Context(), caseID, mid, meetingRecordInput(r, p), held)
	})
}

// meetingCancel cancels a planned meeting.
func (s *Server) meetingCancel(w http.ResponseWriter, r *http.Request) {
	s.meetingChange(w, r, func(p *Page, caseID, mid int64) (string, string, error) {
		formValues(r, p, "reason")
		err := s.store.CancelMeeting(r.Context(), caseID, mid, r.PostFormValue("reason"))
		if err == nil { // undo.go: the next page offers the undo
			s.offerUndo(w, r, caseURL(caseID, "/meetings/"+strconv.FormatInt(mid, 10)+"/restore"))
		}
		return "meeting.cancelled", "", err
	})
}

// meetingDecision records a decision; with an owner and a due date it becomes a task.
func (s *Server) meetingDecision(w http.ResponseWriter, r *http.Request) {
	s.meetingChange(w, r, func(p *Page, caseID, mid int64) (string, string, error) {
		formValues(r, p, "decision_text", "owner", "due")
		in := casework.DecisionInput{Text: r.PostFormValue("decision_text"), Due: r.PostFormValue("due")}
		in.OwnerUserID, _ = strconv.ParseInt(r.PostFormValue("owner"), 10, 64)
		key := "meeting.decision_saved"
		if in.OwnerUserID != 0 {
			key = "meeting.task_saved"
		}
		_, err := s.store.AddDecision(r.Context(), caseID, mid, in)
		return key, "#h-decisions", err
	})
}

// meetingChange makes one change to a meeting of the case: it loads the case (access is the
// store's), reads the meeting's id, and calls change, which returns the message to flash and
// the fragment of the meeting page to return to. On success it redirects there; a refusal the
// form can show (invalid input, a conflict) renders the meeting page again with it.
func (s *Server) meetingChange(w http.ResponseWriter, r *http.Request, change func(p *Page, caseID, mid int64) (flash, fragment string, err error)) {
	p := s.page(w, r, "meeting.title")
	v, ok := s.loadGroupCaseView(w, r, p, "meetings")
	if !ok {
		return
	}
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return
	}
	key, fragment, err := change(p, v.ID, mid)
	if err == nil {
		s.setFlash(w, r, key)
		http.Redirect(w, r, caseURL(v.ID, "/meetings/"+strconv.FormatInt(mid, 10))+fragment, http.StatusSeeOther)
		return
	}
	if status, ok := s.caseRefusal(p, err); ok {
		s.renderMeeting(w, r, p, v, status)
		return
	}
	s.fail(w, r, err)
}
