package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/demo"
	"github.com/casedesk/casedesk/httpd"
	"github.com/casedesk/casedesk/store"
)

// chromiumPath is where Debian's package, which CI installs with
// scripts/install-chromium.sh, puts the browser.
const chromiumPath = "/usr/bin/chromium"

// testTimeout bounds each test, browser work and waits included.
const testTimeout = 60 * time.Second

// screenshotDir is docs/screenshots at the module root, seen from this package.
const screenshotDir = "../docs/screenshots"

var (
	// browser is the one Chromium every test of the run shares, each test in
	// browser contexts of its own; nil when Chromium is missing or failed.
	browser context.Context
	// browserErr is why an installed Chromium did not start.
	browserErr error
)

func TestMain(m *testing.M) {
	code := runWithBrowser(m)
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// runWithBrowser starts Chromium, if installed, runs the tests and stops it.
func runWithBrowser(m *testing.M) int {
	if _, err := os.Stat(chromiumPath); err != nil {
		return m.Run()
	}
	profile, err := os.MkdirTemp("", "casedesk-chromium-")
	if err != nil {
		browserErr = err
		return m.Run()
	}
	defer os.RemoveAll(profile)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		// Containers often have a tiny /dev/shm, where Chromium crashes.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The first Do binds the browser's life to ctx, so it cannot carry a
	// deadline itself: a timer kills a browser that hangs at start instead.
	hung := time.AfterFunc(30*time.Second, cancelAlloc)
	err = chromedp.Do(ctx)
	hung.Stop()
	if err != nil {
		browserErr = err
	} else {
		browser = ctx
	}
	return m.Run()
}

var (
	demoOnce sync.Once
	demoDir  string // holds the demo world's SQLite database, built once
	demoErr  error
)

// copyDemoDatabase puts a migrated database with the demo world in dir.
// Loading the demo takes seconds, so the run loads it once and each test
// gets a copy of the file.
func copyDemoDatabase(dir string) error {
	demoOnce.Do(func() {
		ctx := context.Background()
		if demoDir, demoErr = os.MkdirTemp("", "casedesk-demo-"); demoErr != nil {
			return
		}
		db, err := store.Open(ctx, "", demoDir)
		if err != nil {
			demoErr = err
			return
		}
		if err = db.Migrate(ctx, nil); err == nil {
			_, err = demo.Load(ctx, db, auth.TestPasswordParams)
		}
		// Closing the last connection folds the write-ahead log into the file.
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		demoErr = err
	})
	if demoErr != nil {
		return fmt.Errorf("demo database: %w", demoErr)
	}
	data, err := os.ReadFile(filepath.Join(demoDir, "casedesk.db"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "casedesk.db"), data, 0o600)
}

// env is a casedesk server with the demo world, running in-process on
// loopback, and the test's share of the browser.
type env struct {
	t   *testing.T
	db  *store.DB
	url string
	ctx context.Context // ends with the test or at testTimeout
}

// newEnv starts a server for t. Without Chromium the test is skipped.
func newEnv(t *testing.T) *env {
	t.Helper()
	if browserErr != nil {
		t.Fatalf("Chromium at %s did not start: %v", chromiumPath, browserErr)
	}
	if browser == nil {
		t.Skipf("no Chromium at %s: install it with scripts/install-chromium.sh (apt-get install -y chromium), as CI does", chromiumPath)
	}
	dir := t.TempDir()
	if err := copyDemoDatabase(dir); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := &httpd.Server{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Passwords: auth.TestPasswordParams}
	srv.Init()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	bctx, cancel := context.WithTimeout(browser, testTimeout)
	t.Cleanup(cancel)
	return &env{t: t, db: db, url: hs.URL, ctx: bctx}
}

// customer is an organisation of the test's own with a contract on a plan
// with round-the-clock targets, so that cases are due within minutes
// whenever the test runs.
type customer struct {
	org      *casedesk.Organisation
	product  *casedesk.Product
	contract *casedesk.Contract
}

// newCustomer creates an organisation whose users register with addresses
// at domain, a product and a contract that covers it.
func (e *env) newCustomer(name, domain string) *customer {
	e.t.Helper()
	ctx, sys := context.Background(), casedesk.SystemActor
	c := &customer{
		org:     &casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: name, Region: "emea", Domains: []string{domain}},
		product: &casedesk.Product{Name: "Browser Test Server " + domain},
	}
	if err := e.db.CreateOrganisation(ctx, sys, c.org); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.CreateProduct(ctx, sys, c.product); err != nil {
		e.t.Fatal(err)
	}
	today := e.db.Now().UTC()
	c.contract = &casedesk.Contract{
		OrgID: c.org.ID, PlanID: "zmanda-premium", CalendarID: "24x7",
		StartsOn: today.AddDate(0, -1, 0).Format("2006-01-02"), EndsOn: today.AddDate(1, 0, 0).Format("2006-01-02"),
	}
	if err := e.db.CreateContract(ctx, sys, c.contract); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// addContact names the user with this address a technical contact of c.
func (e *env) addContact(c *customer, email string) *casedesk.User {
	e.t.Helper()
	u, err := e.db.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.AddContact(context.Background(), casedesk.SystemActor, c.contract.ID, u.ID); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// newContact creates a verified technical contact of c who logs in with demo.Password.
func (e *env) newContact(c *customer, email string) *casedesk.User {
	e.t.Helper()
	hash, err := auth.TestPasswordParams.Hash(demo.Password)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &casedesk.User{OrgID: &c.org.ID, Email: email, Name: "Test Contact", Role: casedesk.RoleCustomerUser,
		Locale: "en", TimeZone: "Europe/Rome", PasswordHash: hash}
	if err := e.db.CreateUser(context.Background(), casedesk.SystemActor, u); err != nil {
		e.t.Fatal(err)
	}
	return e.addContact(c, email)
}

// openCase opens a case for c as the contact u, through the store.
func (e *env) openCase(c *customer, u *casedesk.User, subject, impact, urgency string) *casedesk.Case {
	e.t.Helper()
	ctx := context.Background()
	a, err := e.db.ActorForUser(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	cs, err := e.db.OpenCase(ctx, a, store.NewCase{Case: casedesk.Case{
		OrgID: c.org.ID, ProductID: c.product.ID, Subject: subject,
		Desc: "Opened by the browser tests.", Impact: impact, Urgency: urgency, Language: "en",
	}})
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}

// verificationToken reads the token of the verification e-mail sent to email.
func (e *env) verificationToken(email string) string {
	e.t.Helper()
	msgs, err := e.db.PendingOutbox(context.Background(), 1_000_000)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.Kind == "verify_email" && strings.EqualFold(m.Recipient, email) {
			var p struct{ Token string }
			if err := json.Unmarshal(m.Payload, &p); err != nil || p.Token == "" {
				e.t.Fatalf("verification e-mail to %s: payload %s: %v", email, m.Payload, err)
			}
			return p.Token
		}
	}
	e.t.Fatalf("no verification e-mail to %s in the outbox", email)
	return ""
}

// tab is one browser tab in a browser context of its own, so its cookies
// are its own: two tabs are two people.
type tab struct {
	e   *env
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	dialogs []string // messages of the JavaScript dialogs the page opened
}

// tab opens a tab viewportWidth CSS pixels wide. Any JavaScript dialog is recorded
// and dismissed, so that it cannot block the test.
func (e *env) tab() *tab {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.ctx, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	b := &tab{e: e, t: e.t, ctx: ctx}
	b.do(chromedp.EmulateViewport(viewportWidth, viewportHeight))
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return b
}

// dialogsOpened returns the messages of the dialogs the page opened so far.
func (b *tab) dialogsOpened() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// do runs steps, failing the test on error.
func (b *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", b.location(), err)
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](b *tab, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", b.location(), err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	return run(b, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// location is the page's address, for messages; it never fails.
func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	l, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return strings.TrimPrefix(l, b.e.url)
}

// open loads path and returns the HTTP status of the page.
func (b *tab) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.e.url+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// openOK loads path and fails the test unless it answers 200.
func (b *tab) openOK(path string) {
	b.t.Helper()
	if status := b.open(path); status != 200 {
		b.t.Fatalf("open %s: status %d: %s", path, status, b.bodyText())
	}
}

// submit clicks the button sel and waits for the page it leads to.
func (b *tab) submit(sel string) *network.Response {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("%s: submit %s: %v", b.location(), sel, err)
	}
	return resp
}

// submitOK is submit, failing the test unless the page answers 2xx.
func (b *tab) submitOK(sel string) {
	b.t.Helper()
	if resp := b.submit(sel); resp == nil || resp.Status >= 300 {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		b.t.Fatalf("%s: submit %s: status %d: %s", b.location(), sel, status, b.bodyText())
	}
}

// fill types value into the field sel, replacing what it held.
func (b *tab) fill(sel, value string) {
	b.t.Helper()
	// Clear fails on an empty textarea, which has no text node to remove.
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	eval[chromedp.Void](b, fmt.Sprintf(`void (document.querySelector(%q).value = '')`, sel))
	b.do(chromedp.SendKeys(chromedp.CSS(sel), value, chromedp.NodeVisible))
}

// choose selects an option of the select sel by its value and tells the
// page it changed, as a person's choice would.
func (b *tab) choose(sel, value string) {
	b.t.Helper()
	ok := eval[bool](b, fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		if (!s || ![...s.options].some(o => o.value === %q)) return false;
		s.value = %q;
		s.dispatchEvent(new Event('input', {bubbles: true}));
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`, sel, value, value))
	if !ok {
		b.t.Fatalf("%s: no option %q in %s: %s", b.location(), value, sel, b.html(sel))
	}
}

// html is the outer HTML of the first element sel, or "" if none.
func (b *tab) html(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {outerHTML: ""}).outerHTML`, sel))
}

