package httpd

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

// adminPost submits a form as the browser c, with its CSRF token, and
// follows a redirect once: it returns the status of the post, and the page
// shown after it.
func adminPost(c *client, path string, form url.Values) (int, string) {
	c.e.t.Helper()
	status, loc, body := c.post(path, form)
	if status == http.StatusSeeOther {
		_, page := c.get(loc)
		return status, page
	}
	return status, body
}

func TestAdminPages_OnlyForAdministrators(t *testing.T) {
	e := newEnv(t)
	for _, email := range []string{"engineer@vendor.example", "manager@vendor.example", "contact@globex.example"} {
		c := e.loggedIn(email)
		for _, path := range []string{"/admin", "/admin/plans", "/admin/calendars/emea", "/admin/audit"} {
			if code, body := c.get(path); code != http.StatusForbidden || !strings.Contains(body, "for administrators only") {
				t.Errorf("%s GET %s: %d", email, path, code)
			}
		}
		if code, _ := adminPost(c, "/admin/organisations", url.Values{"kind": {"customer"}, "name": {"Intruder"}}); code != http.StatusForbidden {
			t.Errorf("%s creates an organisation: %d", email, code)
		}
	}
	if code, _ := e.client().get("/admin/plans"); code != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to the login page", code)
	}
	admin := e.loggedIn("admin@vendor.example")
	if code, body := admin.get("/admin"); code != 200 || !strings.Contains(body, `href="/admin/calendars"`) {
		t.Errorf("administrator's index: %d", code)
	}
	// A form without the CSRF token is refused.
	resp, err := admin.c.PostForm(e.http.URL+"/admin/products", url.Values{"name": {"No token"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("form without CSRF token: %d", resp.StatusCode)
	}
}

// adminPlanForm returns the plan form's values for p, as the page fills them.
func adminPlanFormValues(p *plan.Plan) url.Values {
	v := url.Values{"technical_contacts": {fmt.Sprint(p.TechnicalContacts.Value)}}
	for _, l := range priority.Levels {
		c := p.Priorities.For(l)
		v.Set(l.String()+".coverage", c.Coverage)
		v.Set(l.String()+".first_response", c.FirstResponse.Value.String())
		if c.NextUpdate != nil {
			v.Set(l.String()+".next_update", c.NextUpdate.Value.String())
		}
		if c.Resolution != nil {
			v.Set(l.String()+".resolution", c.Resolution.Value.String())
		}
	}
	return v
}

func TestAdminPlan_EditingATargetStoresVersion2(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.loggedIn("admin@vendor.example")
	code, list := admin.get("/admin/plans")
	if code != 200 || !strings.Contains(list, "zmanda-premium") || !strings.Contains(list, "15 min") {
		t.Fatalf("plan list: %d", code)
	}
	old, err := e.db.Plan(ctx, "zmanda-premium", 0)
	if err != nil || old.Version != 1 {
		t.Fatalf("plan before: %v %+v", err, old)
	}
	code, page := admin.get("/admin/plans/zmanda-premium")
	if code != 200 || !strings.Contains(page, `name="P1.first_response"`) || !strings.Contains(page, `value="15m"`) {
		t.Fatalf("plan form: %d", code)
	}

	form := adminPlanFormValues(old)
	form.Set("P1.first_response", "4 hours")
	form.Set("P3.coverage", "moon")
	code, page = adminPost(admin, "/admin/plans/zmanda-premium", form)
	if code != http.StatusBadRequest || !strings.Contains(page, "Write a duration such as 15m, 4h or 1h30m.") ||
		!strings.Contains(page, `id="P1-first_response-err"`) || !strings.Contains(page, "Choose a coverage from the list.") {
		t.Fatalf("bad duration: %d %s", code, page)
	}
	if p, _ := e.db.Plan(ctx, "zmanda-premium", 0); p.Version != 1 {
		t.Fatalf("a refused form stored version %d", p.Version)
	}

	form = adminPlanFormValues(old)
	form.Set("P1.first_response", "10m")
	form.Set("P2.resolution", "2h30m")
	form.Set("technical_contacts", "9")
	code, page = adminPost(admin, "/admin/plans/zmanda-premium", form)
	if code != http.StatusSeeOther || !strings.Contains(page, "Version 2 saved.") {
		t.Fatalf("save: %d %s", code, page)
	}
	p, err := e.db.Plan(ctx, "zmanda-premium", 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 2 || p.Priorities.P1.FirstResponse.Value != plan.Duration(10*time.Minute) ||
		p.Priorities.P2.Resolution == nil || p.Priorities.P2.Resolution.Value != plan.Duration(150*time.Minute) || p.TechnicalContacts.Value != 9 {
		t.Fatalf("stored plan: %+v", p)
	}
	// Untouched figures keep their source; changed ones are the vendor's own.
	if p.Priorities.P4.FirstResponse != old.Priorities.P4.FirstResponse || p.TechnicalContacts.Default {
		t.Errorf("figures' defaults: P4 %+v, contacts %+v", p.Priorities.P4.FirstResponse, p.TechnicalContacts)
	}
	if v1, err := e.db.Plan(ctx, "zmanda-premium", 1); err != nil || v1.Priorities.P1.FirstResponse.Value != plan.Duration(15*time.Minute) {
		t.Errorf("version 1 changed: %v %+v", err, v1)
	}
}

const adminRomeCalendar = `{"timezone": "Europe/Rome",
 "week": {"mon": [["08:00", "12:30"], ["14:00", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]],
          "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]]},
 "holiday_countries": ["IT"]}`

func TestAdminCalendar_WeekViewAndNextHolidays(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin@vendor.example")
	code, page := adminPost(admin, "/admin/calendars", url.Values{"id": {"rome"}, "spec": {adminRomeCalendar}})
	if code != http.StatusSeeOther || !strings.Contains(page, "Calendar version 1 saved.") {
		t.Fatalf("create calendar: %d %s", code, page)
	}
	for _, want := range []string{
		"<svg", "<rect x=\"352\"", // Monday 08:00 starts 8 hours into the grid: 64 + 8×36
		"<th scope=\"row\">Mon</th><td>08:00–12:30, 14:00–17:00</td>",
		"<th scope=\"row\">Sat</th><td>Closed</td>",
		"Natale", `datetime="` + adminNextChristmas() + `"`,
		"Europe/Rome",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("calendar page lacks %q", want)
		}
	}
	_, list := admin.get("/admin/calendars")
	if !strings.Contains(list, `href="/admin/calendars/rome"`) || !strings.Contains(list, `href="/admin/calendars/emea"`) {
		t.Errorf("calendar list lacks the stored or built-in calendars")
	}
	// A built-in calendar shows its week and offers a copy, not an edit.
	code, emea := admin.get("/admin/calendars/emea")
	if code != 200 || !strings.Contains(emea, "08:00–18:00") || !strings.Contains(emea, `action="/admin/calendars"`) {
		t.Errorf("built-in calendar page: %d", code)
	}
	if code, _ := admin.get("/admin/calendars/nowhere"); code != http.StatusNotFound {
		t.Errorf("unknown calendar: %d", code)
	}
}

// adminNextChristmas is the date of the next 25 December within a year.
func adminNextChristmas() string {
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Now().In(rome)
	y := now.Year()
	if now.After(time.Date(y, 12, 25, 0, 0, 0, 0, rome)) {
		y++
	}
	return fmt.Sprintf("%d-12-25", y)
}

func TestAdminCalendar_BadJSONNamesTheField(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin@vendor.example")
	if code, _ := adminPost(admin, "/admin/calendars", url.Values{"id": {"rome"}, "spec": {adminRomeCalendar}}); code != http.StatusSeeOther {
		t.Fatalf("create: %d", code)
	}
	bad := strings.Replace(adminRomeCalendar, `"tue": [["08:00", "17:00"]]`, `"tue": [["08:00"]]`, 1)
	code, page := adminPost(admin, "/admin/calendars/rome", url.Values{"spec": {bad}})
	if code != http.StatusBadRequest || !strings.Contains(page, "<code>week.tue[0]</code>") || !strings.Contains(page, `aria-invalid="true"`) {
		t.Fatalf("bad interval: %d %s", code, page)
	}
	if !strings.Contains(page, `[[&#34;08:00&#34;]]`) {
		t.Errorf("the form lost what was typed")
	}
	tests := []struct{ id, spec, field string }{
		{"lisbon", `{"timezone": "Europe/Lisbon", "week": {"mon": [["09:00", "17:00"]]}, "holiday_countries": ["XX"]}`, "holiday_countries[0]"},
		{"mars", `{"timezone": "Mars/Olympus", "week": {"mon": [["09:00", "17:00"]]}}`, "timezone"},
		{"emea", adminRomeCalendar, "id"},
	}
	for _, tt := range tests {
		code, page := adminPost(admin, "/admin/calendars", url.Values{"id": {tt.id}, "spec": {tt.spec}})
		if code != http.StatusBadRequest && code != http.StatusConflict || !strings.Contains(page, "<code>"+tt.field+"</code>") {
			t.Errorf("%s: %d, want the field %s named", tt.id, code, tt.field)
		}
	}
	if c, _ := e.db.Calendar(context.Background(), "rome", 0); c.Version != 1 {
		t.Errorf("a refused calendar stored version %d", c.Version)
	}
}

// adminOrgID finds the id in the address of an organisation's page.
var adminOrgPath = regexp.MustCompile(`/admin/organisations/(\d+)`)

func TestAdminContracts_CreateUpgradeAndContactLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.loggedIn("admin@vendor.example")
	form := url.Values{"csrf_token": {admin.csrf}, "kind": {"customer"}, "name": {"Hooli <Labs>"}, "region": {"emea"}, "domains": {"hooli.example, hooli.test"}}
	resp, err := admin.c.PostForm(e.http.URL+"/admin/organisations", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m := adminOrgPath.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create organisation: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	orgPage := m[0]
	_, page := admin.get(orgPage)
	if !strings.Contains(page, "Hooli &lt;Labs&gt;") || strings.Contains(page, "Hooli <Labs>") {
		t.Fatalf("organisation name not escaped")
	}
	for i := 1; i <= 5; i++ {
		code, page := adminPost(admin, orgPage+"/users", url.Values{"name": {fmt.Sprintf("Engineer %d", i)},
			"email": {fmt.Sprintf("eng%d@hooli.example", i)}, "role": {"customer_user"}, "locale": {"it"}, "time_zone": {"Europe/Rome"}})
		if code != http.StatusSeeOther || !strings.Contains(page, fmt.Sprintf("eng%d@hooli.example", i)) {
			t.Fatalf("create user %d: %d", i, code)
		}
	}
	code, page := adminPost(admin, orgPage+"/users", url.Values{"name": {"X"}, "email": {"not an address"}, "role": {"customer_user"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "<code>email</code>") {
		t.Errorf("bad user: %d", code)
	}

	code, page = adminPost(admin, orgPage+"/contracts", url.Values{"plan_id": {"ivanti-2018-standard"}, "calendar_id": {"emea"}, "starts_on": {time.Now().Format("2006-01-02")}})
	if code != http.StatusSeeOther || !strings.Contains(page, "0 of 4 used") {
		t.Fatalf("create contract: %d", code)
	}
	orgID := e.orgID("Hooli <Labs>")
	contracts, err := e.db.ListContracts(ctx, casedesk.SystemActor, orgID)
	if err != nil || len(contracts) != 1 {
		t.Fatalf("contracts: %v %d", err, len(contracts))
	}
	c := contracts[0]
	contactsPath := fmt.Sprintf("/admin/contracts/%d/contacts", c.ID)
	for i := 1; i <= 4; i++ {
		uid := e.userID(fmt.Sprintf("eng%d@hooli.example", i))
		if code, _ := adminPost(admin, contactsPath, url.Values{"user_id": {fmt.Sprint(uid)}}); code != http.StatusSeeOther {
			t.Fatalf("add contact %d: %d", i, code)
		}
	}
	code, page = adminPost(admin, contactsPath, url.Values{"user_id": {fmt.Sprint(e.userID("eng5@hooli.example"))}})
	want := "The Ivanti (2018) Standard plan allows 4 technical contacts and every seat is taken: remove one first, or upgrade the plan."
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, want) || !strings.Contains(page, "4 of 4 used") {
		t.Fatalf("fifth contact: %d, want the limit message", code)
	}

	// The upgrade raises the limit; the fifth contact then fits.
	code, page = adminPost(admin, fmt.Sprintf("/admin/contracts/%d", c.ID), url.Values{"plan_id": {"ivanti-2018-premium"},
		"calendar_id": {"emea"}, "ends_on": {c.EndsOn}, "status": {"active"}})
	if code != http.StatusSeeOther || !strings.Contains(page, "4 of 10 used") {
		t.Fatalf("upgrade: %d", code)
	}
	if code, _ := adminPost(admin, contactsPath, url.Values{"user_id": {fmt.Sprint(e.userID("eng5@hooli.example"))}}); code != http.StatusSeeOther {
		t.Fatalf("fifth contact after the upgrade: %d", code)
	}
	uid := e.userID("eng1@hooli.example")
	if code, page := adminPost(admin, fmt.Sprintf("%s/%d/remove", contactsPath, uid), url.Values{}); code != http.StatusSeeOther || !strings.Contains(page, "4 of 10 used") {
		t.Fatalf("remove contact: %d", code)
	}
	if code, page := adminPost(admin, fmt.Sprintf("/admin/users/%d/disabled", uid), url.Values{"disabled": {"true"}}); code != http.StatusSeeOther || !strings.Contains(page, "is disabled") {
		t.Fatalf("disable user: %d", code)
	}
	if u, _ := e.db.FindUser(ctx, casedesk.SystemActor, uid); !u.Disabled {
		t.Error("the user is not disabled")
	}
	got, _ := e.db.FindContract(ctx, casedesk.SystemActor, c.ID)
	if got.PlanID != "ivanti-2018-premium" || len(got.Contacts) != 4 {
		t.Errorf("contract after the changes: %+v", got)
	}
}

func TestAdminProductsAndTokens(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin@vendor.example")
	code, page := adminPost(admin, "/admin/products", url.Values{"name": {"Backup Server"}, "line": {"backup"}})
	if code != http.StatusSeeOther || !strings.Contains(page, "Product Backup Server added.") {
		t.Fatalf("add product: %d", code)
	}
	products, _ := e.db.ListProducts(context.Background())
	var id int64
	for _, p := range products {
		if p.Name == "Backup Server" {
			id = p.ID
		}
	}
	path := fmt.Sprintf("/admin/products/%d/versions", id)
	code, page = adminPost(admin, path, url.Values{"name": {"1.0"}, "released_on": {"2020-01-10"}, "end_of_life": {"2021-01-10"}})
	if code != http.StatusSeeOther || !strings.Contains(page, "past end of life") {
		t.Fatalf("add version: %d", code)
	}
	code, page = adminPost(admin, path, url.Values{"name": {"2.0"}, "released_on": {"2024-01-10"}, "end_of_life": {"2023-01-10"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "<code>end_of_life</code>") || !strings.Contains(page, `value="2.0"`) {
		t.Fatalf("end of life before release: %d", code)
	}

	code, page = adminPost(admin, "/admin/tokens", url.Values{"name": {"nightly export"}, "scopes": {"cases:read", "audit:read"}})
	secret := regexp.MustCompile(`id="token-secret" readonly value="([^"]+)"`).FindStringSubmatch(page)
	if code != http.StatusCreated || secret == nil {
		t.Fatalf("create token: %d", code)
	}
	bearer := &client{e: e, c: http.DefaultClient, bearer: secret[1]}
	if code := bearer.do("GET", "/api/v1/audit?limit=1", nil, nil); code != 200 {
		t.Fatalf("the new token does not work: %d", code)
	}
	_, page = admin.get("/admin/tokens")
	if strings.Contains(page, secret[1]) || !strings.Contains(page, "nightly export") {
		t.Fatalf("the token list shows the secret again, or lacks the token")
	}
	tokens, _ := e.db.ListAPITokens(context.Background(), casedesk.SystemActor)
	var tid int64
	for _, tk := range tokens {
		if tk.Name == "nightly export" {
			tid = tk.ID
		}
	}
	if code, page := adminPost(admin, fmt.Sprintf("/admin/tokens/%d/revoke", tid), url.Values{}); code != http.StatusSeeOther || !strings.Contains(page, "revoked") {
		t.Fatalf("revoke: %d", code)
	}
	if code := bearer.do("GET", "/api/v1/audit?limit=1", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", code)
	}
}

func TestAdminAudit_ListsTheChangesNewestFirst(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin@vendor.example")
	adminPost(admin, "/admin/organisations", url.Values{"kind": {"customer"}, "name": {"Audited Ltd"}})
	adminPost(admin, "/admin/calendars", url.Values{"id": {"rome"}, "spec": {adminRomeCalendar}})
	code, page := admin.get("/admin/audit")
	if code != 200 {
		t.Fatalf("audit: %d", code)
	}
	cal, org := strings.Index(page, "calendar · <strong>edit</strong>"), strings.Index(page, "Audited Ltd")
	if cal < 0 || org < 0 || cal > org || !strings.Contains(page, "admin@vendor.example") {
		t.Fatalf("audit page lacks the changes, newest first (calendar at %d, organisation at %d)", cal, org)
	}
	for i := 0; i < adminAuditPageSize; i++ {
		adminPost(admin, "/admin/products", url.Values{"name": {fmt.Sprintf("Product %d", i)}})
	}
	_, page = admin.get("/admin/audit")
	older := regexp.MustCompile(`href="/admin/audit\?before=(\d+)"`).FindStringSubmatch(page)
	if older == nil {
		t.Fatal("no link to older entries")
	}
	_, page = admin.get("/admin/audit?before=" + older[1])
	if !strings.Contains(page, "Audited Ltd") || !strings.Contains(page, `href="/admin/audit"`) {
		t.Errorf("older page lacks the first changes")
	}
	if code, _ := admin.get("/admin/audit?before=x"); code != http.StatusBadRequest {
		t.Errorf("bad before: %d", code)
	}
}

// adminRawKey finds a message key that rendered as itself.
var adminRawKey = regexp.MustCompile(`admin\.[a-z_]+(?:\.[a-z_:]+)*`)

func TestAdminPages_NoUntranslatedKeyInAnyLanguage(t *testing.T) {
	e := newEnv(t)
	admin := e.loggedIn("admin@vendor.example")
	adminPost(admin, "/admin/calendars", url.Values{"id": {"rome"}, "spec": {adminRomeCalendar}})
	adminPost(admin, "/admin/products", url.Values{"name": {"Backup Server"}})
	globex := e.orgID("Globex Corporation")
	adminPost(admin, fmt.Sprintf("/admin/organisations/%d/contracts", globex), url.Values{"plan_id": {"zmanda-standard"}, "calendar_id": {"americas"}, "starts_on": {"2026-01-01"}})
	paths := []string{"/admin", "/admin/plans", "/admin/plans/zmanda-premium", "/admin/plans/community", "/admin/calendars",
		"/admin/calendars/emea", "/admin/calendars/rome", "/admin/products", "/admin/organisations",
		fmt.Sprintf("/admin/organisations/%d", globex), fmt.Sprintf("/admin/organisations/%d", e.orgID("Acme Software")),
		"/admin/tokens", "/admin/audit", "/admin/nothing"}
	words := map[string]string{"en": "Audit log", "it": "Registro delle modifiche", "fr": "Journal d'audit"}
	for _, lang := range []string{"en", "it", "fr"} {
		admin.get("/admin?lang=" + lang)
		for _, path := range paths {
			code, page := admin.get(path)
			if want := map[bool]int{true: 404, false: 200}[path == "/admin/nothing"]; code != want {
				t.Errorf("%s %s: %d", lang, path, code)
			}
			for _, key := range adminRawKey.FindAllString(page, -1) {
				if key != "admin.css" {
					t.Errorf("%s %s shows the key %q", lang, path, key)
				}
			}
			if !strings.Contains(page, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: not in %s", lang, path, lang)
			}
			if path != "/admin/nothing" && !strings.Contains(page, strings.ReplaceAll(words[lang], "'", "&#39;")) {
				t.Errorf("%s %s lacks %q", lang, path, words[lang])
			}
		}
	}
	// The error pages and form errors are translated too.
	admin.get("/admin?lang=it")
	code, page := adminPost(admin, "/admin/plans/zmanda-premium", url.Values{"technical_contacts": {"-1"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "Scrivi un numero intero, 0 o più.") {
		t.Errorf("Italian form error: %d", code)
	}
	engineer := e.loggedIn("engineer@vendor.example")
	engineer.get("/admin?lang=fr")
	if _, page := engineer.get("/admin"); !strings.Contains(page, "réservée aux administrateurs") {
		t.Errorf("French 403 page")
	}
}

func TestAdminWebhooks_SecretOnceDeliveriesAndDelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.loggedIn("admin@vendor.example")
	code, page := adminPost(admin, "/admin/webhooks", url.Values{"url": {"ftp://hooks.example/x"}, "events": {"*"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "<code>url</code>") || !strings.Contains(page, `value="ftp://hooks.example/x"`) {
		t.Fatalf("bad address: %d", code)
	}
	code, page = adminPost(admin, "/admin/webhooks", url.Values{"url": {"https://hooks.example/casedesk"}, "events": {"case.created, sla.*"}})
	secret := regexp.MustCompile(`id="webhook-secret" readonly value="([^"]+)"`).FindStringSubmatch(page)
	if code != http.StatusCreated || secret == nil || !strings.Contains(page, "<code>sla.*</code>") {
		t.Fatalf("create webhook: %d", code)
	}
	hooks, err := e.db.ListWebhooks(ctx, casedesk.SystemActor)
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhooks: %v %d", err, len(hooks))
	}
	id := hooks[0].ID
	if _, page := admin.get("/admin/webhooks"); strings.Contains(page, secret[1]) || !strings.Contains(page, fmt.Sprintf(`href="/admin/webhooks/%d"`, id)) {
		t.Fatal("the list shows the secret again, or lacks the webhook")
	}

	// A case opens: its event waits as a pending delivery.
	var product casedesk.Product
	e.tokenFor("admin@vendor.example").do("POST", "/api/v1/products", map[string]string{"name": "Vault"}, &product)
	if code := e.tokenFor("contact@globex.example").do("POST", "/api/v1/cases", map[string]any{"product_id": product.ID, "subject": "s", "description": "d", "impact": "low", "urgency": "low"}, nil); code != 201 {
		t.Fatalf("open a case: %d", code)
	}
	if _, err := e.db.FanOutWebhooks(ctx, 100); err != nil {
		t.Fatal(err)
	}
	code, page = admin.get(fmt.Sprintf("/admin/webhooks/%d", id))
	if code != 200 || !strings.Contains(page, "<code>case.created</code>") || !strings.Contains(page, "Pending") {
		t.Fatalf("deliveries page: %d %s", code, page)
	}
	code, page = adminPost(admin, fmt.Sprintf("/admin/webhooks/%d/delete", id), url.Values{})
	if code != http.StatusSeeOther || !strings.Contains(page, "No webhooks.") {
		t.Fatalf("delete: %d", code)
	}
	if _, page := admin.get(fmt.Sprintf("/admin/webhooks/%d", id)); !strings.Contains(page, "was deleted") || !strings.Contains(page, "Failed") {
		t.Errorf("a deleted webhook's log")
	}
	for _, lang := range []string{"it", "fr"} {
		admin.get("/admin?lang=" + lang)
		for _, path := range []string{"/admin/webhooks", fmt.Sprintf("/admin/webhooks/%d", id)} {
			_, page := admin.get(path)
			for _, key := range adminRawKey.FindAllString(page, -1) {
				if key != "admin.css" {
					t.Errorf("%s %s shows the key %q", lang, path, key)
				}
			}
		}
	}
}
