-- Reopening keeps the closure it undoes (issue 14:1 and 14:5). Reopening a case clears its
-- closed_at and closure_reason, so a half-year's release made after a return counted a case
-- closed in that half-year as open. case_reopenings keeps each closure a reopening undid —
-- when, why, whether the work had started, in which track — and when it was undone; the
-- dashboard counts a case closed from closed_at until reopened_at (store/dashboard.go). The
-- rows go with their case (retention_delete.go). Existing reopenings are filled from the
-- events: the closing move before each reopen event gives the moment, its kind the reason
-- where it names one (else 'other'). Kept in step with ../../postgres/migrations/00145_case_reopenings.sql.

-- +goose Up
CREATE TABLE case_reopenings (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    closed_at       DATETIME NOT NULL,
    closure_reason  TEXT NOT NULL,
    started         BOOLEAN NOT NULL,
    program         TEXT NOT NULL,
    reopened_at     DATETIME NOT NULL,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX case_reopenings_case ON case_reopenings (case_id, closed_at);
CREATE INDEX case_reopenings_closed ON case_reopenings (municipality_id, closed_at);

INSERT INTO case_reopenings (id, municipality_id, case_id, closed_at, closure_reason, started, program, reopened_at)
SELECT r.id, r.municipality_id, r.case_id, e.at,
    CASE e.kind WHEN 'prep_not_now' THEN 'not_now' WHEN 'prep_refer' THEN 'referred'
        WHEN 'decide_not_start' THEN 'not_started' WHEN 'sspf_not_applicable' THEN 'not_started' ELSE 'other' END,
    CASE WHEN c.decided_start_at IS NOT NULL AND c.decided_start_at <= e.at THEN TRUE ELSE FALSE END,
    CASE WHEN c.program = 'sig' AND EXISTS (SELECT 1 FROM case_events s WHERE s.case_id = r.case_id AND s.kind = 'to_sig' AND s.at >= e.at)
        THEN 'sspf' ELSE c.program END,
    r.at
FROM case_events r
JOIN cases c ON c.id = r.case_id AND c.municipality_id = r.municipality_id
JOIN case_events e ON e.case_id = r.case_id AND e.seq = (SELECT MAX(x.seq) FROM case_events x
    WHERE x.case_id = r.case_id AND x.to_step = 'closed' AND x.seq < r.seq)
WHERE r.kind = 'reopen';

-- +goose Down
DROP TABLE case_reopenings;
