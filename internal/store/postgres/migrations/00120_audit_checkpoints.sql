-- +goose Up
-- Retention of the access log (issue 15). Entries older than the municipality's period are
-- deleted from the front of the log. A checkpoint records how many entries were deleted and the
-- tree's root over them; the tree's stored hashes stay (hashes, no content), so verification
-- starts from the newest checkpoint and every later entry still binds to the deleted ones.
-- Checkpoints are append-only; the log refuses a deletion that no checkpoint covers.
CREATE TABLE audit_checkpoints (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    size            BIGINT NOT NULL,
    root            BYTEA NOT NULL,
    pruned_before   TIMESTAMPTZ NOT NULL,
    made_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality_id, size)
);
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION lots_append_only();

-- +goose StatementBegin
CREATE FUNCTION lots_audit_prune_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq >= COALESCE((SELECT MAX(size) FROM audit_checkpoints WHERE municipality_id = OLD.municipality_id), 0) THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION lots_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION lots_audit_prune_only();

-- +goose Down
DROP TRIGGER audit_log_no_delete ON audit_log;
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION lots_append_only();
DROP FUNCTION lots_audit_prune_only;
DROP TABLE audit_checkpoints;
