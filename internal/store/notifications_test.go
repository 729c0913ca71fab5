package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// The outbox is written with the change, in its transaction: adding a Lots user to the group,
// planning, cancelling and restoring a meeting each leave a row per Lots user in the group but
// the actor; a change the database refuses part-way leaves neither the change nor a
// notification.
func TestNotificationsAreWrittenWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		clock := storetest.NewClock(t0)
		dsn := storetest.DSN(t, e)
		s := openWith(t, dsn, envelope.Ephemeral(), clock.Now)
		db := rawDB(t, dsn, e)
		f := storetest.Seed(t, s, "9901", "")
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		coordID, police := f.Users[casework.RoleCoordinator].ID, f.Users[casework.RoleGroupMember].ID
		caseID := activeCase(t, s, f, 0)
		outbox := func() string {
			t.Helper()
			rows, err := db.Query(`SELECT user_id, kind, COALESCE(meeting_id, 0), sequence FROM notifications WHERE case_id = $1
				AND sent_at IS NULL ORDER BY created_at, sequence, id`, caseID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var user, meeting int64
				var kind string
				var seq int
				if err := rows.Scan(&user, &kind, &meeting, &seq); err != nil {
					t.Fatal(err)
				}
				who := "other"
				switch user {
				case coordID:
					who = "coordinator"
				case police:
					who = "police"
				}
				out = append(out, fmt.Sprintf("%s %s %v %d", who, kind, meeting != 0, seq))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return strings.Join(out, "; ")
		}

		// The coordinator adds themself: nobody is told.
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: coordID}); err != nil {
			t.Fatal(err)
		}
		if got := outbox(); got != "" {
			t.Fatalf("the actor was notified: %s", got)
		}
		// The database refuses the change's event: the member is not added, nobody is told.
		refuse := []string{`CREATE TRIGGER refuse_event BEFORE INSERT ON case_events BEGIN SELECT RAISE(ABORT, 'disk full'); END`}
		mend := []string{`DROP TRIGGER refuse_event`}
		if e == storetest.Postgres {
			refuse = []string{
				`CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END; $$`,
				`CREATE TRIGGER refuse_event BEFORE INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION refuse_event()`,
			}
			mend = []string{`DROP TRIGGER refuse_event ON case_events`, `DROP FUNCTION refuse_event`}
		}
		for _, q := range refuse {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police}); err == nil {
			t.Fatal("the member was added though its event was refused")
		}
		if got := outbox(); got != "" {
			t.Fatalf("a rolled-back change notified: %s", got)
		}
		for _, q := range mend {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police}); err != nil {
			t.Fatal(err)
		}
		if got := outbox(); got != "police group_added false 0" {
			t.Fatalf("after adding the police: %s", got)
		}
		// A guardian without a Lots account is in the group too: not a recipient.
		if _, err := s.AddGroupMember(coord, caseID, casework.MemberInput{Kind: casework.MemberGuardian, Name: "Vårdnadshavare", Relation: "mamma"}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		m, err := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: t0.Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if err := s.CancelMeeting(coord, caseID, m.ID, "Sjuk"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if err := s.RestoreMeeting(coord, caseID, m.ID); err != nil {
			t.Fatal(err)
		}
		want := "police group_added false 0; police meeting_created true 0; police meeting_cancelled true 1; police meeting_created true 2"
		if got := outbox(); got != want {
			t.Fatalf("outbox\n got %s\nwant %s", got, want)
		}
		// A member removed is told so, and no longer about the group's meetings.
		g, err := s.Group(coord, caseID)
		if err != nil {
			t.Fatal(err)
		}
		pm, _ := g.MemberByUser(police)
		clock.Advance(time.Minute)
		if err := s.RemoveGroupMember(coord, caseID, pm.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateMeeting(coord, caseID, casework.MeetingInput{Start: t0.Add(30 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		want += "; police group_removed false 0"
		if got := outbox(); got != want {
			t.Fatalf("a removed member was notified of a meeting, or not of the removal\n got %s\nwant %s", got, want)
		}
		// The removal is sent to the removed member (whether or not they may still see the case:
		// here the police's consent still lets them see its basic information).
		if _, err := db.Exec(`UPDATE users SET email = 'polis@example.se' WHERE id = $1`, police); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueNotifications(coord)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, n := range due {
			if n.UserID == police {
				kinds = append(kinds, string(n.Kind))
			}
		}
		if !slices.Contains(kinds, string(store.NotifyGroupRemoved)) {
			t.Fatalf("to the removed member: %v, want the removal among them", kinds)
		}
		// Sent notifications go after NotificationDays.
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM notifications`).Scan(&n); err != nil || n != len(due) {
			t.Fatalf("%d rows: %v", n, err)
		}
		if _, err := db.Exec(`UPDATE notifications SET sent_at = created_at`); err != nil {
			t.Fatal(err)
		}
		clock.Advance(store.NotificationDays*24*time.Hour - 4*time.Minute)
		if k, err := s.PurgeNotifications(coord); err != nil || k != 1 {
			t.Fatalf("purged %d at %d days: %v", k, store.NotificationDays, err)
		}
	})
}
