package web

import (
	"net/http"
	"strconv"

	"lots/internal/casework"
)

// meetingCalendar answers GET …/meetings/{mid}.ics: the calendar file, audited as an export.
func (s *Server) meetingCalendar(w http.ResponseWriter, r *http.Request, rawID string) {
	caseID, ok := casePathID(r, "id")
	mid, err := strconv.ParseInt(rawID, 10, 64)
	if !ok || err != nil || mid <= 0 {
		s.notFound(w, r)
		return
	}
	m, err := s.store.MeetingCalendar(r.Context(), caseID, mid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.locale(r)
	ref := casework.CaseReference(caseID)
	t := casework.CalendarTexts{
		// The kind's name and the case's short reference: no name, no place (issue 14:1).
		Summary:     s.catalog.T(l, "kinds14.calendar_summary", s.catalog.T(l, "kinds14.kind."+string(m.Kind)), ref),
		PreSummary:  s.catalog.T(l, "calendar.pre_summary", ref),
		Description: s.catalog.T(l, "calendar.description", ref),
	}
	body := casework.MeetingCalendarFile(m, t, s.now())
	name := "sig-mote-" + ref + "-" + m.Start.In(casework.Stockholm).Format("20060102") + ".ics"
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=PUBLISH")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write([]byte(body))
}
