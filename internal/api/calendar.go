package api

import (
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"

	"lots/internal/casework"
)

// The calendar file of a meeting must be the very file the web pages serve: a calendar that
// imported one and then the other must see the same events (same UID, SEQUENCE, STATUS). The
// builder lives in the web package (internal/web/meeting_ics.go, meetingCalendarFile), which
// the API cannot call; until it moves to casework for both to use, this is a copy of it, line
// for line, and TestMeetingCalendarIsTheWebsFile compares the two files byte for byte.
//
// A calendar leaves Lots, so it says only that there is a SIG meeting, when, and (unless the
// young person has protected identity: the store blanks the place) where, with the case's short
// reference — never the young person's name or personnummer, the agenda or the minutes.

// calendarTexts are the words of a calendar file, in the downloader's language.
type calendarTexts struct {
	Summary, PreSummary, Description string
}

// meetingCalendarFile builds the iCalendar file (RFC 5545) of a meeting: the group meeting and,
// when there is one, the professionals' pre-meeting as a VEVENT of its own, in UTC, published
// (METHOD:PUBLISH) with the meeting's SEQUENCE, cancelled ones as STATUS:CANCELLED.
func meetingCalendarFile(m casework.Meeting, t calendarTexts, now time.Time) string {
	cal := ics.NewCalendarFor("Lots")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	status := ics.ObjectStatusConfirmed
	if m.Status == casework.MeetingCancelled {
		status = ics.ObjectStatusCancelled
	}
	add := func(uid string, start, end time.Time, summary string) {
		e := cal.AddEvent(uid)
		e.SetDtStampTime(now)
		e.SetStartAt(start)
		e.SetEndAt(end)
		e.SetSummary(summary)
		e.SetDescription(t.Description)
		e.SetSequence(m.Sequence)
		e.SetStatus(status)
		e.SetClass(ics.ClassificationConfidential)
		e.SetProperty(ics.ComponentPropertyTransp, "OPAQUE")
		if m.Place != "" {
			e.SetLocation(m.Place)
		}
	}
	id := strconv.FormatInt(m.ID, 10)
	if m.PreMinutes > 0 {
		add("lots-meeting-"+id+"-pre@lots", m.PreStart(), m.Start, t.PreSummary)
	}
	add("lots-meeting-"+id+"@lots", m.Start, m.End(), t.Summary)
	// RFC 5545 lines end in CRLF and fold at 75 octets.
	return cal.Serialize(ics.WithNewLine("\r\n"), ics.WithLineLength(75))
}
