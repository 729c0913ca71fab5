-- Passkeys (WebAuthn, issue 16): a user's registered public-key credentials, each with its
-- signature counter and whether a counter that went backwards was seen (a cloned key), and the
-- ceremonies under way: each challenge stored once, bound to the browser that asked for it
-- (the key is the hash of a random token in a cookie), taken (deleted) by the answer and
-- refused after its time.
-- Kept in step with ../../sqlite/migrations/00095_passkeys.sql.

-- +goose Up
CREATE TABLE passkeys (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    user_id         BIGINT NOT NULL,
    credential_id   BYTEA NOT NULL UNIQUE,
    user_handle     BYTEA NOT NULL,
    name            TEXT NOT NULL,
    credential      TEXT NOT NULL,
    sign_count      BIGINT NOT NULL DEFAULT 0,
    clone_warning   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    last_used_at    TIMESTAMPTZ,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX passkeys_user ON passkeys (municipality_id, user_id);

CREATE TABLE passkey_challenges (
    key_hash        BYTEA PRIMARY KEY,
    municipality_id BIGINT NOT NULL DEFAULT 0,
    user_id         BIGINT NOT NULL DEFAULT 0,
    purpose         TEXT NOT NULL,
    session         TEXT NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX passkey_challenges_expires ON passkey_challenges (expires_at);

-- +goose Down
DROP TABLE passkey_challenges;
DROP TABLE passkeys;
