package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/casework"
	"lots/internal/store"
)

// The preparatory group's meetings (docs/daily-work.md): the list of meetings with the
// schedule, and one meeting with its agenda of new concerns and the form that minutes a
// decision — the intake's move, made through the store's door. Only those who sit in the
// group (access.PrepGroup) reach these pages; which concerns an agenda names is still the
// intake rule, per case.

func (s *Server) prepGroupRoutes() {
	m := s.mux
	sit := func(h http.HandlerFunc) http.HandlerFunc { return s.authed(s.can(access.PrepGroup, h)) }
	m.HandleFunc("GET /prepgroup", sit(s.prepGroupList))
	m.HandleFunc("POST /prepgroup/schedule", sit(s.prepGroupScheduleSave))
	m.HandleFunc("GET /prepgroup/{day}", sit(s.prepGroupMeeting))
	m.HandleFunc("POST /prepgroup/{day}/decide", sit(s.prepGroupDecide))
}

type prepMeetingLink struct {
	URL, When string
	Begun     bool
	Decided   int
}

type prepListData struct {
	Schedule string
	Meetings []prepMeetingLink
	Weekdays []caseChoice
}

var prepScheduleFields = []string{"weekday", "start", "every_weeks", "from"}

func (s *Server) prepGroupList(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "prepgroup.title")
	s.renderPrepList(w, r, p, http.StatusOK)
}

// weekdayName is a weekday's name ("calendar.weekday.N", N = 1 Monday … 7 Sunday).
func weekdayName(p *Page, d time.Weekday) string {
	return p.T("calendar.weekday." + strconv.Itoa((int(d)+6)%7+1))
}

func prepWhen(p *Page, at time.Time) string {
	l := at.In(casework.Stockholm)
	return weekdayName(p, l.Weekday()) + " " + l.Format("2006-01-02 15:04")
}

func prepURL(at time.Time) string {
	return "/prepgroup/" + at.In(casework.Stockholm).Format(time.DateOnly)
}

func (s *Server) renderPrepList(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	sched, refs, err := s.store.PrepMeetings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d prepListData
	d.Schedule = p.N("prepgroup.schedule_text", sched.EveryWeeks, weekdayName(p, sched.Weekday), sched.StartText())
	for i := 1; i <= 7; i++ { // Monday first
		d.Weekdays = append(d.Weekdays, caseChoice{Value: strconv.Itoa(i % 7), Label: weekdayName(p, time.Weekday(i%7))})
	}
	for _, m := range refs {
		d.Meetings = append(d.Meetings, prepMeetingLink{URL: prepURL(m.At), When: prepWhen(p, m.At), Begun: m.Begun, Decided: m.Decided})
	}
	for f, v := range map[string]string{"weekday": strconv.Itoa(int(sched.Weekday)), "start": sched.StartText(),
		"every_weeks": strconv.Itoa(sched.EveryWeeks), "from": sched.From.Format(time.DateOnly)} {
		if _, ok := p.Form[f]; !ok {
			p.Form[f] = v
		}
	}
	p.Data = d
	s.render(w, r, status, "prepgroup_list", p)
}

func (s *Server) prepGroupScheduleSave(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "prepgroup.title")
	formValues(r, p, prepScheduleFields...)
	sched := casework.PrepSchedule{Weekday: -1, Start: -1}
	if n, err := strconv.Atoi(p.V("weekday")); err == nil {
		sched.Weekday = time.Weekday(n)
	}
	if m, ok := casework.ParseClock(p.V("start")); ok {
		sched.Start = m
	}
	sched.EveryWeeks, _ = strconv.Atoi(strings.TrimSpace(p.V("every_weeks")))
	if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(p.V("from")), casework.Stockholm); err == nil {
		sched.From = d
	}
	if err := s.store.SetPrepSchedule(r.Context(), sched); err != nil {
		if p.Errors = casework.FieldErrorsOf(err); p.Errors == nil {
			s.fail(w, r, err)
			return
		}
		s.renderPrepList(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.setFlash(w, r, "prepgroup.schedule_saved")
	http.Redirect(w, r, "/prepgroup", http.StatusSeeOther)
}

type prepItemView struct {
	CaseURL, Name, Identity, Opened, FirstMeeting string
	Days                                          int
	Late                                          bool
	Decision                                      string
}

type prepMeetingData struct {
	When, Action    string
	Begun           bool
	Items           []prepItemView
	Late, Target    int
	Open, Decisions []caseChoice
}

// prepDay reads the {day} of the path (YYYY-MM-DD, Stockholm); false: not a day.
func prepDay(r *http.Request) (time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, r.PathValue("day"), casework.Stockholm)
	return d, err == nil
}

func (s *Server) prepGroupMeeting(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "prepgroup.meeting_title")
	s.renderPrepMeeting(w, r, p, http.StatusOK)
}

func (s *Server) renderPrepMeeting(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	day, ok := prepDay(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	m, err := s.store.PrepMeetingOn(r.Context(), day)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := prepMeetingData{When: prepWhen(p, m.At), Action: prepURL(m.At) + "/decide", Begun: m.Begun, Late: m.Late, Target: casework.PrepTargetDays}
	for _, it := range m.Items {
		v := prepItemView{CaseURL: "/cases/" + strconv.FormatInt(it.CaseID, 10), Name: it.Name, Identity: it.Identity,
			Opened: formatDate(it.OpenedAt), FirstMeeting: formatDate(it.FirstMeeting), Days: it.Days, Late: it.Late}
		if it.Decision != "" {
			v.Decision = moveLabel(p, casework.ProgramSIG, it.Decision)
		} else if it.Step == casework.StepIdentified {
			d.Open = append(d.Open, caseChoice{Value: strconv.FormatInt(it.CaseID, 10), Label: it.Name + " (" + it.Identity + ")"})
		}
		d.Items = append(d.Items, v)
	}
	for _, a := range store.PrepDecisions {
		d.Decisions = append(d.Decisions, caseChoice{Value: string(a), Label: moveLabel(p, casework.ProgramSIG, a)})
	}
	p.Title = p.T("prepgroup.meeting_title", d.When)
	p.Data = d
	s.render(w, r, status, "prepgroup_meeting", p)
}

func (s *Server) prepGroupDecide(w http.ResponseWriter, r *http.Request) {
	p := s.page(w, r, "prepgroup.meeting_title")
	formValues(r, p, "case", "decision", "reason")
	day, ok := prepDay(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	id, _ := strconv.ParseInt(p.V("case"), 10, 64)
	err := s.store.DecidePrep(r.Context(), day, id, casework.Action(p.V("decision")), p.V("reason"))
	if err != nil {
		fe := casework.FieldErrorsOf(err)
		for _, e := range fe {
			if e.Field == "action" {
				e.Field = "decision"
			}
		}
		if e := casework.AsError(err); casework.ErrorCode(err) == casework.EConflict && e != nil {
			// The concern has left the intake (decided already, closed): said at the field.
			fe = casework.FieldErrors{casework.Invalid("case", e.Key)}
		}
		if casework.ErrorCode(err) == casework.ENotFound && id > 0 {
			// A concern the actor may not see, or none: as if it were not on the agenda.
			fe = casework.FieldErrors{casework.Invalid("case", "prepgroup.not_on_agenda")}
		}
		if p.Errors = fe; p.Errors == nil {
			s.fail(w, r, err)
			return
		}
		s.renderPrepMeeting(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	s.setFlash(w, r, "prepgroup.decided")
	http.Redirect(w, r, prepURL(day), http.StatusSeeOther)
}
