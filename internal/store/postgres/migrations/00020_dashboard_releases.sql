-- The dashboard's releases: a half-year's suppressed figures, made once after the half-year
-- is over and never changed (stats.MarshalPart). part is "main", or "followup_6"/"followup_12"
-- for the follow-up rows published later. Views read the release instead of counting.

-- +goose Up
CREATE TABLE dashboard_releases (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    period          TEXT NOT NULL,
    part            TEXT NOT NULL,
    computed_at     TIMESTAMPTZ NOT NULL,
    content         TEXT NOT NULL,
    PRIMARY KEY (municipality_id, period, part)
);

-- +goose Down
DROP TABLE dashboard_releases;
