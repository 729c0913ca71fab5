package casework

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MeetingSlot is one of the municipality's fixed weekly meeting times (Skellefteå: Tuesdays at
// 15:00), in Swedish local time.
type MeetingSlot struct {
	Weekday int    `json:"weekday"` // ISO: 1 Monday … 7 Sunday
	Start   string `json:"start"`   // "15:00"
	Minutes int    `json:"minutes"` // length of the group meeting
}

// MaxMeetingSlots is how many weekly slots a municipality may have.
const MaxMeetingSlots = 14

// Valid reports whether the slot names a weekday, a time of day and a sensible length.
func (s MeetingSlot) Valid() bool {
	_, _, ok := s.clock()
	return ok && s.Weekday >= 1 && s.Weekday <= 7 && s.Minutes >= 15 && s.Minutes <= 480
}

func (s MeetingSlot) clock() (h, m int, ok bool) {
	t, err := time.Parse("15:04", s.Start)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// GoWeekday is the slot's day as a time.Weekday.
func (s MeetingSlot) GoWeekday() time.Weekday { return time.Weekday(s.Weekday % 7) }

// String is the slot in the form ParseMeetingSlot reads: "2 15:00 90".
func (s MeetingSlot) String() string { return fmt.Sprintf("%d %s %d", s.Weekday, s.Start, s.Minutes) }

// weekdayNames are the weekday names ParseMeetingSlot knows, Swedish and English, by ISO number.
var weekdayNames = [8][]string{1: {"måndag", "monday"}, 2: {"tisdag", "tuesday"}, 3: {"onsdag", "wednesday"},
	4: {"torsdag", "thursday"}, 5: {"fredag", "friday"}, 6: {"lördag", "saturday"}, 7: {"söndag", "sunday"}}

// ParseMeetingSlot reads a slot as the settings page writes it: weekday, start and length in
// minutes, "tisdag 15:00 90". The weekday is a Swedish or English name (any case; its first
// three letters or more, or the plural, "tisdagar") or the ISO number 1–7; the start may be
// written 15.00 or 9:00; "kl." before the start and "min" after the length are allowed.
func ParseMeetingSlot(v string) (MeetingSlot, error) {
	bad := Invalid("meeting_slots", "meeting.slot_invalid")
	var words []string
	for _, w := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
		switch strings.ToLower(w) {
		case "kl", "kl.", "at", "min", "min.", "minuter", "minutes":
			continue
		}
		words = append(words, w)
	}
	if len(words) != 3 {
		return MeetingSlot{}, bad
	}
	var s MeetingSlot
	var ok bool
	if s.Weekday, ok = parseWeekday(words[0]); !ok {
		return MeetingSlot{}, bad
	}
	if s.Start, ok = parseClock(words[1]); !ok {
		return MeetingSlot{}, bad
	}
	minutes := strings.TrimSuffix(strings.ToLower(words[2]), "min")
	if !digits(minutes, 1, 3) {
		return MeetingSlot{}, bad
	}
	s.Minutes, _ = strconv.Atoi(minutes)
	if !s.Valid() {
		return MeetingSlot{}, bad
	}
	return s, nil
}

// parseWeekday reads an ISO weekday number or a weekday name (see ParseMeetingSlot).
func parseWeekday(w string) (int, bool) {
	w = strings.TrimSuffix(strings.ToLower(w), ".")
	if digits(w, 1, 1) {
		n, _ := strconv.Atoi(w)
		return n, n >= 1 && n <= 7
	}
	if utf8.RuneCountInString(w) < 3 {
		return 0, false
	}
	day := 0
	for d, names := range weekdayNames {
		for _, n := range names {
			if strings.HasPrefix(n, w) || w == n+"ar" || w == n+"s" {
				if day != 0 && day != d {
					return 0, false // ambiguous
				}
				day = d
			}
		}
	}
	return day, day != 0
}

