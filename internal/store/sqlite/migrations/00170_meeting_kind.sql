-- A meeting has a kind (issue 14:1, casework.MeetingKind): which ones a track offers is the
-- municipality's setting. Meetings made before this migration get their case's track's own
-- meeting: SIG's group meeting, SSPF's network meeting. Kept in step with the other engine's
-- 00170_meeting_kind.sql.

-- +goose Up
ALTER TABLE meetings ADD COLUMN kind TEXT NOT NULL DEFAULT 'group_meeting';
UPDATE meetings SET kind = 'network_meeting'
    WHERE EXISTS (SELECT 1 FROM cases c WHERE c.id = meetings.case_id AND c.program = 'sspf');

-- +goose Down
ALTER TABLE meetings DROP COLUMN kind;
