package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/httpd"
	"github.com/casedesk/casedesk/store"
)

func init() {
	register("bench", "seed cases, then measure the API under load over loopback", runBench)
}

// benchOptions are the bench command's settings.
type benchOptions struct {
	cases    int
	clients  int
	duration time.Duration
	requests int
	keep     bool
	profile  string
}

func runBench(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("bench", errOut)
	var (
		db  dbFlags
		opt benchOptions
	)
	fs.IntVar(&opt.cases, "cases", 10000, "how many cases to seed before measuring")
	fs.IntVar(&opt.clients, "clients", 8, "how many clients send requests at once")
	fs.DurationVar(&opt.duration, "duration", 10*time.Second, "how long to drive each operation")
	fs.IntVar(&opt.requests, "requests", 0, "drive each operation this many times instead of for --duration")
	fs.BoolVar(&opt.keep, "keep", false, "keep the benchmark's temporary data directory or PostgreSQL schema")
	fs.StringVar(&opt.profile, "cpuprofile", "", "write a CPU profile of the measured phases (server and clients) to this file, for go tool pprof")
	db.add(fs)
	// The benchmark never writes into a desk's own data: by default it works
	// in a temporary directory, or in a schema of its own on PostgreSQL.
	dataDir := fs.Lookup("data-dir")
	dataDir.DefValue, dataDir.Usage = "", "an empty directory for the SQLite database (default: a temporary directory)"
	db.dataDir = ""
	fs.Lookup("database-url").Usage = "postgres://… to measure PostgreSQL, in a new schema dropped afterwards; empty for SQLite"
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case opt.cases < 0:
		return usageErrorf("cases", "must not be negative")
	case opt.clients < 1 || opt.clients > 1000:
		return usageErrorf("clients", "must be from 1 to 1000")
	case opt.duration <= 0:
		return usageErrorf("duration", "must be positive")
	case opt.requests < 0:
		return usageErrorf("requests", "must not be negative")
	}

	// The profile's file is created first: a bad path should not cost a seeding.
	var profile *os.File
	if opt.profile != "" {
		f, err := os.Create(opt.profile)
		if err != nil {
			return usageErrorf("cpuprofile", "%v", err)
		}
		defer f.Close()
		profile = f
	}
	cleanup, err := db.prepareBench(ctx, opt.keep, errOut)
	if err != nil {
		return err
	}
	defer cleanup()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := db.open(ctx, quiet)
	if err != nil {
		return err
	}
	defer s.Close()

	world, err := setUpBenchWorld(ctx, s)
	if err != nil {
		return fmt.Errorf("set up the benchmark's organisations: %w", err)
	}
	bar := &progressBar{w: errOut, label: "seeding", total: opt.cases, start: time.Now()}
	err = s.SeedCases(ctx, store.SeedTemplate{ProductID: world.productID, ContractIDs: world.contractIDs, Text: benchText, Seed: 1}, opt.cases, bar.update)
	if err != nil {
		return err
	}
	seeded := time.Since(bar.start)
	// The index settles as a serving desk's background merging keeps it, so
	// that merging the seeded cases is not measured with the requests.
	mergeStart := time.Now()
	if steps, err := s.MergeSearchIndex(ctx, math.MaxInt); err != nil {
		return err
	} else if steps > 0 {
		fmt.Fprintf(errOut, "merged the search index in %d steps, %s\n", steps, time.Since(mergeStart).Round(10*time.Millisecond))
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &httpd.Server{DB: s, Logger: quiet, BaseURL: "http://" + l.Addr().String()}
	srv.Init()
	serveCtx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, l, 5*time.Second) }()
	// Of casedesk serve's background duties, the one the measured requests
	// lean on runs too. The SLA sweeper does not: its first pass over the
	// seeded cases, whose clocks ran out long ago, would be measured instead.
	go mergeSearchIndex(serveCtx, s, quiet)
	defer func() {
		stop()
		<-served
	}()

	fmt.Fprintf(out, "casedesk bench: %s; %d cases seeded in %s (%.0f/s); %d clients, %s per operation\n\n",
		db.where(), opt.cases, seeded.Round(10*time.Millisecond), float64(opt.cases)/max(seeded.Seconds(), 1e-9), opt.clients, opt.perOperation())
	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			return usageErrorf("cpuprofile", "%v", err)
		}
	}
	rows := driveBench(ctx, srv.BaseURL, world, opt)
	if profile != nil {
		pprof.StopCPUProfile()
	}
	printBenchTable(out, rows)
	for _, r := range rows {
		if r.firstErr != "" {
			fmt.Fprintf(errOut, "%s: %d errors; the first: %s\n", r.name, r.errors, r.firstErr)
		}
	}
	return ctx.Err()
}

