-- Indexes for the access rule's subqueries, which look a case's rows up by case_id alone
-- (the composite (municipality_id, case_id) indexes cannot serve them).

-- +goose Up
CREATE INDEX consents_case_id ON consents (case_id);
CREATE INDEX assessments_case_id ON assessments (case_id, assessed_at);
CREATE INDEX related_persons_youth_id ON related_persons (youth_id);
CREATE INDEX group_members_case_id ON group_members (case_id, user_id);
CREATE INDEX meetings_case_id ON meetings (case_id, starts_at);
CREATE INDEX case_staff_user_case ON case_staff (user_id, case_id);

-- +goose Down
DROP INDEX case_staff_user_case;
DROP INDEX meetings_case_id;
DROP INDEX group_members_case_id;
DROP INDEX related_persons_youth_id;
DROP INDEX assessments_case_id;
DROP INDEX consents_case_id;
