package httpd

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	actorKey
	routeKey
)

// validRequestID accepts a caller's X-Request-ID only when it is short and plain,
// so that it cannot inject anything into logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusRecorder remembers the status a handler wrote, for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe is the outermost middleware: it gives each request an ID, recovers
// from panics so that none reaches the user as a dropped connection, and
// records the access log line and the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !validRequestID.MatchString(id) {
			id = auth.RandomString(12)
		}
		w.Header().Set("X-Request-ID", id)
		route := new(string)
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey, id), routeKey, route)
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.Error("panic serving request", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					s.fail(rec, r, fmt.Errorf("panic: %v", p))
				}
			}
			if *route == "" {
				*route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.observe(*route, r.Method, rec.status, elapsed)
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			// The query string is left out: it may carry tokens.
			s.Logger.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", *route),
				slog.Int("status", rec.status),
				slog.Int("bytes", rec.bytes),
				slog.Duration("duration", elapsed),
				slog.String("remote", clientIP(r)),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}

// secureHeaders sets the headers every response carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// clientIP is the peer's address without the port. Behind a proxy every
// client shares the proxy's address; see README on rate limits.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i]
		}
	}
	return host
}

// actorFrom returns the request's actor, or nil for an anonymous request.
func actorFrom(r *http.Request) *casedesk.Actor {
	a, _ := r.Context().Value(actorKey).(*casedesk.Actor)
	return a
}

// recordRoute wraps the router and passes the matched pattern back out to
// observe, which sees only its own copy of the request. Labelling metrics by
// pattern, not path, keeps their number bounded.
func recordRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if route, ok := r.Context().Value(routeKey).(*string); ok {
			*route = r.Pattern
		}
	})
}