func (o benchOptions) perOperation() string {
	if o.requests > 0 {
		return fmt.Sprintf("%d rounds", o.requests)
	}
	return o.duration.String()
}

// prepareBench points f at an empty database for the benchmark: a new
// schema on PostgreSQL, or an empty data directory, a temporary one by
// default. The returned function drops or removes it, unless keep.
func (f *dbFlags) prepareBench(ctx context.Context, keep bool, errOut io.Writer) (cleanup func(), err error) {
	if f.databaseURL != "" {
		if !strings.HasPrefix(f.databaseURL, "postgres://") && !strings.HasPrefix(f.databaseURL, "postgresql://") {
			return nil, usageErrorf("database-url", "must be a postgres:// URL; leave it empty for SQLite")
		}
		base := f.databaseURL
		schema, err := benchSchema(ctx, base)
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, usageErrorf("database-url", "cannot parse: %v", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		f.databaseURL = u.String()
		return func() {
			if keep {
				fmt.Fprintf(errOut, "kept the benchmark's schema %s at %s: add search_path=%s to the URL to use it\n", schema, redactURL(base), schema)
				return
			}
			admin, err := sql.Open("pgx", base)
			if err != nil {
				return
			}
			defer admin.Close()
			if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
				fmt.Fprintf(errOut, "could not drop the benchmark's schema %s: %v\n", schema, err)
			}
		}, nil
	}
	if f.dataDir != "" {
		if _, err := os.Stat(filepath.Join(f.dataDir, "casedesk.db")); err == nil {
			return nil, usageErrorf("data-dir", "%s already holds a casedesk database; the benchmark needs an empty directory", f.dataDir)
		}
		return func() {}, nil
	}
	dir, err := os.MkdirTemp("", "casedesk-bench-")
	if err != nil {
		return nil, err
	}
	f.dataDir = dir
	return func() {
		if keep {
			fmt.Fprintf(errOut, "kept the benchmark's data directory %s\n", dir)
			return
		}
		os.RemoveAll(dir)
	}, nil
}

// benchSchema creates an empty schema with a fresh name on the PostgreSQL
// server at base.
func benchSchema(ctx context.Context, base string) (string, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "casedesk_bench_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", fmt.Errorf("create the benchmark's schema on %s: %w", redactURL(base), err)
	}
	return schema, nil
}

// benchWorld is what the load needs: a product, contracts whose contacts
// open cases, and API tokens for those contacts and for a support engineer.
type benchWorld struct {
	productID   int64
	contractIDs []int64
	customers   []string // a technical contact's token per customer
	engineer    string
}

// benchPlans and benchCalendars vary the customers' terms, so that queue
// order and SLA clocks are as mixed as in a real desk.
var (
	benchPlans     = []string{"zmanda-standard", "zmanda-premium", "infor-xtreme", "infor-xtreme-premium", "ivanti-standard", "ivanti-premium"}
	benchCalendars = []string{"americas", "emea", "apac"}
)

const benchCustomers = 24

