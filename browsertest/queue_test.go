package browsertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/casedesk/casedesk/demo"
)

// TestQueue_CountdownMovesWithoutReload opens the queue on a P1 case due in
// a quarter of an hour, whose countdown shows seconds, and sees the
// countdown change while the page stays the same document: htmx refreshes
// the rows every 5 s.
func TestQueue_CountdownMovesWithoutReload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cust := e.newCustomer("Countdown Srl", "countdown.example")
	contact := e.newContact(cust, "ops@countdown.example")
	c := e.openCase(cust, contact, "Payroll export hangs at 99 %", "high", "high")
	if c.DueAt == nil || time.Until(*c.DueAt) > time.Hour {
		t.Fatalf("the case is due at %v, want within the hour", c.DueAt)
	}

	b := e.tab()
	b.login("engineer@vendor.example", demo.Password)
	b.openOK("/console")
	b.screenshot("agent-queue.png")

	b.openOK(fmt.Sprintf("/console?organisation=%d", cust.org.ID))
	cell := fmt.Sprintf(`#queue-rows tr:has(a[href="/console/cases/%d"]) .console-left`, c.ID)
	before := b.text(cell)
	if before == "" {
		t.Fatalf("no countdown for case %d in the queue: %s", c.ID, b.text("#queue-rows"))
	}
	eval[bool](b, `window.__marker = true`)
	// Two refreshes at most: each shows the time left, with its seconds.
	b.waitFor(fmt.Sprintf(`(() => { const el = document.querySelector(%q); return el !== null && el.innerText !== %q })()`, cell, before),
		12*time.Second, "the countdown to change")
	after := b.text(cell)
	if !eval[bool](b, `window.__marker === true`) {
		t.Errorf("the page was reloaded: the countdown must change in place")
	}
	t.Logf("countdown %q, then %q", before, after)

	b.openOK("/console/dashboard")
	if !b.has("main svg") {
		t.Errorf("the dashboard has no SVG chart: %s", b.text("main"))
	}
	b.screenshot("dashboard.png")
}
