package casework

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The future meeting (framtidsmöte) is held when SIG/SSPF ends: the young person, the guardians
// and the parties agree who carries on after the case — school, leisure, adult services, others —
// and with what. Lots records it with the case so the follow-ups at 6 and 12 months know whom to
// ask. A SIG case closed with its goals reached is expected to have one: the closed case's
// page asks for it until it is recorded (ClosureExpectsFutureMeeting). It does not block the
// closing move itself — see docs/daily-work.md "Closure and return (14:5)".

// Handover is one party that takes something over after the case.
type Handover struct {
	Kind  AgencyKind `json:"kind"`  // school, leisure, adult services (social services), other …
	Party string     `json:"party"` // who: "Rinkebyskolan, mentor", "Fryshuset"
	Takes string     `json:"takes"` // what they take over
}

// FutureMeeting is the meeting at closure and what was handed over.
type FutureMeeting struct {
	HeldOn    string     // YYYY-MM-DD
	Handovers []Handover // at least one
	Note      string
}

// Bounds of the future meeting's texts.
const (
	MaxHandovers      = 12
	MaxHandoverLength = 300
)

// Validate checks a future meeting held on or before today (YYYY-MM-DD, Swedish time). Every
// error names its field; a handover row's fields are "handover_<n>_party" and
// "handover_<n>_takes" (n from 1). Empty rows are dropped first.
func (m *FutureMeeting) Validate(today string) error {
	var fe FieldErrors
	m.HeldOn, m.Note = strings.TrimSpace(m.HeldOn), strings.TrimSpace(m.Note)
	if d, err := time.Parse(DateLayout, m.HeldOn); err != nil || d.Format(DateLayout) != m.HeldOn {
		fe.Add("held_on", "closure.held_on_invalid")
	} else if m.HeldOn > today {
		fe.Add("held_on", "closure.held_on_future")
	}
	kept := m.Handovers[:0]
	for _, h := range m.Handovers {
		h.Party, h.Takes = strings.TrimSpace(h.Party), strings.TrimSpace(h.Takes)
		if h.Party == "" && h.Takes == "" {
			continue
		}
		kept = append(kept, h)
	}
	m.Handovers = kept
	if len(m.Handovers) == 0 {
		fe.Add("handover_1_party", "closure.handover_required")
	}
	if len(m.Handovers) > MaxHandovers {
		fe.Add("handovers", "closure.handovers_too_many", MaxHandovers)
	}
	for i, h := range m.Handovers {
		n := "handover_" + strconv.Itoa(i+1) + "_"
		if !h.Kind.Valid() {
			fe.Add(n+"kind", "closure.kind_invalid")
		}
		if h.Party == "" || utf8.RuneCountInString(h.Party) > MaxHandoverLength {
			fe.Add(n+"party", "closure.party_required")
		}
		if h.Takes == "" || utf8.RuneCountInString(h.Takes) > MaxHandoverLength {
			fe.Add(n+"takes", "closure.takes_required")
		}
	}
	if utf8.RuneCountInString(m.Note) > MaxReasonLength {
		fe.Add("note", "closure.note_too_long")
	}
	return fe.Err()
}

// ClosureExpectsFutureMeeting reports whether a case of track p closed with reason r is
// expected to record a future meeting: a SIG case whose goals were reached hands over to the
// parties that carry on. Other closures (moved, declined, SSPF's lighter track) may record one.
func ClosureExpectsFutureMeeting(p Program, r ClosureReason) bool {
	return (p == "" || p == ProgramSIG) && r == CloseGoalsReached
}

// Watch is a closed case on the coordinator's watch list: a reason and a last day. It ends by
// itself after its last day, and reopening the case removes it.
type Watch struct {
	Reason string
	Until  string // last day, YYYY-MM-DD
}

// MaxWatchMonths bounds how long a watch may run; a longer need is a new watch then.
const MaxWatchMonths = 24

// Validate checks a watch set today (YYYY-MM-DD).
func (w *Watch) Validate(today string) error {
	var fe FieldErrors
	w.Reason, w.Until = strings.TrimSpace(w.Reason), strings.TrimSpace(w.Until)
	if w.Reason == "" || utf8.RuneCountInString(w.Reason) > MaxReasonLength {
		fe.Add("reason", "watch.reason_required")
	}
	d, err := time.Parse(DateLayout, w.Until)
	t, _ := time.Parse(DateLayout, today)
	switch {
	case err != nil || d.Format(DateLayout) != w.Until:
		fe.Add("until", "watch.until_invalid")
	case w.Until < today || d.After(AddMonths(t, MaxWatchMonths)):
		fe.Add("until", "watch.until_range", MaxWatchMonths)
	}
	return fe.Err()
}
