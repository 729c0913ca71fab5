package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// NotificationStore is what the notification job needs of the store.
type NotificationStore interface {
	DueNotifications(ctx context.Context) ([]store.Notification, error)
	MarkNotified(ctx context.Context, n store.Notification) (bool, error)
}

// Notifications is the job that sends the notification outbox (store.DueNotifications): every
// Interval it sends one e-mail per notification — that the recipient was added to a group,
// or that a meeting was planned or cancelled, with the calendar entry — and marks it sent
// after sending, so a failed send is tried again next round.
type Notifications struct {
	Store    NotificationStore
	Mailer   Mailer
	Log      *slog.Logger
	Interval time.Duration // one minute when 0
	// Organizer is the calendar entries' organizer: Lots' sender address (LOTS_SMTP_FROM).
	Organizer string
	// Exclusive, as for Reminders: one instance on the database sends at a time.
	Exclusive func(ctx context.Context, name string, fn func(context.Context) error) error
	Now       func() time.Time // the entries' DTSTAMP; time.Now when nil
}

// NewNotifications returns the job for the store and the relay.
func NewNotifications(st NotificationStore, m Mailer, organizer string, log *slog.Logger) *Notifications {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifications{Store: st, Mailer: m, Organizer: organizer, Log: log}
}

// Run sends notifications now and then every Interval until ctx ends.
func (j *Notifications) Run(ctx context.Context) error {
	return runEvery(ctx, "notifications", j.Interval, time.Minute, j.Exclusive, j.RunOnce, j.Log)
}

// RunOnce sends the pending notifications and reports how many went out. A send that fails is
// logged (without the address) and left for the next round.
func (j *Notifications) RunOnce(ctx context.Context) (int, error) {
	due, err := j.Store.DueNotifications(ctx)
	if err != nil {
		return 0, err
	}
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	sent := 0
	var firstErr error
	for _, n := range due {
		m, err := Notice(n, j.Organizer, now())
		if err == nil {
			err = j.Mailer.Send(ctx, n.Email, m)
		}
		if err != nil {
			j.Log.Warn("notification not sent", "err", err, "kind", string(n.Kind))
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		sent++
		if _, err := j.Store.MarkNotified(ctx, n); err != nil {
			return sent, err
		}
	}
	return sent, firstErr
}

// The notifications' words, fixed here like the reminders' so that no translation may put
// personal data into an e-mail: that something happened in Lots, for a meeting when, and
// "log in to see".
const (
	noticeSubjectSv = "Meddelande från Lots"
	noticeSubjectEn = "Notice from Lots"

	groupAddedSv   = "Du har lagts till i en grupp i Lots. Logga in för att se den."
	groupAddedEn   = "You have been added to a group in Lots. Log in to see it."
	groupRemovedSv = "Du har tagits bort från en grupp i Lots."
	groupRemovedEn = "You have been removed from a group in Lots."

	meetingCreatedSv   = "Ett möte i Lots är planerat %s kl. %s. Logga in för att se det."
	meetingCreatedEn   = "A meeting in Lots is planned for %s at %s. Log in to see it."
	meetingCancelledSv = "Mötet i Lots %s kl. %s är inställt. Logga in för att se det."
	meetingCancelledEn = "The meeting in Lots on %s at %s is cancelled. Log in to see it."

	calendarSummarySv     = "Möte i Lots"
	calendarSummaryEn     = "Meeting in Lots"
	calendarDescriptionSv = "Logga in i Lots för att se mötet."
	calendarDescriptionEn = "Log in to Lots to see the meeting."
)

// Notice is the e-mail of a notification in the recipient's language; a meeting's carries its
// calendar entry (METHOD:REQUEST when planned, METHOD:CANCEL with the same UID and the higher
// sequence when cancelled), from organizer to the recipient.
func Notice(n store.Notification, organizer string, now time.Time) (Message, error) {
	en := n.Locale == casework.LocaleEn
	pick := func(sv, e string) string {
		if en {
			return e
		}
		return sv
	}
	m := Message{Subject: pick(noticeSubjectSv, noticeSubjectEn)}
	start := n.Meeting.Start.In(casework.Stockholm)
	day, clock := start.Format(casework.DateLayout), start.Format("15.04")
	if en {
		clock = start.Format("15:04")
	}
	var method casework.InvitationMethod
	switch n.Kind {
	case store.NotifyGroupAdded:
		m.Body = pick(groupAddedSv, groupAddedEn)
		return m, nil
	case store.NotifyGroupRemoved:
		m.Body = pick(groupRemovedSv, groupRemovedEn)
		return m, nil
	case store.NotifyMeetingCreated:
		m.Body, method = fmt.Sprintf(pick(meetingCreatedSv, meetingCreatedEn), day, clock), casework.InviteRequest
	case store.NotifyMeetingCancelled:
		m.Body, method = fmt.Sprintf(pick(meetingCancelledSv, meetingCancelledEn), day, clock), casework.InviteCancel
	default:
		return Message{}, fmt.Errorf("mail: notification of unknown kind %q", n.Kind)
	}
	m.Calendar = casework.MeetingInvitation(n.Meeting, method, n.Sequence, pick(calendarSummarySv, calendarSummaryEn),
		pick(calendarDescriptionSv, calendarDescriptionEn), organizer, n.Email, now)
	m.CalendarMethod = string(method)
	return m, nil
}
