-- Step-up for the API (issue 16): when the person who made a personal API token last proved
-- who they are (the session's authenticated_at at the moment the token was made). The extracts
-- of personal data in the API accept a token only within the municipality's step-up time of
-- that; tokens made otherwise (the operator's `lots token`) have none and never qualify.
-- Kept in step with ../../postgres/migrations/00096_token_step_up.sql.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN authenticated_at DATETIME;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN authenticated_at;
