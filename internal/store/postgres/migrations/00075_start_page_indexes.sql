-- The start page reads what the actor takes part in, and each list must be a look-up by the
-- actor, not a read of the municipality (lots bench at 10 000 young people):
--
-- "The groups I am in": most group members are not users of Lots (the young person, guardians,
-- trusted adults), so an index on (municipality_id, user_id) looked to the planner no better
-- than reading the municipality's whole membership. Only members who are users, and only their
-- current memberships.
--
-- "The concerns I reported": by the reporter, newest first.

-- +goose Up
CREATE INDEX group_members_member ON group_members (user_id, case_id) WHERE user_id IS NOT NULL AND removed_at IS NULL;
CREATE INDEX assessments_reporter ON assessments (assessor_id, created_at) WHERE time_point = 'concern';

-- +goose Down
DROP INDEX assessments_reporter;
DROP INDEX group_members_member;
