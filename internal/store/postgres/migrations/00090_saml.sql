-- SAML 2.0 single sign-on (issue 16, docs/sso.md): what a SAML identity provider of
-- sso_providers (kind 'saml') needs beyond the common columns: the IdP's metadata (as fetched
-- from its URL, or pasted), the attribute with the HSA-id, and Lots' own key pair for the
-- provider (signs the AuthnRequests and logout answers, decrypts encrypted assertions; the
-- private key sealed at rest). saml_assertions are the assertion and logout request ids
-- seen, each accepted once (replay).
-- Kept in step with ../../sqlite/migrations/00090_saml.sql.

-- +goose Up
CREATE TABLE saml_providers (
    provider_id   BIGINT PRIMARY KEY REFERENCES sso_providers (id) ON DELETE CASCADE,
    metadata_url  TEXT NOT NULL DEFAULT '',
    metadata      TEXT NOT NULL,
    hsa_attr      TEXT NOT NULL DEFAULT '',
    sp_key        TEXT NOT NULL,
    sp_cert       TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE saml_assertions (
    provider_id   BIGINT NOT NULL REFERENCES sso_providers (id) ON DELETE CASCADE,
    assertion_id  TEXT NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider_id, assertion_id)
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires_at);

-- +goose Down
DROP INDEX saml_assertions_expires;
DROP TABLE saml_assertions;
DROP TABLE saml_providers;
