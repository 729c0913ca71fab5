-- The anonymous card before consent gets an id of its own. It used to be opened by the case's
-- id (/cards/{case id}), the same number the case has everywhere else — a join key from the card
-- to every record that names the case. card_id is random, like every id, and appears nowhere
-- but on the card.

-- +goose Up
ALTER TABLE cases ADD COLUMN card_id INTEGER;
UPDATE cases SET card_id = (abs(random()) % 9007199254740991) + 1;
CREATE UNIQUE INDEX cases_card_id ON cases (municipality_id, card_id);

-- +goose Down
DROP INDEX cases_card_id;
ALTER TABLE cases DROP COLUMN card_id;
