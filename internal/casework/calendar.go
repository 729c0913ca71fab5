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

// InvitationMethod is an e-mailed calendar entry's iTIP method (RFC 5546).
type InvitationMethod string

const (
	InviteRequest InvitationMethod = "REQUEST" // the meeting is planned (or back)
	InviteCancel  InvitationMethod = "CANCEL"  // the meeting is cancelled
)

// MeetingInvitation builds the calendar entry an e-mail notification carries (RFC 5545, sent
// as RFC 6047 iMIP): the group meeting only, with the same UID as MeetingCalendarFile's so an
// entry imported from the meeting page is the one updated, the sequence given, the organizer
// (Lots' sender address) and the attendee (the recipient's own address). It says "a meeting in
// Lots" (summary) and when — never the place, which could point to someone (a home, a school,
// the social services' unit), nor any name or the case's reference.
func MeetingInvitation(m Meeting, method InvitationMethod, sequence int, summary, description, organizer, attendee string, now time.Time) string {
	cal := ics.NewCalendarFor("Lots")
	cal.SetMethod(ics.Method(method))
	cal.SetCalscale("GREGORIAN")
	e := cal.AddEvent("lots-meeting-" + strconv.FormatInt(m.ID, 10) + "@lots")
	e.SetDtStampTime(now)
	e.SetStartAt(m.Start)
	e.SetEndAt(m.End())
	e.SetSummary(summary)
	e.SetDescription(description)
	e.SetSequence(sequence)
	if method == InviteCancel {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	e.SetClass(ics.ClassificationConfidential)
	e.SetProperty(ics.ComponentPropertyTransp, "OPAQUE")
	if organizer != "" {
		e.SetOrganizer("mailto:" + organizer)
	}
	if attendee != "" {
		e.AddAttendee("mailto:"+attendee, ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant, ics.WithRSVP(false))
	}
	return cal.Serialize(ics.WithNewLine("\r\n"), ics.WithLineLength(75))
}
