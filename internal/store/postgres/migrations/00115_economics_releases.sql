-- The avoided-cost report frozen with each part of a half-year's release (docs/economics.md,
-- section 14): computed once with the municipality's saved assumptions and register when the
-- part falls due, and shown from here, so a value recorded late does not change a published
-- report. content is economics.MarshalFrozen's JSON with the method names it used:
-- suppressed aggregates only, no young person.

-- +goose Up
CREATE TABLE economics_releases (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    period          TEXT NOT NULL,
    part            TEXT NOT NULL,
    computed_at     TIMESTAMPTZ NOT NULL,
    content         TEXT NOT NULL,
    PRIMARY KEY (municipality_id, period, part)
);

-- +goose Down
DROP TABLE economics_releases;
