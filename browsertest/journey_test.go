package browsertest

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk/demo"
	"github.com/casedesk/casedesk/i18n"
)

// caseURL finds the case number in a portal or console case address.
var caseURL = regexp.MustCompile(`^/(?:portal|console)/cases/(\d+)`)

// TestJourney_RegisterSubmitInItalianEngineerRepliesCustomerReads follows a
// customer from registration to the engineer's answer: register, verify
// the address from the e-mail's link, log in, switch to Italian, submit a
// case there; an engineer writes an internal note and a reply in the
// console; the customer sees the reply, in Italian, and not the note.
func TestJourney_RegisterSubmitInItalianEngineerRepliesCustomerReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cust := e.newCustomer("Bellini Impianti S.r.l.", "bellini.example")
	const email, password = "anna.bellini@bellini.example", "una-password-lunga"
	it := i18n.For("it")

	// Register and verify.
	b := e.tab()
	b.openOK("/register")
	b.fill("#name", "Anna Bellini")
	b.fill("#email", email)
	b.fill("#password", password)
	b.choose("#locale", "en")
	b.fill("#time_zone", "Europe/Rome")
	b.submitOK(`main form[action="/register"] button[type=submit]`)
	if !b.has(`main .notice`) {
		t.Fatalf("registration: no confirmation: %s", b.text("main"))
	}
	b.openOK("/verify?token=" + url.QueryEscape(e.verificationToken(email)))
	if b.has(`main .error`) || !b.has(`main .notice`) {
		t.Fatalf("verification: %s", b.text("main"))
	}
	e.addContact(cust, email)

	// Log in: the portal's home shows the contract.
	b.login(email, password)
	if loc := b.location(); loc != "/portal" {
		t.Fatalf("the customer landed on %s, want /portal", loc)
	}
	b.screenshot("portal-home.png")

	// The new-case form, then the same page in Italian.
	b.openOK("/portal/cases/new")
	b.choose("#product", strconv.FormatInt(cust.product.ID, 10))
	b.screenshot("new-case.png")
	b.switchLanguage("it")
	if got, want := strings.TrimSpace(b.text(`label[for=subject]`)), it.T("portal.case.subject"); got != want {
		t.Errorf("the subject's label in Italian is %q, want %q", got, want)
	}
	b.choose("#product", strconv.FormatInt(cust.product.ID, 10))
	b.choose("#impact", "high")
	b.choose("#urgency", "high")
	// The priority the two ratings give shows at once, without a reload.
	b.waitFor(`document.querySelector('#priority-live').innerText.includes('P1')`, 5*time.Second, "the priority P1 to show")
	const subject = "Il server di backup non si avvia"
	b.fill("#subject", subject)
	b.fill("#description", "Dopo l'aggiornamento di stanotte il servizio si ferma subito con un errore di licenza.")
	b.submitOK(`main form[action="/portal/cases"] button[type=submit]`)
	m := caseURL.FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("submitting the case led to %s: %s", b.location(), b.text("main"))
	}
	id := m[1]
	if h1 := b.text("main h1"); !strings.Contains(h1, subject) {
		t.Errorf("the case page's heading is %q, want the subject %q", h1, subject)
	}
	if lang := eval[string](b, `document.documentElement.lang`); lang != "it" {
		t.Errorf("the case page is in %q after submitting in Italian", lang)
	}

	// An engineer writes an internal note, then replies.
	const note, reply = "Internal: check the licence server first.", "Abbiamo rinnovato la licenza: riavvii il servizio, per favore."
	eng := e.tab()
	eng.login("engineer@vendor.example", demo.Password)
	eng.openOK("/console/cases/" + id)
	if h1 := eng.text("main h1"); !strings.Contains(h1, subject) {
		t.Fatalf("the console's case page shows %q, want the subject %q", h1, subject)
	}
	eng.fill("#reply-body", note)
	eng.do(chromedp.Click(chromedp.CSS(`form[action$="/reply"] input[name=internal]`), chromedp.NodeVisible))
	eng.submitOK(`main form[action$="/reply"] button[type=submit]`)
	eng.waitText(note, 5*time.Second)
	eng.fill("#reply-body", reply)
	if eval[bool](eng, `document.querySelector('form[action$="/reply"] input[name=internal]').checked`) {
		eng.do(chromedp.Click(chromedp.CSS(`form[action$="/reply"] input[name=internal]`), chromedp.NodeVisible))
	}
	eng.submitOK(`main form[action$="/reply"] button[type=submit]`)
	eng.waitText(reply, 5*time.Second)
	eng.screenshot("case.png")

	// The customer sees the reply, still in Italian, and never the note.
	b.openOK("/portal/cases/" + id)
	b.waitText(reply, 5*time.Second)
	if strings.Contains(b.bodyText(), note) {
		t.Errorf("the customer sees the engineer's internal note %q", note)
	}
	if lang := eval[string](b, `document.documentElement.lang`); lang != "it" {
		t.Errorf("the customer's case page is in %q, want it", lang)
	}
	if d := b.dialogsOpened(); len(d) > 0 || len(eng.dialogsOpened()) > 0 {
		t.Errorf("pages opened dialogs: %q %q", d, eng.dialogsOpened())
	}
}
