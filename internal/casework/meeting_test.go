package casework_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
)

// sthlm is a local time in Stockholm.
func sthlm(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, casework.Stockholm)
}

var tuesday15 = casework.MeetingSlot{Weekday: 2, Start: "15:00", Minutes: 90}

func TestProposeMeetings(t *testing.T) {
	thursday9 := casework.MeetingSlot{Weekday: 4, Start: "09:00", Minutes: 60}
	busy := func(start time.Time, minutes int) casework.Interval {
		return casework.Interval{Start: start, End: start.Add(time.Duration(minutes) * time.Minute)}
	}
	tests := []struct {
		name string
		in   casework.ProposalInput
		want []string // local times
	}{
		{"a new group gets the next Tuesday and then every fourth week", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 3},
			[]string{"2026-02-03 15:00", "2026-03-03 15:00", "2026-03-31 15:00"}},
		{"on the slot's own day after the slot has begun, the next week", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 3, 15, 1), RhythmWeeks: 4, Count: 1},
			[]string{"2026-02-10 15:00"}},
		{"the rhythm counts from the last meeting", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 4, 8, 0), Last: sthlm(2026, 2, 3, 15, 0), RhythmWeeks: 3, Count: 2},
			[]string{"2026-02-24 15:00", "2026-03-17 15:00"}},
		{"rhythm five weeks", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 4, 8, 0), Last: sthlm(2026, 2, 3, 15, 0), RhythmWeeks: 5, Count: 1},
			[]string{"2026-03-10 15:00"}},
		{"a late last meeting does not push a proposal into the past", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 6, 1, 8, 0), Last: sthlm(2026, 1, 6, 15, 0), RhythmWeeks: 4, Count: 1},
			[]string{"2026-06-02 15:00"}},
		{"a busy slot is skipped for the next week", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 1,
			Busy: []casework.Interval{busy(sthlm(2026, 2, 3, 16, 0), 60)}},
			[]string{"2026-02-10 15:00"}},
		{"a meeting ending when the pre-meeting would start leaves the slot free", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 1, PreMinutes: 30,
			Busy: []casework.Interval{busy(sthlm(2026, 2, 3, 13, 30), 60)}},
			[]string{"2026-02-03 15:00"}},
		{"the pre-meeting counts: a meeting overlapping it makes the slot busy", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 1, PreMinutes: 30,
			Busy: []casework.Interval{busy(sthlm(2026, 2, 3, 14, 0), 45)}},
			[]string{"2026-02-10 15:00"}},
		{"several slots a week: the earliest free one", casework.ProposalInput{
			Slots: []casework.MeetingSlot{thursday9, tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 1,
			Busy: []casework.Interval{busy(sthlm(2026, 2, 3, 15, 0), 90)}},
			[]string{"2026-02-05 09:00"}},
		{"several slots a week: the rhythm's target week, whichever weekday", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15, thursday9}, Now: sthlm(2026, 2, 6, 10, 0), Last: sthlm(2026, 2, 5, 9, 0), RhythmWeeks: 4, Count: 2},
			[]string{"2026-03-03 15:00", "2026-03-31 15:00"}},
		{"summer time begins: Tuesday 15:00 stays 15:00 local", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 3, 18, 8, 0), Last: sthlm(2026, 3, 17, 15, 0), RhythmWeeks: 4, Count: 1},
			[]string{"2026-04-14 15:00"}},
		{"summer time ends: still 15:00 local", casework.ProposalInput{
			Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 10, 14, 8, 0), Last: sthlm(2026, 10, 13, 15, 0), RhythmWeeks: 3, Count: 1},
			[]string{"2026-11-03 15:00"}},
		{"no slots, no proposals", casework.ProposalInput{Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 3}, nil},
		{"invalid slots are ignored", casework.ProposalInput{
			Slots: []casework.MeetingSlot{{Weekday: 9, Start: "25:00", Minutes: 90}, tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 1},
			[]string{"2026-02-03 15:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := casework.ProposeMeetings(tt.in)
			var got []string
			for _, p := range ps {
				if p.Start.Location() != time.UTC {
					t.Errorf("proposal not in UTC: %v", p.Start)
				}
				got = append(got, p.Start.In(casework.Stockholm).Format("2006-01-02 15:04"))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("across the change to summer time the UTC hour moves", func(t *testing.T) {
		ps := casework.ProposeMeetings(casework.ProposalInput{Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 3, 18, 8, 0),
			Last: sthlm(2026, 3, 17, 15, 0), RhythmWeeks: 4, Count: 1})
		if len(ps) != 1 || ps[0].Start.Hour() != 13 || sthlm(2026, 3, 17, 15, 0).UTC().Hour() != 14 {
			t.Fatalf("got %v", ps)
		}
	})
	t.Run("a fully booked half year gives no proposal rather than looping", func(t *testing.T) {
		var b []casework.Interval
		b = append(b, casework.Interval{Start: sthlm(2026, 1, 1, 0, 0), End: sthlm(2027, 1, 1, 0, 0)})
		if ps := casework.ProposeMeetings(casework.ProposalInput{Slots: []casework.MeetingSlot{tuesday15}, Now: sthlm(2026, 2, 2, 10, 0), RhythmWeeks: 4, Count: 2, Busy: b}); len(ps) != 0 {
			t.Fatalf("got %v", ps)
		}
	})
}

func TestMeetingSlotParsing(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want: the slot's String, "" when refused
	}{
		{"2 15:00 90", "2 15:00 90"}, {"7 09:30 30", "7 09:30 30"}, {"tisdag 15:00 90", "2 15:00 90"},
		{"Torsdag 9:00 60", "4 09:00 60"}, {"tor 09.00 60", "4 09:00 60"}, {"tisdagar kl. 15.00 90 min", "2 15:00 90"},
		{"Thursday 09:00 60", "4 09:00 60"}, {"  söndag, 18:30, 45  ", "7 18:30 45"}, {"mån 08:15 90min", "1 08:15 90"},
		{"0 15:00 90", ""}, {"8 15:00 90", ""}, {"2 15:00 5", ""}, {"2 15:00 481", ""}, {"tisdag", ""}, {"tisdag 15:00", ""},
		{"fredag 25:00 90", ""}, {"fredag 15:60 90", ""}, {"fredag 1500 90", ""}, {"fredag 15:0 90", ""}, {"to 15:00 90", ""},
		{"tisdag 15:00 90 extra", ""}, {"tisdag 15:00 -90", ""}, {"tisdag 15:00 nittio", ""}, {"midsommar 15:00 90", ""},
	} {
		s, err := casework.ParseMeetingSlot(tt.in)
		if (err == nil) != (tt.want != "") {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if err != nil {
			if e := casework.AsError(err); e.Field != "meeting_slots" || e.Key != "meeting.slot_invalid" {
				t.Errorf("%q: %+v", tt.in, e)
			}
		} else if s.String() != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, s.String(), tt.want)
		}
	}
}

