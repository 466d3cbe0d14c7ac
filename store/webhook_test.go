package store

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

// addWebhook subscribes a receiver to events as f.admin.
func addWebhook(t *testing.T, db *DB, f *fixture, events ...string) *casedesk.Webhook {
	t.Helper()
	w := &casedesk.Webhook{URL: "https://hooks.example/casedesk", Events: events}
	if _, err := db.CreateWebhook(ctx, f.admin, w); err != nil {
		t.Fatal(err)
	}
	return w
}

// emit queues a webhook event as a case change would.
func emit(t *testing.T, db *DB, event string, caseID int64) {
	t.Helper()
	err := db.inTx(ctx, func(tx *Tx) error {
		return tx.enqueue(ctx, "webhook", event, "", map[string]any{"event": event, "case_id": caseID})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// deliveriesOf returns a webhook's whole delivery log, newest first.
func deliveriesOf(t *testing.T, db *DB, f *fixture, w *casedesk.Webhook) []*casedesk.WebhookDelivery {
	t.Helper()
	ds, err := db.ListDeliveries(ctx, f.admin, w.ID, 200)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// setClock fixes db's clock at at.
func setClock(db *DB, at time.Time) { db.Now = func() time.Time { return at } }

func TestCreateWebhook_AdministratorsOnlySecretShownOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		w := &casedesk.Webhook{URL: " https://hooks.example/in ", Events: []string{"case.created", "sla.*", "case.created"}}
		secret, err := db.CreateWebhook(ctx, f.admin, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(secret) < 40 || w.ID == 0 || !w.Active || w.URL != "https://hooks.example/in" || len(w.Events) != 2 {
			t.Fatalf("created %+v with secret %q", w, secret)
		}
		list, err := db.ListWebhooks(ctx, f.admin)
		if err != nil || len(list) != 1 || list[0].URL != w.URL || strings.Join(list[0].Events, ",") != "case.created,sla.*" {
			t.Fatalf("list: %v %+v", err, list)
		}
		body, _ := json.Marshal(list)
		audit, _ := db.ListAudit(ctx, f.admin, casedesk.AuditFilter{Entity: "webhook"})
		for _, e := range audit {
			body = append(body, e.Changes...)
		}
		if strings.Contains(string(body), secret) {
			t.Fatalf("the secret shows again after creation: %s", body)
		}
		if len(audit) != 1 || audit[0].Action != "create" {
			t.Fatalf("audit: %+v", audit)
		}

		readOnly := *f.admin
		readOnly.TokenID, readOnly.Scopes = 1, []casedesk.Scope{casedesk.ScopeAdminRead}
		tests := []struct {
			name  string
			actor *casedesk.Actor
			w     casedesk.Webhook
			code  string
			field string
		}{
			{"customer", f.otherUser, casedesk.Webhook{URL: "https://x.example", Events: []string{"*"}}, casedesk.EFORBIDDEN, ""},
			{"partner", f.partnerAgent, casedesk.Webhook{URL: "https://x.example", Events: []string{"*"}}, casedesk.EFORBIDDEN, ""},
			{"token without admin:write", &readOnly, casedesk.Webhook{URL: "https://x.example", Events: []string{"*"}}, casedesk.EFORBIDDEN, ""},
			{"no URL", f.admin, casedesk.Webhook{Events: []string{"*"}}, casedesk.EINVALID, "url"},
			{"not http", f.admin, casedesk.Webhook{URL: "ftp://x.example/in", Events: []string{"*"}}, casedesk.EINVALID, "url"},
			{"no host", f.admin, casedesk.Webhook{URL: "https:///in", Events: []string{"*"}}, casedesk.EINVALID, "url"},
			{"relative", f.admin, casedesk.Webhook{URL: "/hooks", Events: []string{"*"}}, casedesk.EINVALID, "url"},
			{"credentials in URL", f.admin, casedesk.Webhook{URL: "https://u:p@x.example/in", Events: []string{"*"}}, casedesk.EINVALID, "url"},
			{"no events", f.admin, casedesk.Webhook{URL: "https://x.example"}, casedesk.EINVALID, "events"},
			{"bad event", f.admin, casedesk.Webhook{URL: "https://x.example", Events: []string{"Case Created"}}, casedesk.EINVALID, "events"},
			{"star with others", f.admin, casedesk.Webhook{URL: "https://x.example", Events: []string{"*", "case.created"}}, casedesk.EINVALID, "events"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.CreateWebhook(ctx, tt.actor, &tt.w)
				wantCode(t, err, tt.code)
				if got := casedesk.ErrorField(err); got != tt.field {
					t.Fatalf("field %q, want %q (%v)", got, tt.field, err)
				}
			})
		}
		if _, err := db.ListWebhooks(ctx, f.otherUser); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("customer lists webhooks: %v", err)
		}
		if _, err := db.ListDeliveries(ctx, f.partnerAgent, w.ID, 10); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("partner reads the delivery log: %v", err)
		}
		if err := db.DeleteWebhook(ctx, f.otherUser, w.ID); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("customer deletes a webhook: %v", err)
		}
	})
}

