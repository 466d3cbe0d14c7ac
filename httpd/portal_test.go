package httpd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/i18n"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
)

// portalWorld is what the portal tests add to the demo world: a product with
// two versions and a Premium contract for Globex naming contact@globex.example.
type portalWorld struct {
	product  *casedesk.Product
	version  *casedesk.Version
	contract *casedesk.Contract
}

func newPortalWorld(t *testing.T, e *env) portalWorld {
	t.Helper()
	ctx, sys := context.Background(), casedesk.SystemActor
	p := &casedesk.Product{Name: "Portal Test Backup", Line: "backup"}
	if err := e.db.CreateProduct(ctx, sys, p); err != nil {
		t.Fatal(err)
	}
	v := &casedesk.Version{ProductID: p.ID, Name: "5.1", ReleasedOn: "2024-01-10"}
	if err := e.db.AddVersion(ctx, sys, v); err != nil {
		t.Fatal(err)
	}
	start := time.Now().AddDate(0, -1, 0).Format("2006-01-02")
	k := &casedesk.Contract{OrgID: e.orgID("Globex Corporation"), PlanID: "zmanda-premium", CalendarID: "americas", StartsOn: start}
	if err := e.db.CreateContract(ctx, sys, k); err != nil {
		t.Fatal(err)
	}
	k, err := e.db.AddContact(ctx, sys, k.ID, e.userID("contact@globex.example"))
	if err != nil {
		t.Fatal(err)
	}
	return portalWorld{product: p, version: v, contract: k}
}

// portalMultipart sends a multipart form with one file, as the new-case form does.
func (c *client) portalMultipart(path string, form url.Values, filename string, file []byte) (int, string, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", c.csrf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(file)
	}
	mw.Close()
	resp, err := c.c.Post(c.e.http.URL+path, mw.FormDataContentType(), &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func (w portalWorld) caseForm(subject string) url.Values {
	return url.Values{
		"product_id": {fmt.Sprint(w.product.ID)}, "version_id": {fmt.Sprint(w.version.ID)},
		"impact": {"high"}, "urgency": {"medium"}, "subject": {subject},
		"description": {"Backups fail every night.\nSecond line."}, "example": {"error E42"},
		"context": {"since Monday"}, "configuration": {"Linux"}, "steps": {"run a backup"},
		"request": {"problem"}, "language": {"en"},
	}
}

// portalOpenCase opens a case through the form and returns its page's path.
func (w portalWorld) portalOpenCase(t *testing.T, c *client, subject string) string {
	t.Helper()
	code, loc, body := c.portalMultipart("/portal/cases", w.caseForm(subject), "", nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/cases/") {
		t.Fatalf("new case: %d %q\n%s", code, loc, body)
	}
	return strings.SplitN(loc, "?", 2)[0]
}

func TestPortalHome_ShowsContractTargetsAndEntitlements(t *testing.T) {
	e := newEnv(t)
	newPortalWorld(t, e)
	c := e.loggedIn("contact@globex.example")
	code, body := c.get("/portal?lang=en")
	if code != 200 {
		t.Fatalf("home: %d\n%s", code, body)
	}
	for _, want := range []string{
		"Contract: Premium", "Service level targets", "First response", "15 min", // Zmanda Premium P1
		"Online case submission", "Americas business hours", `class="badge p1"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	p, err := e.db.Plan(context.Background(), "zmanda-premium", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d of %d named", 1, p.TechnicalContacts.Value); !strings.Contains(body, want) {
		t.Errorf("home lacks %q", want)
	}
}

func TestPortalNewCase_CreatesCaseAndRedirects(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	c := e.loggedIn("contact@globex.example")
	code, body := c.get("/portal/cases/new")
	if code != 200 || !strings.Contains(body, `hx-get="/portal/priority"`) || !strings.Contains(body, "Portal Test Backup") {
		t.Fatalf("new-case form: %d\n%s", code, body)
	}
	code, loc, body := c.portalMultipart("/portal/cases", w.caseForm("Nightly backup fails"), "log.txt", []byte("line 1\nline 2\n"))
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/cases/") {
		t.Fatalf("create: %d %q\n%s", code, loc, body)
	}
	code, body = c.get(loc)
	if code != 200 {
		t.Fatalf("case page: %d", code)
	}
	for _, want := range []string{"Nightly backup fails", "Your case has been opened", `class="badge p2"`, "First response due in", "log.txt", "/attachments/", "Second line"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	code, body = c.get("/portal/cases")
	if code != 200 || !strings.Contains(body, "Nightly backup fails") || !strings.Contains(body, "First response due in") {
		t.Errorf("case list: %d\n%s", code, body)
	}
	// The attachment link works with the session cookie.
	_, page := c.get(loc)
	m := regexp.MustCompile(`href="(/api/v1/cases/\d+/attachments/\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no attachment link")
	}
	if code, got := c.get(m[1]); code != 200 || got != "line 1\nline 2\n" {
		t.Errorf("attachment: %d %q", code, got)
	}
}

