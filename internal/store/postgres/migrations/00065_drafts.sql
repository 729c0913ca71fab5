-- Drafts of long forms (issue 17:1): what a user typed into a form, kept per user and form so
-- that nothing is lost when the session ends before the form is sent. content is the form's
-- fields as JSON, sealed under the master key (internal/store/sealed.go): it is case text not
-- yet saved. case_id names the case a case form belongs to (its draft is deleted with the case
-- and restored only while the user may still open it). Drafts go when the form is sent, when
-- the user discards them, and after store.DraftDays days. Kept in step with
-- ../../sqlite/migrations/00065_drafts.sql.

-- +goose Up
CREATE TABLE drafts (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    form            TEXT NOT NULL,
    case_id         BIGINT,
    content         TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, form),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id) ON DELETE CASCADE
);
CREATE INDEX drafts_case ON drafts (case_id);
CREATE INDEX drafts_updated ON drafts (updated_at);

-- +goose Down
DROP TABLE drafts;
