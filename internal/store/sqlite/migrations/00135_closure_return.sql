-- Closure and return (issue 14:5). future_meetings: the meeting at closure that names who
-- carries on after the case (one per case, replaced when recorded again; handovers is a JSON
-- array of casework.Handover). case_watches: a closed case on the coordinator's watch list,
-- a reason and a last day; it ends by itself after until_date, and reopening the case sets
-- ended_at. Both go with their case (retention_delete.go). Kept in step with
-- ../../postgres/migrations/00135_closure_return.sql.

-- +goose Up
CREATE TABLE future_meetings (
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    held_on         TEXT NOT NULL,
    handovers       TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    recorded_by     INTEGER NOT NULL,
    recorded_at     DATETIME NOT NULL,
    PRIMARY KEY (municipality_id, case_id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);

CREATE TABLE case_watches (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    until_date      TEXT NOT NULL,
    set_by          INTEGER NOT NULL,
    set_at          DATETIME NOT NULL,
    ended_at        DATETIME,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX case_watches_case ON case_watches (municipality_id, case_id);

-- +goose Down
DROP TABLE case_watches;
DROP TABLE future_meetings;
