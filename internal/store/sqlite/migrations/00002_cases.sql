-- The case flow and consent: young people and the adults around them, cases and their
-- timeline, assessments with instruments, parties, consents with signers, files, action plans
-- and follow-ups. Every table carries municipality_id; references are composite keys
-- (municipality_id, id) so no row can point into another municipality.

-- +goose Up
CREATE TABLE youths (
    id                 INTEGER PRIMARY KEY,
    municipality_id    INTEGER NOT NULL REFERENCES municipalities (id),
    first_name         TEXT NOT NULL,
    last_name          TEXT NOT NULL,
    sort_key           BLOB NOT NULL,
    search_key         TEXT NOT NULL,
    personal_number    TEXT,
    reserve_id         TEXT,
    birth_date         TEXT NOT NULL,
    gender             TEXT NOT NULL,
    district_id        INTEGER,
    school             TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    interpreter        BOOLEAN NOT NULL DEFAULT FALSE,
    protected_identity BOOLEAN NOT NULL DEFAULT FALSE,
    merged_into        INTEGER,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, district_id) REFERENCES districts (municipality_id, id)
);
CREATE UNIQUE INDEX youths_personal_number ON youths (municipality_id, personal_number)
    WHERE personal_number IS NOT NULL AND merged_into IS NULL;
CREATE UNIQUE INDEX youths_reserve_id ON youths (municipality_id, reserve_id) WHERE reserve_id IS NOT NULL;
CREATE INDEX youths_sort ON youths (municipality_id, sort_key);
CREATE INDEX youths_birth ON youths (municipality_id, birth_date);

CREATE TABLE related_persons (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    relation        TEXT NOT NULL DEFAULT '',
    has_custody     BOOLEAN NOT NULL DEFAULT FALSE,
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT '',
    interpreter     BOOLEAN NOT NULL DEFAULT FALSE,
    note            TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, youth_id) REFERENCES youths (municipality_id, id)
);
CREATE INDEX related_persons_youth ON related_persons (municipality_id, youth_id);

CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    municipality_id    INTEGER NOT NULL,
    youth_id           INTEGER NOT NULL,
    program            TEXT NOT NULL,
    step               TEXT NOT NULL,
    step_since         DATETIME NOT NULL,
    risk_level         TEXT NOT NULL DEFAULT '',
    risk_reason        TEXT NOT NULL DEFAULT '',
    closure_reason     TEXT NOT NULL DEFAULT '',
    irk_clear          INTEGER NOT NULL DEFAULT 0,
    irk_some           INTEGER NOT NULL DEFAULT 0,
    opened_at          DATETIME NOT NULL,
    taken_on_at        DATETIME,
    assessment_done_at DATETIME,
    decided_start_at   DATETIME,
    group_convened_at  DATETIME,
    plan_set_at        DATETIME,
    closed_at          DATETIME,
    followup6_at       DATETIME,
    followup12_at      DATETIME,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, youth_id) REFERENCES youths (municipality_id, id)
);
CREATE INDEX cases_youth ON cases (municipality_id, youth_id);
CREATE INDEX cases_step ON cases (municipality_id, step);

CREATE TABLE case_staff (
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    role            TEXT NOT NULL,
    since           DATETIME NOT NULL,
    PRIMARY KEY (case_id, user_id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id)
);
CREATE INDEX case_staff_user ON case_staff (municipality_id, user_id);

CREATE TABLE case_parties (
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    agency_id       INTEGER NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    added_at        DATETIME NOT NULL,
    PRIMARY KEY (case_id, agency_id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id)
);
CREATE INDEX case_parties_agency ON case_parties (municipality_id, agency_id);

CREATE TABLE case_events (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    at              DATETIME NOT NULL,
    user_id         INTEGER NOT NULL,
    user_name       TEXT NOT NULL,
    agency_name     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    from_step       TEXT NOT NULL DEFAULT '',
    to_step         TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL,
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE UNIQUE INDEX case_events_case ON case_events (case_id, seq);

CREATE TABLE instruments (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    code            TEXT NOT NULL,
    version         TEXT NOT NULL,
    definition      TEXT NOT NULL,
    loaded_at       DATETIME NOT NULL,
    loaded_by       INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, code, version)
);

CREATE TABLE assessments (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    instrument      TEXT NOT NULL,
    version         TEXT NOT NULL,
    time_point      TEXT NOT NULL,
    assessed_at     DATETIME NOT NULL,
    assessor_id     INTEGER NOT NULL,
    assessor_name   TEXT NOT NULL,
    agency_kind     TEXT NOT NULL,
    protective      TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    risk_level      TEXT NOT NULL DEFAULT '',
    risk_reason     TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);
