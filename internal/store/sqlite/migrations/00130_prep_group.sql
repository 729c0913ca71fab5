-- The preparatory group's meetings (issue 14:6, docs/daily-work.md): the municipality's
-- schedule (every few weeks on a weekday at a time; no row: every Tuesday at 09:00) and each
-- decision minuted at a meeting. The decision itself is the case's move (case_events); the row
-- says at which meeting it was made. Kept in step with ../../postgres/migrations/00130_prep_group.sql.

-- +goose Up
CREATE TABLE prep_schedules (
    municipality_id INTEGER PRIMARY KEY REFERENCES municipalities (id),
    weekday         INTEGER NOT NULL,
    start_minute    INTEGER NOT NULL,
    every_weeks     INTEGER NOT NULL,
    from_day        DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    updated_by      INTEGER NOT NULL
);

-- A case leaves the intake once, so it has at most one decision.
CREATE TABLE prep_decisions (
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    meeting_at      DATETIME NOT NULL,
    action          TEXT NOT NULL,
    decided_at      DATETIME NOT NULL,
    decided_by      INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, case_id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX prep_decisions_meeting ON prep_decisions (municipality_id, meeting_at);

-- +goose Down
DROP TABLE prep_decisions;
DROP TABLE prep_schedules;
