package httpd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
)

func TestWebhooks_AdministratorCreatesSecretShownOnce(t *testing.T) {
	e := newEnv(t)
	admin := e.tokenFor("admin@vendor.example")
	var created struct {
		Webhook casedesk.Webhook `json:"webhook"`
		Secret  string           `json:"secret"`
	}
	body := map[string]any{"url": "https://hooks.example/casedesk", "events": []string{"case.created", "sla.*"}}
	if code := admin.do("POST", "/api/v1/webhooks", body, &created); code != 201 {
		t.Fatalf("create webhook: %d", code)
	}
	if created.Webhook.ID == 0 || !created.Webhook.Active || len(created.Secret) < 40 {
		t.Fatalf("created %+v", created)
	}
	var list json.RawMessage
	if code := admin.do("GET", "/api/v1/webhooks", nil, &list); code != 200 {
		t.Fatalf("list webhooks: %d", code)
	}
	var log json.RawMessage
	deliveries := fmt.Sprintf("/api/v1/webhooks/%d/deliveries", created.Webhook.ID)
	if code := admin.do("GET", deliveries+"?limit=10", nil, &log); code != 200 {
		t.Fatalf("delivery log: %d", code)
	}
	var audit json.RawMessage
	admin.do("GET", "/api/v1/audit?entity=webhook", nil, &audit)
	if !strings.Contains(string(list), "https://hooks.example/casedesk") {
		t.Fatalf("the list does not show the webhook: %s", list)
	}
	for name, raw := range map[string]json.RawMessage{"list": list, "delivery log": log, "audit log": audit} {
		if strings.Contains(string(raw), created.Secret) {
			t.Fatalf("the %s shows the secret again: %s", name, raw)
		}
	}

	var bad apiError
	if code := admin.do("POST", "/api/v1/webhooks", map[string]any{"url": "ftp://hooks.example", "events": []string{"*"}}, &bad); code != 400 || bad.Error.Field != "url" {
		t.Fatalf("ftp URL: %d %+v", code, bad)
	}
	if code := admin.do("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", created.Webhook.ID), nil, nil); code != 204 {
		t.Fatalf("delete webhook: %d", code)
	}
	if code := admin.do("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", created.Webhook.ID), nil, nil); code != 404 {
		t.Fatalf("delete it again: %d", code)
	}
	if code := admin.do("GET", deliveries, nil, nil); code != 200 {
		t.Fatalf("delivery log of a deleted webhook: %d", code)
	}
}

func TestWebhooks_OnlyAdministratorsManageThem(t *testing.T) {
	e := newEnv(t)
	admin := e.tokenFor("admin@vendor.example")
	var created struct {
		Webhook casedesk.Webhook `json:"webhook"`
	}
	if code := admin.do("POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example/in", "events": []string{"*"}}, &created); code != 201 {
		t.Fatalf("create webhook: %d", code)
	}
	one := fmt.Sprintf("/api/v1/webhooks/%d", created.Webhook.ID)
	create := map[string]any{"url": "https://attacker.example/in", "events": []string{"*"}}
	for _, who := range []string{"engineer@vendor.example", "manager@vendor.example", "agent@partner.example", "contact@globex.example"} {
		c := e.tokenFor(who)
		for _, tt := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/webhooks", nil},
			{"POST", "/api/v1/webhooks", create},
			{"DELETE", one, nil},
			{"GET", one + "/deliveries", nil},
		} {
			if code := c.do(tt.method, tt.path, tt.body, nil); code != 403 {
				t.Errorf("%s: %s %s = %d, want 403", who, tt.method, tt.path, code)
			}
		}
	}
	if code := e.client().do("GET", "/api/v1/webhooks", nil, nil); code != 401 {
		t.Fatalf("anonymous list: %d", code)
	}
	list, err := e.db.ListWebhooks(t.Context(), casedesk.SystemActor)
	if err != nil || len(list) != 1 {
		t.Fatalf("webhooks after refusals: %v %+v", err, list)
	}
}
