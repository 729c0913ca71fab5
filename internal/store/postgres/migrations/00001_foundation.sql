-- Foundation: tenants, organisation, accounts, sessions, API tokens and the audit log.
-- Kept in step with ../../sqlite/migrations/00001_foundation.sql (see store's schema test).

-- +goose Up
CREATE TABLE municipalities (
    id          BIGINT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE districts (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    name            TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (municipality_id, name)
);

CREATE TABLE agencies (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (municipality_id, name)
);

CREATE TABLE units (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    agency_id       BIGINT NOT NULL,
    name            TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    UNIQUE (agency_id, name),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id)
);

CREATE TABLE users (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    agency_id       BIGINT NOT NULL,
    unit_id         BIGINT,
    username        TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    roles           TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT 'sv',
    password_hash   TEXT NOT NULL DEFAULT '',
    totp_secret     TEXT NOT NULL DEFAULT '',
    totp_enabled    BOOLEAN NOT NULL DEFAULT FALSE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id),
    FOREIGN KEY (municipality_id, unit_id) REFERENCES units (municipality_id, id)
);

CREATE TABLE user_identities (
    municipality_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    provider        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, subject),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    token_hash      BYTEA PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    auth_method     TEXT NOT NULL,
    mfa_pending     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    name            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    token_hash      BYTEA NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ,
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    seq             BIGINT NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    user_id         BIGINT NOT NULL,
    username        TEXT NOT NULL,
    roles           TEXT NOT NULL,
    agency_id       BIGINT NOT NULL,
    agency_kind     TEXT NOT NULL,
    via             TEXT NOT NULL,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL,
    object_id       BIGINT NOT NULL,
    youth_id        BIGINT NOT NULL,
    category        TEXT NOT NULL,
    ground          TEXT NOT NULL,
    allowed         BOOLEAN NOT NULL,
    detail          TEXT NOT NULL,
    PRIMARY KEY (municipality_id, seq)
);
CREATE INDEX audit_log_youth ON audit_log (municipality_id, youth_id, seq);
CREATE INDEX audit_log_user ON audit_log (municipality_id, user_id, seq);

CREATE TABLE audit_hashes (
    municipality_id BIGINT NOT NULL,
    idx             BIGINT NOT NULL,
    hash            BYTEA NOT NULL,
    PRIMARY KEY (municipality_id, idx)
);

CREATE TABLE audit_heads (
    municipality_id BIGINT PRIMARY KEY REFERENCES municipalities (id),
    size            BIGINT NOT NULL,
    root            BYTEA NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION lots_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION lots_append_only();
CREATE TRIGGER audit_hashes_append_only BEFORE UPDATE OR DELETE ON audit_hashes
    FOR EACH ROW EXECUTE FUNCTION lots_append_only();

-- +goose Down
DROP TABLE audit_heads;
DROP TABLE audit_hashes;
DROP TABLE audit_log;
DROP FUNCTION lots_append_only;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_identities;
DROP TABLE users;
DROP TABLE units;
DROP TABLE agencies;
DROP TABLE districts;
DROP TABLE municipalities;
