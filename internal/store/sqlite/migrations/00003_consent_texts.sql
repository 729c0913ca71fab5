-- The texts of the printable consent form, per municipality and language. A municipality
-- that has uploaded no file for a language uses the defaults shipped in
-- internal/consentform/texts. Kept in step with ../../postgres/migrations/00003_consent_texts.sql.

-- +goose Up
CREATE TABLE consent_texts (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    language        TEXT NOT NULL,
    content         TEXT NOT NULL,
    updated_at      DATETIME NOT NULL,
    updated_by      INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, language)
);

-- The log review and the extracts read the log by time: an index per municipality and time.
CREATE INDEX audit_log_at ON audit_log (municipality_id, at);

-- +goose Down
DROP INDEX audit_log_at;
DROP TABLE consent_texts;
