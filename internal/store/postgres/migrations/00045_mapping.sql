-- Needs and resource mapping, and capacity (issue 13, docs/mapping.md): the youth population
-- per district, year, age and sex as Statistics Sweden publishes it; the registry of
-- resources (organisations and activities) with their ages, hours, level, cost and the IRK
-- needs they meet; and the caseload cap. None of it is personal data. Kept in step with
-- ../../sqlite/migrations/00045_mapping.sql.

-- +goose Up
-- sex is 'm' or 'f' (SCB's "män"/"kvinnor"); a re-import of a year replaces the year.
CREATE TABLE district_population (
    municipality_id BIGINT NOT NULL,
    district_id     BIGINT NOT NULL,
    year            INTEGER NOT NULL,
    age             INTEGER NOT NULL,
    sex             TEXT NOT NULL,
    people          INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, district_id, year, age, sex),
    FOREIGN KEY (municipality_id, district_id) REFERENCES districts (municipality_id, id),
    CHECK (people >= 0 AND age >= 0 AND age <= 120 AND sex IN ('m', 'f'))
);

-- A resource: district NULL serves the whole municipality. needs are IRK need codes and
-- methods catalogue method codes, space-separated. yearly_cost is whole kronor.
CREATE TABLE map_resources (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    owner           TEXT NOT NULL DEFAULT '',
    district_id     BIGINT,
    address         TEXT NOT NULL DEFAULT '',
    age_from        INTEGER NOT NULL,
    age_to          INTEGER NOT NULL,
    level           TEXT NOT NULL,
    capacity        INTEGER NOT NULL DEFAULT 0,
    yearly_cost     BIGINT NOT NULL DEFAULT 0,
    payer           TEXT NOT NULL DEFAULT '',
    evenings        BOOLEAN NOT NULL DEFAULT FALSE,
    weekends        BOOLEAN NOT NULL DEFAULT FALSE,
    needs           TEXT NOT NULL DEFAULT '',
    methods         TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (municipality_id, name),
    FOREIGN KEY (municipality_id, district_id) REFERENCES districts (municipality_id, id),
    CHECK (age_from >= 0 AND age_from <= age_to AND capacity >= 0 AND yearly_cost >= 0)
);

-- The municipality's capacity settings: active young people per coordinator, the planned
-- length of an intervention in months, and the days from decision to the first group meeting
-- after which a waiting young person is an alert.
CREATE TABLE capacity_settings (
    municipality_id BIGINT NOT NULL PRIMARY KEY REFERENCES municipalities (id),
    caseload_cap    INTEGER NOT NULL,
    planned_months  INTEGER NOT NULL DEFAULT 10,
    wait_days       INTEGER NOT NULL DEFAULT 7,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT NOT NULL,
    CHECK (caseload_cap >= 1 AND planned_months >= 1 AND wait_days >= 1)
);

-- +goose Down
DROP TABLE capacity_settings;
DROP TABLE map_resources;
DROP TABLE district_population;