func TestFanOutWebhooks_EachWebhookGetsTheEventsItWants(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		all := addWebhook(t, db, f, "*")
		created := addWebhook(t, db, f, "case.created")
		sla := addWebhook(t, db, f, "sla.*")
		gone := addWebhook(t, db, f, "*")
		if err := db.DeleteWebhook(ctx, f.admin, gone.ID); err != nil {
			t.Fatal(err)
		}
		emit(t, db, "case.created", 1)
		emit(t, db, "sla.breached", 1)
		emit(t, db, "case.replied", 2)
		if n, err := db.FanOutWebhooks(ctx, 100); err != nil || n != 3 {
			t.Fatalf("fan out: %d, %v", n, err)
		}
		if n, err := db.FanOutWebhooks(ctx, 100); err != nil || n != 0 {
			t.Fatalf("second fan out: %d, %v; want nothing left", n, err)
		}
		pending, err := db.PendingOutbox(ctx, 100)
		if err != nil || len(pending) != 0 {
			t.Fatalf("outbox still holds %d messages (%v)", len(pending), err)
		}
		events := func(w *casedesk.Webhook) string {
			var out []string
			for _, d := range deliveriesOf(t, db, f, w) {
				if d.Status != casedesk.DeliveryPending || d.Attempts != 0 {
					t.Fatalf("new delivery %+v", d)
				}
				out = append(out, d.Event)
			}
			return strings.Join(out, ",")
		}
		for _, tt := range []struct {
			w    *casedesk.Webhook
			want string
		}{
			{all, "case.replied,sla.breached,case.created"},
			{created, "case.created"},
			{sla, "sla.breached"},
			{gone, ""},
		} {
			if got := events(tt.w); got != tt.want {
				t.Errorf("webhook %v receives %q, want %q", tt.w.Events, got, tt.want)
			}
		}
		d := deliveriesOf(t, db, f, created)[0]
		var payload struct {
			CaseID int64 `json:"case_id"`
		}
		if err := json.Unmarshal(d.Payload, &payload); err != nil || payload.CaseID != 1 {
			t.Fatalf("payload %s: %v", d.Payload, err)
		}
	})
}

func TestFanOutWebhooks_CaseEventsFromRealChanges(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		w := addWebhook(t, db, f, "case.*")
		c, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: "Restore fails", Desc: "Since the upgrade", Impact: "low", Urgency: "low"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Reply(ctx, f.otherUser, c.ID, "More details", false, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FanOutWebhooks(ctx, 100); err != nil {
			t.Fatal(err)
		}
		ds := deliveriesOf(t, db, f, w)
		if len(ds) != 2 || ds[1].Event != "case.created" || ds[0].Event != "case.replied" {
			t.Fatalf("deliveries %+v", ds)
		}
		if !strings.Contains(string(ds[1].Payload), `"case_id":`) || ds[1].CreatedAt.After(db.now()) {
			t.Fatalf("created delivery %+v, payload %s", ds[1], ds[1].Payload)
		}
	})
}

