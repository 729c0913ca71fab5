-- The avoided-cost report's register (docs/economics.md): each municipality's unit costs laid
-- over the national defaults that ship with Lots, the price index years it adds after the
-- shipped ones, and its assumptions. None of it is personal data. Amounts are öre (exact, two
-- decimals); an index is hundredths. Kept in step with
-- ../../sqlite/migrations/00035_economics.sql.

-- +goose Up
-- One item: a built-in code with the municipality's own figure, an intervention
-- (intervention.<method>) or an item of its own (other.<name>). content holds the rest of the
-- item as JSON: name, source, link, tag, note, shares by perspective, sessions per course.
CREATE TABLE unit_costs (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    code            TEXT NOT NULL,
    category        TEXT NOT NULL,
    unit            TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    low             BIGINT NOT NULL,
    high            BIGINT NOT NULL,
    price_year      INTEGER NOT NULL,
    content         TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, code),
    CHECK (low >= 0 AND low <= amount AND amount <= high)
);

-- A year of the consumer price index (KPI, 1980=100) the municipality adds; value in hundredths.
CREATE TABLE price_indexes (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    year            INTEGER NOT NULL,
    value           INTEGER NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, year),
    CHECK (value > 0)
);

-- The municipality's assumptions (economics.Assumptions as JSON).
CREATE TABLE economics_settings (
    municipality_id BIGINT NOT NULL PRIMARY KEY REFERENCES municipalities (id),
    content         TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT NOT NULL
);

-- +goose Down
DROP TABLE economics_settings;
DROP TABLE price_indexes;
DROP TABLE unit_costs;
