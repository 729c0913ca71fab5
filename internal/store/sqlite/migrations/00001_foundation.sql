-- Foundation: tenants, organisation, accounts, sessions, API tokens and the audit log.
-- Kept in step with ../../postgres/migrations/00001_foundation.sql (see store's schema test).

-- +goose Up
CREATE TABLE municipalities (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  DATETIME NOT NULL
);

CREATE TABLE districts (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    name            TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (municipality_id, name)
);

CREATE TABLE agencies (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (municipality_id, name)
);

CREATE TABLE units (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    agency_id       INTEGER NOT NULL,
    name            TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (agency_id, name),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    agency_id       INTEGER NOT NULL,
    unit_id         INTEGER,
    username        TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    roles           TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT 'sv',
    password_hash   TEXT NOT NULL DEFAULT '',
    totp_secret     TEXT NOT NULL DEFAULT '',
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id),
    FOREIGN KEY (municipality_id, unit_id) REFERENCES units (municipality_id, id)
);

-- External identities (OIDC subject, SAML NameID) map to users here when single sign-on is
-- added; a local password is just one way to reach a user row.
CREATE TABLE user_identities (
    municipality_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    provider        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    PRIMARY KEY (provider, subject),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    token_hash      BLOB PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    auth_method     TEXT NOT NULL,
    mfa_pending     INTEGER NOT NULL DEFAULT 0,
    created_at      DATETIME NOT NULL,
    last_seen_at    DATETIME NOT NULL,
    expires_at      DATETIME NOT NULL,
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    name            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    token_hash      BLOB NOT NULL UNIQUE,
    created_at      DATETIME NOT NULL,
    expires_at      DATETIME,
    last_used_at    DATETIME,
    revoked_at      DATETIME,
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The access log. One Merkle tree per municipality: audit_log holds the entries,
-- audit_hashes the tree's stored hashes (tlog.StoredHashIndex), audit_heads the current size
-- and root. Rows are never updated or deleted: the triggers refuse it.
CREATE TABLE audit_log (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    seq             INTEGER NOT NULL,
    at              DATETIME NOT NULL,
    user_id         INTEGER NOT NULL,
    username        TEXT NOT NULL,
    roles           TEXT NOT NULL,
    agency_id       INTEGER NOT NULL,
    agency_kind     TEXT NOT NULL,
    via             TEXT NOT NULL,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL,
    object_id       INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    category        TEXT NOT NULL,
    ground          TEXT NOT NULL,
    allowed         INTEGER NOT NULL,
    detail          TEXT NOT NULL,
    PRIMARY KEY (municipality_id, seq)
);
CREATE INDEX audit_log_youth ON audit_log (municipality_id, youth_id, seq);
CREATE INDEX audit_log_user ON audit_log (municipality_id, user_id, seq);

CREATE TABLE audit_hashes (
    municipality_id INTEGER NOT NULL,
    idx             INTEGER NOT NULL,
    hash            BLOB NOT NULL,
    PRIMARY KEY (municipality_id, idx)
);

CREATE TABLE audit_heads (
    municipality_id INTEGER PRIMARY KEY REFERENCES municipalities (id),
    size            INTEGER NOT NULL,
    root            BLOB NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_hashes_no_update BEFORE UPDATE ON audit_hashes
BEGIN
    SELECT RAISE(ABORT, 'audit_hashes is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_hashes_no_delete BEFORE DELETE ON audit_hashes
BEGIN
    SELECT RAISE(ABORT, 'audit_hashes is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_heads;
DROP TABLE audit_hashes;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_identities;
DROP TABLE users;
DROP TABLE units;
DROP TABLE agencies;
DROP TABLE districts;
DROP TABLE municipalities;
