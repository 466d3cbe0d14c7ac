package httpd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/demo"
	"github.com/casedesk/casedesk/store"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a running casedesk over real HTTP on loopback, with the demo world.
type env struct {
	t    *testing.T
	srv  *Server
	http *httptest.Server
	db   *store.DB
	logs *syncBuffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadAccounts(ctx, db, auth.TestPasswordParams); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := &Server{DB: db, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Passwords: auth.TestPasswordParams}
	srv.Init()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &env{t: t, srv: srv, http: hs, db: db, logs: logs}
}

// client is one caller: a cookie jar, and optionally a CSRF or bearer token.
type client struct {
	e      *env
	c      *http.Client
	csrf   string
	bearer string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// request builds a request as the client sends it: body, if not nil, as
// JSON, with the client's CSRF or bearer token.
func (c *client) request(method, path string, body any) *http.Request {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.http.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	return req
}

// do sends a JSON request and decodes a JSON answer into out (if not nil).
func (c *client) do(method, path string, body any, out any) int {
	c.e.t.Helper()
	resp, err := c.c.Do(c.request(method, path, body))
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.e.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// login logs the client in through the API and keeps its CSRF token.
func (c *client) login(email, password string) {
	c.e.t.Helper()
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if code := c.do("POST", "/api/v1/login", map[string]string{"email": email, "password": password}, &out); code != 200 {
		c.e.t.Fatalf("login %s: status %d", email, code)
	}
	c.csrf = out.CSRF
}

// loggedIn returns a browser logged in as email with the demo password.
func (e *env) loggedIn(email string) *client {
	e.t.Helper()
	c := e.client()
	c.login(email, demo.Password)
	return c
}

// get fetches a page and returns its status and body.
func (c *client) get(path string) (int, string) {
	c.e.t.Helper()
	resp, err := c.c.Get(c.e.http.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post submits a form as a browser does, with the session's CSRF token.
func (c *client) post(path string, form url.Values) (int, string, string) {
	c.e.t.Helper()
	form.Set("csrf_token", c.csrf)
	resp, err := c.c.PostForm(c.e.http.URL+path, form)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// tokenFor logs in as email and returns an API token with every scope.
func (e *env) tokenFor(email string) *client {
	e.t.Helper()
	c := e.client()
	c.login(email, demo.Password)
	var out struct {
		Secret string `json:"secret"`
	}
	scopes := []string{"cases:read", "cases:write", "admin:read", "admin:write", "audit:read"}
	if code := c.do("POST", "/api/v1/tokens", map[string]any{"name": "test", "scopes": scopes}, &out); code != 201 {
		e.t.Fatalf("create token for %s: %d", email, code)
	}
	return &client{e: e, c: http.DefaultClient, bearer: out.Secret}
}

type apiError struct {
	Error struct {
		Code, Message, Field string
	} `json:"error"`
}

func (e *env) orgID(name string) int64 {
	orgs, err := e.db.ListOrganisations(context.Background(), casedesk.SystemActor)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Name == name {
			return o.ID
		}
	}
	e.t.Fatalf("no organisation %q", name)
	return 0
}

func (e *env) userID(email string) int64 {
	u, err := e.db.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	var ready map[string]any
	if code := c.do("GET", "/healthz", nil, nil); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	if code := c.do("GET", "/readyz", nil, &ready); code != 200 || ready["status"] != "ready" {
		t.Errorf("readyz: %d %v", code, ready)
	}
	resp, err := http.Get(e.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`casedesk_http_requests_total{method="GET",route="GET /readyz",status="200"} 1`, "casedesk_http_request_duration_seconds_bucket", "go_sql_open_connections"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID")
	}
}

func TestReadyz_NotReadyWhenDatabaseClosed(t *testing.T) {
	e := newEnv(t)
	e.db.Close()
	if code := e.client().do("GET", "/readyz", nil, nil); code != 503 {
		t.Fatalf("readyz with a closed database: %d", code)
	}
}

func TestRegisterVerifyLoginAndUseToken(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	const pw = "correct horse battery"
	var reg struct{ User casedesk.User }
	code := c.do("POST", "/api/v1/register", map[string]string{"email": "new@globex.example", "name": "New", "password": pw, "locale": "it"}, &reg)
	if code != 201 || reg.User.Role != casedesk.RoleCustomerUser {
		t.Fatalf("register: %d %+v", code, reg.User)
	}
	var errBody apiError
	if code := c.do("POST", "/api/v1/login", map[string]string{"email": "new@globex.example", "password": pw}, &errBody); code != 401 || !strings.Contains(errBody.Error.Message, "verify") {
		t.Fatalf("login before verifying: %d %+v", code, errBody)
	}
	msgs, err := e.db.PendingOutbox(context.Background(), 10)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %v", err, msgs)
	}
	var payload struct{ Token string }
	json.Unmarshal(msgs[0].Payload, &payload)
	if code := c.do("POST", "/api/v1/verify", map[string]string{"token": payload.Token}, nil); code != 200 {
		t.Fatalf("verify: %d", code)
	}
	c.login("new@globex.example", pw)
	var tok struct {
		Secret string
		Token  casedesk.APIToken
	}
	if code := c.do("POST", "/api/v1/tokens", map[string]any{"name": "script", "scopes": []string{"cases:read"}}, &tok); code != 201 || !strings.HasPrefix(tok.Secret, "cdk_") {
		t.Fatalf("create token: %d %+v", code, tok)
	}
	api := &client{e: e, c: http.DefaultClient, bearer: tok.Secret}
	var me struct{ User casedesk.User }
	if code := api.do("GET", "/api/v1/me", nil, &me); code != 200 || me.User.Email != "new@globex.example" {
		t.Fatalf("me with token: %d %+v", code, me)
	}
	if code := api.do("PATCH", fmt.Sprintf("/api/v1/organisations/%d", e.orgID("Globex Corporation")), map[string]string{"name": "x"}, nil); code != 403 {
		t.Fatalf("token without admin:write patches: %d", code)
	}
	if code := c.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok.Token.ID), nil, nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code := api.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Fatalf("revoked token: %d", code)
	}

	// Neither the password nor any token secret reaches the logs or the database in clear.
	for _, secret := range []string{pw, tok.Secret, payload.Token} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("a secret appears in the logs")
		}
	}
	u, _ := e.db.UserByEmail(context.Background(), "new@globex.example")
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$") || strings.Contains(u.PasswordHash, pw) {
		t.Errorf("stored password: %q", u.PasswordHash)
	}
}

