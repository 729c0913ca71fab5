-- Identity at intake (issues 19:1 and 15:3). A young person registered without a personnummer
-- is unidentified until someone gives the number or confirms the identity without one
-- (identity_confirmed_at): until then Lots handles the record as protected. When the
-- identification shows a protected identity, identity_reviews keeps the match so the log
-- auditor can review the reads made while the record was unidentified.
-- Kept in step with ../../sqlite/migrations/00025_identity.sql.

-- +goose Up
ALTER TABLE youths ADD COLUMN identity_confirmed_at TIMESTAMPTZ;
ALTER TABLE youths ADD COLUMN identity_confirmed_by BIGINT;

CREATE TABLE identity_reviews (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    youth_id        BIGINT NOT NULL,
    registered_at   TIMESTAMPTZ NOT NULL,
    identified_at   TIMESTAMPTZ NOT NULL,
    identified_by   BIGINT NOT NULL,
    how             TEXT NOT NULL,
    protection      TEXT NOT NULL,
    reviewed_at     TIMESTAMPTZ,
    reviewed_by     BIGINT,
    review_note     TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_id, id)
);
CREATE INDEX identity_reviews_open ON identity_reviews (municipality_id, reviewed_at);

-- +goose Down
DROP INDEX identity_reviews_open;
DROP TABLE identity_reviews;
ALTER TABLE youths DROP COLUMN identity_confirmed_by;
ALTER TABLE youths DROP COLUMN identity_confirmed_at;
