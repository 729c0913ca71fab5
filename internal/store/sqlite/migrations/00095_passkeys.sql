-- Passkeys (WebAuthn, issue 16): a user's registered public-key credentials, each with its
-- signature counter and whether a counter that went backwards was seen (a cloned key), and the
-- ceremonies under way: each challenge stored once, bound to the browser that asked for it
-- (the key is the hash of a random token in a cookie), taken (deleted) by the answer and
-- refused after its time.
-- Kept in step with ../../postgres/migrations/00095_passkeys.sql.

-- +goose Up
CREATE TABLE passkeys (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id         INTEGER NOT NULL,
    credential_id   BLOB NOT NULL UNIQUE,
    user_handle     BLOB NOT NULL,
    name            TEXT NOT NULL,
    credential      TEXT NOT NULL,
    sign_count      INTEGER NOT NULL DEFAULT 0,
    clone_warning   INTEGER NOT NULL DEFAULT 0,
    created_at      DATETIME NOT NULL,
    last_used_at    DATETIME,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX passkeys_user ON passkeys (municipality_id, user_id);

CREATE TABLE passkey_challenges (
    key_hash        BLOB PRIMARY KEY,
    municipality_id INTEGER NOT NULL DEFAULT 0,
    user_id         INTEGER NOT NULL DEFAULT 0,
    purpose         TEXT NOT NULL,
    session         TEXT NOT NULL,
    expires_at      DATETIME NOT NULL
);
CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);

-- +goose Down
DROP TABLE passkey_challenges;
DROP TABLE passkeys;
