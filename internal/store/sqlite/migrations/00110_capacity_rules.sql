-- Capacity rules (issue 13, docs/mapping.md): a cap of young people per professional in the
-- operative groups, the experience rule for heavy cases (the years a social worker must have
-- been qualified, the risk level from which a case is heavy, and whether the rule warns or
-- refuses), each social worker's date qualified, and a case's extensions of its planned
-- length, each with a reason. Kept in step with ../../postgres/migrations/00110_capacity_rules.sql.

-- +goose Up
ALTER TABLE capacity_settings ADD COLUMN group_cap INTEGER NOT NULL DEFAULT 10;
ALTER TABLE capacity_settings ADD COLUMN experience_years INTEGER NOT NULL DEFAULT 2;
ALTER TABLE capacity_settings ADD COLUMN heavy_from TEXT NOT NULL DEFAULT 'high';
ALTER TABLE capacity_settings ADD COLUMN experience_rule TEXT NOT NULL DEFAULT 'warn';

-- The date a social worker qualified (socionomexamen or equivalent); no row: not recorded.
CREATE TABLE staff_experience (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    qualified_on    DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    updated_by      INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, user_id)
);

-- An extension of a case's planned length: months added, and why.
CREATE TABLE case_extensions (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    months          INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    extended_at     DATETIME NOT NULL,
    extended_by     INTEGER NOT NULL,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    CHECK (months >= 1 AND months <= 24 AND reason <> '')
);
CREATE INDEX case_extensions_case ON case_extensions (municipality_id, case_id);

-- +goose Down
DROP TABLE case_extensions;
DROP TABLE staff_experience;
ALTER TABLE capacity_settings DROP COLUMN experience_rule;
ALTER TABLE capacity_settings DROP COLUMN heavy_from;
ALTER TABLE capacity_settings DROP COLUMN experience_years;
ALTER TABLE capacity_settings DROP COLUMN group_cap;
