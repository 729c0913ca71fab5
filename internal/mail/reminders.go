package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"lots/internal/casework"
	"lots/internal/store"
)

// ReminderStore is what the reminder job needs of the store.
type ReminderStore interface {
	DueReminders(ctx context.Context) ([]store.Reminder, error)
	MarkReminded(ctx context.Context, r store.Reminder) (bool, error)
}

// Mailer sends one message.
type Mailer interface {
	Send(ctx context.Context, to string, m Message) error
}

// Reminders is the job that sends reminders about tasks and consents: every Interval it asks
// the store which are due (municipalities that turned them on, recipients who may still see
// the case), sends one e-mail per recipient, kind and date, and marks the tasks or consents
// reminded — after sending, so a failed send is tried again next round (a reminder may then
// come twice, never not at all).
type Reminders struct {
	Store    ReminderStore
	Mailer   Mailer
	Log      *slog.Logger
	Interval time.Duration // 15 minutes when 0
	// Exclusive, when set, runs each round so that only one Lots instance on the database
	// sends at a time (store.RunOnce); a round it skips is left to the instance running it.
	Exclusive func(ctx context.Context, name string, fn func(context.Context) error) error
}

// NewReminders returns the job for the store and the relay.
func NewReminders(st ReminderStore, m Mailer, log *slog.Logger) *Reminders {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reminders{Store: st, Mailer: m, Log: log}
}

// Run sends reminders now and then every Interval until ctx ends. It returns nil when ctx
// ends; a failed round is logged and the next round tries again.
func (r *Reminders) Run(ctx context.Context) error {
	return runEvery(ctx, "reminders", r.Interval, 15*time.Minute, r.Exclusive, r.RunOnce, r.Log)
}

// runEvery runs a mail job's round now and then every interval (dflt when 0) until ctx ends,
// under exclusive when set (one Lots instance at a time; a round another instance runs is
// skipped). A failed round is logged and the next one tries again; it returns nil when ctx ends.
func runEvery(ctx context.Context, name string, interval, dflt time.Duration,
	exclusive func(ctx context.Context, name string, fn func(context.Context) error) error,
	once func(context.Context) (int, error), log *slog.Logger) error {
	if interval <= 0 {
		interval = dflt
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	round := once
	if exclusive != nil {
		round = func(ctx context.Context) (n int, err error) {
			err = exclusive(ctx, name, func(ctx context.Context) error {
				n, err = once(ctx)
				return err
			})
			if errors.Is(err, store.ErrJobTaken) {
				err = nil
			}
			return n, err
		}
	}
	for {
		if n, err := round(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Warn(name, "err", err, "sent", n)
		} else if n > 0 {
			log.Info(name+" sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce sends the reminders due now and reports how many e-mails went out. A send that fails
// is logged (without the address) and left for the next round.
func (r *Reminders) RunOnce(ctx context.Context) (int, error) {
	due, err := r.Store.DueReminders(ctx)
	if err != nil {
		return 0, err
	}
	type key struct {
		email, due string
		locale     casework.Locale
		kind       store.ReminderKind
	}
	var order []key
	groups := map[key][]store.Reminder{}
	for _, d := range due {
		k := key{d.Email, d.Due, d.Locale, d.Kind}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d)
	}
	sent := 0
	var firstErr error
	for _, k := range order {
		m, err := message(k.kind, k.locale, k.due)
		if err == nil {
			err = r.Mailer.Send(ctx, k.email, m)
		}
		if err != nil {
			r.Log.Warn("reminder not sent", "err", err, "kind", string(k.kind), "count", len(groups[k]))
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		sent++
		for _, d := range groups[k] {
			if _, err := r.Store.MarkReminded(ctx, d); err != nil {
				return sent, err
			}
		}
	}
	return sent, firstErr
}

// message is the fixed text of a reminder of the kind about the date.
func message(kind store.ReminderKind, l casework.Locale, date string) (Message, error) {
	switch kind {
	case store.ReminderTask:
		return Reminder(l, date), nil
	case store.ReminderConsent:
		return ConsentReminder(l, date), nil
	}
	return Message{}, fmt.Errorf("mail: reminder of unknown kind %q", kind)
}
