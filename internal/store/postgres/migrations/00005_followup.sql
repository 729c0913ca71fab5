-- Follow-up: the indicator values of the follow-up manual (docs/uppfoljning.md), recorded per
-- case and time point, and the national comparison's imported export files. Kept in step with
-- ../../sqlite/migrations/00005_followup.sql.

-- +goose Up
-- One recording occasion of a case: intake, a follow-up meeting (occasion is its date), closure,
-- 6 or 12 months after closure. measured_on is the date the values describe (YYYY-MM-DD).
CREATE TABLE indicator_points (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL,
    youth_id        BIGINT NOT NULL,
    time_point      TEXT NOT NULL,
    occasion        TEXT NOT NULL DEFAULT '',
    measured_on     TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (case_id, time_point, occasion),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX indicator_points_case ON indicator_points (municipality_id, case_id, time_point);

-- One value: an indicator (or one part of it, a crime category) at a point. category is the
-- indicator's information category, so who may read it follows the consent. known is false
-- when "not known" was recorded.
CREATE TABLE indicator_values (
    municipality_id BIGINT NOT NULL,
    point_id        BIGINT NOT NULL,
    code            TEXT NOT NULL,
    part            TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL,
    known           BOOLEAN NOT NULL,
    number          DOUBLE PRECISION,
    choice          TEXT NOT NULL DEFAULT '',
    recorded_by     BIGINT NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (point_id, code, part),
    FOREIGN KEY (municipality_id, point_id) REFERENCES indicator_points (municipality_id, id)
);

-- Export files of municipalities for national comparison. Global, not per municipality: they
-- hold suppressed aggregates only, never a person. One file per municipality and period.
CREATE TABLE national_exports (
    id                BIGINT PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    municipality_name TEXT NOT NULL,
    period            TEXT NOT NULL,
    schema_version    BIGINT NOT NULL,
    checksum          TEXT NOT NULL,
    generated_at      TIMESTAMPTZ NOT NULL,
    imported_at       TIMESTAMPTZ NOT NULL,
    imported_by       TEXT NOT NULL,
    content           TEXT NOT NULL,
    UNIQUE (municipality_code, period)
);

-- The dashboard counts the cases of a half-year by the moments of the flow, and the young people
-- by district: without these it would read every case of ten years for each figure. There is
-- deliberately no index on (municipality_id, opened_at): without statistics SQLite would take it
-- for the ORDER BY opened_at of the open-case lookup in RegisterConcern and read the whole
-- municipality instead of one young person's cases.
CREATE INDEX cases_closed ON cases (municipality_id, closed_at);
CREATE INDEX cases_taken_on ON cases (municipality_id, taken_on_at);
CREATE INDEX cases_decided ON cases (municipality_id, decided_start_at);
CREATE INDEX cases_convened ON cases (municipality_id, group_convened_at);
CREATE INDEX cases_plan_set ON cases (municipality_id, plan_set_at);
CREATE INDEX youths_district ON youths (municipality_id, district_id);

-- +goose Down
DROP INDEX youths_district;
DROP INDEX cases_plan_set;
DROP INDEX cases_convened;
DROP INDEX cases_decided;
DROP INDEX cases_taken_on;
DROP INDEX cases_closed;
DROP TABLE national_exports;
DROP TABLE indicator_values;
DROP TABLE indicator_points;
