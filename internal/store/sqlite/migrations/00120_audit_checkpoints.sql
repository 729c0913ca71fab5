-- +goose Up
-- Retention of the access log (issue 15). Entries older than the municipality's period are
-- deleted from the front of the log. A checkpoint records how many entries were deleted and the
-- tree's root over them; the tree's stored hashes stay (hashes, no content), so verification
-- starts from the newest checkpoint and every later entry still binds to the deleted ones.
-- Checkpoints are append-only; the log refuses a deletion that no checkpoint covers.
CREATE TABLE audit_checkpoints (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    size            INTEGER NOT NULL,
    root            BLOB NOT NULL,
    pruned_before   DATETIME NOT NULL,
    made_at         DATETIME NOT NULL,
    PRIMARY KEY (municipality_id, size)
);

-- +goose StatementBegin
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
-- +goose StatementEnd

DROP TRIGGER audit_log_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq >= COALESCE((SELECT MAX(size) FROM audit_checkpoints WHERE municipality_id = OLD.municipality_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
DROP TABLE audit_checkpoints;
