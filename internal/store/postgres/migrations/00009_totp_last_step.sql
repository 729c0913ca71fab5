-- The TOTP time step of the last second-factor code a user gave: a code is accepted once, so
-- one seen over someone's shoulder cannot log in again (RFC 6238 §5.2). 0: none yet.

-- +goose Up
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN totp_last_step;