func TestCrossTenantAccessIsRefused(t *testing.T) {
	e := newEnv(t)
	globex := e.tokenFor("contact@globex.example")
	partner := e.tokenFor("agent@partner.example")
	initech, umbrella := e.orgID("Initech S.p.A."), e.orgID("Umbrella Pty Ltd")
	initechUser := e.userID("contact@initech.example")
	tests := []struct {
		name   string
		c      *client
		method string
		path   string
		body   any
		want   int
	}{
		{"customer reads another customer", globex, "GET", fmt.Sprintf("/api/v1/organisations/%d", initech), nil, 404},
		{"customer renames another customer", globex, "PATCH", fmt.Sprintf("/api/v1/organisations/%d", initech), map[string]string{"name": "pwned"}, 404},
		{"customer lists another customer's users", globex, "GET", fmt.Sprintf("/api/v1/users?org_id=%d", initech), nil, 404},
		{"customer reads another customer's user", globex, "GET", fmt.Sprintf("/api/v1/users/%d", initechUser), nil, 404},
		{"customer changes another customer's user", globex, "PATCH", fmt.Sprintf("/api/v1/users/%d", initechUser), map[string]string{"name": "pwned"}, 404},
		{"customer adds a user to another customer", globex, "POST", "/api/v1/users", map[string]any{"org_id": initech, "email": "x@initech.example", "name": "x", "role": "customer_user"}, 404},
		{"customer creates an organisation", globex, "POST", "/api/v1/organisations", map[string]any{"kind": "customer", "name": "Mine"}, 403},
		{"customer reads the audit log", globex, "GET", "/api/v1/audit", nil, 403},
		{"partner reads a customer it does not serve", partner, "GET", fmt.Sprintf("/api/v1/organisations/%d", umbrella), nil, 404},
		{"partner reads its customer", partner, "GET", fmt.Sprintf("/api/v1/organisations/%d", initech), nil, 200},
		{"partner reads its customer's user", partner, "GET", fmt.Sprintf("/api/v1/users/%d", initechUser), nil, 200},
		{"partner renames its customer", partner, "PATCH", fmt.Sprintf("/api/v1/organisations/%d", initech), map[string]string{"name": "pwned"}, 403},
		{"anonymous reads an organisation", e.client(), "GET", fmt.Sprintf("/api/v1/organisations/%d", initech), nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := tt.c.do(tt.method, tt.path, tt.body, nil); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
		})
	}
	var list struct{ Organisations []casedesk.Organisation }
	globex.do("GET", "/api/v1/organisations", nil, &list)
	if len(list.Organisations) != 1 || list.Organisations[0].Name != "Globex Corporation" {
		t.Fatalf("customer lists %+v", list.Organisations)
	}
	o, _ := e.db.FindOrganisation(context.Background(), casedesk.SystemActor, initech)
	if o.Name != "Initech S.p.A." {
		t.Fatalf("another tenant's organisation was changed to %q", o.Name)
	}
}

