package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// IdempotencyTTL is how long a key's answer is kept for replay.
const IdempotencyTTL = 24 * time.Hour

// StoredResponse is the answer kept for an Idempotency-Key.
type StoredResponse struct {
	Status int
	Body   string
}

// ClaimIdempotencyKey reserves key for the actor's request. It returns the
// stored answer when the same request already completed; a key in use by a
// request still running, or by a different request, is a conflict.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, actor *casedesk.Actor, key, method, path string) (*StoredResponse, error) {
	if key == "" || len(key) > 200 {
		return nil, casedesk.FieldErrorf("Idempotency-Key", "must be 1 to 200 characters").WithKey("error.length.range", map[string]any{"Min": 1, "Max": 200})
	}
	now := db.now()
	if _, err := db.exec(ctx, `DELETE FROM idempotency_keys WHERE actor_id = ? AND key = ? AND created_at < ?`, actor.UserID, key, now.Add(-IdempotencyTTL)); err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	_, err := db.exec(ctx, `INSERT INTO idempotency_keys (actor_id, key, method, path, status, body, created_at) VALUES (?, ?, ?, ?, 0, '', ?)`,
		actor.UserID, key, method, path, now)
	if err == nil {
		return nil, nil
	}
	if !isUniqueViolation(err) {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	var (
		r    StoredResponse
		m, p string
	)
	err = db.queryRow(ctx, `SELECT method, path, status, body FROM idempotency_keys WHERE actor_id = ? AND key = ?`, actor.UserID, key).Scan(&m, &p, &r.Status, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ECONFLICT, "the Idempotency-Key was just released: retry").WithKey("error.idempotency.released", nil)
	}
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	switch {
	case m != method || p != path:
		return nil, &casedesk.Error{Code: casedesk.ECONFLICT, Field: "Idempotency-Key", Message: "this key was used for a different request: use a new key", Key: "error.idempotency.reused"}
	case r.Status == 0:
		return nil, &casedesk.Error{Code: casedesk.ECONFLICT, Field: "Idempotency-Key", Message: "a request with this key is still in progress: retry shortly", Key: "error.idempotency.in_progress"}
	}
	return &r, nil
}

// CompleteIdempotencyKey stores the answer to replay for key; a failed
// request (status 0) releases the key so that it can be retried.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, actor *casedesk.Actor, key string, status int, body string) error {
	var err error
	if status == 0 || status >= 500 {
		_, err = db.exec(ctx, `DELETE FROM idempotency_keys WHERE actor_id = ? AND key = ?`, actor.UserID, key)
	} else {
		_, err = db.exec(ctx, `UPDATE idempotency_keys SET status = ?, body = ? WHERE actor_id = ? AND key = ?`, status, body, actor.UserID, key)
	}
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}
