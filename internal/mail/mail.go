// Package mail sends Lots' e-mail: reminders about tasks that fall due, to their owners, and
// about consents that end soon, to the case's coordinator. A reminder says that there is a task
// and when it is due, or that a consent ends and when, and nothing else — no name, no case, no
// task text, no id or link to one — so an e-mail that goes astray reveals nothing about a young
// person. It also sends the notifications of group and meeting changes (notifications.go), as
// bare as the reminders, with a calendar entry for meetings. The SMTP relay is set from the
// environment; without one, Lots sends no e-mail.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strings"
	"time"

	"lots/internal/casework"
)

// Config is the SMTP relay.
type Config struct {
	Addr     string // host:port (LOTS_SMTP_ADDR)
	From     string // the sender address (LOTS_SMTP_FROM)
	User     string // for SMTP AUTH PLAIN, only over TLS (LOTS_SMTP_USER)
	Password string // LOTS_SMTP_PASSWORD, or read from the file LOTS_SMTP_PASSWORD_FILE
}

// ConfigFromEnv reads the relay from the environment through lookup (os.LookupEnv in the
// program). It reports false when LOTS_SMTP_ADDR is unset: no e-mail then.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, bool, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	c := Config{Addr: get("LOTS_SMTP_ADDR"), From: get("LOTS_SMTP_FROM"), User: get("LOTS_SMTP_USER")}
	if c.Addr == "" {
		return c, false, nil
	}
	if p, ok := lookup("LOTS_SMTP_PASSWORD_FILE"); ok && p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return c, false, fmt.Errorf("LOTS_SMTP_PASSWORD_FILE: %w", err)
		}
		c.Password = strings.TrimRight(string(b), "\r\n")
	} else {
		c.Password, _ = lookup("LOTS_SMTP_PASSWORD")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, false, fmt.Errorf("LOTS_SMTP_ADDR %q: want host:port", c.Addr)
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return c, false, fmt.Errorf("LOTS_SMTP_FROM %q: %w", c.From, err)
	}
	return c, true, nil
}

// Message is an e-mail's subject and plain-text body and, for a meeting notification, a
// calendar entry (RFC 5545 text) sent as iMIP (RFC 6047) with its method (REQUEST, CANCEL).
type Message struct {
	Subject, Body  string
	Calendar       string
	CalendarMethod string
}

// The reminder's words are fixed here rather than in the interface catalogue: they are what
// Lots promises to send, and no edit of a translation may put personal data into an e-mail.
const (
	reminderSubjectSv = "Påminnelse från Lots"
	reminderBodySv    = "Du har en uppgift i Lots som förfaller %s. Logga in för att se den."
	reminderSubjectEn = "Reminder from Lots"
	reminderBodyEn    = "You have a task in Lots that is due %s. Log in to see it."

	consentBodySv = "Ett samtycke i Lots upphör att gälla %s. Logga in för att se vilket."
	consentBodyEn = "A consent in Lots ends on %s. Log in to see which."
)

// Reminder is the reminder about a task due on due (YYYY-MM-DD), in the owner's language.
func Reminder(l casework.Locale, due string) Message {
	if l == casework.LocaleEn {
		return Message{Subject: reminderSubjectEn, Body: fmt.Sprintf(reminderBodyEn, due)}
	}
	return Message{Subject: reminderSubjectSv, Body: fmt.Sprintf(reminderBodySv, due)}
}

// ConsentReminder is the reminder that a consent ends on ends (YYYY-MM-DD), in the
// coordinator's language. It does not say which consent: the coordinator logs in to see.
func ConsentReminder(l casework.Locale, ends string) Message {
	if l == casework.LocaleEn {
		return Message{Subject: reminderSubjectEn, Body: fmt.Sprintf(consentBodyEn, ends)}
	}
	return Message{Subject: reminderSubjectSv, Body: fmt.Sprintf(consentBodySv, ends)}
}

// Sender sends e-mail through the relay. It uses STARTTLS whenever the relay offers it, and
// authenticates only over TLS (or to a relay on localhost), as net/smtp's PLAIN auth insists.
type Sender struct {
	cfg     Config
	Timeout time.Duration    // for one message, dial to quit; 30 seconds when 0
	TLS     *tls.Config      // for STARTTLS; ServerName from Addr when nil
	Now     func() time.Time // the Date header; time.Now when nil
}

// NewSender returns a sender for the relay.
func NewSender(c Config) *Sender { return &Sender{cfg: c} }

// ErrAddress is returned for a recipient that is not one plain address.
var ErrAddress = errors.New("mail: invalid recipient address")

// Send sends m to the address to.
func (s *Sender) Send(ctx context.Context, to string, m Message) error {
	rcpt, err := netmail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n") {
		return ErrAddress
	}
	from, err := netmail.ParseAddress(s.cfg.From)
	if err != nil {
		return fmt.Errorf("mail: sender address: %w", err)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: dial: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := s.TLS
		if tc == nil {
			tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.cfg.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, host)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return fmt.Errorf("mail: rcpt: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: data: %w", err)
	}
	if _, err := w.Write(s.compose(from, rcpt, m)); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return c.Quit()
}

// compose builds the message: plain text in UTF-8, quoted-printable, the subject encoded for
// non-ASCII letters (å, ä, ö).
func (s *Sender) compose(from, to *netmail.Address, m Message) []byte {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "lots.invalid"
	if i := strings.LastIndex(from.Address, "@"); i >= 0 {
		domain = from.Address[i+1:]
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", (&netmail.Address{Name: "Lots", Address: from.Address}).String())
	header("To", (&netmail.Address{Address: to.Address}).String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	text := func() {
		qp := quotedprintable.NewWriter(&b)
		_, _ = qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n") + "\r\n"))
		_ = qp.Close()
	}
	if m.Calendar == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		text()
		return b.Bytes()
	}
	// multipart/mixed: the text, then the calendar entry as text/calendar with its method, as
	// RFC 6047 wants it (the method in the Content-Type and in the entry alike).
	mw := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	_, _ = mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	text()
	method := strings.ToUpper(m.CalendarMethod)
	if method == "" {
		method = "PUBLISH"
	}
	_, _ = mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/calendar; method=" + method + "; charset=UTF-8"},
		"Content-Transfer-Encoding": {"base64"},
	})
	enc := base64.StdEncoding.EncodeToString([]byte(m.Calendar))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	_ = mw.Close()
	return b.Bytes()
}