func TestAdministratorManagesAndAuditLogShowsIt(t *testing.T) {
	e := newEnv(t)
	admin := e.tokenFor("admin@vendor.example")
	var org casedesk.Organisation
	if code := admin.do("POST", "/api/v1/organisations", map[string]any{"kind": "customer", "name": "Hooli", "region": "americas"}, &org); code != 201 {
		t.Fatalf("create organisation: %d", code)
	}
	var u casedesk.User
	if code := admin.do("POST", "/api/v1/users", map[string]any{"org_id": org.ID, "email": "tc@hooli.example", "name": "TC", "role": "customer_contact"}, &u); code != 201 {
		t.Fatalf("create user: %d", code)
	}
	var audit struct{ Entries []casedesk.AuditEntry }
	if code := admin.do("GET", "/api/v1/audit?limit=10", nil, &audit); code != 200 {
		t.Fatalf("audit: %d", code)
	}
	seen := map[string]bool{}
	for _, en := range audit.Entries {
		if en.ActorEmail == "admin@vendor.example" {
			seen[en.Entity+"/"+en.Action] = true
		}
	}
	if !seen["organisation/create"] || !seen["user/create"] {
		t.Fatalf("audit entries: %+v", audit.Entries)
	}
}

func TestErrorsHaveOneShapeAndNameTheField(t *testing.T) {
	e := newEnv(t)
	admin := e.tokenFor("admin@vendor.example")
	tests := []struct {
		body       any
		code       int
		errCode    string
		field      string
		rawContent string
	}{
		{map[string]any{"kind": "customer", "name": ""}, 400, "invalid", "name", ""},
		{map[string]any{"kind": "customer", "name": "X", "colour": "red"}, 400, "invalid", "colour", ""},
		{map[string]any{"kind": "customer", "name": 42}, 400, "invalid", "name", ""},
		{nil, 400, "invalid", "", "{not json"},
	}
	for _, tt := range tests {
		var out apiError
		var code int
		if tt.rawContent != "" {
			req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/organisations", strings.NewReader(tt.rawContent))
			req.Header.Set("Authorization", "Bearer "+admin.bearer)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			code = resp.StatusCode
		} else {
			code = admin.do("POST", "/api/v1/organisations", tt.body, &out)
		}
		if code != tt.code || out.Error.Code != tt.errCode || out.Error.Field != tt.field || out.Error.Message == "" {
			t.Errorf("%v: %d %+v", tt.body, code, out)
		}
	}
	var out apiError
	if code := admin.do("GET", "/api/v1/nothing", nil, &out); code != 404 || out.Error.Code != "not_found" {
		t.Errorf("unknown endpoint: %d %+v", code, out)
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func TestLoginForm_CSRFAndRateLimit(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	post := func(form url.Values) (int, string) {
		resp, err := c.c.PostForm(e.http.URL+"/login", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post(url.Values{"email": {"admin@vendor.example"}, "password": {demo.Password}}); code != 403 {
		t.Fatalf("login form without CSRF token: %d", code)
	}
	resp, err := c.c.Get(e.http.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindStringSubmatch(string(page))
	if m == nil {
		t.Fatalf("no CSRF field in the login page")
	}
	token := m[1]
	for i := 0; i < 5; i++ {
		if code, body := post(url.Values{"csrf_token": {token}, "email": {"admin@vendor.example"}, "password": {"wrong password"}}); code != 401 || !strings.Contains(body, "Wrong e-mail address or password") {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code, _ := post(url.Values{"csrf_token": {token}, "email": {"admin@vendor.example"}, "password": {demo.Password}}); code != 429 {
		t.Fatalf("sixth attempt, right password, during lockout: %d", code)
	}
}

func TestLoginForm_InItalianLogsInAndSendsCustomersToThePortal(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	req, _ := http.NewRequest("GET", e.http.URL+"/login", nil)
	req.Header.Set("Accept-Language", "it-IT,it;q=0.9")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Accedi") || !strings.Contains(string(page), `lang="it"`) {
		t.Fatalf("login page in Italian: %s", page)
	}
	token := csrfField.FindStringSubmatch(string(page))[1]
	resp, err = c.c.PostForm(e.http.URL+"/login", url.Values{"csrf_token": {token}, "email": {"contact@globex.example"}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = c.c.Get(e.http.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/portal" {
		t.Fatalf("home for a customer: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A session-authenticated API write without the CSRF header is refused.
	if code := c.do("POST", "/api/v1/tokens", map[string]any{"name": "x", "scopes": []string{"cases:read"}}, nil); code != 403 {
		t.Fatalf("API write with session cookie and no CSRF header: %d", code)
	}
}

func TestPages_EscapeUserInput(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	resp, err := c.c.Get(e.http.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := csrfField.FindStringSubmatch(string(page))[1]
	resp, err = c.c.PostForm(e.http.URL+"/login", url.Values{"csrf_token": {token}, "email": {`"><script>alert(1)</script>`}, "password": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<script>alert(1)") || !strings.Contains(string(body), "&lt;script&gt;") {
		t.Fatalf("user input not escaped: %s", body)
	}
}
