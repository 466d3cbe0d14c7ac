package httpd

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/i18n"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/sla"
	"github.com/casedesk/casedesk/store"
)

// consoleEnv is a running casedesk whose store clock the test moves, with a
// Globex contract on a 24x7 plan (P1: first response in 15 minutes).
type consoleEnv struct {
	*env
	clock   atomic.Int64 // Unix nanoseconds
	product *casedesk.Product
}

func newConsoleEnv(t *testing.T) *consoleEnv {
	t.Helper()
	ce := &consoleEnv{env: newEnv(t)}
	ce.clock.Store(time.Now().UTC().Truncate(time.Second).UnixNano())
	ce.db.Now = func() time.Time { return time.Unix(0, ce.clock.Load()).UTC() }
	ctx, sys := context.Background(), casedesk.SystemActor
	ce.product = &casedesk.Product{Name: "Console Vault", Line: "backup"}
	if err := ce.db.CreateProduct(ctx, sys, ce.product); err != nil {
		t.Fatal(err)
	}
	k := &casedesk.Contract{OrgID: ce.orgID("Globex Corporation"), PlanID: "zmanda-premium", CalendarID: "americas",
		StartsOn: ce.now().AddDate(0, -1, 0).Format("2006-01-02")}
	if err := ce.db.CreateContract(ctx, sys, k); err != nil {
		t.Fatal(err)
	}
	if _, err := ce.db.AddContact(ctx, sys, k.ID, ce.userID("contact@globex.example")); err != nil {
		t.Fatal(err)
	}
	return ce
}

func (ce *consoleEnv) now() time.Time { return time.Unix(0, ce.clock.Load()).UTC() }

func (ce *consoleEnv) advance(d time.Duration) { ce.clock.Add(int64(d)) }

// openCase opens a P1 case as Globex's technical contact.
func (ce *consoleEnv) openCase(subject string) *casedesk.Case {
	ce.t.Helper()
	ctx := context.Background()
	a, err := ce.db.ActorForUser(ctx, ce.userID("contact@globex.example"))
	if err != nil {
		ce.t.Fatal(err)
	}
	c, err := ce.db.OpenCase(ctx, a, store.NewCase{Case: casedesk.Case{
		ProductID: ce.product.ID, Subject: subject, Desc: "It stopped working.", Impact: "high", Urgency: "high",
	}})
	if err != nil {
		ce.t.Fatal(err)
	}
	if c.Priority != "P1" || c.DueAt == nil {
		ce.t.Fatalf("case opened as %s, due %v: want P1 with a due time", c.Priority, c.DueAt)
	}
	return c
}

func TestConsole_IsForStaffOnly(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.openCase("Only staff see this")
	customer := ce.loggedIn("contact@globex.example")
	for _, path := range []string{"/console", "/console/queue/rows", "/console/dashboard", fmt.Sprintf("/console/cases/%d", c.ID)} {
		code, body := customer.get(path)
		if code != http.StatusForbidden || !strings.Contains(body, `href="/portal"`) || strings.Contains(body, "Only staff see this") {
			t.Errorf("customer GET %s: %d, want 403 pointing to the portal", path, code)
		}
	}
	if code, _, _ := customer.post(fmt.Sprintf("/console/cases/%d/reply", c.ID), url.Values{"body": {"hi"}, "internal": {"1"}}); code != http.StatusForbidden {
		t.Errorf("customer posts a note: %d", code)
	}
	anon := ce.client()
	if code, _ := anon.get("/console"); code != http.StatusSeeOther {
		t.Errorf("anonymous GET /console: %d, want a redirect to log in", code)
	}
	req, _ := http.NewRequest("GET", ce.http.URL+"/console/queue/rows", nil)
	req.Header.Set("HX-Request", "true")
	resp, err := anon.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("HX-Redirect"), "/login") {
		t.Errorf("anonymous htmx refresh: %d %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
	}
}

