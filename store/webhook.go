package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
)

// webhookLease is how long a claimed delivery belongs to the deliverer that
// claimed it: longer than any POST may take, so that one deliverer at a time
// attempts it, and short enough that a crashed deliverer's claims are soon
// retried by another.
const webhookLease = 5 * time.Minute

// maxDeliveryError bounds the error text kept in the delivery log.
const maxDeliveryError = 500

const webhookColumns = `id, url, events, active, created_by, created_at`

func scanWebhook(row interface{ Scan(...any) error }) (*casedesk.Webhook, error) {
	var (
		w         casedesk.Webhook
		events    string
		createdBy sql.NullInt64
	)
	if err := row.Scan(&w.ID, &w.URL, &events, &w.Active, &createdBy, &w.CreatedAt); err != nil {
		return nil, err
	}
	w.Events, w.CreatedBy = splitList(events), nullInt(createdBy)
	return &w, nil
}

// mayManageWebhooks refuses anyone but an administrator whose credentials
// carry scope.
func mayManageWebhooks(actor *casedesk.Actor, scope casedesk.Scope) error {
	if !actor.IsAdmin() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may manage webhooks").WithKey("error.webhook.forbidden", nil)
	}
	if !actor.HasScope(scope) {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope %s", scope).WithKey("error.scope.missing", map[string]any{"Scope": scope})
	}
	return nil
}

