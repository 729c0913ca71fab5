-- The login brake in the database (issue 18): every Lots instance on one database counts the
-- same failed logins, per key ("u:" username, "t:" second-factor codes, "a:" client address).
-- Rows older than the brake's window are deleted by the next failure for the key and by
-- housekeeping. Kept in step with ../../sqlite/migrations/00070_login_failures.sql.

-- +goose Up
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- +goose Down
DROP INDEX login_failures_at;
DROP INDEX login_failures_key;
DROP TABLE login_failures;
