-- Single sign-on (issue 16): OpenID Connect providers per municipality, the admin's mapping of
-- the provider's groups to Lots roles, the pending logins (state, nonce, PKCE verifier: each used
-- once), the back-channel logout tokens seen (each used once), and what a session knows of how
-- it was authenticated: with a second factor or not, when (step-up), and the provider's
-- subject and session id that its logout names.
-- Kept in step with ../../sqlite/migrations/00060_sso.sql.

-- +goose Up
CREATE TABLE sso_providers (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    slug            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    client_secret   TEXT NOT NULL DEFAULT '',
    agency_id       BIGINT NOT NULL,
    create_users    BOOLEAN NOT NULL DEFAULT FALSE,
    link_users      BOOLEAN NOT NULL DEFAULT FALSE,
    groups_claim    TEXT NOT NULL DEFAULT 'groups',
    mfa_acr         TEXT NOT NULL DEFAULT '',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id)
);

CREATE TABLE sso_group_roles (
    municipality_id BIGINT NOT NULL,
    provider_id     BIGINT NOT NULL,
    group_id        TEXT NOT NULL,
    role            TEXT NOT NULL,
    PRIMARY KEY (provider_id, group_id, role),
    FOREIGN KEY (municipality_id, provider_id) REFERENCES sso_providers (municipality_id, id) ON DELETE CASCADE
);

CREATE TABLE sso_requests (
    state_hash      BYTEA PRIMARY KEY,
    provider_id     BIGINT NOT NULL REFERENCES sso_providers (id) ON DELETE CASCADE,
    nonce           TEXT NOT NULL,
    verifier        TEXT NOT NULL,
    next            TEXT NOT NULL,
    fresh           BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX sso_requests_expires ON sso_requests (expires_at);

CREATE TABLE sso_logout_tokens (
    provider_id     BIGINT NOT NULL REFERENCES sso_providers (id) ON DELETE CASCADE,
    jti             TEXT NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider_id, jti)
);

ALTER TABLE sessions ADD COLUMN mfa BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN authenticated_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN idp_provider BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN idp_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN idp_session TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_idp ON sessions (idp_provider, idp_subject);

-- +goose Down
DROP INDEX sessions_idp;
ALTER TABLE sessions DROP COLUMN idp_session;
ALTER TABLE sessions DROP COLUMN idp_subject;
ALTER TABLE sessions DROP COLUMN idp_provider;
ALTER TABLE sessions DROP COLUMN authenticated_at;
ALTER TABLE sessions DROP COLUMN mfa;
DROP TABLE sso_logout_tokens;
DROP TABLE sso_requests;
DROP TABLE sso_group_roles;
DROP TABLE sso_providers;
