package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// OutboxMessage is a message waiting to be delivered (an e-mail, for now).
// Messages are written in the same transaction as the change that causes
// them, so none is lost if the process stops before sending.
type OutboxMessage struct {
	ID        int64
	Kind      string
	Recipient string
	Locale    string
	Payload   json.RawMessage
	CreatedAt time.Time
	Attempts  int
	SentAt    *time.Time
	LastError string
}

// enqueue adds a message to the outbox inside tx.
func (tx *Tx) enqueue(ctx context.Context, kind, recipient, locale string, payload any) error {
	r, err := outboxRow(kind, recipient, locale, payload, tx.db.now())
	if err != nil {
		return err
	}
	if err := tx.insert(ctx, r); err != nil {
		return fmt.Errorf("outbox %s: %w", kind, err)
	}
	return nil
}

// outboxRow is a message for the outbox; payload is marshalled to JSON.
func outboxRow(kind, recipient, locale string, payload any, now time.Time) (newRow, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return newRow{}, fmt.Errorf("outbox %s: %w", kind, err)
	}
	return newRow{table: "outbox", cols: "kind, recipient, locale, payload, created_at, next_attempt_at", vals: "?, ?, ?, ?, ?, ?",
		args: []any{kind, recipient, locale, string(body), now, now}}, nil
}

// PendingOutbox returns messages not yet sent, oldest first.
func (db *DB) PendingOutbox(ctx context.Context, limit int) ([]*OutboxMessage, error) {
	rows, err := db.query(ctx, `SELECT id, kind, recipient, locale, payload, created_at, attempts, last_error
		FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []*OutboxMessage
	for rows.Next() {
		var (
			m       OutboxMessage
			payload string
		)
		if err := rows.Scan(&m.ID, &m.Kind, &m.Recipient, &m.Locale, &payload, &m.CreatedAt, &m.Attempts, &m.LastError); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		m.Payload = json.RawMessage(payload)
		out = append(out, &m)
	}
	return out, rows.Err()
}
