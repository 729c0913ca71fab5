package mail_test

import (
	"bufio"
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/mail"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// smtpServer is a tiny SMTP server for tests: it speaks just enough (no TLS, no AUTH) and
// records every message it is given.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []received
	fail bool // answer 451 to DATA
}

type received struct {
	from string
	to   []string
	data string
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: l.Addr().String()}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	reply := func(line string) { _ = tp.PrintfLine("%s", line) }
	reply("220 test.invalid ESMTP")
	var msg received
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250-test.invalid")
			reply("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			msg = received{from: angle(line)}
			reply("250 OK")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			msg.to = append(msg.to, angle(line))
			reply("250 OK")
		case cmd == "DATA":
			s.mu.Lock()
			fail := s.fail
			s.mu.Unlock()
			if fail {
				reply("451 try again later")
				continue
			}
			reply("354 go ahead")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			msg.data = string(b)
			s.mu.Lock()
			s.msgs = append(s.msgs, msg)
			s.mu.Unlock()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 OK")
		}
	}
}

// angle is the address between < and > in a MAIL or RCPT command.
func angle(line string) string {
	_, rest, _ := strings.Cut(line, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

func (s *smtpServer) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// parse splits a received message into decoded headers and the decoded body.
func parse(t *testing.T, data string) (map[string]string, string) {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(data)))
	h, err := r.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{}
	dec := new(mime.WordDecoder)
	for k := range h {
		v, err := dec.DecodeHeader(h.Get(k))
		if err != nil {
			t.Fatal(err)
		}
		headers[k] = v
	}
	body, err := io.ReadAll(quotedprintable.NewReader(r.R))
	if err != nil {
		t.Fatal(err)
	}
	return headers, strings.TrimSpace(string(body))
}