// CreateWebhook subscribes w.URL to w.Events; administrators only. It returns
// the secret that signs every delivery, which is shown only now.
func (db *DB) CreateWebhook(ctx context.Context, actor *casedesk.Actor, w *casedesk.Webhook) (secret string, err error) {
	if err := mayManageWebhooks(actor, casedesk.ScopeAdminWrite); err != nil {
		return "", err
	}
	if err := w.Validate(); err != nil {
		return "", err
	}
	secret = auth.RandomString(32)
	w.Active, w.CreatedAt, w.CreatedBy = true, db.now(), nil
	if actor.UserID != 0 {
		w.CreatedBy = &actor.UserID
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `INSERT INTO webhooks (url, secret, events, active, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			w.URL, secret, joinList(w.Events), w.Active, w.CreatedBy, w.CreatedAt).Scan(&w.ID); err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		return tx.record(ctx, actor, nil, "webhook", w.ID, "create", map[string]any{"url": w.URL, "events": w.Events})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// ListWebhooks returns the webhooks in service, oldest first; administrators only.
func (db *DB) ListWebhooks(ctx context.Context, actor *casedesk.Actor) ([]*casedesk.Webhook, error) {
	if err := mayManageWebhooks(actor, casedesk.ScopeAdminRead); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE active ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("list webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteWebhook takes a webhook out of service; administrators only. It
// receives no further events and its pending deliveries are abandoned, but
// the webhook stays stored so that its delivery log can still be read.
func (db *DB) DeleteWebhook(ctx context.Context, actor *casedesk.Actor, id int64) error {
	if err := mayManageWebhooks(actor, casedesk.ScopeAdminWrite); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE webhooks SET active = ? WHERE id = ? AND active`, false, id)
		if err != nil {
			return fmt.Errorf("delete webhook %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casedesk.Errorf(casedesk.ENOTFOUND, "webhook %d not found", id).WithKey("error.webhook.not_found", map[string]any{"ID": id})
		}
		if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, last_error = ? WHERE webhook_id = ? AND status = 'pending'`,
			casedesk.DeliveryFailed, "the webhook was deleted", id); err != nil {
			return fmt.Errorf("delete webhook %d: %w", id, err)
		}
		return tx.record(ctx, actor, nil, "webhook", id, "delete", nil)
	})
}

// ListDeliveries returns a webhook's delivery log, newest first, up to limit
// entries (50 when limit is not between 1 and 200); administrators only.
func (db *DB) ListDeliveries(ctx context.Context, actor *casedesk.Actor, webhookID int64, limit int) ([]*casedesk.WebhookDelivery, error) {
	if err := mayManageWebhooks(actor, casedesk.ScopeAdminRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var exists int
	err := db.queryRow(ctx, `SELECT count(*) FROM webhooks WHERE id = ?`, webhookID).Scan(&exists)
	if err != nil {
		return nil, fmt.Errorf("webhook %d deliveries: %w", webhookID, err)
	}
	if exists == 0 {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "webhook %d not found", webhookID).WithKey("error.webhook.not_found", map[string]any{"ID": webhookID})
	}
	rows, err := db.query(ctx, `SELECT id, webhook_id, event, payload, attempts, next_attempt_at, status, last_status_code, last_error, created_at, delivered_at
		FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?`, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook %d deliveries: %w", webhookID, err)
	}
	defer rows.Close()
	out := []*casedesk.WebhookDelivery{}
	for rows.Next() {
		var (
			d         casedesk.WebhookDelivery
			payload   string
			delivered sql.NullTime
		)
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.Event, &payload, &d.Attempts, &d.NextAttemptAt, &d.Status,
			&d.LastStatusCode, &d.LastError, &d.CreatedAt, &delivered); err != nil {
			return nil, fmt.Errorf("webhook %d deliveries: %w", webhookID, err)
		}
		d.Payload, d.DeliveredAt = json.RawMessage(payload), timePtr(delivered)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// outboxEvent is a webhook event waiting in the outbox.
type outboxEvent struct {
	id        int64
	event     string
	payload   string
	createdAt time.Time
}

// FanOutWebhooks moves up to limit webhook events from the outbox into one
// delivery per active webhook that wants the event, marking them sent in the
// same transaction, and returns how many events it moved. An event no webhook
// wants is dropped. Instances sharing a PostgreSQL database skip the outbox
// rows another is fanning out, so each event reaches each webhook once.
func (db *DB) FanOutWebhooks(ctx context.Context, limit int) (int, error) {
	var moved int
	err := db.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, recipient, payload, created_at FROM outbox
			WHERE kind = 'webhook' AND sent_at IS NULL ORDER BY id LIMIT ?`+db.dialect.skipLocked, limit)
		if err != nil {
			return err
		}
		var events []outboxEvent
		for rows.Next() {
			var e outboxEvent
			if err := rows.Scan(&e.id, &e.event, &e.payload, &e.createdAt); err != nil {
				rows.Close()
				return err
			}
			events = append(events, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(events) == 0 {
			return err
		}
		hooks, err := tx.activeWebhooks(ctx)
		if err != nil {
			return err
		}
		now := db.now()
		for _, e := range events {
			for _, w := range hooks {
				if !w.Wants(e.event) {
					continue
				}
				if _, err := tx.exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, outbox_id, event, payload, next_attempt_at, created_at)
					VALUES (?, ?, ?, ?, ?, ?)`, w.ID, e.id, e.event, e.payload, now, e.createdAt); err != nil {
					return fmt.Errorf("event %d for webhook %d: %w", e.id, w.ID, err)
				}
			}
			if _, err := tx.exec(ctx, `UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?`, now, e.id); err != nil {
				return err
			}
		}
		moved = len(events)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fan out webhook events: %w", err)
	}
	return moved, nil
}

// activeWebhooks returns every webhook in service.
func (tx *Tx) activeWebhooks(ctx context.Context) ([]*casedesk.Webhook, error) {
	rows, err := tx.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE active ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*casedesk.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DueDelivery is a claimed delivery with what its deliverer needs: where to
// send it, and the key to sign it with.
type DueDelivery struct {
	casedesk.WebhookDelivery
	URL    string
	Secret string `json:"-"`
}

// DueDeliveries claims up to limit pending deliveries whose time has come,
// oldest due first, counting the attempt and leasing each to the caller for a
// few minutes: until RecordDelivery settles it or the lease runs out, no
// other call claims it. Instances sharing a PostgreSQL database skip the rows
// another is claiming.
func (db *DB) DueDeliveries(ctx context.Context, limit int) ([]*DueDelivery, error) {
	var out []*DueDelivery
	err := db.inTx(ctx, func(tx *Tx) error {
		now := db.now()
		rows, err := tx.query(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?
			WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ?`+db.dialect.skipLocked+`)
			RETURNING id, webhook_id, event, payload, attempts, next_attempt_at, status, created_at`,
			now.Add(webhookLease), now, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				d       DueDelivery
				payload string
			)
			if err := rows.Scan(&d.ID, &d.WebhookID, &d.Event, &payload, &d.Attempts, &d.NextAttemptAt, &d.Status, &d.CreatedAt); err != nil {
				rows.Close()
				return err
			}
			d.Payload = json.RawMessage(payload)
			out = append(out, &d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.SortFunc(out, func(a, b *DueDelivery) int { return cmp.Compare(a.ID, b.ID) })
		return tx.addTargets(ctx, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return out, nil
}

// addTargets fills in each delivery's URL and secret. A delivery whose
// webhook was deleted after the fan-out is abandoned and removed from ds.
func (tx *Tx) addTargets(ctx context.Context, ds *[]*DueDelivery) error {
	type target struct {
		url, secret string
		active      bool
	}
	targets := map[int64]target{}
	kept := (*ds)[:0]
	for _, d := range *ds {
		t, ok := targets[d.WebhookID]
		if !ok {
			if err := tx.queryRow(ctx, `SELECT url, secret, active FROM webhooks WHERE id = ?`, d.WebhookID).Scan(&t.url, &t.secret, &t.active); err != nil {
				return fmt.Errorf("webhook %d: %w", d.WebhookID, err)
			}
			targets[d.WebhookID] = t
		}
		if !t.active {
			if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, last_error = ? WHERE id = ?`,
				casedesk.DeliveryFailed, "the webhook was deleted", d.ID); err != nil {
				return err
			}
			continue
		}
		d.URL, d.Secret = t.url, t.secret
		kept = append(kept, d)
	}
	*ds = kept
	return nil
}

// RecordDelivery settles the attempt at a claimed delivery: the receiver's
// HTTP status, or deliveryErr when no answer came. A 2xx answer marks it
// delivered; anything else schedules the next attempt with exponential
// backoff and jitter, or, after casedesk.WebhookMaxAttempts attempts, marks
// it failed. A delivery settled meanwhile (its webhook deleted, say) is left
// as it is.
func (db *DB) RecordDelivery(ctx context.Context, id int64, statusCode int, deliveryErr error) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		var (
			attempts int
			status   casedesk.DeliveryStatus
		)
		err := tx.queryRow(ctx, `SELECT attempts, status FROM webhook_deliveries WHERE id = ?`+db.dialect.forUpdate, id).Scan(&attempts, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return casedesk.Errorf(casedesk.ENOTFOUND, "webhook delivery %d not found", id).WithKey("error.webhook.delivery_not_found", map[string]any{"ID": id})
		}
		if err != nil {
			return err
		}
		if status != casedesk.DeliveryPending {
			return nil
		}
		now := db.now()
		if deliveryErr == nil && statusCode >= 200 && statusCode < 300 {
			_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, last_status_code = ?, last_error = '', delivered_at = ? WHERE id = ?`,
				casedesk.DeliveryDelivered, statusCode, now, id)
			return err
		}
		msg := fmt.Sprintf("the receiver answered %d %s", statusCode, http.StatusText(statusCode))
		if deliveryErr != nil {
			msg = truncate(deliveryErr.Error(), maxDeliveryError)
		}
		attempts = max(attempts, 1)
		if attempts >= casedesk.WebhookMaxAttempts {
			_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = ?, last_status_code = ?, last_error = ? WHERE id = ?`,
				casedesk.DeliveryFailed, statusCode, msg, id)
			return err
		}
		wait := casedesk.WebhookRetryWait(attempts)
		// Jitter of up to a fifth spreads the retries of a receiver that was
		// down for everyone at once.
		next := now.Add(wait + rand.N(wait/5))
		_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, last_status_code = ?, last_error = ? WHERE id = ?`,
			next, statusCode, msg, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("record webhook delivery %d: %w", id, err)
	}
	return nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
