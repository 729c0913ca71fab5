-- The register extract (GDPR art. 15, issue 15:2): each request — for a young person or a
-- guardian — is recorded when the extract is made, and its delivery when it is handed over.
-- Ids only: who asked is the young person or the adult (related person) the ids name.
-- Kept in step with ../../postgres/migrations/00028_register_requests.sql.

-- +goose Up
CREATE TABLE register_requests (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    subject         TEXT NOT NULL,
    youth_ids       TEXT NOT NULL,
    person_ids      TEXT NOT NULL DEFAULT '',
    made_at         DATETIME NOT NULL,
    made_by         INTEGER NOT NULL,
    delivered_at    DATETIME,
    delivered_by    INTEGER,
    delivered_how   TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_id, id)
);
CREATE INDEX register_requests_made ON register_requests (municipality_id, made_at);

-- +goose Down
DROP INDEX register_requests_made;
DROP TABLE register_requests;
