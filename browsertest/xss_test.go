package browsertest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk/demo"
)

// TestXSS_ScriptInSubjectShowsAsText submits a case whose subject is a
// script through the portal's form, then reads it on every page that shows
// subjects: it must be text, never a script, and no dialog may open.
func TestXSS_ScriptInSubjectShowsAsText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cust := e.newCustomer("Mallory Ltd", "mallory.example")
	e.newContact(cust, "mallory@mallory.example")
	const subject = `<script>alert(1)</script>`

	b := e.tab()
	// The dialog watch works: a dialog the page opens is seen.
	b.openOK("/login")
	eval[bool](b, `setTimeout(() => alert('probe'), 0), true`)
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(b.dialogsOpened(), "probe") {
		if time.Now().After(deadline) {
			t.Fatal("the probe's alert was not seen: the dialog watch does not work")
		}
		time.Sleep(50 * time.Millisecond)
	}

	b.login("mallory@mallory.example", demo.Password)
	b.openOK("/portal/cases/new")
	b.choose("#product", strconv.FormatInt(cust.product.ID, 10))
	b.fill("#subject", subject)
	b.fill("#description", `Description with <img src=x onerror="alert(2)"> in it.`)
	b.submitOK(`main form[action="/portal/cases"] button[type=submit]`)
	m := caseURL.FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("submitting the case led to %s: %s", b.location(), b.text("main"))
	}
	id := m[1]
	assertText := func(b *tab, sel string) {
		t.Helper()
		if got := eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent`, sel)); !strings.Contains(got, subject) {
			t.Errorf("%s: %s shows %q, want the subject %q as text", b.location(), sel, got, subject)
		}
		if eval[bool](b, `[...document.scripts].some(s => s.textContent.includes('alert('))`) {
			t.Errorf("%s: the subject became a script element", b.location())
		}
		if eval[bool](b, `document.querySelector('img[onerror]') !== null`) {
			t.Errorf("%s: the description became an img element", b.location())
		}
	}
	assertText(b, "main h1")
	if title := eval[string](b, `document.title`); !strings.Contains(title, "#"+id) {
		t.Errorf("the case page's title is %q", title)
	}
	b.openOK("/portal/cases")
	assertText(b, "main")

	eng := e.tab()
	eng.login("engineer@vendor.example", demo.Password)
	eng.openOK("/console/cases/" + id)
	assertText(eng, "main h1")
	if title := eval[string](eng, `document.title`); !strings.Contains(title, subject) {
		t.Errorf("the console's case page title is %q, want the subject in it", title)
	}
	eng.openOK("/console?organisation=" + strconv.FormatInt(cust.org.ID, 10))
	assertText(eng, "#queue-rows")
	// Let the queue refresh once: htmx's swap must keep it text too.
	eval[bool](eng, `window.__swaps = 0, document.body.addEventListener('htmx:afterSwap', () => window.__swaps++), true`)
	eng.waitFor(`window.__swaps > 0`, 8*time.Second, "the queue's refresh")
	assertText(eng, "#queue-rows")

	if d := append(slices.DeleteFunc(b.dialogsOpened(), func(m string) bool { return m == "probe" }), eng.dialogsOpened()...); len(d) > 0 {
		t.Errorf("the pages opened dialogs: %q", d)
	}
}
