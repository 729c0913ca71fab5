-- Population imports as background jobs (issue 13, docs/mapping.md): a large Statistics Sweden
-- file is read, checked and saved by a job whose phase and progress the page polls. One job
-- at a time per municipality (the partial unique index); a job whose heartbeat stopped (its
-- process died) is finished as interrupted by the next start. The rows themselves are saved
-- in one transaction at the end: a job that fails or is killed leaves the stored years as they
-- were. errors holds a refused file's line errors as JSON (message keys and their arguments,
-- no personal data: the file is public statistics). Kept in step with
-- ../../postgres/migrations/00160_population_imports.sql.

-- +goose Up
CREATE TABLE population_imports (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    started_by      INTEGER NOT NULL,
    file_name       TEXT NOT NULL DEFAULT '',
    phase           TEXT NOT NULL,
    done            INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    rows_saved      INTEGER NOT NULL DEFAULT 0,
    people          INTEGER NOT NULL DEFAULT 0,
    years           TEXT NOT NULL DEFAULT '',
    errors          TEXT NOT NULL DEFAULT '',
    started_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    finished_at     DATETIME,
    CHECK (phase IN ('queued', 'reading', 'checking', 'saving', 'done', 'failed', 'interrupted'))
);
CREATE UNIQUE INDEX population_imports_running ON population_imports (municipality_id) WHERE finished_at IS NULL;
CREATE INDEX population_imports_started ON population_imports (municipality_id, started_at);

-- +goose Down
DROP TABLE population_imports;
