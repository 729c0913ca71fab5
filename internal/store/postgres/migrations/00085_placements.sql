-- Placements (issue 14:3, docs/placements.md): a young person's placements on a case — form,
-- legal basis, from and to (days, Swedish time), a SiS placement waiting for a place (from
-- the day asked for), where (sealed: envelope encryption, internal/store/sealed.go) and the
-- reason for each move. Kept in step with ../../sqlite/migrations/00085_placements.sql.

-- +goose Up
CREATE TABLE placements (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL,
    youth_id        BIGINT NOT NULL,
    form            TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    waiting         BOOLEAN NOT NULL DEFAULT FALSE,
    requested_on    TEXT NOT NULL DEFAULT '',
    from_date       TEXT NOT NULL DEFAULT '',
    to_date         TEXT NOT NULL DEFAULT '',
    place           TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    created_by      BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, youth_id) REFERENCES youths (municipality_id, id)
);
CREATE INDEX placements_case ON placements (municipality_id, case_id, from_date);
CREATE INDEX placements_youth ON placements (municipality_id, youth_id);

-- +goose Down
DROP TABLE placements;
