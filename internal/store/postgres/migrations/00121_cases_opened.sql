-- +goose Up
-- The dashboard finds the first half-year a municipality has cases in with the earliest
-- opened_at (releases.go, firstPeriod): without an index that is a sort of every case of the
-- municipality on every view (lots bench at 10 000 young people: 8 % of the server's CPU).
CREATE INDEX cases_opened ON cases (municipality_id, opened_at);

-- +goose Down
DROP INDEX cases_opened;
