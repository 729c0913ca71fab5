-- The notification outbox (issue 17:7): a row per Lots user to tell by e-mail that they were
-- added to a case's group, or that a meeting of a group they are in was planned or cancelled.
-- It is written in the same transaction as the change, so a change that is rolled back
-- notifies nobody; the notification job (internal/mail/notifications.go) sends the rows and
-- sets sent_at. sequence is the meeting's calendar sequence at the change (the invitation's or
-- cancellation's SEQUENCE). Only ids: the e-mail says nothing about the case. Sent rows go
-- after store.NotificationDays days; rows go with their case. Kept in step with
-- ../../postgres/migrations/00102_notifications.sql.

-- +goose Up
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('group_added', 'group_removed', 'meeting_created', 'meeting_cancelled')),
    case_id         INTEGER NOT NULL,
    meeting_id      INTEGER,
    sequence        INTEGER NOT NULL DEFAULT 0,
    created_at      DATETIME NOT NULL,
    sent_at         DATETIME,
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_pending ON notifications (sent_at, created_at);
CREATE INDEX notifications_case ON notifications (case_id);

-- +goose Down
DROP TABLE notifications;
