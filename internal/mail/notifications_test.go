package mail_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mail"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// mailParts splits a received message into its top-level Content-Type and its parts' decoded
// bodies by their Content-Type (the whole body for a message of one part).
func mailParts(t *testing.T, data string) (string, map[string]string) {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(data)))
	h, err := r.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	ct := h.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	if !strings.HasPrefix(mt, "multipart/") {
		_, body := parse(t, data)
		out[ct] = body
		return ct, out
	}
	mr := multipart.NewReader(r.R, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") == "base64" {
			if b, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", "")); err != nil {
				t.Fatal(err)
			}
		}
		out[p.Header.Get("Content-Type")] = strings.TrimSpace(string(b))
	}
	return ct, out
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// icsValue is the value of the first line of the calendar text that starts with name + ":".
func icsValue(cal, name string) string {
	for _, l := range strings.Split(strings.ReplaceAll(cal, "\r\n ", ""), "\r\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			return v
		}
	}
	return ""
}

// The notification job end to end with a real SMTP conversation: a professional added to a
// group gets one e-mail without personal data (a refused send is tried again the next round),
// a meeting planned comes as METHOD:REQUEST, its cancellation as METHOD:CANCEL with the same
// UID and a higher SEQUENCE, and one who lost access to the case before the job ran gets
// nothing.
func TestNotificationsJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := storetest.NewClock(t0)
		st := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, st, "9901", "")
		admin := f.Ctx(t, st, casework.RoleAdmin)
		coord := f.Ctx(t, st, casework.RoleCoordinator)
		police := f.Users[casework.RoleGroupMember]
		police.Email = "erik@polisen.example"
		if err := st.UpdateUser(admin, &police); err != nil {
			t.Fatal(err)
		}
		const pnr, place = "200803112382", "Hemliggatan 3"
		rc := f.Concern(t, st, casework.RoleCoordinator, "Hemlig", "Ungdomsson", pnr)
		f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		other := f.Concern(t, st, casework.RoleCoordinator, "Annan", "Ungdomsson", storetest.TestPersonalNumbers[1])
		f.Advance(t, st, other.CaseID, casework.StepActive, storetest.ConsentSpec{})
		secrets := []string{"Hemlig", "Annan", "Ungdomsson", pnr, "20080311", "080311", place, casework.CaseReference(rc.CaseID)}

		srv := startSMTP(t)
		job := mail.NewNotifications(st, mail.NewSender(mail.Config{Addr: srv.addr, From: "lots@kommun.example"}), "lots@kommun.example", nil)
		job.Now = clock.Now
		round := func(want int) {
			t.Helper()
			n, err := job.RunOnce(context.Background())
			if err != nil || n != want {
				t.Fatalf("sent %d, want %d: %v", n, want, err)
			}
		}
		last := func() (string, map[string]string) {
			t.Helper()
			got := srv.received()
			if len(got) == 0 {
				t.Fatal("no e-mail")
			}
			m := got[len(got)-1]
			if len(m.to) != 1 || m.to[0] != police.Email {
				t.Fatalf("to %v", m.to)
			}
			ct, parts := mailParts(t, m.data)
			for _, s := range secrets {
				for _, text := range append([]string{m.data}, mapValues(parts)...) {
					if strings.Contains(text, s) {
						t.Errorf("the e-mail contains %q:\n%s", s, text)
					}
				}
			}
			return ct, parts
		}

		if _, err := st.AddGroupMember(coord, rc.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
			t.Fatal(err)
		}
		srv.mu.Lock()
		srv.fail = true
		srv.mu.Unlock()
		if n, err := job.RunOnce(context.Background()); n != 0 || err == nil {
			t.Fatalf("a refused send: %d %v", n, err)
		}
		if due, _ := st.DueNotifications(context.Background()); len(due) != 1 {
			t.Fatalf("a failed send must be tried again: %d due", len(due))
		}
		srv.mu.Lock()
		srv.fail = false
		srv.mu.Unlock()
		round(1)
		ct, parts := last()
		if ct != "text/plain; charset=utf-8" || parts[ct] != "Du har lagts till i en grupp i Lots. Logga in för att se den." {
			t.Fatalf("%s %q", ct, parts)
		}
		round(0)

		clock.Advance(time.Minute)
		m, err := st.CreateMeeting(coord, rc.CaseID, casework.MeetingInput{Start: t0.Add(29 * time.Hour), Place: place})
		if err != nil {
			t.Fatal(err)
		}
		round(1)
		ct, parts = last()
		if !strings.HasPrefix(ct, "multipart/mixed;") {
			t.Fatalf("content type %s", ct)
		}
		if body := parts["text/plain; charset=utf-8"]; body != "Ett möte i Lots är planerat 2026-03-03 kl. 15.00. Logga in för att se det." {
			t.Fatalf("body %q", body)
		}
		req, ok := parts["text/calendar; method=REQUEST; charset=UTF-8"]
		uid := "lots-meeting-" + strconv.FormatInt(m.ID, 10) + "@lots"
		if !ok || icsValue(req, "METHOD") != "REQUEST" || icsValue(req, "UID") != uid || icsValue(req, "SEQUENCE") != "0" ||
			icsValue(req, "SUMMARY") != "Möte i Lots" || icsValue(req, "DTSTART") != "20260303T140000Z" || icsValue(req, "LOCATION") != "" {
			t.Fatalf("invitation %q", parts)
		}

		clock.Advance(time.Minute)
		if err := st.CancelMeeting(coord, rc.CaseID, m.ID, "Hemlig är sjuk"); err != nil {
			t.Fatal(err)
		}
		round(1)
		_, parts = last()
		if body := parts["text/plain; charset=utf-8"]; body != "Mötet i Lots 2026-03-03 kl. 15.00 är inställt. Logga in för att se det." {
			t.Fatalf("body %q", body)
		}
		cancel, ok := parts["text/calendar; method=CANCEL; charset=UTF-8"]
		if !ok || icsValue(cancel, "METHOD") != "CANCEL" || icsValue(cancel, "UID") != uid || icsValue(cancel, "SEQUENCE") != "1" ||
			icsValue(cancel, "STATUS") != "CANCELLED" {
			t.Fatalf("cancellation %q", parts)
		}

		// The other case: the police are added and a meeting planned, then the consent that let
		// them see the case is withdrawn before the job runs. They hear nothing of it.
		clock.Advance(time.Minute)
		if _, err := st.AddGroupMember(coord, other.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateMeeting(coord, other.CaseID, casework.MeetingInput{Start: t0.Add(53 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		cs, err := st.Consents(coord, other.CaseID)
		if err != nil || len(cs) == 0 || len(cs[0].Signers) == 0 {
			t.Fatalf("%+v %v", cs, err)
		}
		if _, err := st.WithdrawConsent(coord, other.CaseID, cs[0].ID, cs[0].Signers[0].Name, casework.WithdrawnInWriting, ""); err != nil {
			t.Fatal(err)
		}
		before := len(srv.received())
		round(0)
		if len(srv.received()) != before {
			t.Fatal("a recipient who lost access was notified")
		}
		if due, _ := st.DueNotifications(context.Background()); len(due) != 0 {
			t.Fatalf("undeliverable notifications stay: %d", len(due))
		}
	})
}

// The notifications' words in English, and an unknown kind refused rather than sent blank.
func TestNoticeInEnglish(t *testing.T) {
	start := time.Date(2026, 3, 3, 14, 0, 0, 0, time.UTC)
	n := store.Notification{Kind: store.NotifyMeetingCancelled, Locale: casework.LocaleEn, Email: "a@b.example", Sequence: 3,
		Meeting: casework.Meeting{ID: 7, Start: start, DurationMinutes: 90}}
	m, err := mail.Notice(n, "lots@kommun.example", start)
	if err != nil || m.Subject != "Notice from Lots" || m.Body != "The meeting in Lots on 2026-03-03 at 15:00 is cancelled. Log in to see it." ||
		m.CalendarMethod != "CANCEL" || icsValue(m.Calendar, "SUMMARY") != "Meeting in Lots" || icsValue(m.Calendar, "SEQUENCE") != "3" ||
		icsValue(m.Calendar, "DTEND") != "20260303T153000Z" {
		t.Fatalf("%+v %v", m, err)
	}
	g, _ := mail.Notice(store.Notification{Kind: store.NotifyGroupAdded, Locale: casework.LocaleEn}, "", start)
	if g.Body != "You have been added to a group in Lots. Log in to see it." || g.Calendar != "" {
		t.Fatalf("%+v", g)
	}
	for l, want := range map[casework.Locale]string{casework.LocaleEn: "You have been removed from a group in Lots.", casework.LocaleSv: "Du har tagits bort från en grupp i Lots."} {
		r, _ := mail.Notice(store.Notification{Kind: store.NotifyGroupRemoved, Locale: l}, "", start)
		if r.Body != want || r.Calendar != "" {
			t.Fatalf("removal in %s: %+v", l, r)
		}
	}
	if _, err := mail.Notice(store.Notification{Kind: "other"}, "", start); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}