func TestPortalNewCase_ValidationKeepsWhatWasTyped(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	c := e.loggedIn("contact@globex.example")
	form := w.caseForm("Keep <me>")
	form.Set("priority", "P1") // an override without a reason
	code, _, body := c.portalMultipart("/portal/cases", form, "", nil)
	if code != http.StatusBadRequest {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{"Say why the priority should differ", `value="Keep &lt;me&gt;"`, "Backups fail every night."} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
}

func TestPortalNewCase_NoCommitmentShowsReasons(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	c := e.loggedIn("contact@globex.example")
	form := w.caseForm("Install it for us")
	form.Set("request", "installation")
	code, loc, body := c.portalMultipart("/portal/cases", form, "", nil)
	if code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", code, body)
	}
	_, body = c.get(loc)
	for _, want := range []string{`class="notice"`, "No response time is promised for this case", "professional services"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
}

func TestPortalPriority_FragmentInItalian(t *testing.T) {
	e := newEnv(t)
	newPortalWorld(t, e)
	c := e.loggedIn("contact@globex.example")
	code, body := c.get("/portal/priority?impact=high&urgency=high&lang=it")
	if code != 200 {
		t.Fatalf("fragment: %d", code)
	}
	def, _ := priority.Define(priority.P1, "it")
	if !strings.Contains(body, `class="badge p1">P1<`) || !strings.Contains(body, def.Title) || strings.Contains(body, "<html") {
		t.Errorf("fragment: %s", body)
	}
	if !strings.Contains(body, strings.ReplaceAll(def.Text, "'", "&#39;")) {
		t.Errorf("fragment lacks the Italian definition: %s", body)
	}
}

func TestPortalNewCase_RefusesNonContact(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	c := e.loggedIn("user@globex.example")
	code, _, body := c.portalMultipart("/portal/cases", w.caseForm("Let me in"), "", nil)
	if code != http.StatusForbidden {
		t.Fatalf("status %d\n%s", code, body)
	}
	for _, want := range []string{"You cannot open a case", "Only the technical contacts", "<li>Hank Scorpio</li>"} {
		if !strings.Contains(body, want) {
			t.Errorf("refusal lacks %q", want)
		}
	}
	if code, _ := c.get("/portal/cases/new"); code != http.StatusForbidden {
		t.Errorf("form for a non-contact: %d", code)
	}
}

func TestPortalCase_ReplyAndStatus(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	c := e.loggedIn("contact@globex.example")
	path := w.portalOpenCase(t, c, "Reply to me")
	code, loc, body := c.post(path+"/replies", url.Values{"body": {"Here are the <b>logs</b> you asked for."}})
	if code != http.StatusSeeOther {
		t.Fatalf("reply: %d\n%s", code, body)
	}
	_, body = c.get(strings.TrimSuffix(loc, "#thread"))
	if !strings.Contains(body, "Here are the &lt;b&gt;logs&lt;/b&gt; you asked for.") {
		t.Error("the reply is not in the thread, escaped")
	}
	// An empty reply re-renders the case with the message.
	if code, _, body := c.post(path+"/replies", url.Values{"body": {"  "}}); code != http.StatusBadRequest || !strings.Contains(body, "Write your reply first") {
		t.Errorf("empty reply: %d", code)
	}
	// Resolve, then reopen.
	id := strings.TrimPrefix(path, "/portal/cases/")
	var n int64
	fmt.Sscan(id, &n)
	cs, err := e.db.FindCase(context.Background(), casedesk.SystemActor, n)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := c.post(path+"/status", url.Values{"status": {"resolved"}, "rev": {fmt.Sprint(cs.Rev)}}); code != http.StatusSeeOther {
		t.Fatalf("resolve: %d\n%s", code, body)
	}
	_, body = c.get(path)
	if !strings.Contains(body, "Resolved") || !strings.Contains(body, "Reopen") {
		t.Error("resolved case lacks its status or the reopen button")
	}
}

func TestPortalCase_OtherCustomersCaseIsNotFound(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	path := w.portalOpenCase(t, e.loggedIn("contact@globex.example"), "Globex only")
	other := e.loggedIn("contact@initech.example")
	if code, body := other.get(path); code != http.StatusNotFound || strings.Contains(body, "Globex only") {
		t.Errorf("other customer's case: %d", code)
	}
	if code, _, _ := other.post(path+"/replies", url.Values{"body": {"hello"}}); code != http.StatusNotFound {
		t.Errorf("reply to another customer's case: %d", code)
	}
	if _, body := other.get("/portal/cases?show=all"); strings.Contains(body, "Globex only") {
		t.Error("another customer's case is listed")
	}
}

func TestPortalRegisterAndVerify(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	code, body := c.get("/register")
	if code != 200 {
		t.Fatalf("register page: %d", code)
	}
	c.csrf = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)[1]
	form := url.Values{"name": {"Ada New"}, "email": {"ada@globex.example"}, "password": {"a long enough secret"}, "locale": {"en"}, "time_zone": {"Europe/Rome"}}
	code, _, body = c.post("/register", form)
	if code != http.StatusCreated || !strings.Contains(body, "Check your e-mail") {
		t.Fatalf("register: %d\n%s", code, body)
	}
	if code, _, body := c.post("/register", form); code != http.StatusBadRequest || !strings.Contains(body, "already exists") {
		t.Errorf("register twice: %d", code)
	}
	// The token is only in the outbox; register another through the store to get one.
	u := &casedesk.User{Email: "bea@globex.example", Name: "Bea", PasswordHash: "x"}
	token, err := e.db.Register(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := c.get("/verify?token=" + url.QueryEscape(token)); code != 200 || !strings.Contains(body, "is verified") || !strings.Contains(body, `href="/login"`) {
		t.Errorf("verify: %d\n%s", code, body)
	}
	if code, _ := c.get("/verify?token=" + url.QueryEscape(token)); code != http.StatusBadRequest {
		t.Errorf("verify twice: %d", code)
	}
	if code, body := c.get("/reset"); code != 200 || !strings.Contains(body, "administrator") {
		t.Errorf("reset: %d", code)
	}
}

// TestPortalPages_RenderInEveryLanguage fetches every portal page in each
// language and fails on a raw message key: a catalog lacks it.
func TestPortalPages_RenderInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	w := newPortalWorld(t, e)
	contact := e.loggedIn("contact@globex.example")
	path := w.portalOpenCase(t, contact, "Every language")
	contact.post(path+"/replies", url.Values{"body": {"A reply"}})
	form := w.caseForm("No commitment")
	form.Set("request", "implementation")
	_, noCommitment, _ := contact.portalMultipart("/portal/cases", form, "", nil)
	user := e.loggedIn("user@globex.example")
	anon := e.client()
	rawKey := regexp.MustCompile(`portal\.[a-z_]+\.[a-z0-9_.]+`)
	for _, lang := range casedesk.Locales {
		for _, p := range []struct {
			c    *client
			path string
		}{
			{contact, "/portal"}, {contact, "/portal/cases"}, {contact, "/portal/cases?show=all"},
			{contact, "/portal/cases/new"}, {contact, path}, {contact, noCommitment},
			{contact, "/portal/priority?impact=low&urgency=low"}, {contact, "/portal/priority"},
			{contact, "/portal/cases/999999"}, {user, "/portal/cases/new"}, {user, "/portal"},
			{anon, "/register"}, {anon, "/verify?token=nope"}, {anon, "/verify"}, {anon, "/reset"},
		} {
			sep := "?"
			if strings.Contains(p.path, "?") {
				sep = "&"
			}
			_, body := p.c.get(p.path + sep + "lang=" + lang)
			if m := rawKey.FindString(body); m != "" {
				t.Errorf("%s %s shows the raw key %q", lang, p.path, m)
			}
			if lang != "en" && strings.Contains(body, `<html lang="en"`) {
				t.Errorf("%s %s rendered in English", lang, p.path)
			}
		}
	}
}