func TestMeetingSlotsParsing(t *testing.T) {
	t.Run("one slot a line, blank lines skipped", func(t *testing.T) {
		got, err := casework.ParseMeetingSlots("tisdag 15:00 90\r\n\r\n  torsdag 09:00 60\n")
		if err != nil || len(got) != 2 || got[0] != tuesday15 || got[1] != (casework.MeetingSlot{Weekday: 4, Start: "09:00", Minutes: 60}) {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("nothing written is no fixed slots, not the default", func(t *testing.T) {
		got, err := casework.ParseMeetingSlots(" \n")
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("%#v %v", got, err)
		}
	})
	t.Run("every bad line is named by its number", func(t *testing.T) {
		_, err := casework.ParseMeetingSlots("tisdag 15:00 90\n\nfredag 25:00\ntisdag 15:00 60\nonsdag 10:00 600")
		fe := casework.FieldErrorsOf(err)
		var got []string
		for _, e := range fe {
			got = append(got, fmt.Sprint(e.Field, " ", e.Key, " ", e.Args))
		}
		want := []string{
			"meeting_slots meeting.slot_invalid_line [3 fredag 25:00]",
			"meeting_slots meeting.slot_duplicate_line [4 1]",
			"meeting_slots meeting.slot_invalid_line [5 onsdag 10:00 600]",
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("a long bad line is shortened in the message", func(t *testing.T) {
		_, err := casework.ParseMeetingSlots(strings.Repeat("x", 100))
		if fe := casework.FieldErrorsOf(err); len(fe) != 1 || fe[0].Args[1] != strings.Repeat("x", 39)+"…" {
			t.Fatalf("%+v", fe)
		}
	})
	t.Run("more than the maximum is refused", func(t *testing.T) {
		var lines []string
		for d := 1; d <= 7; d++ {
			lines = append(lines, fmt.Sprintf("%d 09:00 60", d), fmt.Sprintf("%d 15:00 60", d))
		}
		if _, err := casework.ParseMeetingSlots(strings.Join(lines, "\n")); err != nil {
			t.Fatalf("%d slots: %v", len(lines), err)
		}
		lines = append(lines, "1 18:00 60")
		fe := casework.FieldErrorsOf(func() error { _, err := casework.ParseMeetingSlots(strings.Join(lines, "\n")); return err }())
		if len(fe) != 1 || fe[0].Key != "meeting.slots_too_many" {
			t.Fatalf("%+v", fe)
		}
	})
}

func TestSettingsMeetingDefaultsAndValidation(t *testing.T) {
	d := casework.DefaultSettings()
	if len(d.MeetingSlots) != 1 || d.MeetingSlots[0] != tuesday15 || d.MeetingRhythmWeeks != 4 || d.PreMeetingMinutes != 30 || d.TaskReminders || d.ReminderDaysBefore != 2 {
		t.Fatalf("defaults: %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	old := casework.Settings{MinAge: 12}.WithDefaults()
	if len(old.MeetingSlots) != 1 || old.MeetingRhythmWeeks != 4 || old.PreMeetingMinutes != 30 || old.ReminderDaysBefore != 2 {
		t.Fatalf("settings stored before meetings: %+v", old)
	}
	none := d
	none.MeetingSlots = []casework.MeetingSlot{}
	if none.WithDefaults().MeetingSlots == nil || len(none.WithDefaults().MeetingSlots) != 0 {
		t.Fatal("a municipality without fixed slots got the default slot back")
	}
	for name, mutate := range map[string]func(*casework.Settings){
		"meeting_slots": func(s *casework.Settings) {
			s.MeetingSlots = []casework.MeetingSlot{{Weekday: 2, Start: "nu", Minutes: 90}}
		},
		"meeting_rhythm_weeks": func(s *casework.Settings) { s.MeetingRhythmWeeks = 12 },
		"pre_meeting_minutes":  func(s *casework.Settings) { s.PreMeetingMinutes = 5 },
		"reminder_days_before": func(s *casework.Settings) { s.ReminderDaysBefore = 60 },
	} {
		s := casework.DefaultSettings()
		mutate(&s)
		fe := casework.FieldErrorsOf(s.Validate())
		if len(fe) != 1 || fe[0].Field != name {
			t.Errorf("%s: %v", name, fe)
		}
	}
}

func TestBuildMeeting(t *testing.T) {
	now := sthlm(2026, 2, 2, 10, 0)
	s := casework.DefaultSettings()
	m, err := casework.BuildMeeting(casework.MeetingInput{Start: sthlm(2026, 2, 3, 15, 0), DurationMinutes: 90, PreMeeting: true, Place: "  Familjehuset,  rum 2 "}, s, now)
	if err != nil {
		t.Fatal(err)
	}
	if m.PreMinutes != 30 || m.Place != "Familjehuset, rum 2" || m.Status != casework.MeetingPlanned || m.MinutesCategory != casework.CatBasic {
		t.Fatalf("%+v", m)
	}
	if !m.PreStart().Equal(sthlm(2026, 2, 3, 14, 30)) || !m.End().Equal(sthlm(2026, 2, 3, 16, 30)) {
		t.Fatalf("span %v–%v", m.PreStart(), m.End())
	}
	for name, in := range map[string]casework.MeetingInput{
		"start":    {DurationMinutes: 90},
		"duration": {Start: sthlm(2026, 2, 3, 15, 0), DurationMinutes: 600},
		"place":    {Start: sthlm(2026, 2, 3, 15, 0), Place: strings.Repeat("x", 201)},
	} {
		fe := casework.FieldErrorsOf(func() error { _, err := casework.BuildMeeting(in, s, now); return err }())
		if len(fe) != 1 || fe[0].Field != name {
			t.Errorf("%s: %v", name, fe)
		}
	}
	if _, err := casework.BuildMeeting(casework.MeetingInput{Start: now.AddDate(2, 0, 0)}, s, now); casework.FieldErrorsOf(err)[0].Key != "meeting.start_range" {
		t.Errorf("two years ahead: %v", err)
	}
}

func TestBuildAgenda(t *testing.T) {
	now := sthlm(2026, 3, 2, 12, 0)
	meeting := casework.Meeting{Start: sthlm(2026, 3, 3, 15, 0), DurationMinutes: 90}
	lastHeld := sthlm(2026, 2, 3, 15, 0)
	plan := casework.Plan{OwnGoal: "Bli elektriker", SubGoals: []casework.SubGoal{
		{ID: "a", Text: "Närvaro över 80 %", Due: "2026-02-20", Status: casework.GoalOpen},
		{ID: "b", Text: "Börja på fotbollen", Due: "2026-03-03", Status: casework.GoalOpen},
		{ID: "c", Text: "Sommarjobb", Due: "2026-06-01", Status: casework.GoalOpen},
		{ID: "d", Text: "Prata med mentor", Due: "2026-02-10", Status: casework.GoalReached},
	}}
	ev := func(kind string, at time.Time, cat casework.Category) casework.Event {
		return casework.Event{Kind: kind, At: at, Category: cat}
	}
	events := []casework.Event{
		ev("note", sthlm(2026, 2, 1, 9, 0), casework.CatPolice),         // before the last meeting
		ev("note", sthlm(2026, 2, 10, 9, 0), casework.CatPolice),        // police note since
		ev("note", sthlm(2026, 2, 12, 9, 0), casework.CatSchool),        // school attendance since
		ev("meeting_held", sthlm(2026, 2, 3, 17, 0), casework.CatBasic), // the group's own bookkeeping
		ev("task_done", sthlm(2026, 2, 20, 9, 0), casework.CatBasic),
	}
	consent := signedConsent()
	consent.ValidFrom, consent.ValidUntil = sthlm(2025, 9, 20, 0, 0), sthlm(2026, 3, 20, 0, 0)
	tasks := []casework.Task{
		{ID: 1, Text: "Ringa mamma", Due: "2026-02-25", Status: casework.TaskOpen},
		{ID: 2, Text: "Boka BUP", Due: "2026-03-10", Status: casework.TaskOpen},
		{ID: 3, Text: "Klar sak", Due: "2026-02-01", Status: casework.TaskDone},
	}
	tests := []struct {
		name string
		in   casework.AgendaInput
		want string
	}{
		{"due goals, events since the last meeting, consent ending soon, open tasks", casework.AgendaInput{
			Meeting: meeting, Since: lastHeld, Plan: plan, Events: events, Consents: []casework.Consent{consent}, Tasks: tasks, Now: now},
			"goals a! b | events note:police note:school | consent 2026-03-20 | tasks 1! 2"},
		{"a consent ending long after the meeting is not on the agenda", casework.AgendaInput{
			Meeting: meeting, Since: lastHeld, Consents: []casework.Consent{func() casework.Consent { c := consent; c.ValidUntil = sthlm(2026, 9, 1, 0, 0); return c }()}, Now: now},
			"goals | events | tasks"},
		{"no valid consent is on the agenda", casework.AgendaInput{Meeting: meeting, Since: lastHeld, Now: now},
			"goals | events | no consent | tasks"},
		{"a first meeting lists what happened since the consent began", casework.AgendaInput{
			Meeting: meeting, Events: events, Consents: []casework.Consent{func() casework.Consent {
				c := consent
				c.ValidFrom = sthlm(2026, 2, 5, 0, 0)
				c.ValidUntil = sthlm(2026, 8, 5, 0, 0)
				return c
			}()}, Now: now},
			"goals | events note:police note:school | tasks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := casework.BuildAgenda(tt.in)
			var b strings.Builder
			b.WriteString("goals")
			for _, g := range a.Goals {
				b.WriteString(" " + g.ID)
				if g.Overdue {
					b.WriteString("!")
				}
			}
			b.WriteString(" | events")
			for _, e := range a.Events {
				fmt.Fprintf(&b, " %s:%s", e.Kind, e.Category)
			}
			if a.NoConsent {
				b.WriteString(" | no consent")
			}
			if !a.ConsentEnds.IsZero() {
				b.WriteString(" | consent " + a.ConsentEnds.In(casework.Stockholm).Format("2006-01-02"))
			}
			b.WriteString(" | tasks")
			for _, tk := range a.Tasks {
				fmt.Fprintf(&b, " %d", tk.ID)
				if tk.Overdue {
					b.WriteString("!")
				}
			}
			if b.String() != tt.want {
				t.Fatalf("got  %s\nwant %s", b.String(), tt.want)
			}
		})
	}
}

func TestCaseReferenceSaysNothingAndIsShort(t *testing.T) {
	for _, id := range []int64{1, 123456, 9007199254740991} {
		r := casework.CaseReference(id)
		if len(r) != 6 {
			t.Errorf("%d: %q", id, r)
		}
	}
}
