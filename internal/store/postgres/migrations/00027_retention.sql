-- Retention (gallring, issue 15:1): legal holds on cases, the record of each retention run (what
-- kinds, how many, under which rule — no names), and the pseudonyms of young people whose
-- records were deleted (a keyed hash of their identity, so an access-log extract can still be
-- made for them). The statistics the records counted in are the dashboard releases, made before
-- any record is deleted. Kept in step with ../../sqlite/migrations/00027_retention.sql.

-- +goose Up
CREATE TABLE legal_holds (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL,
    reason          TEXT NOT NULL,
    until_date      TEXT NOT NULL,
    set_by          BIGINT NOT NULL,
    set_at          TIMESTAMPTZ NOT NULL,
    released_at     TIMESTAMPTZ,
    released_by     BIGINT,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX legal_holds_case ON legal_holds (municipality_id, case_id);

CREATE TABLE retention_runs (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    started_by      TEXT NOT NULL,
    dry_run         BOOLEAN NOT NULL,
    outcome         TEXT NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    counts          TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX retention_runs_started ON retention_runs (municipality_id, started_at);


CREATE TABLE erased_youths (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    youth_id        BIGINT NOT NULL,
    identity_hash   TEXT NOT NULL,
    erased_at       TIMESTAMPTZ NOT NULL,
    run_id          BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, youth_id)
);
CREATE INDEX erased_youths_identity ON erased_youths (municipality_id, identity_hash);

-- +goose Down
DROP INDEX erased_youths_identity;
DROP TABLE erased_youths;
DROP INDEX retention_runs_started;
DROP TABLE retention_runs;
DROP INDEX legal_holds_case;
DROP TABLE legal_holds;