func TestRecordDelivery_BacksOffExponentiallyThenGivesUp(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		w := addWebhook(t, db, f, "*")
		clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		setClock(db, clock)
		emit(t, db, "case.created", 7)
		if _, err := db.FanOutWebhooks(ctx, 10); err != nil {
			t.Fatal(err)
		}
		wantWait := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
			16 * time.Minute, 32 * time.Minute, 64 * time.Minute, 128 * time.Minute}
		for attempt := 1; attempt <= casedesk.WebhookMaxAttempts; attempt++ {
			due, err := db.DueDeliveries(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(due) != 1 || due[0].Attempts != attempt || due[0].URL != w.URL || due[0].Secret == "" {
				t.Fatalf("attempt %d: claimed %+v", attempt, due)
			}
			if err := db.RecordDelivery(ctx, due[0].ID, 503, nil); err != nil {
				t.Fatal(err)
			}
			d := deliveriesOf(t, db, f, w)[0]
			if d.LastStatusCode != 503 || !strings.Contains(d.LastError, "503") {
				t.Fatalf("attempt %d: logged %+v", attempt, d)
			}
			if attempt == casedesk.WebhookMaxAttempts {
				if d.Status != casedesk.DeliveryFailed {
					t.Fatalf("after %d attempts: %+v, want failed", attempt, d)
				}
				break
			}
			wait := d.NextAttemptAt.Sub(clock)
			if d.Status != casedesk.DeliveryPending || wait < wantWait[attempt-1] || wait > wantWait[attempt-1]*6/5 {
				t.Fatalf("after attempt %d: %s, waits %s, want %s plus up to a fifth", attempt, d.Status, wait, wantWait[attempt-1])
			}
			setClock(db, d.NextAttemptAt.Add(-time.Second))
			if due, _ := db.DueDeliveries(ctx, 10); len(due) != 0 {
				t.Fatalf("after attempt %d: retried a second early", attempt)
			}
			clock = d.NextAttemptAt
			setClock(db, clock)
		}
		setClock(db, clock.AddDate(1, 0, 0))
		if due, _ := db.DueDeliveries(ctx, 10); len(due) != 0 {
			t.Fatalf("a failed delivery was claimed again: %+v", due)
		}
	})
}

func TestRecordDelivery_SuccessAndTransportErrorInTheLog(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		w := addWebhook(t, db, f, "*")
		emit(t, db, "case.created", 1)
		emit(t, db, "case.replied", 1)
		if _, err := db.FanOutWebhooks(ctx, 10); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueDeliveries(ctx, 10)
		if err != nil || len(due) != 2 {
			t.Fatalf("claimed %d: %v", len(due), err)
		}
		if err := db.RecordDelivery(ctx, due[0].ID, 204, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordDelivery(ctx, due[1].ID, 0, errors.New("dial tcp: connection refused")); err != nil {
			t.Fatal(err)
		}
		log := deliveriesOf(t, db, f, w)
		if len(log) != 2 || log[0].ID != due[1].ID {
			t.Fatalf("log not newest first: %+v", log)
		}
		if ok := log[1]; ok.Status != casedesk.DeliveryDelivered || ok.DeliveredAt == nil || ok.LastStatusCode != 204 || ok.Attempts != 1 {
			t.Fatalf("delivered: %+v", ok)
		}
		if bad := log[0]; bad.Status != casedesk.DeliveryPending || bad.LastError != "dial tcp: connection refused" || bad.LastStatusCode != 0 {
			t.Fatalf("refused: %+v", bad)
		}
		// Settling a delivery again changes nothing.
		if err := db.RecordDelivery(ctx, due[0].ID, 500, nil); err != nil {
			t.Fatal(err)
		}
		if again := deliveriesOf(t, db, f, w)[1]; again.Status != casedesk.DeliveryDelivered {
			t.Fatalf("a delivered delivery became %s", again.Status)
		}
		if _, err := db.ListDeliveries(ctx, f.admin, 999, 10); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("log of a missing webhook: %v", err)
		}
	})
}

func TestDueDeliveries_ClaimIsLeasedUntilSettledOrExpired(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		addWebhook(t, db, f, "*")
		clock := db.now()
		setClock(db, clock)
		emit(t, db, "case.created", 1)
		if _, err := db.FanOutWebhooks(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueDeliveries(ctx, 10); len(due) != 1 {
			t.Fatalf("first claim: %d", len(due))
		}
		if due, _ := db.DueDeliveries(ctx, 10); len(due) != 0 {
			t.Fatalf("a claimed delivery was claimed again at once")
		}
		// The deliverer died without recording: after the lease, another retries.
		setClock(db, clock.Add(webhookLease))
		due, err := db.DueDeliveries(ctx, 10)
		if err != nil || len(due) != 1 || due[0].Attempts != 2 {
			t.Fatalf("claim after the lease: %v %+v", err, due)
		}
	})
}

