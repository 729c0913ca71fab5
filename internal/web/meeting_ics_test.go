package web

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/store/storetest"
)

func TestMeetingCalendarFile(t *testing.T) {
	start := time.Date(2026, 3, 3, 14, 0, 0, 0, time.UTC) // Tuesday 15:00 in Stockholm
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	texts := casework.CalendarTexts{Summary: "SIG-möte (ärende 123456)", PreSummary: "SIG-förmöte, yrkespersoner (ärende 123456)", Description: "Detaljer i Lots."}
	tests := []struct {
		name     string
		m        casework.Meeting
		events   int
		status   string
		location string
		sequence string
	}{
		{"a planned meeting with pre-meeting and place", casework.Meeting{ID: 42, Start: start, DurationMinutes: 90, PreMinutes: 30, Place: "Familjehuset", Status: casework.MeetingPlanned},
			2, "CONFIRMED", "Familjehuset", "0"},
		{"without pre-meeting and place", casework.Meeting{ID: 42, Start: start, DurationMinutes: 60, Status: casework.MeetingPlanned},
			1, "CONFIRMED", "", "0"},
		{"cancelled, with a higher sequence", casework.Meeting{ID: 42, Start: start, DurationMinutes: 90, PreMinutes: 30, Status: casework.MeetingCancelled, Sequence: 1},
			2, "CANCELLED", "", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := casework.MeetingCalendarFile(tt.m, texts, now)
			if !strings.HasPrefix(raw, "BEGIN:VCALENDAR\r\n") || !strings.Contains(raw, "\r\nVERSION:2.0\r\n") || !strings.Contains(raw, "\r\nMETHOD:PUBLISH\r\n") {
				t.Fatalf("not an iCalendar file:\n%s", raw)
			}
			cal, err := ics.ParseCalendar(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			evs := cal.Events()
			if len(evs) != tt.events {
				t.Fatalf("%d events", len(evs))
			}
			main := evs[len(evs)-1]
			s, _ := main.GetStartAt()
			e, _ := main.GetEndAt()
			if !s.Equal(start) || e.Sub(s) != time.Duration(tt.m.DurationMinutes)*time.Minute {
				t.Fatalf("meeting %v–%v", s, e)
			}
			if v := main.GetProperty(ics.ComponentPropertyDtStart).Value; v != "20260303T140000Z" {
				t.Fatalf("DTSTART %q", v)
			}
			for _, ev := range evs {
				for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertySummary} {
					if ev.GetProperty(p) == nil {
						t.Errorf("%s missing", p)
					}
				}
				if v := ev.GetProperty(ics.ComponentPropertyStatus).Value; v != tt.status {
					t.Errorf("status %q", v)
				}
				if v := ev.GetProperty(ics.ComponentPropertySequence).Value; v != tt.sequence {
					t.Errorf("sequence %q", v)
				}
				loc := ev.GetProperty(ics.ComponentPropertyLocation)
				if (tt.location == "" && loc != nil) || (tt.location != "" && (loc == nil || loc.Value != tt.location)) {
					t.Errorf("location %v", loc)
				}
			}
			if tt.events == 2 {
				ps, _ := evs[0].GetStartAt()
				pe, _ := evs[0].GetEndAt()
				if !ps.Equal(start.Add(-30*time.Minute)) || !pe.Equal(start) || evs[0].GetProperty(ics.ComponentPropertySummary).Value != texts.PreSummary || evs[0].Id() == main.Id() {
					t.Fatalf("pre-meeting %v–%v %q", ps, pe, evs[0].Id())
				}
			}
		})
	}
}

// The start page's partial shows the member's next meeting and task (the start page's owner
// wires it in with {{template "groups_home" .Data.Groups}}).
func TestGroupsHomePartial(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := storetest.NewClock(t0)
	st := storetest.Open(t, storetest.SQLite, clock.Now)
	f := storetest.Seed(t, st, "9901", "")
	coord := f.Ctx(t, st, casework.RoleCoordinator)
	police := f.Users[casework.RoleGroupMember]
	rc := f.Concern(t, st, casework.RoleCoordinator, "Hem", "Sidesson", storetest.TestPersonalNumbers[0])
	f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
	if _, err := st.AddGroupMember(coord, rc.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
		t.Fatal(err)
	}
	m, err := st.CreateMeeting(coord, rc.CaseID, casework.MeetingInput{Start: t0.Add(29 * time.Hour), DurationMinutes: 90})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddDecision(coord, rc.CaseID, m.ID, casework.DecisionInput{Text: "Ring mentorn", OwnerUserID: police.ID, Due: "2026-03-10"}); err != nil {
		t.Fatal(err)
	}
	h := auth.NewHasher(auth.FastParams)
	s, err := New(st, auth.NewService(st, h, clock.Now), h, i18n.MustLoad(), slog.New(slog.DiscardHandler), clock.Now, Config{})
	if err != nil {
		t.Fatal(err)
	}
	render := func(t *testing.T, r casework.Role) string {
		req := httptest.NewRequest("GET", "/", nil)
		req = req.WithContext(casework.WithActor(req.Context(), f.Actor(t, st, r)))
		d, err := s.groupsHome(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		src, err := s.sourcePage("task_list")
		if err != nil {
			t.Fatal(err)
		}
		if err := src.ExecuteTemplate(&b, "groups_home", d); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	body := render(t, casework.RoleGroupMember)
	for _, want := range []string{"Mina nästa möten", "tisdag 3 mars 2026, 15:00–16:30", "Hem Sidesson", "Ring mentorn", "Alla mina uppgifter (1)", "Du är med i 1 grupp."} {
		if !strings.Contains(body, want) {
			t.Errorf("the police's start page lacks %q:\n%s", want, body)
		}
	}
	if body := render(t, casework.RoleCoordinator); strings.Contains(body, "Ring mentorn") || !strings.Contains(body, "tisdag 3 mars 2026") {
		t.Errorf("the coordinator's start page:\n%s", body)
	}
	if body := strings.TrimSpace(render(t, casework.RoleAdmin)); body != "" {
		t.Errorf("an administrator gets a groups section: %q", body)
	}
}
