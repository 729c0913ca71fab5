-- Whether a consent has been renewed is asked on every start page and in every consent
-- reminder (a renewal names the consent it renews): an index on renews_id, so the question is
-- a look-up, not a read of every consent (TestQueryPlansUseIndexes).

-- +goose Up
CREATE INDEX consents_renews ON consents (renews_id);

-- +goose Down
DROP INDEX consents_renews;