// TestPortalCatalogs_NameEveryDynamicKey checks the keys templates build
// from data: features, statuses, flags, event kinds, metrics, calendars.
func TestPortalCatalogs_NameEveryDynamicKey(t *testing.T) {
	var keys []string
	for _, n := range plan.FeatureNames() {
		keys = append(keys, "portal.feature."+n)
	}
	for _, s := range caseStatuses {
		keys = append(keys, "portal.status."+string(s))
	}
	for _, f := range caseFlags {
		keys = append(keys, "portal.flag."+f)
	}
	for _, k := range append(eventKinds, "other") {
		keys = append(keys, "portal.event."+k)
	}
	for _, m := range sla.Metrics {
		keys = append(keys, "portal.metric."+string(m), "portal.sla.due."+string(m), "portal.sla.breached."+string(m))
	}
	for _, s := range []string{"due", "at_risk", "breached", "paused", "met", "cancelled"} {
		keys = append(keys, "portal.sla.state."+s)
	}
	for _, c := range knownCalendars {
		keys = append(keys, "portal.calendar."+c)
		if _, ok := sla.Builtin(c); !ok {
			t.Errorf("calendar %q is not built in", c)
		}
	}
	for _, r := range []string{"high", "medium", "low"} {
		keys = append(keys, "portal.impact."+r, "portal.urgency."+r)
	}
	for _, r := range []string{"problem", "installation", "implementation"} {
		keys = append(keys, "portal.request."+r)
	}
	for _, l := range casedesk.Locales {
		keys = append(keys, "portal.language."+l)
	}
	for _, a := range []string{"resolved", "open", "closed"} {
		keys = append(keys, "portal.action."+a)
	}
	for _, k := range fieldErrorKeys {
		keys = append(keys, k)
	}
	keys = append(keys, "portal.error.not_found", "portal.error.forbidden", "portal.error.conflict", "portal.error.invalid",
		"portal.error.email_taken", "portal.verify.missing", "portal.verify.failed")
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("a catalog lacks %q", k)
		}
	}
}

func TestNextDeadline_PicksEarliestRunningClock(t *testing.T) {
	now := time.Now()
	open := &casedesk.Case{Status: casedesk.StatusOpen, Commitment: true}
	lines := []slaLine{
		{Metric: "first_response", State: "met"},
		{Metric: "next_update", State: "due", Due: now.Add(3 * time.Hour)},
		{Metric: "resolution", State: "at_risk", Due: now.Add(time.Hour)},
	}
	if got := nextDeadline(open, lines); got.Metric != "resolution" {
		t.Errorf("next = %+v", got)
	}
	if got := nextDeadline(open, []slaLine{{Metric: "first_response", State: "breached"}}); got.State != "breached" {
		t.Errorf("breached = %+v", got)
	}
	if got := nextDeadline(&casedesk.Case{Status: casedesk.StatusOpen}, lines); got.State != "no_commitment" {
		t.Errorf("no commitment = %+v", got)
	}
	if got := nextDeadline(&casedesk.Case{Status: casedesk.StatusClosed, Commitment: true}, lines); got.State != "none" {
		t.Errorf("closed = %+v", got)
	}
}
