// Package httpd serves casedesk over HTTP: the JSON API under /api/v1, the
// pages a person uses, and the operational endpoints (health, readiness,
// metrics). Every request passes through one authentication step and every
// decision about what a caller may see is made by the domain's Actor.
package httpd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/store"
)

// Server is casedesk's HTTP server.
type Server struct {
	DB     *store.DB
	Logger *slog.Logger
	// BaseURL is the address users reach casedesk at, for links in mail.
	BaseURL string
	// Passwords sets the argon2id cost; the zero value is the production default.
	Passwords auth.PasswordParams
	// LoginLimiter slows down password guessing, per client address and per e-mail.
	LoginLimiter *auth.Limiter
	// SecureCookies marks cookies Secure; on whenever BaseURL is https.
	SecureCookies bool
	// Registry receives the server's metrics; nil means a new registry.
	Registry *prometheus.Registry

	sessions *scs.SessionManager
	metrics  *metrics
	handler  http.Handler
	now      func() time.Time
}

// Init prepares the server's routes and middleware; call it once before use.
func (s *Server) Init() {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.LoginLimiter == nil {
		s.LoginLimiter = &auth.Limiter{}
	}
	if s.Registry == nil {
		s.Registry = prometheus.NewRegistry()
	}
	s.now = time.Now
	s.metrics = newMetrics(s.Registry, s.DB)
	s.sessions = scs.New()
	s.sessions.Store = s.DB.Sessions()
	s.sessions.Lifetime = 12 * time.Hour
	s.sessions.IdleTimeout = 2 * time.Hour
	s.sessions.Cookie.Name = "casedesk_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = s.SecureCookies
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.fail(w, r, err)
	}
	s.handler = s.routes()
}

// ServeHTTP lets the server be used as an http.Handler (and in tests).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve answers requests on l until ctx is done, then stops taking new ones and
// waits up to grace for those in flight.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Logger.Info("shutting down: finishing requests in flight", "grace", grace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
