package browsertest

import (
	"fmt"
	"strings"
	"testing"
)

// postFrom posts a form from the page with fetch, the page's cookies
// included, and returns the status; token is sent as csrf_token unless empty.
func postFrom(b *tab, path string, fields map[string]string, token string) int {
	b.t.Helper()
	if token != "" {
		fields["csrf_token"] = token
	}
	js := fmt.Sprintf(`fetch(%q, {method: 'POST', credentials: 'same-origin', redirect: 'manual',
		body: new URLSearchParams(%s)}).then(r => r.status)`, path, jsObject(fields))
	return eval[int](b, js)
}

// jsObject writes fields as a JavaScript object literal.
func jsObject(fields map[string]string) string {
	var parts []string
	for k, v := range fields {
		parts = append(parts, fmt.Sprintf("%q: %q", k, v))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func TestCSRF_PostWithoutTokenIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.tab()
	b.openOK("/login")
	token := eval[string](b, `document.querySelector('input[name=csrf_token]').value`)
	if token == "" {
		t.Fatal("the login form carries no csrf_token")
	}

	if got := postFrom(b, "/login", map[string]string{"email": "x", "password": "y"}, ""); got != 403 {
		t.Errorf("POST /login without the CSRF token: status %d, want 403", got)
	}
	// The same post with the page's token reaches the login, which refuses
	// the credentials: the 403 above was the missing token's.
	if got := postFrom(b, "/login", map[string]string{"email": "x", "password": "y"}, token); got != 401 {
		t.Errorf("POST /login with the CSRF token and wrong credentials: status %d, want 401", got)
	}

	// Logged in, a post without the token changes nothing.
	b.login("engineer@vendor.example", "casedesk-demo")
	if got := postFrom(b, "/logout", map[string]string{}, ""); got != 403 {
		t.Errorf("POST /logout without the CSRF token: status %d, want 403", got)
	}
	if got := eval[int](b, `fetch('/api/v1/me', {credentials: 'same-origin'}).then(r => r.status)`); got != 200 {
		t.Errorf("after the refused log-out, GET /api/v1/me: status %d, want 200 (still logged in)", got)
	}
}