func TestConfigFromEnv(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("hemligt\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	if _, on, err := mail.ConfigFromEnv(env(nil)); on || err != nil {
		t.Fatalf("no relay: %v %v", on, err)
	}
	c, on, err := mail.ConfigFromEnv(env(map[string]string{"LOTS_SMTP_ADDR": "smtp.kommun.example:587", "LOTS_SMTP_FROM": "lots@kommun.example",
		"LOTS_SMTP_USER": "lots", "LOTS_SMTP_PASSWORD": "fel", "LOTS_SMTP_PASSWORD_FILE": pw}))
	if !on || err != nil || c.Password != "hemligt" || c.User != "lots" {
		t.Fatalf("%+v %v %v", c, on, err)
	}
	for name, m := range map[string]map[string]string{
		"no port":         {"LOTS_SMTP_ADDR": "smtp.kommun.example", "LOTS_SMTP_FROM": "lots@kommun.example"},
		"no sender":       {"LOTS_SMTP_ADDR": "smtp.kommun.example:25"},
		"unreadable file": {"LOTS_SMTP_ADDR": "smtp.kommun.example:25", "LOTS_SMTP_FROM": "lots@kommun.example", "LOTS_SMTP_PASSWORD_FILE": "/nonexistent"},
	} {
		if _, _, err := mail.ConfigFromEnv(env(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReminderTextSaysNothingButTheDate(t *testing.T) {
	sv := mail.Reminder(casework.LocaleSv, "2026-03-04")
	if sv.Body != "Du har en uppgift i Lots som förfaller 2026-03-04. Logga in för att se den." || sv.Subject != "Påminnelse från Lots" {
		t.Fatalf("%+v", sv)
	}
	en := mail.Reminder(casework.LocaleEn, "2026-03-04")
	if en.Body != "You have a task in Lots that is due 2026-03-04. Log in to see it." {
		t.Fatalf("%+v", en)
	}
	csv := mail.ConsentReminder(casework.LocaleSv, "2026-09-02")
	if csv.Body != "Ett samtycke i Lots upphör att gälla 2026-09-02. Logga in för att se vilket." || csv.Subject != "Påminnelse från Lots" {
		t.Fatalf("%+v", csv)
	}
	cen := mail.ConsentReminder(casework.LocaleEn, "2026-09-02")
	if cen.Body != "A consent in Lots ends on 2026-09-02. Log in to see which." || cen.Subject != "Reminder from Lots" {
		t.Fatalf("%+v", cen)
	}
}

func TestSenderDeliversToTheRelay(t *testing.T) {
	srv := startSMTP(t)
	s := mail.NewSender(mail.Config{Addr: srv.addr, From: "lots@kommun.example"})
	s.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	if err := s.Send(context.Background(), "erik@polisen.example", mail.Reminder(casework.LocaleSv, "2026-03-04")); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 || got[0].from != "lots@kommun.example" || len(got[0].to) != 1 || got[0].to[0] != "erik@polisen.example" {
		t.Fatalf("%+v", got)
	}
	h, body := parse(t, got[0].data)
	if h["Subject"] != "Påminnelse från Lots" || !strings.Contains(h["From"], "lots@kommun.example") || h["Content-Type"] != "text/plain; charset=utf-8" {
		t.Fatalf("headers %v", h)
	}
	if body != "Du har en uppgift i Lots som förfaller 2026-03-04. Logga in för att se den." {
		t.Fatalf("body %q", body)
	}
	if err := s.Send(context.Background(), "a@b.example\r\nBcc: x@evil.example", mail.Message{}); err == nil {
		t.Fatal("a header injection was accepted")
	}
}

// The job end to end: a task due in two days in a municipality that turned reminders on gets
// one e-mail with the fixed text — never the young person's name, the personnummer or the
// task — and none the next round.
func TestRemindersJob(t *testing.T) {
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
		settings := casework.DefaultSettings()
		settings.TaskReminders = true
		if err := st.UpdateSettings(admin, settings); err != nil {
			t.Fatal(err)
		}
		const pnr = "200803112382"
		rc := f.Concern(t, st, casework.RoleCoordinator, "Hemlig", "Ungdomsson", pnr)
		f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
		if _, err := st.AddGroupMember(coord, rc.CaseID, casework.MemberInput{Kind: casework.MemberProfessional, UserID: police.ID}); err != nil {
			t.Fatal(err)
		}
		m, err := st.CreateMeeting(coord, rc.CaseID, casework.MeetingInput{Start: t0.Add(29 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"Prata med Hemlig om helgen", "Ring skolan om Hemlig"} {
			if _, err := st.AddDecision(coord, rc.CaseID, m.ID, casework.DecisionInput{Text: text, OwnerUserID: police.ID, Due: "2026-03-04"}); err != nil {
				t.Fatal(err)
			}
		}
		srv := startSMTP(t)
		job := mail.NewReminders(st, mail.NewSender(mail.Config{Addr: srv.addr, From: "lots@kommun.example"}), nil)

		srv.mu.Lock()
		srv.fail = true
		srv.mu.Unlock()
		if n, err := job.RunOnce(context.Background()); n != 0 || err == nil {
			t.Fatalf("a refused send: %d %v", n, err)
		}
		if rs, _ := st.DueReminders(context.Background()); len(rs) != 2 {
			t.Fatalf("a failed send must be tried again: %d due", len(rs))
		}
		srv.mu.Lock()
		srv.fail = false
		srv.mu.Unlock()
		n, err := job.RunOnce(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("sent %d: %v (two tasks due the same day make one e-mail)", n, err)
		}
		got := srv.received()
		if len(got) != 1 || got[0].to[0] != police.Email {
			t.Fatalf("%+v", got)
		}
		for _, secret := range []string{"Hemlig", "Ungdomsson", pnr, "20080311", "080311", "skolan", "helgen"} {
			if strings.Contains(got[0].data, secret) {
				t.Errorf("the e-mail contains %q:\n%s", secret, got[0].data)
			}
		}
		if _, body := parse(t, got[0].data); body != "Du har en uppgift i Lots som förfaller 2026-03-04. Logga in för att se den." {
			t.Fatalf("body %q", body)
		}
		if n, err := job.RunOnce(context.Background()); n != 0 || err != nil {
			t.Fatalf("second round sent %d: %v", n, err)
		}
	})
}

// The job end to end for consents: two consents ending in 20 days on the coordinator's open
// cases make one e-mail to the coordinator with the fixed text — never a name, personnummer or
// id — and none to the case officer; a refused send leaves them unmarked; none the next round.
func TestConsentRemindersJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := storetest.NewClock(t0)
		st := storetest.Open(t, e, clock.Now)
		f := storetest.Seed(t, st, "9901", "")
		admin := f.Ctx(t, st, casework.RoleAdmin)
		coord := f.Ctx(t, st, casework.RoleCoordinator)
		coordinator, officer := f.Users[casework.RoleCoordinator], f.Users[casework.RoleCaseOfficer]
		coordinator.Email, officer.Email = "anna@kommun.example", "olle@kommun.example"
		for _, u := range []*casework.User{&coordinator, &officer} {
			if err := st.UpdateUser(admin, u); err != nil {
				t.Fatal(err)
			}
		}
		settings := casework.DefaultSettings()
		settings.TaskReminders = true
		if err := st.UpdateSettings(admin, settings); err != nil {
			t.Fatal(err)
		}
		pnrs := []string{"200803112382", "200904062387"}
		var secrets []string
		var ends time.Time
		for i, name := range []string{"Hemlig", "Dold"} {
			rc := f.Concern(t, st, casework.RoleCoordinator, name, "Ungdomsson", pnrs[i])
			f.Advance(t, st, rc.CaseID, casework.StepActive, storetest.ConsentSpec{})
			if err := st.AssignStaff(coord, rc.CaseID, officer.ID, casework.StaffCaseOfficer); err != nil {
				t.Fatal(err)
			}
			cs, err := st.Consents(coord, rc.CaseID)
			if err != nil || len(cs) != 1 {
				t.Fatalf("%+v %v", cs, err)
			}
			ends = cs[0].ValidUntil
			secrets = append(secrets, name, pnrs[i], pnrs[i][2:8], strconv.FormatInt(rc.CaseID, 10), strconv.FormatInt(cs[0].YouthID, 10), strconv.FormatInt(cs[0].ID, 10))
		}
		clock.Set(ends.Add(-20 * 24 * time.Hour))
		srv := startSMTP(t)
		job := mail.NewReminders(st, mail.NewSender(mail.Config{Addr: srv.addr, From: "lots@kommun.example"}), nil)

		srv.mu.Lock()
		srv.fail = true
		srv.mu.Unlock()
		if n, err := job.RunOnce(context.Background()); n != 0 || err == nil {
			t.Fatalf("a refused send: %d %v", n, err)
		}
		if rs, _ := st.DueReminders(context.Background()); len(rs) != 2 {
			t.Fatalf("a failed send must be tried again: %d due", len(rs))
		}
		srv.mu.Lock()
		srv.fail = false
		srv.mu.Unlock()
		n, err := job.RunOnce(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("sent %d: %v (two consents ending the same day make one e-mail)", n, err)
		}
		got := srv.received()
		if len(got) != 1 || len(got[0].to) != 1 || got[0].to[0] != coordinator.Email {
			t.Fatalf("%+v", got)
		}
		for _, secret := range append(secrets, "Ungdomsson", "/cases", "http") {
			if strings.Contains(got[0].data, secret) {
				t.Errorf("the e-mail contains %q:\n%s", secret, got[0].data)
			}
		}
		if _, body := parse(t, got[0].data); body != "Ett samtycke i Lots upphör att gälla 2026-09-02. Logga in för att se vilket." {
			t.Fatalf("body %q", body)
		}
		if n, err := job.RunOnce(context.Background()); n != 0 || err != nil {
			t.Fatalf("second round sent %d: %v", n, err)
		}
		if got := srv.received(); len(got) != 1 {
			t.Fatalf("%d e-mails in all", len(got))
		}
	})
}

// A reminder of a kind the job has no text for is not sent and not marked.
func TestReminderOfUnknownKindIsNotSent(t *testing.T) {
	srv := startSMTP(t)
	fs := &markStore{due: []store.Reminder{{Kind: "meeting", ObjectID: 1, Email: "a@kommun.example", Due: "2026-03-04"}}}
	job := mail.NewReminders(fs, mail.NewSender(mail.Config{Addr: srv.addr, From: "lots@kommun.example"}), nil)
	if n, err := job.RunOnce(context.Background()); n != 0 || err == nil || fs.marked != 0 || len(srv.received()) != 0 {
		t.Fatalf("sent %d, marked %d: %v", n, fs.marked, err)
	}
}

type markStore struct {
	due    []store.Reminder
	marked int
}

func (m *markStore) DueReminders(context.Context) ([]store.Reminder, error) { return m.due, nil }

func (m *markStore) MarkReminded(context.Context, store.Reminder) (bool, error) {
	m.marked++
	return true, nil
}

func TestRunStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan struct{}, 10)
	job := mail.NewReminders(fakeStore{calls: calls}, nil, nil)
	job.Interval = time.Millisecond
	done := make(chan error, 1)
	go func() { done <- job.Run(ctx) }()
	<-calls
	<-calls
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

type fakeStore struct{ calls chan struct{} }

func (f fakeStore) DueReminders(context.Context) ([]store.Reminder, error) {
	select {
	case f.calls <- struct{}{}:
	default:
	}
	return nil, nil
}

func (f fakeStore) MarkReminded(context.Context, store.Reminder) (bool, error) { return false, nil }
