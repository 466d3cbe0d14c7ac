-- Organisations, users, sessions, API tokens, e-mail verification, the audit log
-- and the outbox of messages waiting to be sent.

CREATE TABLE organisations (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('vendor', 'customer', 'partner')),
    name TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    partner_id BIGINT REFERENCES organisations (id),
    domains TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX organisations_partner ON organisations (partner_id);

CREATE TABLE users (
    id {{id}},
    org_id BIGINT REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    password_hash TEXT NOT NULL DEFAULT '',
    email_verified_at {{time}},
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE email_verifications (
    token_hash {{blob}} PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    expires_at {{time}} NOT NULL
);

CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data {{blob}} NOT NULL,
    expiry {{time}} NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE api_tokens (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash {{blob}} NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    expires_at {{time}},
    last_used_at {{time}},
    revoked_at {{time}}
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id {{id}},
    at {{time}} NOT NULL,
    actor_id BIGINT,
    actor_email TEXT NOT NULL,
    org_id BIGINT,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE outbox (
    id {{id}},
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'en',
    payload TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{time}} NOT NULL,
    sent_at {{time}},
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);
