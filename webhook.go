package casedesk

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Webhook is a subscription: casedesk POSTs each event it names to URL,
// signed with a secret that is shown once, when the webhook is created.
type Webhook struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
	// Events are event names ("case.created"), prefixes ("sla.*"), or the
	// single entry "*" for every event.
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// eventPattern is the shape of an event name or prefix in a subscription.
var eventPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.([a-z][a-z0-9_]*|\*)$`)

// Validate checks a webhook's URL and events, trimming and de-duplicating
// the events.
func (w *Webhook) Validate() error {
	w.URL = strings.TrimSpace(w.URL)
	u, err := url.Parse(w.URL)
	switch {
	case w.URL == "" || len(w.URL) > 2000:
		return FieldErrorf("url", "give the address to POST events to, up to 2000 characters").WithKey("error.webhook.url_missing", nil)
	case err != nil:
		return FieldErrorf("url", "%q is not a URL", w.URL).WithKey("error.webhook.url_invalid", map[string]any{"URL": w.URL})
	case u.Scheme != "http" && u.Scheme != "https":
		return FieldErrorf("url", "must start with http:// or https://").WithKey("error.webhook.url_scheme", nil)
	case u.Host == "":
		return FieldErrorf("url", "must name a host, as in https://example.com/hooks").WithKey("error.webhook.url_host", nil)
	case u.User != nil:
		return FieldErrorf("url", "must not hold a user name or password: verify the X-Casedesk-Signature header instead").WithKey("error.webhook.url_userinfo", nil)
	case u.Fragment != "":
		return FieldErrorf("url", "must not have a #fragment").WithKey("error.webhook.url_fragment", nil)
	}
	if len(w.Events) == 0 {
		return FieldErrorf("events", `name the events to receive, such as "case.created", or "*" for all`).WithKey("error.webhook.events_missing", nil)
	}
	events := make([]string, 0, len(w.Events))
	for _, e := range w.Events {
		e = strings.TrimSpace(e)
		if e != "*" && !eventPattern.MatchString(e) {
			return FieldErrorf("events", `%q is not an event name such as "case.created", a prefix such as "sla.*", or "*"`, e).WithKey("error.webhook.event_invalid", map[string]any{"Event": e})
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if slices.Contains(events, "*") && len(events) > 1 {
		return FieldErrorf("events", `"*" already means every event: give it alone`).WithKey("error.webhook.events_star", nil)
	}
	w.Events = events
	return nil
}

// Wants reports whether the webhook subscribes to event.
func (w *Webhook) Wants(event string) bool {
	for _, e := range w.Events {
		if e == "*" || e == event {
			return true
		}
		if prefix, ok := strings.CutSuffix(e, "*"); ok && strings.HasPrefix(event, prefix) {
			return true
		}
	}
	return false
}

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

// Delivery statuses: pending until the receiver answers 2xx (delivered) or
// every attempt has failed (failed).
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

// WebhookDelivery is one event on its way to one webhook, with what happened
// at its last attempt: the webhook's delivery log is a list of these.
type WebhookDelivery struct {
	ID             int64           `json:"id"`
	WebhookID      int64           `json:"webhook_id"`
	Event          string          `json:"event"`
	Payload        json.RawMessage `json:"payload"`
	Attempts       int             `json:"attempts"`
	NextAttemptAt  time.Time       `json:"next_attempt_at"`
	Status         DeliveryStatus  `json:"status"`
	LastStatusCode int             `json:"last_status_code,omitempty"`
	LastError      string          `json:"last_error,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	DeliveredAt    *time.Time      `json:"delivered_at,omitempty"`
}

// Webhook delivery retries: the first retry waits WebhookFirstRetry, each
// later one twice as long, up to WebhookMaxRetryWait; after
// WebhookMaxAttempts failed attempts (about four hours) the delivery fails.
const (
	WebhookFirstRetry   = 30 * time.Second
	WebhookMaxRetryWait = 6 * time.Hour
	WebhookMaxAttempts  = 10
)

// WebhookRetryWait is how long to wait after the attempts-th failed attempt
// (counting from 1) before the next, without jitter.
func WebhookRetryWait(attempts int) time.Duration {
	wait := WebhookFirstRetry
	for i := 1; i < attempts && wait < WebhookMaxRetryWait; i++ {
		wait *= 2
	}
	return min(wait, WebhookMaxRetryWait)
}
