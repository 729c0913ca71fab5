-- Operative groups, their meetings, decisions and tasks, and each municipality's intervention
-- catalogue. Every table carries municipality_id; references are composite keys
-- (municipality_id, id) so no row can point into another municipality. The young person is
-- reached through the case (no youth_id here), so merging two registrations of one young
-- person needs nothing from these tables. Kept in step with
-- ../../sqlite/migrations/00004_groups.sql.

-- +goose Up
-- One row per case that has a group: its rhythm and its lead contact.
CREATE TABLE case_groups (
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL PRIMARY KEY,
    rhythm_weeks    INTEGER NOT NULL,
    lead_member_id  BIGINT,
    updated_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);

-- A member: a professional (user_id), an adult the young person trusts (name, relation,
-- contact; person_id when linked to a related person), the young person or a guardian. A
-- removed member keeps their row (removed_at) so past attendance still names them.
CREATE TABLE group_members (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    user_id         BIGINT,
    person_id       BIGINT,
    name            TEXT NOT NULL DEFAULT '',
    relation        TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT '',
    added_at        TIMESTAMPTZ NOT NULL,
    added_by        BIGINT NOT NULL,
    removed_at      TIMESTAMPTZ,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id),
    FOREIGN KEY (municipality_id, person_id) REFERENCES related_persons (municipality_id, id)
);
CREATE INDEX group_members_case ON group_members (municipality_id, case_id);
CREATE INDEX group_members_user ON group_members (municipality_id, user_id);

CREATE TABLE meetings (
    id               BIGINT PRIMARY KEY,
    municipality_id  BIGINT NOT NULL,
    case_id          BIGINT NOT NULL,
    starts_at        TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER NOT NULL,
    pre_minutes      INTEGER NOT NULL DEFAULT 0,
    place            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    minutes_text     TEXT NOT NULL DEFAULT '',
    minutes_category TEXT NOT NULL DEFAULT 'basic',
    cancel_reason    TEXT NOT NULL DEFAULT '',
    sequence         INTEGER NOT NULL DEFAULT 0,
    held_at          TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    created_by       BIGINT NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX meetings_case ON meetings (municipality_id, case_id, starts_at);
CREATE INDEX meetings_start ON meetings (municipality_id, starts_at);

CREATE TABLE meeting_attendance (
    municipality_id BIGINT NOT NULL,
    meeting_id      BIGINT NOT NULL,
    member_id       BIGINT NOT NULL,
    present         BOOLEAN NOT NULL,
    PRIMARY KEY (meeting_id, member_id),
    FOREIGN KEY (municipality_id, meeting_id) REFERENCES meetings (municipality_id, id),
    FOREIGN KEY (municipality_id, member_id) REFERENCES group_members (municipality_id, id)
);

CREATE TABLE meeting_decisions (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL,
    meeting_id      BIGINT NOT NULL,
    text            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, meeting_id) REFERENCES meetings (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions (municipality_id, meeting_id);

CREATE TABLE tasks (
    id              BIGINT PRIMARY KEY,
    municipality_id BIGINT NOT NULL,
    case_id         BIGINT NOT NULL,
    meeting_id      BIGINT,
    decision_id     BIGINT,
    text            TEXT NOT NULL,
    owner_user_id   BIGINT NOT NULL,
    due_date        TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      BIGINT NOT NULL,
    done_at         TIMESTAMPTZ,
    done_by         BIGINT,
    reminded_at     TIMESTAMPTZ,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, meeting_id) REFERENCES meetings (municipality_id, id),
    FOREIGN KEY (municipality_id, decision_id) REFERENCES meeting_decisions (municipality_id, id),
    FOREIGN KEY (municipality_id, owner_user_id) REFERENCES users (municipality_id, id)
);
CREATE INDEX tasks_case ON tasks (municipality_id, case_id);
CREATE INDEX tasks_owner ON tasks (municipality_id, owner_user_id, status, due_date);
CREATE INDEX tasks_due ON tasks (status, due_date);

-- A municipality's own catalogue entries: a changed built-in method (same code) or one of its
-- own. content is the method as JSON.
CREATE TABLE catalogue_methods (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    code            TEXT NOT NULL,
    content         TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      BIGINT NOT NULL,
    PRIMARY KEY (municipality_id, code)
);

-- +goose Down
DROP TABLE catalogue_methods;
DROP TABLE tasks;
DROP TABLE meeting_decisions;
DROP TABLE meeting_attendance;
DROP TABLE meetings;
DROP TABLE group_members;
DROP TABLE case_groups;
