-- A concern records the district the young person lived in when it was received (issue 13:3):
-- the mapping counts concerns per district at that moment, not where the young person lives
-- now. NULL: no district then. Concerns received before this migration take the young
-- person's district as it stands (the best there is). Kept in step with
-- ../../sqlite/migrations/00150_concern_district.sql.

-- +goose Up
ALTER TABLE assessments ADD COLUMN district_id BIGINT,
    ADD CONSTRAINT assessments_district FOREIGN KEY (municipality_id, district_id) REFERENCES districts (municipality_id, id);
UPDATE assessments SET district_id = (SELECT y.district_id FROM youths y WHERE y.id = assessments.youth_id)
    WHERE time_point = 'concern';
CREATE INDEX assessments_concern_at ON assessments (municipality_id, assessed_at) WHERE time_point = 'concern';
-- The release's Check: IRK checklists of a half-year (store/dashboard_needs.go).
CREATE INDEX assessments_instrument_at ON assessments (municipality_id, instrument, assessed_at);

-- +goose Down
DROP INDEX assessments_instrument_at;
DROP INDEX assessments_concern_at;
ALTER TABLE assessments DROP COLUMN district_id;
