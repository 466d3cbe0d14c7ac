// Package webhook delivers casedesk's events to the webhooks administrators
// subscribe: it fans events out of the outbox into deliveries, POSTs each one
// signed with HMAC-SHA256, and records the outcome, so that the store retries
// failures with backoff and keeps a delivery log.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/casedesk/casedesk/store"
)

// The headers of every delivery.
const (
	HeaderEvent     = "X-Casedesk-Event"     // the event name, as in the body
	HeaderDelivery  = "X-Casedesk-Delivery"  // the delivery ID, the same on every retry
	HeaderTimestamp = "X-Casedesk-Timestamp" // when this attempt was signed, in Unix seconds
	HeaderSignature = "X-Casedesk-Signature" // "sha256=" and the hex HMAC of "<timestamp>.<body>"
)

// Timeout bounds each attempt, from connecting to reading the answer's headers.
const Timeout = 10 * time.Second

const (
	// batch is how many events one fan-out moves and how many deliveries one
	// round claims; with parallel POSTs of at most Timeout each, a round ends
	// well within the store's lease on what it claimed.
	batch    = 40
	parallel = 4
	// maxAnswer is how much of an answer is read, so that the connection can
	// be reused; the rest is dropped.
	maxAnswer = 64 << 10
)

// Message is the JSON body of every delivery. Receivers should treat ID as
// an idempotency key: a delivery may arrive more than once.
type Message struct {
	ID        int64           `json:"id"`
	Event     string          `json:"event"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// Deliverer sends the webhook deliveries that are due. Several deliverers,
// in one process or in several sharing a PostgreSQL database, never send the
// same attempt twice.
type Deliverer struct {
	DB *store.DB
	// Client sends the POSTs; nil means one that does not follow redirects,
	// since a receiver's address should be its final one. Every attempt is
	// bounded by Timeout whatever the client's own.
	Client *http.Client
	Logger *slog.Logger
}

// Sign returns the X-Casedesk-Signature of body sent at timestamp.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports, in constant time, whether signature is the one casedesk
// computes for body sent at timestamp with secret. A receiver should also
// refuse timestamps more than a few minutes old, so that a captured delivery
// cannot be replayed later.
func Verify(secret, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// Run delivers every interval until ctx is done, straight away again while
// there is more than one round's work waiting. Errors are logged.
func (d *Deliverer) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.logger().Error("webhook deliveries", "err", err)
		}
		if n < batch || err != nil {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// RunOnce fans new events out to the webhooks that want them, then makes one
// attempt at each delivery that is due (up to a round's worth), and returns
// how many it attempted. A receiver's failure is not an error: it is logged
// and retried later.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	for {
		n, err := d.DB.FanOutWebhooks(ctx, batch)
		if err != nil {
			return 0, err
		}
		if n < batch {
			break
		}
	}
	due, err := d.DB.DueDeliveries(ctx, batch)
	if err != nil {
		return 0, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, parallel)
	)
	for _, dd := range due {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := d.attempt(ctx, dd); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return len(due), errors.Join(errs...)
}

// attempt POSTs one delivery and records the outcome. When ctx ends first,
// nothing is recorded: the store's lease runs out and the delivery is
// claimed again.
func (d *Deliverer) attempt(ctx context.Context, dd *store.DueDelivery) error {
	status, err := d.post(ctx, dd)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil || status < 200 || status > 299 {
		d.logger().Warn("webhook delivery failed", "delivery", dd.ID, "webhook", dd.WebhookID, "event", dd.Event,
			"attempt", dd.Attempts, "status", status, "err", err)
	}
	return d.DB.RecordDelivery(ctx, dd.ID, status, err)
}

// post sends one delivery and returns the receiver's status. Transport
// errors leave out the URL, which may itself be a credential.
func (d *Deliverer) post(ctx context.Context, dd *store.DueDelivery) (int, error) {
	body, err := json.Marshal(Message{ID: dd.ID, Event: dd.Event, CreatedAt: dd.CreatedAt, Data: dd.Payload})
	if err != nil {
		return 0, fmt.Errorf("encode delivery %d: %w", dd.ID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dd.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("delivery %d: %w", dd.ID, err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "casedesk-webhooks")
	req.Header.Set(HeaderEvent, dd.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(dd.ID, 10))
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(dd.Secret, ts, body))
	resp, err := d.client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// defaultClient sends deliveries when Deliverer.Client is nil.
var defaultClient = &http.Client{
	Timeout:       Timeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (d *Deliverer) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return defaultClient
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}