func setUpBenchWorld(ctx context.Context, s *store.DB) (*benchWorld, error) {
	sys := casedesk.SystemActor
	w := &benchWorld{}
	vendor := &casedesk.Organisation{Kind: casedesk.OrgVendor, Name: "Bench Software", Domains: []string{"vendor.bench.example"}}
	if err := s.CreateOrganisation(ctx, sys, vendor); err != nil {
		return nil, err
	}
	engineer := &casedesk.User{OrgID: &vendor.ID, Email: "engineer@vendor.bench.example", Name: "Bench Engineer", Role: casedesk.RoleSupportEngineer}
	if err := s.CreateUser(ctx, sys, engineer); err != nil {
		return nil, err
	}
	var err error
	if w.engineer, err = benchToken(ctx, s, engineer.ID); err != nil {
		return nil, err
	}
	product := &casedesk.Product{Name: "Bench Backup Server", Line: "backup"}
	if err := s.CreateProduct(ctx, sys, product); err != nil {
		return nil, err
	}
	w.productID = product.ID
	today := time.Now().UTC()
	for i := range benchCustomers {
		domain := fmt.Sprintf("customer%02d.bench.example", i+1)
		org := &casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: fmt.Sprintf("Bench Customer %02d", i+1), Domains: []string{domain}}
		if err := s.CreateOrganisation(ctx, sys, org); err != nil {
			return nil, err
		}
		k := &casedesk.Contract{
			OrgID: org.ID, PlanID: benchPlans[i%len(benchPlans)], CalendarID: benchCalendars[i%len(benchCalendars)],
			StartsOn: today.AddDate(-1, 0, 0).Format("2006-01-02"), EndsOn: today.AddDate(1, 0, 0).Format("2006-01-02"),
		}
		if err := s.CreateContract(ctx, sys, k); err != nil {
			return nil, err
		}
		contacts := 2
		if k.ContactLimit > 0 {
			contacts = min(contacts, k.ContactLimit)
		}
		for j := range contacts {
			u := &casedesk.User{OrgID: &org.ID, Email: fmt.Sprintf("contact%d@%s", j+1, domain), Name: fmt.Sprintf("Contact %d of %s", j+1, org.Name), Role: casedesk.RoleCustomerContact}
			if err := s.CreateUser(ctx, sys, u); err != nil {
				return nil, err
			}
			if _, err := s.AddContact(ctx, sys, k.ID, u.ID); err != nil {
				return nil, err
			}
			if j == 0 {
				token, err := benchToken(ctx, s, u.ID)
				if err != nil {
					return nil, err
				}
				w.customers = append(w.customers, token)
			}
		}
		w.contractIDs = append(w.contractIDs, k.ID)
	}
	return w, nil
}

// benchToken issues an API token through the store, so that no password
// hashing is on the measured path.
func benchToken(ctx context.Context, s *store.DB, userID int64) (string, error) {
	a, err := s.ActorForUser(ctx, userID)
	if err != nil {
		return "", err
	}
	return s.CreateAPIToken(ctx, a, &casedesk.APIToken{Name: "bench", Scopes: []casedesk.Scope{casedesk.ScopeCasesRead, casedesk.ScopeCasesWrite}})
}

// The words of made-up cases. Each component is in about one case in
// twenty; each error code in about one in ten thousand.
var (
	benchComponents = []string{"backup job", "restore", "catalog", "tape library", "storage node", "scheduler", "agent",
		"deduplication", "replication", "encryption", "console", "license server", "snapshot", "vault", "index rebuild",
		"retention policy", "cloud bucket", "database plugin", "mail archive", "network share"}
	benchSymptoms = []string{"fails", "hangs", "crashes", "times out", "runs slowly", "reports a checksum mismatch",
		"loses its connection", "skips files", "fills the disk", "rejects credentials", "shows the wrong size", "stops at 99 percent"}
	benchTriggers = []string{"after the upgrade", "since Monday", "on weekends", "with large files", "after a reboot",
		"under load", "on Windows clients", "on Linux clients", "after the certificate renewal", "during replication"}
	// benchWords are single words of the components, to search for.
	benchWords = []string{"backup", "restore", "catalog", "tape", "storage", "scheduler", "agent", "deduplication",
		"replication", "encryption", "console", "license", "snapshot", "vault", "retention", "bucket", "plugin", "archive"}
)

