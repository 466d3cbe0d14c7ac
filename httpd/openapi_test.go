package httpd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk/demo"
)

// openAPIDoc is the embedded document, parsed.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

func TestOpenAPI_IsVersion31(t *testing.T) {
	doc := openAPIDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "casedesk" || info["version"] == "" {
		t.Errorf("info = %v", info)
	}
}

// routeLine matches a route registered in routes.go under /api/v1.
var routeLine = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+) (/api/v1/[^"]*)"`)

// normalizePattern writes a ServeMux pattern as an OpenAPI path: {name...}
// becomes {name} and the end anchor {$} goes.
func normalizePattern(p string) string {
	p = strings.ReplaceAll(p, "{$}", "")
	return regexp.MustCompile(`\{(\w+)\.\.\.\}`).ReplaceAllString(p, "{$1}")
}

var operationMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

func TestOpenAPI_DescribesEveryRouteAndNoOther(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, m := range routeLine.FindAllStringSubmatch(string(src), -1) {
		registered[m[1]+" "+normalizePattern(m[2])] = true
	}
	if len(registered) < 10 {
		t.Fatalf("found only %d /api/v1 routes in routes.go: has its form changed?", len(registered))
	}
	documented := map[string]bool{}
	paths, _ := openAPIDoc(t)["paths"].(map[string]any)
	for path, item := range paths {
		for method := range item.(map[string]any) {
			if slices.Contains(operationMethods, method) {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	var undocumented, unserved []string
	for r := range registered {
		if !documented[r] {
			undocumented = append(undocumented, r)
		}
	}
	for d := range documented {
		if !registered[d] {
			unserved = append(unserved, d)
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unserved)
	if len(undocumented) > 0 {
		t.Errorf("routes missing from openapi.json:\n\t%s", strings.Join(undocumented, "\n\t"))
	}
	if len(unserved) > 0 {
		t.Errorf("openapi.json describes routes the server does not register:\n\t%s", strings.Join(unserved, "\n\t"))
	}
}

func TestOpenAPI_ServedWithoutLogin(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.http.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !bytes.Equal(body, openAPI) {
		t.Errorf("the served document is not the embedded one")
	}
}

// lookup resolves a local JSON pointer such as #/components/schemas/Case.
func lookup(doc map[string]any, ref string) (any, bool) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func TestOpenAPI_EveryRefResolves(t *testing.T) {
	doc := openAPIDoc(t)
	refs := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if !strings.HasPrefix(ref, "#/components/") {
					t.Errorf("%s: $ref %q is not a component", at, ref)
				} else if _, ok := lookup(doc, ref); !ok {
					t.Errorf("%s: $ref %q is not defined", at, ref)
				}
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(at+"/"+strconv.Itoa(i), x)
			}
		}
	}
	walk("#", doc)
	if refs == 0 {
		t.Error("no $ref at all")
	}
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// TestOpenAPI_PathParametersDeclared checks that each {name} in a path is a
// declared path parameter of every operation on it, under the same name.
func TestOpenAPI_PathParametersDeclared(t *testing.T) {
	doc := openAPIDoc(t)
	paths, _ := doc["paths"].(map[string]any)
	declared := func(params any, into map[string]bool) {
		list, _ := params.([]any)
		for _, p := range list {
			pm, _ := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				r, _ := lookup(doc, ref)
				pm, _ = r.(map[string]any)
			}
			if pm["in"] == "path" {
				into[pm["name"].(string)] = true
			}
		}
	}
	for path, item := range paths {
		im := item.(map[string]any)
		for method, op := range im {
			if !slices.Contains(operationMethods, method) {
				continue
			}
			have := map[string]bool{}
			declared(im["parameters"], have)
			declared(op.(map[string]any)["parameters"], have)
			want := map[string]bool{}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				want[m[1]] = true
			}
			if !reflect.DeepEqual(have, want) {
				t.Errorf("%s %s: path parameters %v, want %v", strings.ToUpper(method), path, have, want)
			}
		}
	}
}

// conform reports how value departs from schema: a missing required
// property, a property the schema does not declare (where it allows no
// others), a wrong JSON type, or a value outside an enum.
func conform(doc map[string]any, schema map[string]any, value any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		r, found := lookup(doc, ref)
		if !found {
			return []string{at + ": unresolved " + ref}
		}
		return conform(doc, r.(map[string]any), value, at)
	}
	var problems []string
	if all, ok := schema["allOf"].([]any); ok {
		for _, s := range all {
			problems = append(problems, conform(doc, s.(map[string]any), value, at)...)
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts, ok := schema[key].([]any); ok {
			matched := false
			for _, s := range alts {
				if len(conform(doc, s.(map[string]any), value, at)) == 0 {
					matched = true
				}
			}
			if !matched {
				problems = append(problems, fmt.Sprintf("%s: matches none of %s", at, key))
			}
		}
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(typ string) bool { return hasJSONType(value, typ) }) {
			return append(problems, fmt.Sprintf("%s: %v is not of type %v", at, value, types))
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(enum, func(x any) bool { return reflect.DeepEqual(x, value) }) {
		problems = append(problems, fmt.Sprintf("%s: %v is not one of %v", at, value, enum))
	}
	switch v := value.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		if req, ok := schema["required"].([]any); ok {
			for _, name := range req {
				if _, ok := v[name.(string)]; !ok {
					problems = append(problems, fmt.Sprintf("%s: required property %q is missing", at, name))
				}
			}
		}
		for name, x := range v {
			if ps, ok := props[name].(map[string]any); ok {
				problems = append(problems, conform(doc, ps, x, at+"."+name)...)
				continue
			}
			switch extra := schema["additionalProperties"].(type) {
			case bool:
				if !extra {
					problems = append(problems, fmt.Sprintf("%s: property %q is not in the schema", at, name))
				}
			case map[string]any:
				problems = append(problems, conform(doc, extra, x, at+"."+name)...)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range v {
				problems = append(problems, conform(doc, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return problems
}

// hasJSONType reports whether v, as encoding/json decodes into any, is of
// the JSON Schema type typ.
func hasJSONType(v any, typ string) bool {
	switch v := v.(type) {
	case nil:
		return typ == "null"
	case bool:
		return typ == "boolean"
	case string:
		return typ == "string"
	case float64:
		return typ == "number" || typ == "integer" && v == math.Trunc(v)
	case []any:
		return typ == "array"
	case map[string]any:
		return typ == "object"
	}
	return false
}

// specCheck sends real requests and checks each answer against what the
// document says of its route and status.
type specCheck struct {
	t       *testing.T
	e       *env
	doc     map[string]any
	checked int
}

// call sends method url as c, with an optional JSON body and headers, and
// checks the answer against route's documented response for the status
// it got, which must be want. It returns the decoded body.
func (s *specCheck) call(c *client, method, route, url string, body any, header map[string]string, want int) map[string]any {
	s.t.Helper()
	req := c.request(method, url, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, url, resp.StatusCode, want, data)
	}
	var got any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &got); err != nil {
			s.t.Fatalf("%s %s: not JSON: %v", method, url, err)
		}
	}
	r, ok := lookup(s.doc, "#/paths/"+strings.ReplaceAll(route, "/", "~1")+"/"+strings.ToLower(method)+"/responses/"+strconv.Itoa(want))
	if !ok {
		s.t.Errorf("%s %s: status %d is not documented", method, route, want)
		return nil
	}
	rm := r.(map[string]any)
	if ref, ok := rm["$ref"].(string); ok {
		r, _ = lookup(s.doc, ref)
		rm = r.(map[string]any)
	}
	if etag := resp.Header.Get("ETag"); etag != "" {
		if h, _ := rm["headers"].(map[string]any); h["ETag"] == nil {
			s.t.Errorf("%s %s: answers an ETag the document does not mention", method, route)
		}
	}
	schema, ok := lookup(rm, "#/content/application~1json/schema")
	if !ok {
		if len(data) > 0 {
			s.t.Errorf("%s %s: %d has a body but no documented JSON schema", method, route, want)
		}
		return nil
	}
	for _, p := range conform(s.doc, schema.(map[string]any), got, method+" "+route) {
		s.t.Error(p)
	}
	s.checked++
	m, _ := got.(map[string]any)
	return m
}

// idOf reads a numeric ID from a decoded body by a dotted path.
func idOf(t *testing.T, body map[string]any, path string) int64 {
	t.Helper()
	var cur any = body
	for _, k := range strings.Split(path, ".") {
		m, _ := cur.(map[string]any)
		cur = m[k]
	}
	f, ok := cur.(float64)
	if !ok {
		t.Fatalf("no number at %s in %v", path, body)
	}
	return int64(f)
}

func TestOpenAPI_RealResponsesMatchSchemas(t *testing.T) {
	e := newEnv(t)
	s := &specCheck{t: t, e: e, doc: openAPIDoc(t)}
	admin := e.tokenFor("admin@vendor.example")
	engineer := e.tokenFor("engineer@vendor.example")
	customer := e.tokenFor("contact@globex.example")
	session := e.client()
	session.login("user@globex.example", demo.Password)
	anonymous := e.client()
	globex := e.orgID("Globex Corporation")

	// The caller, organisations, users, tokens, audit.
	s.call(admin, "GET", "/api/v1/me", "/api/v1/me", nil, nil, 200)
	s.call(session, "GET", "/api/v1/me", "/api/v1/me", nil, nil, 200)
	s.call(anonymous, "GET", "/api/v1/me", "/api/v1/me", nil, nil, 401)
	s.call(admin, "GET", "/api/v1/organisations", "/api/v1/organisations", nil, nil, 200)
	s.call(admin, "GET", "/api/v1/organisations/{id}", fmt.Sprintf("/api/v1/organisations/%d", globex), nil, nil, 200)
	s.call(admin, "POST", "/api/v1/organisations", "/api/v1/organisations", map[string]any{"kind": "customer", "name": "Hooli", "region": "emea", "domains": []string{"hooli.example"}}, nil, 201)
	s.call(admin, "POST", "/api/v1/organisations", "/api/v1/organisations", map[string]any{"kind": "customer", "name": ""}, nil, 400)
	s.call(customer, "POST", "/api/v1/organisations", "/api/v1/organisations", map[string]any{"kind": "customer", "name": "Mine"}, nil, 403)
	s.call(admin, "GET", "/api/v1/users", fmt.Sprintf("/api/v1/users?org_id=%d", globex), nil, nil, 200)
	s.call(admin, "GET", "/api/v1/users/{id}", fmt.Sprintf("/api/v1/users/%d", e.userID("contact@globex.example")), nil, nil, 200)
	s.call(admin, "GET", "/api/v1/tokens", "/api/v1/tokens", nil, nil, 200)
	s.call(session, "POST", "/api/v1/tokens", "/api/v1/tokens", map[string]any{"name": "cli", "scopes": []string{"cases:read"}}, nil, 201)

	// The catalog.
	product := s.call(admin, "POST", "/api/v1/products", "/api/v1/products", map[string]any{"name": "Vault", "line": "backup"}, nil, 201)
	productID := idOf(t, product, "id")
	s.call(admin, "POST", "/api/v1/products/{id}/versions", fmt.Sprintf("/api/v1/products/%d/versions", productID), map[string]any{"name": "1.0", "released_on": "2019-01-01", "end_of_life": "2020-01-01"}, nil, 201)
	s.call(anonymous, "GET", "/api/v1/products", "/api/v1/products", nil, nil, 200)
	s.call(anonymous, "GET", "/api/v1/products/{id}/versions", fmt.Sprintf("/api/v1/products/%d/versions", productID), nil, nil, 200)
	s.call(admin, "GET", "/api/v1/plans", "/api/v1/plans", nil, nil, 200)
	s.call(admin, "GET", "/api/v1/plans/{id}", "/api/v1/plans/zmanda-premium", nil, nil, 200)
	s.call(admin, "GET", "/api/v1/calendars/{id}", "/api/v1/calendars/emea", nil, nil, 200)

	// A contract with the customer as its technical contact.
	start := time.Now().AddDate(0, -1, 0).Format("2006-01-02")
	contract := s.call(admin, "POST", "/api/v1/organisations/{id}/contracts", fmt.Sprintf("/api/v1/organisations/%d/contracts", globex),
		map[string]any{"plan_id": "zmanda-premium", "calendar_id": "americas", "starts_on": start}, map[string]string{"Idempotency-Key": "contract-1"}, 201)
	contractID := idOf(t, contract, "id")
	s.call(admin, "POST", "/api/v1/contracts/{id}/contacts", fmt.Sprintf("/api/v1/contracts/%d/contacts", contractID), map[string]any{"user_id": e.userID("contact@globex.example")}, nil, 200)
	s.call(admin, "GET", "/api/v1/contracts/{id}", fmt.Sprintf("/api/v1/contracts/%d", contractID), nil, nil, 200)
	s.call(admin, "GET", "/api/v1/organisations/{id}/contracts", fmt.Sprintf("/api/v1/organisations/%d/contracts", globex), nil, nil, 200)

	// A case through its life.
	opened := s.call(customer, "POST", "/api/v1/cases", "/api/v1/cases", map[string]any{"product_id": productID, "subject": "Restore fails", "description": "Restores stop at 40%",
		"impact": "high", "urgency": "high", "details": map[string]string{"steps_to_reproduce": "restore job 7"}}, map[string]string{"Idempotency-Key": "case-1"}, 201)
	caseID := idOf(t, opened, "id")
	caseURL := fmt.Sprintf("/api/v1/cases/%d", caseID)
	s.call(customer, "GET", "/api/v1/cases/{id}", caseURL, nil, nil, 200)
	s.call(customer, "GET", "/api/v1/cases/{id}", fmt.Sprintf("/api/v1/cases/%d", caseID+1000), nil, nil, 404)
	s.call(engineer, "PATCH", "/api/v1/cases/{id}", caseURL, map[string]any{"assignee_id": e.userID("engineer@vendor.example")}, nil, 200)
	s.call(engineer, "PATCH", "/api/v1/cases/{id}", caseURL, map[string]any{"status": "open"}, map[string]string{"If-Match": fmt.Sprintf(`"%d.1"`, caseID)}, 412)
	s.call(engineer, "POST", "/api/v1/cases/{id}/replies", caseURL+"/replies", map[string]any{"body": "Which storage target?"}, nil, 201)
	s.call(customer, "GET", "/api/v1/cases/{id}/events", caseURL+"/events", nil, nil, 200)
	s.call(customer, "GET", "/api/v1/cases/{id}/sla", caseURL+"/sla", nil, nil, 200)
	s.call(engineer, "GET", "/api/v1/cases", "/api/v1/cases?open=true&limit=10", nil, nil, 200)
	s.call(engineer, "GET", "/api/v1/cases/counts", "/api/v1/cases/counts", nil, nil, 200)
	s.call(engineer, "GET", "/api/v1/notifications", "/api/v1/notifications", nil, nil, 200)
	s.call(admin, "GET", "/api/v1/audit", "/api/v1/audit?limit=20", nil, nil, 200)

	// Webhooks.
	hook := s.call(admin, "POST", "/api/v1/webhooks", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example/casedesk", "events": []string{"case.*"}}, nil, 201)
	s.call(admin, "GET", "/api/v1/webhooks", "/api/v1/webhooks", nil, nil, 200)
	s.call(admin, "GET", "/api/v1/webhooks/{id}/deliveries", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", idOf(t, hook, "webhook.id")), nil, nil, 200)

	if s.checked < 30 {
		t.Errorf("checked only %d answers", s.checked)
	}
}
