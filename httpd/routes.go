package httpd

import (
	"context"
	"net/http"

	"github.com/casedesk/casedesk"
)

// routes builds the request router. Handlers that need a caller are wrapped
// with requireActor or requireScope; the authorisation of each object is the
// store's, through the domain's Actor.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", s.metrics.handler)

	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /login", s.handleLoginPage)
	mux.HandleFunc("POST /login", s.handleLoginForm)
	mux.HandleFunc("POST /logout", s.handleLogoutForm)
	s.portalRoutes(mux)
	s.consoleRoutes(mux)
	s.adminRoutes(mux)

	mux.HandleFunc("POST /api/v1/register", s.handleRegister)
	mux.HandleFunc("POST /api/v1/verify", s.handleVerify)
	mux.HandleFunc("POST /api/v1/login", s.handleAPILogin)
	mux.HandleFunc("POST /api/v1/logout", s.handleLogout)
	mux.HandleFunc("GET /api/v1/me", s.requireActor(s.handleMe))

	mux.HandleFunc("GET /api/v1/organisations", s.requireScope("cases:read", listOf(s, "organisations", s.DB.ListOrganisations)))
	mux.HandleFunc("POST /api/v1/organisations", s.requireScope("admin:write", withBody(s, http.StatusCreated, s.createOrganisation)))
	mux.HandleFunc("GET /api/v1/organisations/{id}", s.requireScope("cases:read", byID(s, s.DB.FindOrganisation)))
	mux.HandleFunc("PATCH /api/v1/organisations/{id}", s.requireScope("admin:write", byIDWith(s, http.StatusOK, s.DB.UpdateOrganisation)))

	mux.HandleFunc("GET /api/v1/users", s.requireScope("cases:read", s.handleListUsers))
	mux.HandleFunc("POST /api/v1/users", s.requireScope("admin:write", s.handleCreateUser))
	mux.HandleFunc("GET /api/v1/users/{id}", s.requireScope("cases:read", byID(s, s.DB.FindUser)))
	mux.HandleFunc("PATCH /api/v1/users/{id}", s.requireActor(byIDWith(s, http.StatusOK, s.DB.UpdateUser)))

	mux.HandleFunc("GET /api/v1/tokens", s.requireActor(listOf(s, "tokens", s.DB.ListAPITokens)))
	mux.HandleFunc("POST /api/v1/tokens", s.requireActor(withBody(s, http.StatusCreated, s.createToken)))
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", s.requireActor(deleteByID(s, s.DB.RevokeAPIToken)))

	mux.HandleFunc("GET /api/v1/audit", s.requireScope("audit:read", s.handleListAudit))

	mux.HandleFunc("GET /api/v1/products", s.handleListProducts)
	mux.HandleFunc("GET /api/v1/products/{id}/versions", s.handleProductVersions)
	mux.HandleFunc("POST /api/v1/products", s.requireScope("admin:write", withBody(s, http.StatusCreated, s.createProduct)))
	mux.HandleFunc("POST /api/v1/products/{id}/versions", s.requireScope("admin:write", byIDWith(s, http.StatusCreated, s.addVersion)))

	mux.HandleFunc("GET /api/v1/plans", s.requireActor(listOf(s, "plans", s.plans)))
	mux.HandleFunc("GET /api/v1/plans/{id}", s.requireActor(byVersion(s, s.DB.Plan)))
	mux.HandleFunc("PUT /api/v1/plans/{id}", s.requireScope("admin:write", s.handleEditPlan))
	mux.HandleFunc("GET /api/v1/calendars/{id}", s.requireActor(byVersion(s, s.calendar)))
	mux.HandleFunc("PUT /api/v1/calendars/{id}", s.requireScope("admin:write", s.handleSaveCalendar))

	mux.HandleFunc("GET /api/v1/organisations/{id}/contracts", s.requireScope("cases:read", byID(s, s.contractList)))
	mux.HandleFunc("POST /api/v1/organisations/{id}/contracts", s.requireScope("admin:write", s.idempotent(byIDWith(s, http.StatusCreated, s.createContract))))
	mux.HandleFunc("GET /api/v1/contracts/{id}", s.requireScope("cases:read", byID(s, s.DB.FindContract)))
	mux.HandleFunc("PATCH /api/v1/contracts/{id}", s.requireScope("admin:write", byIDWith(s, http.StatusOK, s.DB.UpdateContract)))
	mux.HandleFunc("POST /api/v1/contracts/{id}/contacts", s.requireScope("admin:write", byIDWith(s, http.StatusOK, func(ctx context.Context, a *casedesk.Actor, id int64, req contactRequest) (*casedesk.Contract, error) {
		return s.DB.AddContact(ctx, a, id, req.UserID)
	})))
	mux.HandleFunc("DELETE /api/v1/contracts/{id}/contacts/{user}", s.requireScope("admin:write", deleteByIDs(s, "user", s.DB.RemoveContact)))

	mux.HandleFunc("GET /api/v1/cases", s.requireScope("cases:read", s.handleListCases))
	mux.HandleFunc("POST /api/v1/cases", s.requireScope("cases:write", s.idempotent(s.handleCreateCase)))
	mux.HandleFunc("GET /api/v1/cases/counts", s.requireScope("cases:read", listOf(s, "counts", s.DB.CaseCounts)))
	mux.HandleFunc("GET /api/v1/cases/{id}", s.requireScope("cases:read", s.handleGetCase))
	mux.HandleFunc("PATCH /api/v1/cases/{id}", s.requireScope("cases:write", s.handleUpdateCase))
	mux.HandleFunc("GET /api/v1/cases/{id}/sla", s.requireScope("cases:read", byID(s, s.caseSLA)))
	mux.HandleFunc("GET /api/v1/cases/{id}/events", s.requireScope("cases:read", byID(s, s.caseEvents)))
	mux.HandleFunc("POST /api/v1/cases/{id}/replies", s.requireScope("cases:write", s.handleReply))
	mux.HandleFunc("POST /api/v1/cases/{id}/merge", s.requireScope("cases:write", byIDWith(s, http.StatusOK, func(ctx context.Context, a *casedesk.Actor, id int64, req mergeRequest) (*casedesk.Case, error) {
		return s.DB.Merge(ctx, a, id, req.TargetID)
	})))
	mux.HandleFunc("POST /api/v1/cases/{id}/split", s.requireScope("cases:write", s.idempotent(s.handleSplitCase)))
	mux.HandleFunc("GET /api/v1/cases/{id}/remote-access", s.requireScope("cases:read", byID(s, s.remoteAccessList)))
	mux.HandleFunc("POST /api/v1/cases/{id}/remote-access", s.requireScope("cases:write", byIDWith(s, http.StatusCreated, s.grantRemoteAccess)))
	mux.HandleFunc("DELETE /api/v1/cases/{id}/remote-access/{grant}", s.requireScope("cases:write", deleteByIDs(s, "grant", s.DB.RevokeRemoteAccess)))
	mux.HandleFunc("POST /api/v1/cases/{id}/attachments", s.requireScope("cases:write", s.handleUploadAttachment))
	mux.HandleFunc("GET /api/v1/cases/{id}/attachments/{attachment}", s.requireScope("cases:read", s.handleDownloadAttachment))
	mux.HandleFunc("GET /api/v1/search", s.requireScope("cases:read", s.handleSearch))
	mux.HandleFunc("GET /api/v1/notifications", s.requireActor(listOf(s, "notifications", s.recentNotifications)))

	mux.HandleFunc("GET /api/v1/webhooks", s.requireScope("admin:read", listOf(s, "webhooks", s.DB.ListWebhooks)))
	mux.HandleFunc("POST /api/v1/webhooks", s.requireScope("admin:write", withBody(s, http.StatusCreated, s.createWebhook)))
	mux.HandleFunc("DELETE /api/v1/webhooks/{id}", s.requireScope("admin:write", deleteByID(s, s.DB.DeleteWebhook)))
	mux.HandleFunc("GET /api/v1/webhooks/{id}/deliveries", s.requireScope("admin:read", s.handleListDeliveries))
	mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)
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
