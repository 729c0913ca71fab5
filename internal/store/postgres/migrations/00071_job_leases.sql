-- Scheduled jobs run once across instances (issue 18). On PostgreSQL a job holds an advisory
-- lock for as long as it runs, and this table stays empty; on SQLite, where a second process
-- (a `lots retention run` by hand beside `lots serve`) shares the file, a job takes a lease
-- row, given up when it ends or, after a crash, when the lease expires.
-- Kept in step with ../../sqlite/migrations/00071_job_leases.sql.

-- +goose Up
CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
