package httpd

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/casedesk/casedesk/store"
)

// TestEndToEnd_RegistrationToBreachNotification walks the whole path over
// HTTP: a customer registers and verifies, an administrator gives the
// organisation a contract and names the user a technical contact, the user
// opens a case, an engineer takes it, time passes, and the breach reaches the
// engineer as a notification.
func TestEndToEnd_RegistrationToBreachNotification(t *testing.T) {
	e := newEnv(t)
	admin := e.tokenFor("admin@vendor.example")
	globex := e.orgID("Globex Corporation")

	// Registration and verification.
	c := e.client()
	const pw = "a long enough password"
	var reg struct{ User casedesk.User }
	if code := c.do("POST", "/api/v1/register", map[string]string{"email": "ops@globex.example", "name": "Ops", "password": pw}, &reg); code != 201 {
		t.Fatalf("register: %d", code)
	}
	msgs, _ := e.db.PendingOutbox(context.Background(), 10)
	var payload struct{ Token string }
	json.Unmarshal(msgs[len(msgs)-1].Payload, &payload)
	if code := c.do("POST", "/api/v1/verify", map[string]string{"token": payload.Token}, nil); code != 200 {
		t.Fatalf("verify: %d", code)
	}

	// The administrator sets up a product with an end-of-life version and a contract.
	var product casedesk.Product
	if code := admin.do("POST", "/api/v1/products", map[string]string{"name": "Vault", "line": "backup"}, &product); code != 201 {
		t.Fatalf("product: %d", code)
	}
	if code := admin.do("POST", fmt.Sprintf("/api/v1/products/%d/versions", product.ID), map[string]string{"name": "1.0", "end_of_life": "2020-01-01"}, nil); code != 201 {
		t.Fatalf("version: %d", code)
	}
	var versions struct {
		Versions []struct {
			ID        int64
			Supported bool
		}
	}
	if code := e.client().do("GET", fmt.Sprintf("/api/v1/products/%d/versions", product.ID), nil, &versions); code != 200 || len(versions.Versions) != 1 || versions.Versions[0].Supported {
		t.Fatalf("public end-of-life list: %d %+v", code, versions)
	}
	var contract casedesk.Contract
	start := time.Now().AddDate(0, -1, 0).Format("2006-01-02")
	if code := admin.do("POST", fmt.Sprintf("/api/v1/organisations/%d/contracts", globex), map[string]any{"plan_id": "zmanda-premium", "calendar_id": "americas", "starts_on": start}, &contract); code != 201 {
		t.Fatalf("contract: %d", code)
	}
	if code := admin.do("POST", fmt.Sprintf("/api/v1/contracts/%d/contacts", contract.ID), map[string]any{"user_id": reg.User.ID}, nil); code != 200 {
		t.Fatalf("add contact: %d", code)
	}

	// The new technical contact opens a case, twice with the same key.
	c.login("ops@globex.example", pw)
	var tok struct{ Secret string }
	c.do("POST", "/api/v1/tokens", map[string]any{"name": "cli", "scopes": []string{"cases:read", "cases:write"}}, &tok)
	customer := &client{e: e, c: http.DefaultClient, bearer: tok.Secret}
	body := map[string]any{"product_id": product.ID, "subject": "Restore fails", "description": "Restores stop at 40%", "impact": "high", "urgency": "high",
		"details": map[string]string{"steps_to_reproduce": "restore job 7"}}
	var opened, again casedesk.Case
	req := func(out *casedesk.Case) (int, http.Header) {
		b, _ := json.Marshal(body)
		r, _ := http.NewRequest("POST", e.http.URL+"/api/v1/cases", bytes.NewReader(b))
		r.Header.Set("Authorization", "Bearer "+tok.Secret)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Idempotency-Key", "open-restore-1")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		json.NewDecoder(resp.Body).Decode(out)
		return resp.StatusCode, resp.Header
	}
	if code, h := req(&opened); code != 201 || h.Get("ETag") == "" {
		t.Fatalf("open case: %d", code)
	}
	if code, h := req(&again); code != 201 || again.ID != opened.ID || h.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retried open made case %d (first %d), status %d", again.ID, opened.ID, code)
	}
	if opened.Priority != "P1" || !opened.Commitment || opened.DueAt == nil {
		t.Fatalf("opened: %+v", opened)
	}

	// An engineer takes it; a stale If-Match is refused.
	engineer := e.tokenFor("engineer@vendor.example")
	engID := e.userID("engineer@vendor.example")
	patch := func(cl *client, etag string, body any) int {
		b, _ := json.Marshal(body)
		r, _ := http.NewRequest("PATCH", fmt.Sprintf("%s/api/v1/cases/%d", e.http.URL, opened.ID), bytes.NewReader(b))
		r.Header.Set("Authorization", "Bearer "+cl.bearer)
		r.Header.Set("Content-Type", "application/json")
		if etag != "" {
			r.Header.Set("If-Match", etag)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := patch(engineer, fmt.Sprintf(`"%d.%d"`, opened.ID, opened.Rev), map[string]any{"assignee_id": engID}); code != 200 {
		t.Fatalf("assign: %d", code)
	}
	if code := patch(engineer, fmt.Sprintf(`"%d.%d"`, opened.ID, opened.Rev), map[string]any{"status": "open"}); code != 412 {
		t.Fatalf("stale If-Match: %d", code)
	}
	if code := patch(customer, "", map[string]any{"assignee_id": engID}); code != 403 {
		t.Fatalf("customer assigns: %d", code)
	}

	// Time passes beyond the 15-minute P1 target; the scheduler sweeps.
	later := time.Now().Add(2 * time.Hour)
	e.db.Now = func() time.Time { return later }
	if _, err := e.db.SweepSLA(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	var notes struct {
		Notifications []store.Notification
	}
	if code := engineer.do("GET", "/api/v1/notifications", nil, &notes); code != 200 {
		t.Fatalf("notifications: %d", code)
	}
	breaches := 0
	for _, n := range notes.Notifications {
		if n.Kind == "sla.breached" && n.CaseID != nil && *n.CaseID == opened.ID {
			breaches++
		}
	}
	if breaches == 0 {
		t.Fatalf("no breach notification: %+v", notes.Notifications)
	}
	var why struct {
		SLA struct {
			Clocks []json.RawMessage
		}
	}
	if code := customer.do("GET", fmt.Sprintf("/api/v1/cases/%d/sla", opened.ID), nil, &why); code != 200 {
		t.Fatalf("sla explanation: %d", code)
	}
	var queue store.CasePage
	if code := engineer.do("GET", "/api/v1/cases?open=true&breached=true", nil, &queue); code != 200 || len(queue.Cases) != 1 {
		t.Fatalf("breached queue: %d %d", code, len(queue.Cases))
	}
	// Another customer cannot see the case at all.
	initech := e.tokenFor("contact@initech.example")
	if code := initech.do("GET", fmt.Sprintf("/api/v1/cases/%d", opened.ID), nil, nil); code != 404 {
		t.Fatalf("cross-tenant case read: %d", code)
	}
	if code := initech.do("POST", fmt.Sprintf("/api/v1/cases/%d/replies", opened.ID), map[string]string{"body": "hi"}, nil); code != 404 {
		t.Fatalf("cross-tenant reply: %d", code)
	}
}

func TestAttachments_AreAlwaysDownloads(t *testing.T) {
	e := newEnv(t)
	admin := e.tokenFor("admin@vendor.example")
	var product casedesk.Product
	admin.do("POST", "/api/v1/products", map[string]string{"name": "Vault"}, &product)
	customer := e.tokenFor("contact@globex.example")
	var c casedesk.Case
	if code := customer.do("POST", "/api/v1/cases", map[string]any{"product_id": product.ID, "subject": "s", "description": "d", "impact": "low", "urgency": "low"}, &c); code != 201 {
		t.Fatalf("open: %d", code)
	}
	if c.Commitment || !strings.Contains(strings.Join(c.Flags, ","), "no_contract") || len(c.Reasons) == 0 {
		t.Fatalf("case without contract: %+v", c)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "../../evil.html")
	fw.Write([]byte("<html><script>alert(1)</script></html>"))
	mw.Close()
	r, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/attachments", e.http.URL, c.ID), &buf)
	r.Header.Set("Authorization", "Bearer "+customer.bearer)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	var att store.Attachment
	json.NewDecoder(resp.Body).Decode(&att)
	resp.Body.Close()
	if resp.StatusCode != 201 || att.Filename != "evil.html" || !strings.HasPrefix(att.ContentType, "text/html") {
		t.Fatalf("upload: %d %+v", resp.StatusCode, att)
	}
	r, _ = http.NewRequest("GET", fmt.Sprintf("%s/api/v1/cases/%d/attachments/%d", e.http.URL, c.ID, att.ID), nil)
	r.Header.Set("Authorization", "Bearer "+customer.bearer)
	resp, err = http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || len(data) != int(att.Size) {
		t.Fatalf("download headers: %v", resp.Header)
	}
}

func TestListCases_LinkHeaderNamesTheNextPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	product := &casedesk.Product{Name: "Vault", Line: "backup"}
	if err := e.db.CreateProduct(ctx, casedesk.SystemActor, product); err != nil {
		t.Fatal(err)
	}
	contact, err := e.db.UserByEmail(ctx, "contact@umbrella.example")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		in := casedesk.Case{ContactID: contact.ID, ProductID: product.ID, Subject: fmt.Sprintf("Case %d", i), Desc: "By phone", Impact: "low", Urgency: "low"}
		if _, err := e.db.OpenCase(ctx, casedesk.SystemActor, store.NewCase{Case: in}); err != nil {
			t.Fatal(err)
		}
	}
	engineer := e.tokenFor("engineer@vendor.example")
	link := regexp.MustCompile(`^<(/api/v1/cases\?[^>]+)>; rel="next"$`)
	seen := map[int64]bool{}
	path := "/api/v1/cases?open=true&limit=2"
	for pages := 1; path != ""; pages++ {
		resp, err := http.DefaultClient.Do(engineer.request("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Cases []casedesk.Case
			Next  string `json:"next_cursor"`
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		for _, c := range page.Cases {
			if seen[c.ID] {
				t.Fatalf("page %d: case %d again", pages, c.ID)
			}
			seen[c.ID] = true
		}
		header := resp.Header.Get("Link")
		if page.Next == "" {
			if header != "" {
				t.Fatalf("last page %d has a Link header %q", pages, header)
			}
			break
		}
		m := link.FindStringSubmatch(header)
		if m == nil {
			t.Fatalf("page %d: Link header %q, want the next page", pages, header)
		}
		next, _ := url.Parse(m[1])
		if q := next.Query(); q.Get("cursor") != page.Next || q.Get("open") != "true" || q.Get("limit") != "2" {
			t.Fatalf("page %d: Link %q does not keep the filters with next_cursor %q", pages, m[1], page.Next)
		}
		path = m[1]
	}
	if len(seen) != 5 {
		t.Fatalf("the Link headers led to %d cases, want 5", len(seen))
	}
}
