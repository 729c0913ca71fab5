-- Identity at intake (issues 19:1 and 15:3). A young person registered without a personnummer
-- is unidentified until someone gives the number or confirms the identity without one
-- (identity_confirmed_at): until then Lots handles the record as protected. When the
-- identification shows a protected identity, identity_reviews keeps the match so the log
-- auditor can review the reads made while the record was unidentified.
-- Kept in step with ../../postgres/migrations/00025_identity.sql.

-- +goose Up
ALTER TABLE youths ADD COLUMN identity_confirmed_at DATETIME;
ALTER TABLE youths ADD COLUMN identity_confirmed_by INTEGER;

CREATE TABLE identity_reviews (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    youth_id        INTEGER NOT NULL,
    registered_at   DATETIME NOT NULL,
    identified_at   DATETIME NOT NULL,
    identified_by   INTEGER NOT NULL,
    how             TEXT NOT NULL,
    protection      TEXT NOT NULL,
    reviewed_at     DATETIME,
    reviewed_by     INTEGER,
    review_note     TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_id, id)
);
CREATE INDEX identity_reviews_open ON identity_reviews (municipality_id, reviewed_at);

-- +goose Down
DROP INDEX identity_reviews_open;
DROP TABLE identity_reviews;
ALTER TABLE youths DROP COLUMN identity_confirmed_by;
ALTER TABLE youths DROP COLUMN identity_confirmed_at;
