package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lots/internal/access"
	"lots/internal/audit"
	"lots/internal/casework"
)

// Notifications (issue 17:7): adding a Lots user to a case's group or removing them from it,
// and planning or cancelling a meeting, leave a row in the notifications outbox in the same transaction as the change — a
// change rolled back notifies nobody — for each Lots user concerned but the one who acted. The
// notification job (mail.Notifications) sends them: an e-mail that says only that something
// happened in Lots, with a calendar entry for meetings.

// NotificationKind is what a notification tells.
type NotificationKind string

const (
	NotifyGroupAdded       NotificationKind = "group_added"       // the recipient was added to a case's group (or their removal undone)
	NotifyGroupRemoved     NotificationKind = "group_removed"     // the recipient was removed from a case's group
	NotifyMeetingCreated   NotificationKind = "meeting_created"   // a meeting of the recipient's group was planned (or its cancellation undone)
	NotifyMeetingCancelled NotificationKind = "meeting_cancelled" // a meeting of the recipient's group was cancelled
)

// NotificationDays is how long a sent notification is kept (PurgeNotifications), and how long
// an unsent one is tried before it is given up.
const NotificationDays = 30

// Notification is a notification to send: to whom, in which language, and for a meeting its
// times and calendar sequence — never its place, the case's content or anyone's name.
type Notification struct {
	ID             int64
	Kind           NotificationKind
	MunicipalityID int64
	CaseID         int64
	YouthID        int64
	UserID         int64
	Email          string
	Locale         casework.Locale
	Sequence       int
	// Meeting holds the meeting's id, start and length (zero for group_added).
	Meeting casework.Meeting
}

