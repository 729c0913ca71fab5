package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/store/storetest"
)

// settingsPost is the settings form with Demo kommun's values, the meeting times left out.
func settingsPost(meeting map[string]string) url.Values {
	v := url.Values{
		"min_age": {"12"}, "max_age": {"18"}, "group_within_days": {"7"}, "action_plan_within_days": {"10"},
		"assessment_within_days": {"42"}, "consent_validity_months": {"6"}, "session_idle_minutes": {"30"}, "session_max_hours": {"10"},
		"consent_youth_signs_from_age": {"0"}, "consent_guardians_until_age": {"18"}, "protected_roles": {"coordinator", "case_officer"},
		"reminder_days_before": {"2"},
	}
	for k, s := range meeting {
		v.Set(k, s)
	}
	return v
}

// The administrator sets the municipality's fixed meeting slots, the groups' rhythm and the
// pre-meeting on the settings page; a bad line is named by its number and nothing is saved;
// and the coordinator's meeting page proposes the new slots.
func TestAdminSetsMeetingSlots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		w := newGroupsWorld(t, e)
		srv := w.srv
		// A Wednesday noon: the next fixed slot is Thursday 09:00, before the Tuesday one.
		now := w.clock.Now().In(casework.Stockholm)
		days := (int(time.Wednesday) - int(now.Weekday()) + 7) % 7
		if days == 0 {
			days = 7
		}
		wednesday := time.Date(now.Year(), now.Month(), now.Day()+days, 12, 0, 0, 0, casework.Stockholm)
		w.clock.Advance(wednesday.Sub(w.clock.Now()))
		admin := srv.Login(t, "admin")
		settings := func() casework.Settings {
			t.Helper()
			m, err := w.st.MunicipalityByCode(t.Context(), "9999")
			if err != nil {
				t.Fatal(err)
			}
			return m.Settings
		}
		tuesday := casework.MeetingSlot{Weekday: 2, Start: "15:00", Minutes: 90}
		thursday := casework.MeetingSlot{Weekday: 4, Start: "09:00", Minutes: 60}

		t.Run("the page shows the default slot in the form it reads", func(t *testing.T) {
			_, page := srv.Get(t, admin, "/admin/settings")
			page = html.UnescapeString(page)
			for _, want := range []string{"<h2 id=\"settings-meetings\">Mötestider</h2>", ">tisdag 15:00 90</textarea>", "till exempel tisdag 15:00 90",
				`name="meeting_rhythm_weeks" value="4"`, `name="pre_meeting_minutes" value="30"`} {
				if !strings.Contains(page, want) {
					t.Errorf("the settings page lacks %q", want)
				}
			}
		})

		t.Run("two slots and a rhythm are stored and shown back", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{
				"meeting_slots": "tisdag 15:00 90\r\n\r\nTorsdag kl. 9.00 60\r\n", "meeting_rhythm_weeks": "3", "pre_meeting_minutes": "45",
			}))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", res.StatusCode, body)
			}
			st := settings()
			if len(st.MeetingSlots) != 2 || st.MeetingSlots[0] != tuesday || st.MeetingSlots[1] != thursday || st.MeetingRhythmWeeks != 3 || st.PreMeetingMinutes != 45 {
				t.Fatalf("saved %+v", st)
			}
			_, page := srv.Get(t, admin, "/admin/settings")
			for _, want := range []string{">tisdag 15:00 90\ntorsdag 09:00 60</textarea>", `name="meeting_rhythm_weeks" value="3"`, `name="pre_meeting_minutes" value="45"`} {
				if !strings.Contains(page, want) {
					t.Errorf("the settings page lacks %q", want)
				}
			}
		})

		t.Run("a bad line is named by its number, the text typed is kept and nothing is saved", func(t *testing.T) {
			before := settings()
			typed := "tisdag 15:00 90\nfredag 25:00"
			res, body := srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{
				"meeting_slots": typed, "meeting_rhythm_weeks": "5", "pre_meeting_minutes": "30", "min_age": "13",
			}))
			body = html.UnescapeString(body)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			for _, want := range []string{"Rad 2 (”fredag 25:00”): skriv mötestiden som veckodag, klockslag och längd i minuter (15–480), till exempel tisdag 15:00 90.",
				">" + typed + "</textarea>", `name="meeting_rhythm_weeks" value="5"`, `name="min_age" value="13"`, `aria-invalid="true"`, `href="#f-meeting_slots"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the refused form lacks %q", want)
				}
			}
			if after := settings(); after.MinAge != before.MinAge || after.MeetingRhythmWeeks != 3 || len(after.MeetingSlots) != 2 {
				t.Fatalf("a refused form changed the settings: %+v", after)
			}
		})

		t.Run("every bad line is named, and the rules' ranges are checked at their fields", func(t *testing.T) {
			res, body := srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{
				"meeting_slots": "fredag 25:00\n\nonsdag 10:00 90\nonsdag 10:00 60\nmidsommar 12:00 60", "meeting_rhythm_weeks": "9", "pre_meeting_minutes": "5",
			}))
			body = html.UnescapeString(body)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			for _, want := range []string{"Rad 1 (”fredag 25:00”)", "Rad 4 har samma veckodag och klockslag som rad 3.", "Rad 5 (”midsommar 12:00 60”)",
				"Välj en rytm mellan 1 och 8 veckor.", "Förmötet ska vara mellan 10 och 120 minuter."} {
				if !strings.Contains(body, want) {
					t.Errorf("the refused form lacks %q", want)
				}
			}
			if strings.Contains(body, "Rad 3 (") {
				t.Error("a good line is called bad")
			}
			if st := settings(); st.MeetingRhythmWeeks != 3 || st.PreMeetingMinutes != 45 || len(st.MeetingSlots) != 2 {
				t.Fatalf("a refused form changed the settings: %+v", st)
			}
		})

		t.Run("more than 14 slots are refused", func(t *testing.T) {
			var lines []string
			for _, d := range []string{"måndag", "tisdag", "onsdag", "torsdag", "fredag"} {
				lines = append(lines, d+" 09:00 60", d+" 13:00 60", d+" 15:00 60")
			}
			res, body := srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{
				"meeting_slots": strings.Join(lines, "\n"), "meeting_rhythm_weeks": "3", "pre_meeting_minutes": "45",
			}))
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Högst 14 fasta mötestider.") {
				t.Fatalf("%d slots: status %d", len(lines), res.StatusCode)
			}
		})

		t.Run("a post without the meeting fields keeps the meeting times", func(t *testing.T) {
			res, _ := srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{"reminder_days_before": "3"}))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: %d", res.StatusCode)
			}
			if st := settings(); st.ReminderDaysBefore != 3 || len(st.MeetingSlots) != 2 || st.MeetingRhythmWeeks != 3 || st.PreMeetingMinutes != 45 {
				t.Fatalf("saved %+v", st)
			}
		})

		t.Run("the coordinator's meeting page proposes Thursday 09:00", func(t *testing.T) {
			coord := srv.Login(t, "samordnare")
			body := w.get(t, coord, w.path("/meetings"), http.StatusOK)
			m := startRE.FindStringSubmatch(body)
			if m == nil || !strings.Contains(body, "tisdag kl. 15:00 (90 min); torsdag kl. 09:00 (60 min)") {
				t.Fatalf("no proposal or slots:\n%s", body)
			}
			start, err := time.Parse(time.RFC3339, m[1])
			if err != nil {
				t.Fatal(err)
			}
			if l := start.In(casework.Stockholm); l.Weekday() != time.Thursday || l.Hour() != 9 || l.Minute() != 0 || !l.After(wednesday) || l.Sub(wednesday) > 24*time.Hour {
				t.Fatalf("the first proposal %v is not the next day's Thursday 09:00", l)
			}
			ml, err := w.st.Meetings(w.f.Ctx(t, w.st, casework.RoleCoordinator), w.caseID)
			if err != nil || len(ml.Proposals) == 0 || !ml.Proposals[0].Start.Equal(start) || ml.Proposals[0].Minutes != 60 || ml.PreMinutes != 45 {
				t.Fatalf("the store's proposals: %+v %v", ml, err)
			}
		})

		t.Run("in English the slots are written and read with English weekdays", func(t *testing.T) {
			srv.PostForm(t, admin, "/language", url.Values{"lang": {"en"}, "back": {"/admin/settings"}})
			_, page := srv.Get(t, admin, "/admin/settings")
			want := "Tuesday 15:00 90\nThursday 09:00 60"
			if !strings.Contains(page, ">"+want+"</textarea>") {
				t.Fatalf("the English page lacks %q", want)
			}
			res, _ := srv.PostForm(t, admin, "/admin/settings", settingsPost(map[string]string{"meeting_slots": want, "meeting_rhythm_weeks": "3", "pre_meeting_minutes": "45"}))
			if st := settings(); res.StatusCode != http.StatusSeeOther || len(st.MeetingSlots) != 2 || st.MeetingSlots[1] != thursday {
				t.Fatalf("save in English: %d %+v", res.StatusCode, st)
			}
		})
	})
}