// text is the visible text of the first element sel, or "" if none.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {innerText: ""}).innerText`, sel))
}

// bodyText is the page's visible text.
func (b *tab) bodyText() string {
	b.t.Helper()
	return b.text("body")
}

// has reports whether the page has an element sel.
func (b *tab) has(sel string) bool {
	b.t.Helper()
	return eval[bool](b, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// waitFor waits until the JavaScript predicate is true, up to within.
func (b *tab) waitFor(predicate string, within time.Duration, what string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](predicate,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(within)))
	if err != nil {
		b.t.Fatalf("%s: waiting for %s: %v", b.location(), what, err)
	}
}

// waitText waits until the page's visible text contains s.
func (b *tab) waitText(s string, within time.Duration) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf(`document.body && document.body.innerText.includes(%q)`, s), within, fmt.Sprintf("the text %q", s))
}

// login logs in through the login form and fails unless it succeeds; where
// it lands is the caller's to check.
func (b *tab) login(email, password string) {
	b.t.Helper()
	b.openOK("/login")
	b.fill("#email", email)
	b.fill("#password", password)
	b.submit(`main form[action^="/login"] button[type=submit]`)
	if strings.HasPrefix(b.location(), "/login") {
		b.t.Fatalf("login as %s stayed on the login page: %s", email, b.text("main"))
	}
}