func TestDeleteWebhook_AbandonsPendingDeliveriesKeepsTheLog(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		w := addWebhook(t, db, f, "*")
		emit(t, db, "case.created", 1)
		if _, err := db.FanOutWebhooks(ctx, 10); err != nil {
			t.Fatal(err)
		}
		due, _ := db.DueDeliveries(ctx, 10)
		emit(t, db, "case.replied", 1)
		if _, err := db.FanOutWebhooks(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteWebhook(ctx, f.admin, w.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.DeleteWebhook(ctx, f.admin, w.ID), casedesk.ENOTFOUND)
		if list, _ := db.ListWebhooks(ctx, f.admin); len(list) != 0 {
			t.Fatalf("deleted webhook still listed: %+v", list)
		}
		// An answer that arrives after the deletion is not recorded over it.
		if err := db.RecordDelivery(ctx, due[0].ID, 500, nil); err != nil {
			t.Fatal(err)
		}
		log := deliveriesOf(t, db, f, w)
		if len(log) != 2 {
			t.Fatalf("log: %+v", log)
		}
		for _, d := range log {
			if d.Status != casedesk.DeliveryFailed || d.LastError != "the webhook was deleted" {
				t.Fatalf("after deletion: %+v", d)
			}
		}
		setClock(db, db.now().Add(24*time.Hour))
		if due, _ := db.DueDeliveries(ctx, 10); len(due) != 0 {
			t.Fatalf("claimed a deleted webhook's delivery: %+v", due)
		}
		audit, _ := db.ListAudit(ctx, f.admin, casedesk.AuditFilter{Entity: "webhook", EntityID: w.ID})
		if len(audit) != 2 || audit[0].Action != "delete" {
			t.Fatalf("audit: %+v", audit)
		}
	})
}

func TestWebhooks_TwoInstancesOnPostgresFanOutAndClaimOnce(t *testing.T) {
	t.Run("postgres", testTwoInstancesFanOutAndClaimOnce)
}

func testTwoInstancesFanOutAndClaimOnce(t *testing.T) {
	url := postgresSchemaURL(t)
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(ctx, url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	f := newFixture(t, dbs[0])
	hooks := []*casedesk.Webhook{addWebhook(t, dbs[0], f, "*"), addWebhook(t, dbs[0], f, "case.*")}
	const events = 300
	for i := range events {
		emit(t, dbs[0], "case.created", int64(i))
	}

	// Both instances fan out in small batches at once until nothing is left.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		moved [2]int
		errs  []error
	)
	for i, db := range dbs {
		wg.Go(func() {
			for {
				n, err := db.FanOutWebhooks(ctx, 7)
				mu.Lock()
				moved[i] += n
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if n == 0 || err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	if moved[0]+moved[1] != events || moved[0] == 0 || moved[1] == 0 {
		t.Fatalf("instances moved %v events, want %d between them, each some", moved, events)
	}
	var rows, pairs int
	if err := dbs[0].queryRow(ctx, `SELECT count(*), count(DISTINCT (outbox_id, webhook_id)) FROM webhook_deliveries`).Scan(&rows, &pairs); err != nil {
		t.Fatal(err)
	}
	if rows != events*len(hooks) || pairs != rows {
		t.Fatalf("%d deliveries for %d (event, webhook) pairs, want %d, one each", rows, pairs, events*len(hooks))
	}

	// Both claim at once: every delivery is claimed by exactly one.
	claimed := map[int64]int{}
	for _, db := range dbs {
		wg.Go(func() {
			for {
				due, err := db.DueDeliveries(ctx, 9)
				mu.Lock()
				for _, d := range due {
					claimed[d.ID]++
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if len(due) == 0 || err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	for id, n := range claimed {
		if n != 1 {
			t.Fatalf("delivery %d claimed %d times", id, n)
		}
	}
	if len(claimed) != events*len(hooks) {
		t.Fatalf("claimed %d deliveries, want %d", len(claimed), events*len(hooks))
	}
}
