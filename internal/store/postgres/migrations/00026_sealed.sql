-- Encryption at rest (issue 15:4): secrets Lots keeps for itself, sealed under the master key
-- like the sealed columns (internal/store/sealed.go) — e.g. the key of the pseudonyms that let
-- an access-log extract find a young person whose records were deleted. Kept in step with
-- ../../sqlite/migrations/00026_sealed.sql.

-- +goose Up
CREATE TABLE lots_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE lots_secrets;
