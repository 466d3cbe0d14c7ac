package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/casedesk/casedesk/httpd"
	"github.com/casedesk/casedesk/store"
	"github.com/casedesk/casedesk/webhook"
)

// Version is the casedesk release, set at build time with
// -ldflags "-X github.com/casedesk/casedesk/cli.Version=v1.2.3".
var Version = "dev"

func init() {
	register("serve", "run the web server (portal, console, API)", runServe)
	register("migrate", "bring the database schema up to date", runMigrate)
	register("version", "print the version", runVersion)
}

// dbFlags are the settings every command that opens the database shares.
type dbFlags struct {
	dataDir     string
	databaseURL string
}

func (f *dbFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", "./casedesk-data", "directory for the embedded SQLite database and attachments")
	fs.StringVar(&f.databaseURL, "database-url", "", "postgres://… to use PostgreSQL; empty for SQLite in the data directory")
}

// open connects to the database and migrates it, reporting each step.
func (f *dbFlags) open(ctx context.Context, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, f.databaseURL, f.dataDir)
	if err != nil {
		return nil, err
	}
	err = db.Migrate(ctx, func(v int, name string) {
		log.Info("applied migration", "version", v, "name", name)
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// where says which database is in use without revealing credentials.
func (f *dbFlags) where() string {
	if f.databaseURL == "" {
		return "SQLite in " + f.dataDir
	}
	return "PostgreSQL at " + redactURL(f.databaseURL)
}

// redactURL drops the password from a database URL for logs.
func redactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "(unparseable URL)"
	}
	rest, _, _ = strings.Cut(rest, "?")
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		userinfo := rest[:at]
		if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
			rest = user + ":xxxxx" + rest[at:]
		}
	}
	return scheme + "://" + rest
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func runServe(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("serve", errOut)
	var (
		db        dbFlags
		listen    = fs.String("listen", "127.0.0.1:8080", "address to listen on")
		baseURL   = fs.String("base-url", "", "address users reach casedesk at, for links in e-mail (default http://<listen>)")
		demo      = fs.Bool("demo", false, "load demo data on first start and print how to log in")
		logFormat = fs.String("log-format", "text", "log format: text or json")
		grace     = fs.Duration("shutdown-grace", 30*time.Second, "how long to let requests in flight finish on SIGTERM")
		every     = fs.Duration("sla-interval", 10*time.Second, "how often to look for SLA warnings and breaches that have come due")
	)
	db.add(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return usageErrorf("log-format", "must be text or json, not %q", *logFormat)
	}
	log := newLogger(errOut, *logFormat)
	if *baseURL != "" && !strings.HasPrefix(*baseURL, "http://") && !strings.HasPrefix(*baseURL, "https://") {
		return usageErrorf("base-url", "must start with http:// or https://")
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return usageErrorf("listen", "cannot listen on %s: %v", *listen, err)
	}
	defer l.Close()
	if *baseURL == "" {
		*baseURL = "http://" + l.Addr().String()
	}
	store, err := db.open(ctx, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if *demo {
		if err := loadDemo(ctx, store, out); err != nil {
			return err
		}
	}
	srv := &httpd.Server{
		DB:            store,
		Logger:        log,
		BaseURL:       *baseURL,
		SecureCookies: strings.HasPrefix(*baseURL, "https://"),
	}
	srv.Init()
	if *every < 100*time.Millisecond {
		return usageErrorf("sla-interval", "must be at least 100ms")
	}
	startDuties(ctx, store, *every, log)
	log.Info("casedesk is serving", "version", Version, "listen", l.Addr().String(), "base_url", *baseURL, "database", db.where())
	fmt.Fprintf(out, "casedesk %s is ready at %s (%s)\n", Version, *baseURL, db.where())
	if err := srv.Serve(ctx, l, *grace); err != nil {
		return err
	}
	log.Info("casedesk stopped")
	return nil
}

// startDuties starts what every serving instance does in the background
// until ctx is done: expiring sessions, sweeping SLA clocks every slaEvery,
// delivering webhooks and merging the search index.
func startDuties(ctx context.Context, db *store.DB, slaEvery time.Duration, log *slog.Logger) {
	go expireSessions(ctx, db, log)
	go sweepSLA(ctx, db, slaEvery, log)
	go (&webhook.Deliverer{DB: db, Logger: log.With("component", "webhooks")}).Run(ctx, 5*time.Second)
	go mergeSearchIndex(ctx, db, log)
}

// mergeSearchIndex merges the search index's new segments every second, in
// short steps that writers interleave with (store.MergeSearchIndex).
func mergeSearchIndex(ctx context.Context, db *store.DB, log *slog.Logger) {
	atEvery(ctx, time.Second, func() {
		if _, err := db.MergeSearchIndex(ctx, 1000); err != nil && ctx.Err() == nil {
			log.Error("merging the search index", "err", err)
		}
	})
}

// expireSessions deletes expired sessions every hour until ctx is done.
func expireSessions(ctx context.Context, db *store.DB, log *slog.Logger) {
	atEvery(ctx, time.Hour, func() {
		if n, err := db.Sessions().DeleteExpired(ctx); err != nil {
			log.Warn("deleting expired sessions", "err", err)
		} else if n > 0 {
			log.Info("deleted expired sessions", "count", n)
		}
	})
}

// sweepSLA fires due SLA warnings and breaches every interval until ctx is
// done. Every instance sweeps; each alert still fires once (store.SweepSLA).
func sweepSLA(ctx context.Context, db *store.DB, every time.Duration, log *slog.Logger) {
	atEvery(ctx, every, func() {
		for {
			n, err := db.SweepSLA(ctx, 200)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("SLA sweep", "err", err)
				}
				break
			}
			if n < 200 {
				break
			}
		}
	})
}

// atEvery calls do once an interval, the first time after one interval, until
// ctx is done.
func atEvery(ctx context.Context, interval time.Duration, do func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			do()
		}
	}
}

func runMigrate(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("migrate", errOut)
	var db dbFlags
	db.add(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := db.open(ctx, newLogger(errOut, "text"))
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "schema at version %d (%s)\n", v, db.where())
	return nil
}

func runVersion(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("version", errOut)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(out, "casedesk %s\n", Version)
	return nil
}
