-- A consent remembers when its coordinator was sent the e-mail reminder that it ends soon, so
-- the reminder goes once (as tasks.reminded_at does for tasks).

-- +goose Up
ALTER TABLE consents ADD COLUMN reminded_at DATETIME;

-- +goose Down
ALTER TABLE consents DROP COLUMN reminded_at;