// benchText makes up the subject and description of the i-th case.
func benchText(i int) (subject, description string) {
	r := mathrand.New(mathrand.NewPCG(uint64(i), 0xca5e))
	comp := benchComponents[r.IntN(len(benchComponents))]
	symp := benchSymptoms[r.IntN(len(benchSymptoms))]
	trig := benchTriggers[r.IntN(len(benchTriggers))]
	code := r.IntN(10000)
	subject = fmt.Sprintf("%s %s %s (error E%04d)", strings.ToUpper(comp[:1])+comp[1:], symp, trig, code)
	description = fmt.Sprintf("For %d days the %s %s %s. The log shows error E%04d at step %d of %d. "+
		"We restarted the service and checked the disk space; the problem came back within the hour. "+
		"This blocks the nightly run for about %d servers.", 1+r.IntN(9), comp, symp, trig, code, 1+r.IntN(20), 20, 2+r.IntN(300))
	return subject, description
}

// progressBar redraws one line on w at most five times a second.
type progressBar struct {
	w     io.Writer
	label string
	total int
	start time.Time
	last  time.Time
}

func (p *progressBar) update(done int) {
	now := time.Now()
	if done < p.total && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width * done / max(p.total, 1)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	eta := "-"
	if rate > 0 {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	digits := len(strconv.Itoa(p.total))
	fmt.Fprintf(p.w, "\r%s %*d/%d [%s] %3d%%  %.0f/s  eta %s   ", p.label, digits, done, p.total, bar, 100*done/max(p.total, 1), rate, eta)
	if done >= p.total {
		fmt.Fprintln(p.w)
	}
}

// benchRow is what one operation measured.
type benchRow struct {
	name     string
	samples  []time.Duration
	errors   int
	firstErr string
	elapsed  time.Duration // the wall-clock time of its phase
}

// benchClient is one of the concurrent clients; each keeps its own samples.
type benchClient struct {
	http     *http.Client
	base     string
	customer string // token
	engineer string // token
	rows     map[string]*benchRow
	created  []int64 // cases this client opened, to reply to
	next     int
	rng      *mathrand.Rand
}

func (c *benchClient) record(row string, d time.Duration, err error) {
	r := c.rows[row]
	if r == nil {
		r = &benchRow{name: row}
		c.rows[row] = r
	}
	if err != nil {
		r.errors++
		if r.firstErr == "" {
			r.firstErr = err.Error()
		}
		return
	}
	r.samples = append(r.samples, d)
}

// call sends one request, records its latency under row, decodes a 2xx
// answer into out (unless nil: then the body is read and dropped), and
// returns the answer's header.
func (c *benchClient) call(ctx context.Context, row, method, path, token string, body, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	elapsed := time.Since(start)
	if err == nil && resp.StatusCode/100 != 2 {
		err = fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	if err == nil && out != nil {
		err = json.Unmarshal(data, out)
	}
	c.record(row, elapsed, err)
	if err != nil {
		return nil, err
	}
	return resp.Header, nil
}

// benchPhase is one operation driven by every client in turn.
type benchPhase struct {
	rows []string
	run  func(ctx context.Context, c *benchClient)
}

// driveBench runs each operation over loopback with opt.clients clients and
// returns what each measured, in the order of the phases.
func driveBench(ctx context.Context, base string, w *benchWorld, opt benchOptions) []*benchRow {
	transport := &http.Transport{Proxy: nil, MaxIdleConns: 2 * opt.clients, MaxIdleConnsPerHost: 2 * opt.clients, DisableCompression: true}
	defer transport.CloseIdleConnections()
	clients := make([]*benchClient, opt.clients)
	for i := range clients {
		clients[i] = &benchClient{
			http: &http.Client{Transport: transport, Timeout: time.Minute}, base: base,
			customer: w.customers[i%len(w.customers)], engineer: w.engineer, rows: map[string]*benchRow{},
			rng: mathrand.New(mathrand.NewPCG(uint64(i), 0xbe9c)),
		}
	}
	var opened atomic.Int64
	phases := []benchPhase{
		{[]string{"create case"}, func(ctx context.Context, c *benchClient) {
			subject, desc := benchText(opt.cases + int(opened.Add(1)))
			var got struct {
				ID int64 `json:"id"`
			}
			body := map[string]any{"product_id": w.productID, "subject": subject, "description": desc,
				"impact": benchRatings[c.rng.IntN(3)], "urgency": benchRatings[c.rng.IntN(3)]}
			if _, err := c.call(ctx, "create case", http.MethodPost, "/api/v1/cases", c.customer, body, &got); err == nil {
				c.created = append(c.created, got.ID)
			}
		}},
		{[]string{"reply"}, func(ctx context.Context, c *benchClient) {
			if len(c.created) == 0 {
				c.record("reply", 0, errors.New("no case to reply to: this client opened none"))
				return
			}
			id := c.created[c.next%len(c.created)]
			c.next++
			body := map[string]any{"body": "Thanks for the details. Please send the job log from the last failed run."}
			c.call(ctx, "reply", http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/replies", id), c.engineer, body, nil)
		}},
		{[]string{"queue page 1", "queue next page"}, func(ctx context.Context, c *benchClient) {
			// The next page's address is read from the Link header, as a
			// client walking the queue would: decoding the whole page only
			// for its cursor would load the server's two cores with the
			// client's work.
			header, err := c.call(ctx, "queue page 1", http.MethodGet, "/api/v1/cases?open=true&limit=50", c.engineer, nil, nil)
			for depth := 0; depth < 4 && err == nil; depth++ {
				next := benchNextPage.FindStringSubmatch(header.Get("Link"))
				if next == nil {
					return
				}
				header, err = c.call(ctx, "queue next page", http.MethodGet, next[1], c.engineer, nil, nil)
			}
		}},
		{[]string{"portal queue"}, func(ctx context.Context, c *benchClient) {
			// A customer's own open cases, as the portal lists them.
			c.call(ctx, "portal queue", http.MethodGet, "/api/v1/cases?open=true&limit=50", c.customer, nil, nil)
		}},
		{[]string{"search word"}, func(ctx context.Context, c *benchClient) {
			q := benchWords[c.rng.IntN(len(benchWords))]
			c.call(ctx, "search word", http.MethodGet, "/api/v1/search?q="+url.QueryEscape(q), c.engineer, nil, nil)
		}},
		{[]string{"search code"}, func(ctx context.Context, c *benchClient) {
			q := fmt.Sprintf("E%04d", c.rng.IntN(10000))
			c.call(ctx, "search code", http.MethodGet, "/api/v1/search?q="+url.QueryEscape(q), c.engineer, nil, nil)
		}},
	}
	var out []*benchRow
	for _, p := range phases {
		elapsed := runBenchPhase(ctx, clients, opt, p.run)
		for _, name := range p.rows {
			total := &benchRow{name: name, elapsed: elapsed}
			for _, c := range clients {
				if r := c.rows[name]; r != nil {
					total.samples = append(total.samples, r.samples...)
					total.errors += r.errors
					if total.firstErr == "" {
						total.firstErr = r.firstErr
					}
				}
			}
			out = append(out, total)
		}
	}
	return out
}

var (
	benchRatings  = []string{"high", "medium", "low"}
	benchNextPage = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)
)

// runBenchPhase runs fn on every client at once until opt.requests rounds
// have started, or opt.duration has passed, and returns how long it took.
func runBenchPhase(ctx context.Context, clients []*benchClient, opt benchOptions, fn func(context.Context, *benchClient)) time.Duration {
	var rounds atomic.Int64
	start := time.Now()
	deadline := start.Add(opt.duration)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				if opt.requests > 0 {
					if rounds.Add(1) > int64(opt.requests) {
						return
					}
				} else if !time.Now().Before(deadline) {
					return
				}
				fn(ctx, c)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// percentile returns the nearest-rank p-th percentile of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100 + 0.999999999)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func printBenchTable(w io.Writer, rows []*benchRow) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fmt.Fprintf(w, "%-16s %9s %7s %9s %9s %9s %9s %9s\n", "operation", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
	for _, r := range rows {
		slices.Sort(r.samples)
		n := len(r.samples) + r.errors
		fmt.Fprintf(w, "%-16s %9d %7d %9.1f %9.2f %9.2f %9.2f %9.2f\n", r.name, n, r.errors,
			float64(n)/max(r.elapsed.Seconds(), 1e-9), ms(percentile(r.samples, 50)), ms(percentile(r.samples, 95)), ms(percentile(r.samples, 99)), ms(percentile(r.samples, 100)))
	}
}
