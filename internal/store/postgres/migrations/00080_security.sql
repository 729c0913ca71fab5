-- Security assessments and exit pathways (issue 14:2 and 14:4; docs/security-assessment.md).
-- Every free text — the participant's name, the threats, the linked persons, the signs of
-- escalation, the measures, the police assessment, the exit programme and the destination — is
-- sealed under the master key (internal/store/sealed.go). The level and the dates stay plain:
-- the review alert and the rise of a level are found by them. security_alerts are the in-app
-- notices of a raised level to the case's coordinator and police contact. Kept in step with
-- ../../sqlite/migrations/00080_security.sql.

-- +goose Up
CREATE TABLE security_assessments (
    id                 BIGINT PRIMARY KEY,
    municipality_id    BIGINT NOT NULL,
    case_id            BIGINT NOT NULL,
    participant_kind   TEXT NOT NULL,
    participant_name   TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL,
    previous_level     TEXT NOT NULL DEFAULT '',
    threats            TEXT NOT NULL DEFAULT '',
    linked             TEXT NOT NULL DEFAULT '',
    escalation         TEXT NOT NULL DEFAULT '',
    measures           TEXT NOT NULL DEFAULT '',
    assessed_on        TEXT NOT NULL,
    review_on          TEXT NOT NULL,
    superseded         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ NOT NULL,
    created_by         BIGINT NOT NULL,
    created_by_name    TEXT NOT NULL,
    created_by_agency  TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX security_assessments_case ON security_assessments (municipality_id, case_id);
CREATE INDEX security_assessments_review ON security_assessments (municipality_id, review_on) WHERE NOT superseded;

CREATE TABLE exit_pathways (
    case_id            BIGINT PRIMARY KEY,
    municipality_id    BIGINT NOT NULL,
    stage              TEXT NOT NULL,
    wish_on            TEXT NOT NULL,
    police_assessment  TEXT NOT NULL DEFAULT '',
    programme          TEXT NOT NULL DEFAULT '',
    police_contact_id  BIGINT NOT NULL,
    social_contact_id  BIGINT NOT NULL,
    destination        TEXT NOT NULL DEFAULT '',
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         BIGINT NOT NULL,
    updated_by_name    TEXT NOT NULL,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, police_contact_id) REFERENCES users (municipality_id, id),
    FOREIGN KEY (municipality_id, social_contact_id) REFERENCES users (municipality_id, id)
);

CREATE TABLE security_alerts (
    id                 BIGINT PRIMARY KEY,
    municipality_id    BIGINT NOT NULL,
    case_id            BIGINT NOT NULL,
    user_id            BIGINT NOT NULL,
    assessment_id      BIGINT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    seen_at            TIMESTAMPTZ,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id),
    FOREIGN KEY (municipality_id, assessment_id) REFERENCES security_assessments (municipality_id, id)
);
CREATE INDEX security_alerts_user ON security_alerts (municipality_id, user_id, seen_at);
CREATE INDEX security_alerts_case ON security_alerts (municipality_id, case_id);

-- +goose Down
DROP TABLE security_alerts;
DROP TABLE exit_pathways;
DROP TABLE security_assessments;