CREATE INDEX assessments_case ON assessments (municipality_id, case_id, assessed_at);

CREATE TABLE assessment_ratings (
    municipality_id INTEGER NOT NULL,
    assessment_id   INTEGER NOT NULL,
    item            TEXT NOT NULL,
    value           TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, item),
    FOREIGN KEY (municipality_id, assessment_id) REFERENCES assessments (municipality_id, id)
);

CREATE TABLE files (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    data            BLOB NOT NULL,
    uploaded_by     INTEGER NOT NULL,
    uploaded_at     DATETIME NOT NULL,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);

CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    valid_from      DATETIME NOT NULL,
    valid_until     DATETIME NOT NULL,
    renews_id       INTEGER,
    language        TEXT NOT NULL,
    created_by      INTEGER NOT NULL,
    created_at      DATETIME NOT NULL,
    signed_at       DATETIME,
    withdrawn_at    DATETIME,
    withdrawn_by    TEXT NOT NULL DEFAULT '',
    withdrawn_how   TEXT NOT NULL DEFAULT '',
    withdrawn_note  TEXT NOT NULL DEFAULT '',
    evidence_id     INTEGER,
    UNIQUE (municipality_id, id),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id),
    FOREIGN KEY (municipality_id, evidence_id) REFERENCES files (municipality_id, id)
);
CREATE INDEX consents_case ON consents (municipality_id, case_id);
CREATE INDEX consents_until ON consents (municipality_id, valid_until);

CREATE TABLE consent_parties (
    municipality_id INTEGER NOT NULL,
    consent_id      INTEGER NOT NULL,
    agency_id       INTEGER,
    user_id         INTEGER,
    FOREIGN KEY (municipality_id, consent_id) REFERENCES consents (municipality_id, id),
    FOREIGN KEY (municipality_id, agency_id) REFERENCES agencies (municipality_id, id),
    FOREIGN KEY (municipality_id, user_id) REFERENCES users (municipality_id, id)
);
CREATE INDEX consent_parties_consent ON consent_parties (consent_id);
CREATE INDEX consent_parties_agency ON consent_parties (municipality_id, agency_id);
CREATE INDEX consent_parties_user ON consent_parties (municipality_id, user_id);

CREATE TABLE consent_categories (
    municipality_id INTEGER NOT NULL,
    consent_id      INTEGER NOT NULL,
    category        TEXT NOT NULL,
    PRIMARY KEY (consent_id, category),
    FOREIGN KEY (municipality_id, consent_id) REFERENCES consents (municipality_id, id)
);

CREATE TABLE consent_signers (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    consent_id      INTEGER NOT NULL,
    person          TEXT NOT NULL,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    required        BOOLEAN NOT NULL,
    signed_at       DATETIME,
    signed_how      TEXT NOT NULL DEFAULT '',
    recorded_by     INTEGER,
    FOREIGN KEY (municipality_id, consent_id) REFERENCES consents (municipality_id, id)
);
CREATE INDEX consent_signers_consent ON consent_signers (consent_id);

CREATE TABLE plan_versions (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    content         TEXT NOT NULL,
    created_by      INTEGER NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    UNIQUE (case_id, version),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);

CREATE TABLE follow_ups (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    case_id         INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    done_at         DATETIME NOT NULL,
    done_by         INTEGER NOT NULL,
    reached         BOOLEAN NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (case_id, kind),
    FOREIGN KEY (municipality_id, case_id) REFERENCES cases (municipality_id, id)
);

-- Which young people an audit entry concerns, for the access-log extract (loggutdrag). An entry
-- about one young person has one row; a list view has one row per young person it showed.
-- Derived from the entries (youth_id, and the ids in a list entry's detail), so verification
-- can check it.
CREATE TABLE audit_youths (
    municipality_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    youth_id        INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, youth_id, seq)
);

-- +goose Down
DROP TABLE audit_youths;
DROP TABLE follow_ups;
DROP TABLE plan_versions;
DROP TABLE consent_signers;
DROP TABLE consent_categories;
DROP TABLE consent_parties;
DROP TABLE consents;
DROP TABLE files;
DROP TABLE assessment_ratings;
DROP TABLE assessments;
DROP TABLE instruments;
DROP TABLE case_events;
DROP TABLE case_parties;
DROP TABLE case_staff;
DROP TABLE cases;
DROP TABLE related_persons;
DROP TABLE youths;
