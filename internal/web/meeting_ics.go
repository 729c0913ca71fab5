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
	t, name := s.catalog.MeetingCalendar(s.locale(r), caseID, m)
	body := casework.MeetingCalendarFile(m, t, s.now())
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=PUBLISH")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write([]byte(body))
}