// notify writes a notification of the kind to each of the users but the actor.
func (tx *Tx) notify(a casework.Actor, kind NotificationKind, caseID, meetingID int64, sequence int, users ...int64) error {
	seen := map[int64]bool{a.User.ID: true, 0: true}
	for _, u := range users {
		if seen[u] {
			continue
		}
		seen[u] = true
		if _, err := tx.Exec(`INSERT INTO notifications (id, municipality_id, user_id, kind, case_id, meeting_id, sequence, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newID(), a.User.MunicipalityID, u, string(kind), caseID, nullID(meetingID), sequence, tx.now); err != nil {
			return casework.Internal(err)
		}
	}
	return nil
}

// notifyGroup writes a meeting notification to the group's members who are Lots users.
func (tx *Tx) notifyGroup(a casework.Actor, lc *loadedCase, kind NotificationKind, meetingID int64, sequence int) error {
	g, err := tx.group(lc)
	if err != nil {
		return err
	}
	var users []int64
	for _, m := range g.Members {
		if m.UserID != 0 {
			users = append(users, m.UserID)
		}
	}
	return tx.notify(a, kind, lc.Case.ID, meetingID, sequence, users...)
}

// DueNotifications lists the notifications to send now, oldest first. Like DueReminders it
// sends only to users who are active, have an e-mail address and may still see the case (its
// basic information); a notification whose recipient no longer qualifies, whose case or
// meeting is gone, or that is NotificationDays old unsent, is dropped here and never sent. It
// is the notification job's reading (no actor); it reads no case content.
func (s *Store) DueNotifications(ctx context.Context) ([]Notification, error) {
	var out []Notification
	err := s.update(ctx, func(tx *Tx) error {
		type row struct {
			n         Notification
			meetingID int64
			email     string
			active    bool
			locale    string
		}
		rows, err := queryAll(ctx, tx, `SELECT n.id, n.kind, n.municipality_id, n.case_id, n.user_id, COALESCE(n.meeting_id, 0), n.sequence,
			n.created_at, u.email, u.active, u.locale FROM notifications n
			JOIN users u ON u.id = n.user_id AND u.municipality_id = n.municipality_id
			WHERE n.sent_at IS NULL ORDER BY n.created_at, n.sequence, n.id`, nil, func(sc scanner) (row, error) {
			var r row
			var kind string
			var created time.Time
			err := sc.Scan(&r.n.ID, &kind, &r.n.MunicipalityID, &r.n.CaseID, &r.n.UserID, &r.meetingID, &r.n.Sequence, &created, &r.email, &r.active, &r.locale)
			r.n.Kind, r.n.Email, r.n.Locale = NotificationKind(kind), r.email, casework.ParseLocale(r.locale)
			if tx.now.Sub(created.UTC()) > NotificationDays*24*time.Hour {
				r.active = false
			}
			return r, err
		})
		if err != nil {
			return err
		}
		facts := map[int64]*loadedCase{}
		for _, r := range rows {
			// Told of a removal whether or not they may still see the case: the removal is
			// what took their access, and the message says nothing of the case.
			ok, err := tx.deliverable(r.n.MunicipalityID, r.n.CaseID, r.n.UserID, r.active && r.email != "", r.n.Kind == NotifyGroupRemoved, facts)
			if err != nil {
				return err
			}
			if ok && r.meetingID != 0 {
				m, err := tx.meeting(r.n.MunicipalityID, r.n.CaseID, r.meetingID)
				if err != nil {
					var ce *casework.Error
					if !errors.As(err, &ce) || ce.Code != casework.ENotFound {
						return err
					}
					ok = false
				}
				r.n.Meeting = casework.Meeting{ID: m.ID, MunicipalityID: m.MunicipalityID, CaseID: m.CaseID, Start: m.Start,
					DurationMinutes: m.DurationMinutes, PreMinutes: m.PreMinutes, Status: m.Status, Sequence: r.n.Sequence}
			}
			if !ok {
				if _, err := tx.Exec(`DELETE FROM notifications WHERE id = $1`, r.n.ID); err != nil {
					return casework.Internal(err)
				}
				continue
			}
			r.n.YouthID = facts[r.n.CaseID].Case.YouthID
			out = append(out, r.n)
		}
		return nil
	})
	return out, err
}

// deliverable decides whether the user may still be told about the case: an active user with
// an e-mail address who works with cases and may see the case's basic information now (unless
// anyway: a removal, told whatever the user may see).
func (tx *Tx) deliverable(municipalityID, caseID, userID int64, reachable, anyway bool, facts map[int64]*loadedCase) (bool, error) {
	if !reachable {
		return false, nil
	}
	lc, ok := facts[caseID]
	if !ok {
		l, err := tx.loadCase(municipalityID, caseID)
		if err != nil {
			var ce *casework.Error
			if errors.As(err, &ce) && ce.Code == casework.ENotFound {
				return false, nil
			}
			return false, err
		}
		lc = &l
		facts[caseID] = lc
	}
	u, err := tx.memberUser(municipalityID, userID)
	if err != nil {
		return false, nil // no longer a user who works with cases
	}
	if anyway {
		return true, nil
	}
	return access.Case(u, lc.Facts, casework.CatBasic, tx.now).Allowed, nil
}

// MarkNotified records that the notification was sent, once: in the outbox and in the
// municipality's audit log (as the notification job, naming the young person the case
// concerns). It reports false when it was already sent.
func (s *Store) MarkNotified(ctx context.Context, n Notification) (bool, error) {
	var marked bool
	err := s.update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE notifications SET sent_at = $1 WHERE municipality_id = $2 AND id = $3 AND sent_at IS NULL`, tx.now, n.MunicipalityID, n.ID)
		if err != nil {
			return casework.Internal(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil
		}
		marked = true
		sys := casework.SystemActor(n.MunicipalityID, "notifications")
		return tx.audit(sys, What{Action: audit.ActionExport, Object: "notification", ObjectID: n.CaseID, YouthID: n.YouthID,
			Category: string(casework.CatBasic), Detail: fmt.Sprintf("e-mail notification %s", n.Kind)}, access.Allow(access.GroundSystem, "notification"))
	})
	return marked, err
}

// PurgeNotifications deletes the notifications sent NotificationDays days ago or more.
func (s *Store) PurgeNotifications(ctx context.Context) (int64, error) {
	res, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM notifications WHERE sent_at IS NOT NULL AND sent_at <= $1`, s.now().UTC().AddDate(0, 0, -NotificationDays))
	if err != nil {
		return 0, casework.Internal(err)
	}
	return res.RowsAffected()
}
