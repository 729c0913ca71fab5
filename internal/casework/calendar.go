package casework

import (
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"
)

// A calendar invitation leaves Lots: it lands in Outlook or Google Calendar, is forwarded, and
// is synchronised to phones. So it says only that there is a SIG meeting, when, and (unless the
// young person has protected identity) where, with a short reference that means something only
// inside Lots — never the young person's name or personnummer, never the agenda or the minutes.
// The web page and the API serve the same file.

// CalendarTexts are the words of a calendar file, in the downloader's language.
type CalendarTexts struct {
	Summary, PreSummary, Description string
}

// MeetingCalendarFile builds the iCalendar file (RFC 5545) of a meeting: the group meeting and,
// when there is one, the professionals' pre-meeting as a VEVENT of its own. Times are in UTC.
// METHOD:PUBLISH makes Outlook and Google Calendar import the events as they are; a cancelled
// meeting is published with STATUS:CANCELLED and a higher SEQUENCE, so importing it again
// cancels the entry.
func MeetingCalendarFile(m Meeting, t CalendarTexts, now time.Time) string {
	cal := ics.NewCalendarFor("Lots")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	status := ics.ObjectStatusConfirmed
	if m.Status == MeetingCancelled {
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
