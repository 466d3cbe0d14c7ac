-- Webhooks: administrators' subscriptions to case events, and one delivery
-- row per event and webhook, which is both the retry queue and the log.

CREATE TABLE webhooks (
    id {{id}},
    url TEXT NOT NULL,
    -- The HMAC key; kept in the clear because signing needs it.
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users (id),
    created_at {{time}} NOT NULL
);

CREATE TABLE webhook_deliveries (
    id {{id}},
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
    -- The outbox row the event came from: an event reaches a webhook once,
    -- however many instances fan the outbox out.
    outbox_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{time}} NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    delivered_at {{time}},
    UNIQUE (outbox_id, webhook_id)
);
-- The worker's question: which pending deliveries are due?
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The delivery log of one webhook, newest first.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);

-- The fan-out's question: which webhook events in the outbox are not yet fanned out?
CREATE INDEX outbox_webhooks ON outbox (id) WHERE kind = 'webhook' AND sent_at IS NULL;
