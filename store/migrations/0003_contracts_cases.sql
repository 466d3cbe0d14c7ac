-- Products and their versions, plans and calendars as versioned documents,
-- contracts with their technical contacts, and cases with their thread.

CREATE TABLE products (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    line TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL
);

CREATE TABLE product_versions (
    id {{id}},
    product_id BIGINT NOT NULL REFERENCES products (id),
    name TEXT NOT NULL,
    released_on TEXT NOT NULL DEFAULT '',
    end_of_life TEXT NOT NULL DEFAULT '',
    UNIQUE (product_id, name)
);

-- Every edit of a plan or a calendar is a new row; running clocks keep the
-- version they were computed with.
CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE calendar_versions (
    calendar_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    spec TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (calendar_id, version)
);

CREATE TABLE contracts (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    plan_id TEXT NOT NULL,
    calendar_id TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    products TEXT NOT NULL DEFAULT '',
    product_lines TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    partner_id BIGINT REFERENCES organisations (id),
    support_manager_id BIGINT REFERENCES users (id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX contracts_org ON contracts (org_id);

CREATE TABLE contract_contacts (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    added_at {{time}} NOT NULL,
    PRIMARY KEY (contract_id, user_id)
);
CREATE INDEX contract_contacts_user ON contract_contacts (user_id);

CREATE TABLE cases (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    contract_id BIGINT REFERENCES contracts (id),
    contact_id BIGINT NOT NULL REFERENCES users (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    version_id BIGINT REFERENCES product_versions (id),
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    impact TEXT NOT NULL,
    urgency TEXT NOT NULL,
    priority TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    status TEXT NOT NULL,
    assignee_id BIGINT REFERENCES users (id),
    queue TEXT NOT NULL DEFAULT 'vendor',
    commitment BOOLEAN NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    plan_rank INTEGER NOT NULL DEFAULT 0,
    sla TEXT NOT NULL DEFAULT '',
    due_at {{time}},
    -- sort_due is due_at, or far in the future for cases with no commitment,
    -- so that both databases order the queue alike with one index.
    sort_due {{time}} NOT NULL,
    is_open BOOLEAN NOT NULL,
    check_at {{time}},
    at_risk BOOLEAN NOT NULL DEFAULT FALSE,
    breached BOOLEAN NOT NULL DEFAULT FALSE,
    parent_id BIGINT REFERENCES cases (id),
    merged_into BIGINT REFERENCES cases (id),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    resolved_at {{time}},
    closed_at {{time}}
);
CREATE INDEX cases_org ON cases (org_id, id);
-- The queue: open cases by priority, plan handling, due time.
CREATE INDEX cases_queue ON cases (is_open, priority, plan_rank, sort_due, id);
-- The SLA scheduler's work list.
CREATE INDEX cases_check ON cases (check_at);
CREATE INDEX cases_assignee ON cases (assignee_id, status);

CREATE TABLE case_events (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    at {{time}} NOT NULL,
    actor_id BIGINT,
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE attachments (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    event_id BIGINT REFERENCES case_events (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{blob}} NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at {{time}} NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

CREATE TABLE remote_access_grants (
    id {{id}},
    case_id BIGINT NOT NULL REFERENCES cases (id),
    granted_by BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    starts_at {{time}} NOT NULL,
    ends_at {{time}} NOT NULL,
    revoked_at {{time}},
    revoked_by BIGINT REFERENCES users (id)
);
CREATE INDEX remote_access_grants_case ON remote_access_grants (case_id);

CREATE TABLE notifications (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    case_id BIGINT REFERENCES cases (id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    read_at {{time}}
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Counts kept up to date with every case change, so that a queue page never
-- counts rows.
CREATE TABLE case_counts (
    org_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, status)
);

CREATE TABLE idempotency_keys (
    actor_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (actor_id, key)
);
