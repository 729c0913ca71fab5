-- A concern keeps the name its reporter wrote. The reporter's receipt and list show that name,
-- never the register's: a concern about someone social services already know must not tell the
-- reporter that they are known or what the register calls them.

-- +goose Up
ALTER TABLE assessments ADD COLUMN reported_name TEXT NOT NULL DEFAULT '';
UPDATE assessments SET reported_name = (SELECT y.first_name || ' ' || y.last_name FROM youths y WHERE y.id = assessments.youth_id)
	WHERE time_point = 'concern';

-- +goose Down
ALTER TABLE assessments DROP COLUMN reported_name;
