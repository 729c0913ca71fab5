-- API idempotency keys (issue 18): a client that sends a write with an Idempotency-Key header
-- and retries it (after "not known whether saved", a failover, a timeout) gets the first answer
-- again instead of a second write. The row is inserted in the same transaction as the write it
-- guards, so it exists exactly when the write was committed; the answer (status and body, the
-- body sealed under the master key: it may name a young person) is added when it was sent.
-- fingerprint is the method, path and SHA-256 of the body: the same key with another request
-- is refused. Rows older than store.IdempotencyHours are deleted by housekeeping. Kept in step
-- with ../../postgres/migrations/00105_idempotency_keys.sql.

-- +goose Up
CREATE TABLE idempotency_keys (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    key             TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0,
    content_type    TEXT NOT NULL DEFAULT '',
    body            BLOB,
    UNIQUE (user_id, key),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
