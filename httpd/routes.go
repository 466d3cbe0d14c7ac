package httpd

import (
	"net/http"
)

// routes builds the request router. Handlers that need a caller are wrapped
// with requireActor or requireScope; the authorisation of each object is the
// store's, through the domain's Actor.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", s.metrics.handler)

	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /login", s.handleLoginPage)
	mux.HandleFunc("POST /login", s.handleLoginForm)
	mux.HandleFunc("POST /logout", s.handleLogoutForm)

	mux.HandleFunc("POST /api/v1/register", s.handleRegister)
	mux.HandleFunc("POST /api/v1/verify", s.handleVerify)
	mux.HandleFunc("POST /api/v1/login", s.handleAPILogin)
	mux.HandleFunc("POST /api/v1/logout", s.handleLogout)
	mux.HandleFunc("GET /api/v1/me", s.requireActor(s.handleMe))

	mux.HandleFunc("GET /api/v1/organisations", s.requireScope("cases:read", s.handleListOrganisations))
	mux.HandleFunc("POST /api/v1/organisations", s.requireScope("admin:write", s.handleCreateOrganisation))
	mux.HandleFunc("GET /api/v1/organisations/{id}", s.requireScope("cases:read", s.handleGetOrganisation))
	mux.HandleFunc("PATCH /api/v1/organisations/{id}", s.requireScope("admin:write", s.handleUpdateOrganisation))

	mux.HandleFunc("GET /api/v1/users", s.requireScope("cases:read", s.handleListUsers))
	mux.HandleFunc("POST /api/v1/users", s.requireScope("admin:write", s.handleCreateUser))
	mux.HandleFunc("GET /api/v1/users/{id}", s.requireScope("cases:read", s.handleGetUser))
	mux.HandleFunc("PATCH /api/v1/users/{id}", s.requireActor(s.handleUpdateUser))

	mux.HandleFunc("GET /api/v1/tokens", s.requireActor(s.handleListTokens))
	mux.HandleFunc("POST /api/v1/tokens", s.requireActor(s.handleCreateToken))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", s.requireActor(s.handleRevokeToken))

	mux.HandleFunc("GET /api/v1/audit", s.requireScope("audit:read", s.handleListAudit))

	mux.HandleFunc("/api/", s.notFound)

	return s.observe(secureHeaders(s.sessions.LoadAndSave(s.authenticate(recordRoute(mux)))))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady answers 200 only when the database answers and its schema is
// the one this binary expects, so a load balancer sends no traffic before.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"database": s.DB.Dialect()}
	status := http.StatusOK
	if err := s.DB.Ping(r.Context()); err != nil {
		body["status"], body["reason"] = "unavailable", "the database does not answer"
		s.Logger.WarnContext(r.Context(), "not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	v, err := s.DB.SchemaVersion(r.Context())
	body["schema_version"], body["expected_version"] = v, s.DB.LatestVersion()
	switch {
	case err != nil:
		status, body["status"], body["reason"] = http.StatusServiceUnavailable, "unavailable", "cannot read the schema version"
	case v != s.DB.LatestVersion():
		status, body["status"], body["reason"] = http.StatusServiceUnavailable, "unavailable", "the schema is not at the version this binary expects: run casedesk migrate"
	default:
		body["status"] = "ready"
	}
	writeJSON(w, status, body)
}
