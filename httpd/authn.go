package httpd

import (
	"context"
	"net/http"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
)

// Session keys.
const (
	sessionUserID = "user_id"
	sessionCSRF   = "csrf"
)

// authenticate finds who is calling: an API token in the Authorization header,
// or a logged-in session. A cookie-authenticated request that changes anything
// must carry the session's CSRF token, in the X-CSRF-Token header or the
// csrf_token form field; token-authenticated requests need none, since
// browsers never attach a bearer token on their own.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l := s.sessions.GetString(r.Context(), langSessionKey); l != "" {
			r = r.WithContext(context.WithValue(r.Context(), pickedLangKey{}, l))
		}
		if h := r.Header.Get("Authorization"); h != "" {
			plain, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.fail(w, r, casedesk.Errorf(casedesk.EUNAUTHORIZED, "use the header Authorization: Bearer <token>").WithKey("error.auth.bearer", nil))
				return
			}
			a, err := s.DB.ActorForToken(r.Context(), strings.TrimSpace(plain))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey, a)))
			return
		}
		if s.needsCSRF(r) && !s.validCSRF(r) {
			if !strings.HasPrefix(r.URL.Path, "/api/") {
				s.render(w, r, http.StatusForbidden, "login", pageData{Error: "login.csrf"})
				return
			}
			s.fail(w, r, casedesk.Errorf(casedesk.EFORBIDDEN, "the form has expired or did not come from casedesk (missing or wrong CSRF token): reload the page and try again").WithKey("error.auth.csrf", nil))
			return
		}
		if id := s.sessions.GetInt64(r.Context(), sessionUserID); id != 0 {
			a, err := s.DB.ActorForUser(r.Context(), id)
			if err != nil {
				// The user was disabled or removed since logging in.
				s.sessions.Remove(r.Context(), sessionUserID)
			} else {
				r = r.WithContext(context.WithValue(r.Context(), actorKey, a))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// needsCSRF reports whether a request must prove it came from our own pages:
// any unsafe request that carries the session cookie, and any form post. A
// JSON request without the cookie cannot come from a hostile page, since a
// browser would first ask (CORS preflight), and we never allow it.
func (s *Server) needsCSRF(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	if _, err := r.Cookie(s.sessions.Cookie.Name); err == nil {
		return true
	}
	return !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

// csrfToken returns the session's CSRF token, making one if needed.
func (s *Server) csrfToken(ctx context.Context) string {
	t := s.sessions.GetString(ctx, sessionCSRF)
	if t == "" {
		t = auth.RandomString(32)
		s.sessions.Put(ctx, sessionCSRF, t)
	}
	return t
}

func (s *Server) validCSRF(r *http.Request) bool {
	want := s.sessions.GetString(r.Context(), sessionCSRF)
	if want == "" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf_token")
	}
	return auth.EqualTokens(got, want)
}

// requireActor wraps a handler that needs a logged-in caller.
func (s *Server) requireActor(h func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := actorFrom(r)
		if a == nil {
			s.fail(w, r, casedesk.Errorf(casedesk.EUNAUTHORIZED, "log in or send an API token").WithKey("error.auth.required", nil))
			return
		}
		h(w, r, a)
	}
}

// requireScope wraps a handler so that API tokens need scope; sessions pass.
func (s *Server) requireScope(scope casedesk.Scope, h func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor)) http.HandlerFunc {
	return s.requireActor(func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		if !a.HasScope(scope) {
			s.fail(w, r, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope %s", scope).WithKey("error.scope.missing", map[string]any{"Scope": scope}))
			return
		}
		h(w, r, a)
	})
}