func TestConsole_QueueCountdownMovesBetweenRefreshes(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.openCase("Backups fail <script>alert(1)</script>")
	eng := ce.loggedIn("engineer@vendor.example")

	// The demo world has cases of its own: look at this product's.
	only := fmt.Sprintf("product=%d", ce.product.ID)
	code, body := eng.get("/console?" + only)
	if code != 200 {
		t.Fatalf("queue: %d", code)
	}
	for _, want := range []string{
		fmt.Sprintf(`href="/console/cases/%d"`, c.ID),
		"Backups fail &lt;script&gt;alert(1)&lt;/script&gt;",
		`hx-get="/console/queue/rows?` + only + `"`, `hx-trigger="every 5s"`, `hx-swap="innerHTML"`,
		fmt.Sprintf(`data-due="%s"`, c.DueAt.UTC().Format(time.RFC3339)),
		fmt.Sprintf(`<time datetime="%s">`, c.DueAt.UTC().Format(time.RFC3339)),
		`class="on-time"`, "15 min 00 s left",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("queue lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("a case subject is rendered as markup")
	}

	ce.advance(2*time.Minute + 7*time.Second)
	_, rows := eng.get("/console/queue/rows?" + only)
	if !strings.Contains(rows, "12 min 53 s left") || strings.Contains(rows, "15 min 00 s") {
		t.Errorf("the refreshed rows did not count down: %s", rows)
	}
	if strings.Contains(rows, "<html") || !strings.HasPrefix(strings.TrimSpace(rows), "<tr>") {
		t.Errorf("the fragment is not just rows: %.200s", rows)
	}

	// Past the warning threshold the sweeper marks the case at risk; past
	// the due time the countdown turns to overdue at once.
	ce.advance(10 * time.Minute)
	if _, err := ce.db.SweepSLA(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	if _, rows = eng.get("/console/queue/rows?at_risk=1&" + only); !strings.Contains(rows, `class="at-risk"`) || !strings.Contains(rows, "2 min 53 s left") {
		t.Errorf("at-risk rows: %s", rows)
	}
	ce.advance(4 * time.Minute)
	if _, rows = eng.get("/console/queue/rows?" + only); !strings.Contains(rows, `class="breached"`) || !strings.Contains(rows, "overdue by 1 min 07 s") {
		t.Errorf("overdue rows: %s", rows)
	}

	// Filters apply to the page and to its refresh alike.
	if _, body = eng.get("/console?priority=P4&" + only); strings.Contains(body, "Backups fail") || !strings.Contains(body, `hx-get="/console/queue/rows?priority=P4&amp;`+only+`"`) {
		t.Error("the priority filter is not applied to the page or its refresh")
	}
}

func TestConsole_QueuePagesWithCursor(t *testing.T) {
	ce := newConsoleEnv(t)
	eng := ce.loggedIn("engineer@vendor.example")
	// The page size is the store's default; fill more than one page.
	for i := range 51 {
		ce.openCase(fmt.Sprintf("Case number %d", i))
	}
	only := fmt.Sprintf("product=%d", ce.product.ID)
	_, body := eng.get("/console?" + only)
	m := regexp.MustCompile(`href="(/console\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no next-page link")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	code, body := eng.get(next)
	if code != 200 || strings.Count(body, "<tr>") != 2 || !strings.Contains(body, only) {
		t.Errorf("second page: %d, %d rows", code, strings.Count(body, "<tr>")-1)
	}
}

func TestConsole_InternalNoteStaysInternal(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.openCase("Restore hangs")
	eng := ce.loggedIn("engineer@vendor.example")
	path := fmt.Sprintf("/console/cases/%d", c.ID)

	code, loc, _ := eng.post(path+"/reply", url.Values{"body": {"Customer runs an old agent; check logs first."}, "internal": {"1"}})
	if code != http.StatusSeeOther || loc != path {
		t.Fatalf("internal note: %d %q", code, loc)
	}
	if code, loc, _ = eng.post(path+"/reply", url.Values{"body": {"We are looking at it."}}); code != http.StatusSeeOther {
		t.Fatalf("public reply: %d %q", code, loc)
	}
	_, body := eng.get(path)
	for _, want := range []string{`<article class="internal">`, "Customer runs an old agent; check logs first.", `<article class="vendor">`, "We are looking at it.", "Reply sent."} {
		if !strings.Contains(body, want) {
			t.Errorf("console case page lacks %q", want)
		}
	}

	customer := ce.tokenFor("contact@globex.example")
	raw := map[string]any{}
	if code := customer.do("GET", fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil, &raw); code != 200 {
		t.Fatalf("customer events: %d", code)
	}
	text := fmt.Sprint(raw)
	if strings.Contains(text, "old agent") {
		t.Error("the customer's events include the internal note")
	}
	if !strings.Contains(text, "We are looking at it.") {
		t.Error("the customer's events lack the public reply")
	}
}

func TestConsole_PriorityChangeNeedsReason(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.openCase("Slow reports")
	eng := ce.loggedIn("engineer@vendor.example")
	path := fmt.Sprintf("/console/cases/%d/priority", c.ID)

	code, _, body := eng.post(path, url.Values{"priority": {"P2"}, "reason": {"  "}, "rev": {fmt.Sprint(c.Rev)}})
	if code != http.StatusBadRequest || !strings.Contains(body, "Give a reason for the priority change.") {
		t.Fatalf("priority change without reason: %d", code)
	}
	if !strings.Contains(body, `<option value="P2" selected>`) {
		t.Error("the form does not keep the priority chosen")
	}
	if code, _, _ = eng.post(path, url.Values{"priority": {"P2"}, "reason": {"Workaround in place"}, "rev": {fmt.Sprint(c.Rev)}}); code != http.StatusSeeOther {
		t.Fatalf("priority change: %d", code)
	}
	got, _ := ce.db.FindCase(context.Background(), casedesk.SystemActor, c.ID)
	if got.Priority != "P2" {
		t.Errorf("priority = %s", got.Priority)
	}
	_, page := eng.get(fmt.Sprintf("/console/cases/%d", c.ID))
	if !strings.Contains(page, "Priority changed from P1 to P2") || !strings.Contains(page, "Workaround in place") {
		t.Error("the thread does not show the priority change and its reason")
	}
	// A form made from an older revision is refused, not applied over the change.
	if code, _, body = eng.post(path, url.Values{"priority": {"P3"}, "reason": {"stale"}, "rev": {fmt.Sprint(c.Rev)}}); code != http.StatusPreconditionFailed || !strings.Contains(body, "Someone changed the case") {
		t.Errorf("stale form: %d", code)
	}
}

func TestConsole_AssignStatusSplitMerge(t *testing.T) {
	ce := newConsoleEnv(t)
	ctx := context.Background()
	c := ce.openCase("Two problems in one")
	dup := ce.openCase("Same problem again")
	eng := ce.loggedIn("engineer@vendor.example")
	base := fmt.Sprintf("/console/cases/%d", c.ID)
	engID := ce.userID("engineer@vendor.example")

	_, page := eng.get(base)
	for _, want := range []string{"Contract and entitlements", "Zmanda", "15 min", "First response", "Working time elapsed", "americas", "1 of "} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}

	if code, _, _ := eng.post(base+"/assign", url.Values{"assignee": {fmt.Sprint(engID)}, "queue": {"vendor"}}); code != http.StatusSeeOther {
		t.Fatalf("assign: %d", code)
	}
	if code, _, _ := eng.post(base+"/status", url.Values{"status": {"waiting_on_customer"}}); code != http.StatusSeeOther {
		t.Fatalf("status: %d", code)
	}
	got, _ := ce.db.FindCase(ctx, casedesk.SystemActor, c.ID)
	if got.AssigneeID == nil || *got.AssigneeID != engID || got.Status != casedesk.StatusWaiting {
		t.Fatalf("after assign and status: %+v", got)
	}
	if code, _, body := eng.post(base+"/status", url.Values{"status": {"new"}}); code != http.StatusBadRequest || !strings.Contains(body, "cannot move to that status") {
		t.Errorf("impossible status: %d", code)
	}

	code, loc, _ := eng.post(base+"/split", url.Values{"subject": {"Second problem"}, "description": {"The other half."}})
	if code != http.StatusSeeOther || loc == base {
		t.Fatalf("split: %d %q", code, loc)
	}
	_, child := eng.get(loc)
	if !strings.Contains(child, "Second problem") || !strings.Contains(child, base) {
		t.Error("the split case does not show or link back")
	}

	if code, _, body := eng.post(fmt.Sprintf("/console/cases/%d/merge", dup.ID), url.Values{"target": {"nonsense"}}); code != http.StatusBadRequest || !strings.Contains(body, "Give the number of another case") {
		t.Errorf("merge into nonsense: %d", code)
	}
	if code, loc, _ := eng.post(fmt.Sprintf("/console/cases/%d/merge", dup.ID), url.Values{"target": {fmt.Sprintf("#%d", c.ID)}}); code != http.StatusSeeOther || loc != base {
		t.Fatalf("merge: %d %q", code, loc)
	}
	merged, _ := ce.db.FindCase(ctx, casedesk.SystemActor, dup.ID)
	if merged.MergedInto == nil || *merged.MergedInto != c.ID {
		t.Errorf("merged case: %+v", merged)
	}

	// A form without the CSRF token is refused.
	resp, err := eng.c.PostForm(ce.http.URL+base+"/reply", url.Values{"body": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("post without CSRF token: %d", resp.StatusCode)
	}
}

func TestConsole_DashboardChartsAttainmentAndBreaches(t *testing.T) {
	ce := newConsoleEnv(t)
	ctx := context.Background()
	engActor, _ := ce.db.ActorForUser(ctx, ce.userID("engineer@vendor.example"))
	// The demo world has cases of its own: count what this test adds, as
	// of an hour from now.
	start := ce.now()
	attainment := func() store.AttainmentRow {
		t.Helper()
		rows, err := ce.db.SLAAttainment(ctx, engActor, ce.now().AddDate(0, 0, -30))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Plan == "zmanda-premium" && r.Priority == "P1" {
				return r
			}
		}
		return store.AttainmentRow{}
	}
	ce.advance(time.Hour)
	before := attainment()
	ce.clock.Store(start.UnixNano())

	met := ce.openCase("Answered in time")
	late := ce.openCase("Answered too late")
	eng := ce.loggedIn("engineer@vendor.example")
	if code, _, _ := eng.post(fmt.Sprintf("/console/cases/%d/reply", met.ID), url.Values{"body": {"On it."}}); code != http.StatusSeeOther {
		t.Fatalf("reply: %d", code)
	}
	ce.advance(time.Hour)
	if _, err := ce.db.SweepSLA(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	after := attainment()
	if after.Met-before.Met != 1 || after.Breached-before.Breached != 1 || after.Pending != before.Pending {
		t.Fatalf("attainment went from %+v to %+v; want one more met and one more breached", before, after)
	}
	custActor, _ := ce.db.ActorForUser(ctx, ce.userID("contact@globex.example"))
	if _, err := ce.db.SLAAttainment(ctx, custActor, time.Time{}); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
		t.Errorf("customer reads attainment: %v", err)
	}
	breached, err := ce.db.ListCases(ctx, engActor, store.CaseFilter{Breached: true})
	if err != nil || len(breached.Cases) == 0 {
		t.Fatalf("breached cases: %v", err)
	}
	if lateNow, _ := ce.db.FindCase(ctx, engActor, late.ID); !lateNow.Breached {
		t.Fatal("the late case is not marked breached")
	}

	code, body := eng.get("/console/dashboard")
	if code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	for _, want := range []string{"<svg", `role="img"`, "<title", "First responses met and breached, plan Premium (Zmanda)",
		fmt.Sprintf("P1: %d of %d met", after.Met, after.Decided()), "<caption>First-response attainment by plan and priority</caption>",
		fmt.Sprintf(`href="/console/cases/%d"`, breached.Cases[0].ID), `class="breached"`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

// consoleKey finds a message key that was not translated: console.x.y.
var consoleKey = regexp.MustCompile(`console\.[a-z_]+\.[a-z_0-9]+`)

func TestConsole_EveryLanguageTranslatesEveryLabel(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.openCase("Translated everywhere")
	eng := ce.loggedIn("engineer@vendor.example")
	eng.post(fmt.Sprintf("/console/cases/%d/reply", c.ID), url.Values{"body": {"note"}, "internal": {"1"}})
	eng.post(fmt.Sprintf("/console/cases/%d/priority", c.ID), url.Values{"priority": {"P2"}})
	customer := ce.loggedIn("contact@globex.example")
	ce.advance(time.Hour)
	want := map[string]string{"en": "Queue", "it": "Coda", "fr": "File d'attente"}
	for _, lang := range []string{"en", "it", "fr"} {
		pages := []struct {
			c    *client
			path string
		}{
			{eng, "/console"}, {eng, "/console/queue/rows"}, {eng, fmt.Sprintf("/console/cases/%d", c.ID)},
			{eng, "/console/dashboard"}, {eng, "/console/cases/999999"}, {customer, "/console"},
		}
		for _, p := range pages {
			_, body := p.c.get(p.path + "?lang=" + lang)
			if k := consoleKey.FindString(body); k != "" {
				t.Errorf("%s %s shows the raw key %s", lang, p.path, k)
			}
		}
		_, body := eng.get("/console?lang=" + lang)
		if !strings.Contains(body, "<h1>"+strings.ReplaceAll(want[lang], "'", "&#39;")+"</h1>") {
			t.Errorf("%s queue title is not %q", lang, want[lang])
		}
	}
}

// TestConsole_KeysBuiltAtRunTimeExist checks the message keys that the
// console makes from values (statuses, metrics, features…), which the
// template key test cannot see.
func TestConsole_KeysBuiltAtRunTimeExist(t *testing.T) {
	var keys []string
	add := func(prefix string, names ...string) {
		for _, n := range names {
			keys = append(keys, prefix+n)
		}
	}
	add("console.status.", "new", "open", "waiting_on_customer", "resolved", "closed")
	add("console.queue.", "vendor", "partner", "professional_services")
	add("console.rating.", "high", "medium", "low")
	add("console.flag.", casedesk.FlagNoContract, casedesk.FlagContractExpired, casedesk.FlagProductNotCovered,
		casedesk.FlagUnsupportedVersion, casedesk.FlagOutOfScope, casedesk.FlagRenewal)
	add("console.feature.", plan.FeatureNames()...)
	for _, m := range sla.Metrics {
		add("console.metric.", string(m))
	}
	for _, s := range []sla.Status{sla.Running, sla.Paused, sla.Warning, sla.Met, sla.Breached, sla.Cancelled} {
		add("console.clock.", string(s))
	}
	for reason := range sla.ReasonText {
		add("console.reason.", reason)
	}
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("%s is missing from a catalog", k)
		}
	}
}

func TestConsoleClockText_CountsSecondsUnderAnHour(t *testing.T) {
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 12*time.Minute + 5*time.Second, "12 min 05 s"},
		{"en", 59*time.Minute + 59*time.Second + 900*time.Millisecond, "59 min 59 s"},
		{"en", 0, "0 min 00 s"},
		{"en", 2*time.Hour + 10*time.Minute, "2 h 10 min"},
		{"it", 3 * time.Second, "0 min 03 s"},
	}
	for _, tt := range tests {
		if got := consoleClockText(i18n.For(tt.lang), tt.d); got != tt.want {
			t.Errorf("consoleClockText(%s, %v) = %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
}