// parseClock reads 15:00, 15.00 or 9:00 and returns it as 15:00 or 09:00.
func parseClock(v string) (string, bool) {
	h, m, ok := strings.Cut(strings.Replace(v, ".", ":", 1), ":")
	if !ok || !digits(h, 1, 2) || !digits(m, 2, 2) {
		return "", false
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 23 || mm > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", hh, mm), true
}

// digits reports whether v is between least and most ASCII digits.
func digits(v string, least, most int) bool {
	if len(v) < least || len(v) > most {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseMeetingSlots reads the settings page's fixed slots, one a line; blank lines are
// skipped, and no lines at all means no fixed slots. Every bad line is its own error naming
// its line number and what it says (meeting.slot_invalid_line), as is a line repeating an
// earlier line's weekday and start (meeting.slot_duplicate_line); more than MaxMeetingSlots
// lines are refused. The errors are on the field meeting_slots.
func ParseMeetingSlots(text string) ([]MeetingSlot, error) {
	slots := []MeetingSlot{}
	var fe FieldErrors
	seen := map[string]int{}
	count := 0
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		count++
		s, err := ParseMeetingSlot(line)
		if err != nil {
			fe.Add("meeting_slots", "meeting.slot_invalid_line", i+1, shorten(line, 40))
			continue
		}
		key := fmt.Sprint(s.Weekday, " ", s.Start)
		if first, ok := seen[key]; ok {
			fe.Add("meeting_slots", "meeting.slot_duplicate_line", i+1, first)
			continue
		}
		seen[key] = i + 1
		slots = append(slots, s)
	}
	if count > MaxMeetingSlots {
		fe = append(FieldErrors{Invalid("meeting_slots", "meeting.slots_too_many")}, fe...)
	}
	return slots, fe.Err()
}

// shorten cuts v to at most n characters, marking the cut with an ellipsis.
func shorten(v string, n int) string {
	if utf8.RuneCountInString(v) <= n {
		return v
	}
	return string([]rune(v)[:n-1]) + "…"
}

// MeetingStatus is a meeting's state.
type MeetingStatus string

const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingHeld      MeetingStatus = "held"
	MeetingCancelled MeetingStatus = "cancelled"
)

// Meeting is a meeting of the operative group, with the professionals' short pre-meeting
// before it when PreMinutes > 0 (Växjö: half an hour on their own to sort out different
// readings of what happened since last time).
type Meeting struct {
	ID              int64
	MunicipalityID  int64
	CaseID          int64
	YouthID         int64
	Start           time.Time // the group meeting; the pre-meeting ends here
	DurationMinutes int
	PreMinutes      int
	Place           string // hidden like an address when the young person has protected identity
	Kind            MeetingKind
	Status          MeetingStatus
	// Minutes of the meeting (protokoll), in an information category: basic unless chosen.
	MinutesText     string
	MinutesCategory Category
	CancelReason    string
	// Sequence counts changes that matter to a calendar (time, place, cancellation), for the
	// iCalendar SEQUENCE.
	Sequence  int
	HeldAt    time.Time
	CreatedAt time.Time
	CreatedBy int64
	UpdatedAt time.Time
}

// End is when the group meeting ends.
func (m Meeting) End() time.Time { return m.Start.Add(time.Duration(m.DurationMinutes) * time.Minute) }

// PreStart is when the pre-meeting starts (Start when there is none).
func (m Meeting) PreStart() time.Time { return m.Start.Add(-time.Duration(m.PreMinutes) * time.Minute) }

// Span is the time the meeting takes in a calendar, pre-meeting included.
func (m Meeting) Span() Interval { return Interval{Start: m.PreStart(), End: m.End()} }

// MeetingInput is what the coordinator fills in to plan a meeting.
type MeetingInput struct {
	Start           time.Time
	DurationMinutes int
	PreMeeting      bool
	Place           string
	// Kind is the meeting's kind, one the case's track offers ("": the track's own meeting,
	// see TrackMeetingKind). Program is the case's track (the store sets it).
	Kind    MeetingKind
	Program Program
}

// BuildMeeting validates a planned meeting. A meeting may be registered afterwards (up to 90
// days back) and planned up to a year ahead.
func BuildMeeting(in MeetingInput, s Settings, now time.Time) (Meeting, error) {
	var fe FieldErrors
	m := Meeting{Start: in.Start.UTC().Truncate(time.Minute), DurationMinutes: in.DurationMinutes, Place: clean(in.Place), Status: MeetingPlanned, MinutesCategory: CatBasic}
	if in.Start.IsZero() {
		fe.Add("start", "meeting.start_required")
	} else if in.Start.Before(now.AddDate(0, 0, -90)) || in.Start.After(now.AddDate(1, 0, 0)) {
		fe.Add("start", "meeting.start_range")
	}
	if m.DurationMinutes == 0 {
		m.DurationMinutes = 90
	}
	if m.DurationMinutes < 15 || m.DurationMinutes > 480 {
		fe.Add("duration", "meeting.duration_range")
	}
	if in.PreMeeting {
		m.PreMinutes = s.WithDefaults().PreMeetingMinutes
	}
	if utf8.RuneCountInString(m.Place) > 200 {
		fe.Add("place", "meeting.place_too_long")
	}
	m.Kind = in.Kind
	if m.Kind == "" {
		m.Kind = s.defaultKindFor(in.Program)
	} else if !s.Offers(in.Program, m.Kind) {
		fe.Add("kind", "kinds14.kind_not_offered")
	}
	return m, fe.Err()
}

// MaxMinutesLength is the longest minutes text.
const MaxMinutesLength = 20000

// MeetingRecord is what is recorded at or after a meeting: who came, the minutes and their
// category.
type MeetingRecord struct {
	Present         []int64 // member ids
	MinutesText     string
	MinutesCategory Category
}

// Validate checks a record.
func (r *MeetingRecord) Validate() error {
	var fe FieldErrors
	r.MinutesText = strings.TrimSpace(r.MinutesText)
	if r.MinutesCategory == "" {
		r.MinutesCategory = CatBasic
	}
	if !ValidConsentCategory(r.MinutesCategory) {
		fe.Add("minutes_category", "meeting.category_invalid")
	}
	if utf8.RuneCountInString(r.MinutesText) > MaxMinutesLength {
		fe.Add("minutes", "meeting.minutes_too_long")
	}
	return fe.Err()
}

// Attendance is whether a member came to a meeting.
type Attendance struct {
	MemberID int64
	Present  bool
}

// Interval is a stretch of time [Start, End).
type Interval struct{ Start, End time.Time }

// Overlaps reports whether the intervals share any moment.
func (i Interval) Overlaps(j Interval) bool { return i.Start.Before(j.End) && j.Start.Before(i.End) }

// Proposal is a proposed meeting time: a free occurrence of a slot.
type Proposal struct {
	Start   time.Time
	Minutes int
}

// ProposalInput is what ProposeMeetings needs.
type ProposalInput struct {
	Slots       []MeetingSlot
	Loc         *time.Location // Stockholm when nil
	Now         time.Time
	Last        time.Time  // the start of the case's latest held or planned meeting; zero if none
	RhythmWeeks int        // the group's rhythm
	Busy        []Interval // the coordinator's other meetings (pre-meetings included)
	PreMinutes  int        // the pre-meeting before each proposal, 0 for none
	Count       int        // how many to propose
}

// rhythmSlack lets a proposal fall a few days before the rhythm's target, so the slot of the
// target week is found even when the last meeting was on another weekday.
const rhythmSlack = 3 * 24 * time.Hour

// proposalHorizon bounds the search for a free slot.
const proposalHorizon = 26 * 7

// ProposeMeetings proposes the group's next meetings in the municipality's fixed slots: the
// first free slot at or after the rhythm's target (the last meeting plus the rhythm in weeks,
// found from three days before the target; now when the group has not met), then each next
// one the rhythm after the one before. A slot is free when the coordinator has no other meeting
// overlapping it, pre-meeting included. Times are computed in local time, so a Tuesday 15:00
// slot stays 15:00 across summer time.
func ProposeMeetings(in ProposalInput) []Proposal {
	loc := in.Loc
	if loc == nil {
		loc = Stockholm
	}
	if in.RhythmWeeks <= 0 {
		in.RhythmWeeks = 4
	}
	slots := make([]MeetingSlot, 0, len(in.Slots))
	for _, s := range in.Slots {
		if s.Valid() {
			slots = append(slots, s)
		}
	}
	if len(slots) == 0 || in.Count <= 0 {
		return nil
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i].Start < slots[j].Start })
	from := in.Now
	if !in.Last.IsZero() {
		from = later(in.Now, addWeeks(in.Last, in.RhythmWeeks, loc).Add(-rhythmSlack))
	}
	var out []Proposal
	for len(out) < in.Count {
		p, ok := nextFreeSlot(slots, loc, from, in.Busy, in.PreMinutes)
		if !ok {
			break
		}
		out = append(out, p)
		from = later(in.Now, addWeeks(p.Start, in.RhythmWeeks, loc).Add(-rhythmSlack))
		if !from.After(p.Start) {
			from = p.Start.Add(time.Minute)
		}
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// addWeeks adds calendar weeks in loc (the wall-clock time is kept across summer time).
func addWeeks(t time.Time, weeks int, loc *time.Location) time.Time {
	return t.In(loc).AddDate(0, 0, 7*weeks)
}

// nextFreeSlot finds the first slot occurrence at or after from that overlaps no busy time.
func nextFreeSlot(slots []MeetingSlot, loc *time.Location, from time.Time, busy []Interval, pre int) (Proposal, bool) {
	day := from.In(loc)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < proposalHorizon; i++ {
		d := day.AddDate(0, 0, i)
		for _, s := range slots {
			if d.Weekday() != s.GoWeekday() {
				continue
			}
			h, m, _ := s.clock()
			start := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
			if start.Before(from) {
				continue
			}
			span := Interval{Start: start.Add(-time.Duration(pre) * time.Minute), End: start.Add(time.Duration(s.Minutes) * time.Minute)}
			free := true
			for _, b := range busy {
				if span.Overlaps(b) {
					free = false
					break
				}
			}
			if free {
				return Proposal{Start: start.UTC(), Minutes: s.Minutes}, true
			}
		}
	}
	return Proposal{}, false
}

// AgendaInput is what an agenda is built from. Events must already be filtered to what the
// viewer may see.
type AgendaInput struct {
	Meeting  Meeting
	Since    time.Time // the start of the previous held meeting; zero when the group has not met
	Plan     Plan
	Events   []Event
	Consents []Consent
	Tasks    []Task
	Now      time.Time
	Loc      *time.Location // Stockholm when nil
}

// Agenda is what a meeting goes through: the action plan's sub-goals that are due, what has
// happened since the last meeting, the consent when it ends soon, and tasks not done.
type Agenda struct {
	Since  time.Time
	Goals  []AgendaGoal
	Events []Event
	// NoConsent: no valid consent — the group cannot share anything.
	NoConsent bool
	// ConsentEnds is when the valid consent ends, set when that is within ConsentSoon of the
	// meeting (or before it).
	ConsentEnds time.Time
	Tasks       []AgendaTask
}

// AgendaGoal is a sub-goal due by the meeting.
type AgendaGoal struct {
	SubGoal
	Overdue bool
}

// AgendaTask is a task not done.
type AgendaTask struct {
	Task
	Overdue bool
}

// MaxAgendaEvents is how many events an agenda lists (the newest).
const MaxAgendaEvents = 50

// Empty reports whether the agenda has nothing on it.
func (a Agenda) Empty() bool {
	return len(a.Goals) == 0 && len(a.Events) == 0 && !a.NoConsent && a.ConsentEnds.IsZero() && len(a.Tasks) == 0
}

// BuildAgenda builds a meeting's agenda:
//   - the plan's open sub-goals due on or before the meeting's day (overdue when due before
//     today);
//   - the events from the start of the previous held meeting on (from the start of the valid
//     consent when the group has not met), without the group's own bookkeeping (meetings and
//     tasks);
//   - the valid consent when it ends within 30 days of the meeting, or that there is none;
//   - the tasks not done (overdue when due before today).
func BuildAgenda(in AgendaInput) Agenda {
	loc := in.Loc
	if loc == nil {
		loc = Stockholm
	}
	today := in.Now.In(loc).Format(DateLayout)
	meetingDay := in.Meeting.Start.In(loc).Format(DateLayout)
	a := Agenda{Since: in.Since}
	for _, g := range in.Plan.SubGoals {
		if g.Status != GoalOpen || g.Due == "" || g.Due > meetingDay {
			continue
		}
		a.Goals = append(a.Goals, AgendaGoal{SubGoal: g, Overdue: g.Due < today})
	}
	sort.SliceStable(a.Goals, func(i, j int) bool { return a.Goals[i].Due < a.Goals[j].Due })
	c, ok := CurrentConsent(in.Consents, in.Now)
	if !ok {
		a.NoConsent = true
	} else if c.ValidUntil.Before(in.Meeting.Start.Add(ConsentSoon)) {
		a.ConsentEnds = c.ValidUntil
	}
	since := in.Since
	if since.IsZero() && ok {
		since = c.ValidFrom
		a.Since = since
	}
	for _, e := range in.Events {
		if e.At.Before(since) || e.At.After(in.Now) || strings.HasPrefix(e.Kind, "meeting_") || strings.HasPrefix(e.Kind, "task_") {
			continue
		}
		a.Events = append(a.Events, e)
	}
	if n := len(a.Events); n > MaxAgendaEvents {
		a.Events = a.Events[n-MaxAgendaEvents:]
	}
	for _, t := range in.Tasks {
		if t.Status != TaskOpen {
			continue
		}
		a.Tasks = append(a.Tasks, AgendaTask{Task: t, Overdue: t.Due != "" && t.Due < today})
	}
	sort.SliceStable(a.Tasks, func(i, j int) bool { return a.Tasks[i].Due < a.Tasks[j].Due })
	return a
}

// DateLayout is how dates without time are written (sub-goals, tasks).
const DateLayout = "2006-01-02"

// CaseReference is a short reference to a case that says nothing about the young person, for
// calendar entries and e-mails: the last six digits of the case's random id.
func CaseReference(caseID int64) string {
	return fmt.Sprintf("%06d", caseID%1_000_000)
}
