package store

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

// TestSweepSLA_TwoInstancesOnOnePostgresNotifyExactlyOnce runs the SLA sweep
// from two *DB handles on one PostgreSQL schema, as two `casedesk serve`
// processes behind a load balancer would, several goroutines each, and checks
// that every warning and breach reached each recipient exactly once.
func TestSweepSLA_TwoInstancesOnOnePostgresNotifyExactlyOnce(t *testing.T) {
	if os.Getenv(postgresURLEnv) == "" {
		t.Skipf("%s is not set: the two-instance exactly-once test needs PostgreSQL", postgresURLEnv)
	}
	url := postgresSchemaURL(t)
	one, err := Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	if err := one.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	two, err := Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer two.Close()
	testSweepExactlyOnce(t, []*DB{one, two}, 4)
}

// TestSweepSLA_ConcurrentSweepsOnSQLiteNotifyExactlyOnce is the same on the
// embedded database, where one process sweeps from two goroutines.
func TestSweepSLA_ConcurrentSweepsOnSQLiteNotifyExactlyOnce(t *testing.T) {
	db := openSQLite(t, t.TempDir())
	testSweepExactlyOnce(t, []*DB{db, db}, 1)
}

// alertKey identifies one notification of one SLA alert to one user.
type alertKey struct {
	caseID int64
	kind   string
	metric string
	cycle  int
	userID int64
}

// testSweepExactlyOnce opens 30 cases on a plan with an assigned support
// manager, P1 on 24x7 with a 30-minute target and P2 on business hours with
// 2 hours, then sweeps concurrently from every handle, with the given number
// of goroutines each: first when only the P1 warnings are due, then when
// every target has passed. handles[0] must be migrated; all share one database.
func testSweepExactlyOnce(t *testing.T, handles []*DB, goroutines int) {
	db := handles[0]
	// A Wednesday morning in London: P2's business-hours target ends at
	// 12:00, so at 10:25 only the P1 cases (due 10:30) are past the 75 % warning.
	t0 := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	setNow := func(at time.Time) {
		for _, h := range handles {
			h.Now = func() time.Time { return at }
		}
	}
	setNow(t0)
	f := newFixture(t, db)
	manager := addUser(t, db, f.vendor, "manager@vendor.example", casedesk.RoleSupportManager)
	engineers := []*casedesk.Actor{engineer(t, db, f, "eng1@vendor.example"), engineer(t, db, f, "eng2@vendor.example"), manager}
	p := &casedesk.Product{Name: "Endpoint Manager"}
	if err := db.CreateProduct(ctx, f.admin, p); err != nil {
		t.Fatal(err)
	}
	addContract(t, db, &casedesk.Contract{OrgID: f.other.ID, PlanID: "ivanti-2018-premium", SupportManagerID: &manager.UserID}, f.otherUser)

	const cases = 30
	want := map[alertKey]bool{}
	for i := range cases {
		urgency := "high" // P1
		if i%3 == 2 {
			urgency = "medium" // P2
		}
		c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID, Subject: fmt.Sprintf("Outage %d", i), Impact: "high", Urgency: urgency})
		assignee := engineers[i%len(engineers)]
		if _, err := db.Assign(ctx, f.admin, c.ID, &assignee.UserID, "", 0); err != nil {
			t.Fatal(err)
		}
		if c.Priority == "P1" {
			want[alertKey{c.ID, "sla.warned", "first_response", 1, assignee.UserID}] = true
		}
		want[alertKey{c.ID, "sla.breached", "first_response", 1, assignee.UserID}] = true
		want[alertKey{c.ID, "sla.breached", "first_response", 1, manager.UserID}] = true // once, even when assigned to the manager
	}

	sweepEverywhere := func(at time.Time) {
		setNow(at)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, len(handles)*goroutines)
		for _, h := range handles {
			for range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for range 20 {
						n, err := h.SweepSLA(ctx, 7)
						if err != nil {
							errs <- err
							return
						}
						if n == 0 {
							return
						}
					}
					errs <- fmt.Errorf("sweep did not settle after 20 rounds")
				}()
			}
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	for round := range 3 {
		sweepEverywhere(t0.Add(25*time.Minute + time.Duration(round)*time.Second))
	}
	for round := range 3 {
		sweepEverywhere(t0.Add(24*time.Hour + time.Duration(round)*time.Second))
	}

	// Every alert reached each recipient in the app exactly once...
	emails := map[int64]string{}
	rows, err := db.query(ctx, `SELECT id, email FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			id    int64
			email string
		)
		if err := rows.Scan(&id, &email); err != nil {
			t.Fatal(err)
		}
		emails[id] = email
	}
	rows.Close()
	type mail struct{ kind, recipient, payload string }
	notified := map[alertKey]int{}
	mails := map[mail]int{}
	rows, err = db.query(ctx, `SELECT user_id, case_id, kind, data FROM notifications`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			k    alertKey
			data string
		)
		if err := rows.Scan(&k.userID, &k.caseID, &k.kind, &data); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Metric string `json:"metric"`
			Cycle  int    `json:"cycle"`
		}
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			t.Fatal(err)
		}
		k.metric, k.cycle = d.Metric, d.Cycle
		notified[k]++
		mails[mail{k.kind, emails[k.userID], data}]++
	}
	rows.Close()
	for k := range want {
		if notified[k] != 1 {
			t.Errorf("%+v notified %d times, want once", k, notified[k])
		}
	}
	for k, n := range notified {
		if !want[k] {
			t.Errorf("unexpected notification %+v (%d times)", k, n)
		}
	}

	// ...and by e-mail exactly once through the outbox, with one webhook
	// event per alert.
	outbox := map[mail]int{}
	hooks := map[string]int{}
	rows, err = db.query(ctx, `SELECT kind, recipient, payload FROM outbox WHERE kind LIKE 'sla.%' OR (kind = 'webhook' AND recipient LIKE 'sla.%')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m mail
		if err := rows.Scan(&m.kind, &m.recipient, &m.payload); err != nil {
			t.Fatal(err)
		}
		if m.kind == "webhook" {
			hooks[m.recipient+" "+m.payload]++
			continue
		}
		outbox[m]++
	}
	rows.Close()
	if len(outbox) != len(mails) {
		t.Errorf("outbox holds %d distinct SLA e-mails, notifications call for %d", len(outbox), len(mails))
	}
	for m, n := range mails {
		if n != 1 || outbox[m] != 1 {
			t.Errorf("%s to %s: %d notifications, %d e-mails; want 1 and 1", m.kind, m.recipient, n, outbox[m])
		}
	}
	alerts := map[alertKey]bool{}
	for k := range want {
		k.userID = 0
		alerts[k] = true
	}
	if len(hooks) != len(alerts) {
		t.Errorf("%d distinct SLA webhook events, want %d", len(hooks), len(alerts))
	}
	for h, n := range hooks {
		if n != 1 {
			t.Errorf("webhook %s queued %d times", h, n)
		}
	}
	page, err := db.ListCases(ctx, f.admin, CaseFilter{Breached: true, Limit: 200})
	if err != nil || len(page.Cases) != cases {
		t.Fatalf("breached cases: %v, %d of %d", err, len(page.Cases), cases)
	}
}
