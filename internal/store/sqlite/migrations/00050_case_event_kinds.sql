-- Moves counted by kind in a period (the dashboard's returns: reopen events), read by
-- municipality, kind and time rather than every event. Kept in step with the other engine's
-- 00050_case_event_kinds.sql.
-- +goose Up
CREATE INDEX case_events_kind ON case_events (municipality_id, kind, at);

-- +goose Down
DROP INDEX case_events_kind;
