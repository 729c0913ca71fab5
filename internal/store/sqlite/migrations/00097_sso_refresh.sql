-- Group changes at the identity provider reach Lots' roles on a schedule (issue 16): the
-- refresh token a single sign-on received, sealed, per provider and subject. The hourly job
-- uses it to have the provider issue a new ID token and reads the groups in it again.
-- Kept in step with ../../postgres/migrations/00097_sso_refresh.sql.

-- +goose Up
CREATE TABLE sso_refresh_tokens (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    provider_id     INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    subject         TEXT NOT NULL,
    token           TEXT NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (provider_id, subject),
    FOREIGN KEY (municipality_id, provider_id) REFERENCES sso_providers (municipality_id, id) ON DELETE CASCADE,
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE sso_refresh_tokens;
