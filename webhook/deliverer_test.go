package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/store"
	"github.com/casedesk/casedesk/webhook"
)

var ctx = context.Background()

// desk is a database with an administrator and a customer contact who may
// open cases on a product.
type desk struct {
	db        *store.DB
	admin     *casedesk.Actor
	contact   *casedesk.Actor
	productID int64
	clock     time.Time
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	d := &desk{db: db, clock: time.Now().UTC()}
	db.Now = func() time.Time { return d.clock }
	org := func(kind casedesk.OrgKind, name string) int64 {
		o := &casedesk.Organisation{Kind: kind, Name: name, Region: "emea"}
		if err := db.CreateOrganisation(ctx, casedesk.SystemActor, o); err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	user := func(orgID int64, email string, role casedesk.Role) *casedesk.Actor {
		u := &casedesk.User{OrgID: &orgID, Email: email, Name: email, Role: role}
		if err := db.CreateUser(ctx, casedesk.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		a, err := db.ActorForUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	d.admin = user(org(casedesk.OrgVendor, "Vendor"), "admin@vendor.example", casedesk.RoleAdministrator)
	d.contact = user(org(casedesk.OrgCustomer, "Customer"), "tc@customer.example", casedesk.RoleCustomerContact)
	p := &casedesk.Product{Name: "Backup Server", Line: "backup"}
	if err := db.CreateProduct(ctx, d.admin, p); err != nil {
		t.Fatal(err)
	}
	d.productID = p.ID
	k := &casedesk.Contract{OrgID: d.contact.OrgID, PlanID: "zmanda-premium", CalendarID: "emea", StartsOn: d.clock.AddDate(0, -1, 0).Format("2006-01-02")}
	if err := db.CreateContract(ctx, d.admin, k); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddContact(ctx, d.admin, k.ID, d.contact.UserID); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *desk) openCase(t *testing.T) *casedesk.Case {
	t.Helper()
	c, err := d.db.OpenCase(ctx, d.contact, store.NewCase{Case: casedesk.Case{ProductID: d.productID, Subject: "Restore fails", Desc: "Since the upgrade", Impact: "low", Urgency: "low"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// received is one request as the receiver saw it.
type received struct {
	header http.Header
	body   []byte
	valid  bool
}

// receiver verifies each request's signature and answers from statuses in
// turn, then 200.
type receiver struct {
	secret   string
	statuses []int
	mu       sync.Mutex
	got      []received
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	valid := webhook.Verify(rc.secret, r.Header.Get(webhook.HeaderTimestamp), body, r.Header.Get(webhook.HeaderSignature))
	rc.got = append(rc.got, received{r.Header.Clone(), body, valid})
	status := http.StatusOK
	if len(rc.got) <= len(rc.statuses) {
		status = rc.statuses[len(rc.got)-1]
	}
	w.WriteHeader(status)
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func TestDeliverer_RetriesUntilTheReceiverAcceptsSigned(t *testing.T) {
	d := newDesk(t)
	rc := &receiver{statuses: []int{http.StatusInternalServerError, http.StatusBadGateway}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := &casedesk.Webhook{URL: srv.URL + "/hooks", Events: []string{"case.created"}}
	secret, err := d.db.CreateWebhook(ctx, d.admin, w)
	if err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	rc.secret = secret
	rc.mu.Unlock()
	c := d.openCase(t)
	var logs bytes.Buffer
	dl := &webhook.Deliverer{DB: d.db, Logger: slog.New(slog.NewTextHandler(&logs, nil))}

	run := func(want int) {
		t.Helper()
		n, err := dl.RunOnce(ctx)
		if err != nil || n != want {
			t.Fatalf("RunOnce = %d, %v; want %d attempts", n, err, want)
		}
	}
	run(1)
	run(0) // the retry is not due yet
	d.clock = d.clock.Add(time.Minute)
	run(1)
	d.clock = d.clock.Add(5 * time.Minute)
	run(1)
	d.clock = d.clock.Add(24 * time.Hour)
	run(0) // delivered: never sent again

	got := rc.requests()
	if len(got) != 3 {
		t.Fatalf("receiver saw %d requests, want 3", len(got))
	}
	for i, r := range got {
		if !r.valid {
			t.Errorf("request %d: signature %q does not verify", i+1, r.header.Get(webhook.HeaderSignature))
		}
		if r.header.Get("Content-Type") != "application/json" || r.header.Get(webhook.HeaderEvent) != "case.created" ||
			r.header.Get(webhook.HeaderDelivery) != got[0].header.Get(webhook.HeaderDelivery) {
			t.Errorf("request %d: headers %v", i+1, r.header)
		}
		if !bytes.Equal(r.body, got[0].body) {
			t.Errorf("request %d: body changed between attempts: %s", i+1, r.body)
		}
	}
	var msg struct {
		webhook.Message
		Data struct {
			CaseID int64 `json:"case_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(got[2].body, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.ID == 0 || msg.Event != "case.created" || msg.Data.CaseID != c.ID || msg.CreatedAt.IsZero() {
		t.Fatalf("body %s", got[2].body)
	}

	log, err := d.db.ListDeliveries(ctx, d.admin, w.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].ID != msg.ID || log[0].Status != casedesk.DeliveryDelivered || log[0].Attempts != 3 || log[0].LastStatusCode != 200 {
		t.Fatalf("delivery log %+v", log)
	}
	if strings.Count(logs.String(), "webhook delivery failed") != 2 || strings.Contains(logs.String(), secret) {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

func TestDeliverer_UnreachableReceiverIsRetriedWithoutLeakingTheURL(t *testing.T) {
	d := newDesk(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hooks/T0KEN-IN-PATH"
	srv.Close()
	w := &casedesk.Webhook{URL: url, Events: []string{"*"}}
	if _, err := d.db.CreateWebhook(ctx, d.admin, w); err != nil {
		t.Fatal(err)
	}
	d.openCase(t)
	var logs bytes.Buffer
	dl := &webhook.Deliverer{DB: d.db, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	if n, err := dl.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	log, _ := d.db.ListDeliveries(ctx, d.admin, w.ID, 10)
	if len(log) != 1 || log[0].Status != casedesk.DeliveryPending || log[0].LastError == "" || !log[0].NextAttemptAt.After(d.clock) {
		t.Fatalf("delivery log %+v", log)
	}
	if strings.Contains(logs.String(), "T0KEN") || strings.Contains(log[0].LastError, "T0KEN") {
		t.Fatalf("the URL leaked:\n%s\n%s", logs.String(), log[0].LastError)
	}
}

func TestVerify_RefusesAnyChange(t *testing.T) {
	body := []byte(`{"id":1,"event":"case.created"}`)
	sig := webhook.Sign("s3cret", "1767225600", body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("signature %q", sig)
	}
	tests := []struct {
		name, secret, timestamp string
		body                    []byte
		signature               string
		want                    bool
	}{
		{"as signed", "s3cret", "1767225600", body, sig, true},
		{"other secret", "secret", "1767225600", body, sig, false},
		{"other timestamp", "s3cret", "1767225601", body, sig, false},
		{"other body", "s3cret", "1767225600", []byte(`{"id":2,"event":"case.created"}`), sig, false},
		{"no scheme", "s3cret", "1767225600", body, strings.TrimPrefix(sig, "sha256="), false},
		{"empty", "s3cret", "1767225600", body, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := webhook.Verify(tt.secret, tt.timestamp, tt.body, tt.signature); got != tt.want {
				t.Fatalf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}