// switchLanguage follows the language switcher's link to lang.
func (b *tab) switchLanguage(lang string) {
	b.t.Helper()
	b.submitOK(fmt.Sprintf(`.langs a[hreflang=%q]`, lang))
	if got := eval[string](b, `document.documentElement.lang`); got != lang {
		b.t.Fatalf("%s: after switching to %s the page is in %q", b.location(), lang, got)
	}
}

// screenshot saves a full-page PNG of the page, 1280 CSS pixels wide, as
// docs/screenshots/name, replacing the last run's.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	png := run(b, fullPage())
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Viewport of every tab: the width of the screenshots.
const (
	viewportWidth  = 1280
	viewportHeight = 900
)

// fullPage captures the whole page at viewportWidth. It makes the viewport as
// tall as the page first, so that no scrollbar takes a strip of the width,
// and puts it back after.
func fullPage() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		height := func() (float64, error) {
			m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
			if err != nil {
				return 0, err
			}
			if m.CSSContentSize == nil {
				return 0, fmt.Errorf("no layout metrics")
			}
			return max(m.CSSContentSize.Height, viewportHeight), nil
		}
		resize := func(h float64) error {
			_, err := chromedp.EmulateViewport(viewportWidth, int64(math.Ceil(h)))(ctx, t)
			return err
		}
		defer resize(viewportHeight)
		h, err := height()
		if err == nil {
			err = resize(h)
		}
		if err == nil {
			// The page may reflow at its new height.
			h, err = height()
		}
		if err != nil {
			return nil, err
		}
		res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: new(true),
			Clip:                  &page.Viewport{Width: viewportWidth, Height: h, Scale: 1},
		})
		return res.Data, err
	}
}
