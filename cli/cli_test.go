package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk/store"
)

// clearEnv removes every CASEDESK_* variable for the test, so that a developer's
// or CI's settings cannot leak into the flags under test. Variables read by the
// test suites themselves (CASEDESK_TEST_*) are kept.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "CASEDESK_") && !strings.HasPrefix(k, "CASEDESK_TEST_") {
			t.Setenv(k, "") // restores the value after the test
			os.Unsetenv(k)
		}
	}
}

// run calls Run with args and returns the exit code, stdout and stderr.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRun_UnknownCommandIsAUsageErrorWithTheCommandList(t *testing.T) {
	clearEnv(t)
	code, stdout, stderr := run(t, "frobnicate")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("stderr does not name the unknown command:\n%s", stderr)
	}
	for _, cmd := range []string{"serve", "migrate", "user", "demo", "version"} {
		if !strings.Contains(stderr, "  "+cmd+" ") {
			t.Errorf("usage on stderr does not list %q:\n%s", cmd, stderr)
		}
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
}

func TestRun_HelpPrintsUsageAndSucceeds(t *testing.T) {
	clearEnv(t)
	for _, arg := range []string{"help", "-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			code, stdout, _ := run(t, arg)
			if code != 0 {
				t.Errorf("exit code = %d, want 0", code)
			}
			if !strings.Contains(stdout, "Usage: casedesk <command>") || !strings.Contains(stdout, "  migrate ") {
				t.Errorf("stdout is not the usage:\n%s", stdout)
			}
		})
	}
}

func TestRun_NoArgumentsPrintsUsageAndFails(t *testing.T) {
	clearEnv(t)
	code, stdout, _ := run(t)
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stdout, "Usage: casedesk <command>") {
		t.Errorf("no usage printed:\n%s", stdout)
	}
}

func TestRun_CommandHelpFlagSucceeds(t *testing.T) {
	clearEnv(t)
	code, _, stderr := run(t, "migrate", "-h")
	if code != 0 {
		t.Errorf("exit code = %d, want 0", code)
	}
	if !strings.Contains(stderr, "-data-dir") {
		t.Errorf("stderr does not list the flags:\n%s", stderr)
	}
}

func TestRun_VersionPrintsTheVersion(t *testing.T) {
	clearEnv(t)
	code, stdout, stderr := run(t, "version")
	if code != 0 {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if stdout != "casedesk dev\n" {
		t.Errorf("stdout = %q, want %q", stdout, "casedesk dev\n")
	}
}

func TestRun_UndefinedFlagIsAUsageError(t *testing.T) {
	clearEnv(t)
	code, _, stderr := run(t, "version", "--verbose")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, "verbose") {
		t.Errorf("stderr does not name the flag:\n%s", stderr)
	}
}

func TestEnvName_IsCASEDESKAndTheFlagInUpperSnakeCase(t *testing.T) {
	tests := []struct{ flag, want string }{
		{"listen", "CASEDESK_LISTEN"},
		{"data-dir", "CASEDESK_DATA_DIR"},
		{"database-url", "CASEDESK_DATABASE_URL"},
		{"shutdown-grace", "CASEDESK_SHUTDOWN_GRACE"},
	}
	for _, tt := range tests {
		if got := EnvName(tt.flag); got != tt.want {
			t.Errorf("EnvName(%q) = %q, want %q", tt.flag, got, tt.want)
		}
	}
}

// testFlags is a flag set with one flag of each kind parseFlags must fill.
type testFlags struct {
	fs      *flag.FlagSet
	dataDir *string
	demo    *bool
	grace   *time.Duration
	orgID   *int64
}

func newTestFlags() testFlags {
	fs := newFlagSet("test", io.Discard)
	return testFlags{
		fs:      fs,
		dataDir: fs.String("data-dir", "./default", ""),
		demo:    fs.Bool("demo", false, ""),
		grace:   fs.Duration("shutdown-grace", 30*time.Second, ""),
		orgID:   fs.Int64("org-id", 0, ""),
	}
}

func TestParseFlags_FillsFlagsFromTheEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv("CASEDESK_DATA_DIR", "/var/lib/casedesk")
	t.Setenv("CASEDESK_DEMO", "true")
	t.Setenv("CASEDESK_SHUTDOWN_GRACE", "5s")
	t.Setenv("CASEDESK_ORG_ID", "42")
	f := newTestFlags()
	if err := parseFlags(f.fs, nil); err != nil {
		t.Fatalf("parseFlags = %v", err)
	}
	if *f.dataDir != "/var/lib/casedesk" || !*f.demo || *f.grace != 5*time.Second || *f.orgID != 42 {
		t.Errorf("flags = data-dir %q, demo %v, shutdown-grace %v, org-id %d; want the environment's values",
			*f.dataDir, *f.demo, *f.grace, *f.orgID)
	}
}

func TestParseFlags_KeepsDefaultsWhenNeitherIsGiven(t *testing.T) {
	clearEnv(t)
	f := newTestFlags()
	if err := parseFlags(f.fs, nil); err != nil {
		t.Fatalf("parseFlags = %v", err)
	}
	if *f.dataDir != "./default" || *f.demo || *f.grace != 30*time.Second || *f.orgID != 0 {
		t.Errorf("flags = data-dir %q, demo %v, shutdown-grace %v, org-id %d; want the defaults",
			*f.dataDir, *f.demo, *f.grace, *f.orgID)
	}
}

func TestParseFlags_CommandLineWinsOverTheEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv("CASEDESK_DATA_DIR", "/from/env")
	t.Setenv("CASEDESK_DEMO", "true")
	// A bad value in the environment does not matter when the flag is given.
	t.Setenv("CASEDESK_SHUTDOWN_GRACE", "soon")
	f := newTestFlags()
	err := parseFlags(f.fs, []string{"--data-dir", "/from/flag", "--demo=false", "--shutdown-grace", "1m"})
	if err != nil {
		t.Fatalf("parseFlags = %v", err)
	}
	if *f.dataDir != "/from/flag" || *f.demo || *f.grace != time.Minute {
		t.Errorf("flags = data-dir %q, demo %v, shutdown-grace %v; want the command line's values",
			*f.dataDir, *f.demo, *f.grace)
	}
}

func TestParseFlags_BadEnvironmentValueIsAUsageErrorNamingTheFlag(t *testing.T) {
	tests := []struct{ env, value, flag string }{
		{"CASEDESK_DEMO", "maybe", "demo"},
		{"CASEDESK_SHUTDOWN_GRACE", "30", "shutdown-grace"},
		{"CASEDESK_ORG_ID", "acme", "org-id"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(tt.env, tt.value)
			err := parseFlags(newTestFlags().fs, nil)
			var usage *UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("parseFlags = %v, want a *UsageError", err)
			}
			if usage.Flag != tt.flag {
				t.Errorf("UsageError.Flag = %q, want %q", usage.Flag, tt.flag)
			}
			if !strings.Contains(err.Error(), tt.env) || !strings.Contains(err.Error(), "--"+tt.flag) {
				t.Errorf("error %q does not name both %s and --%s", err, tt.env, tt.flag)
			}
		})
	}
}

func TestRun_BadEnvironmentValueExitsWithUsageStatus(t *testing.T) {
	clearEnv(t)
	t.Setenv("CASEDESK_SHUTDOWN_GRACE", "forever")
	code, _, stderr := run(t, "serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, "--shutdown-grace") || !strings.Contains(stderr, "CASEDESK_SHUTDOWN_GRACE") {
		t.Errorf("stderr does not name the flag and variable:\n%s", stderr)
	}
}

func TestRedactURL_HidesPasswordsAndQueryStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://casedesk:s3cret@db.example:5432/casedesk", "postgres://casedesk:xxxxx@db.example:5432/casedesk"},
		{"postgres://casedesk:p@ss:w0rd@db.example/casedesk", "postgres://casedesk:xxxxx@db.example/casedesk"},
		{"postgres://casedesk@db.example/casedesk", "postgres://casedesk@db.example/casedesk"},
		{"postgres://db.example/casedesk?sslmode=require&password=s3cret", "postgres://db.example/casedesk"},
		{"postgres://casedesk:s3cret@db.example/casedesk?sslmode=disable", "postgres://casedesk:xxxxx@db.example/casedesk"},
		{"host=db.example password=s3cret", "(unparseable URL)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := redactURL(tt.in)
			if got != tt.want {
				t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "s3cret") || strings.Contains(got, "w0rd") {
				t.Errorf("redactURL(%q) = %q leaks the password", tt.in, got)
			}
		})
	}
}

func TestRun_MigratePrintsTheLatestSchemaVersion(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	code, stdout, stderr := run(t, "migrate", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	db, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	latest := db.LatestVersion()
	if latest < 1 {
		t.Fatalf("LatestVersion = %d, want at least 1", latest)
	}
	got, err := db.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != latest {
		t.Errorf("schema version after migrate = %d, want %d", got, latest)
	}
	want := "schema at version " + strconv.Itoa(latest) + " (SQLite in " + dir + ")\n"
	if stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
}

func TestRun_MigrateReadsTheDataDirFromTheEnvironment(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	t.Setenv("CASEDESK_DATA_DIR", dir)
	code, stdout, stderr := run(t, "migrate")
	if code != 0 {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "(SQLite in "+dir+")") {
		t.Errorf("stdout = %q, want it to name %s", stdout, dir)
	}
	if entries, _ := os.ReadDir(dir); len(entries) == 0 {
		t.Errorf("no database created in %s", dir)
	}
}

func TestRun_ServeRefusesAnUnknownLogFormat(t *testing.T) {
	clearEnv(t)
	code, _, stderr := run(t, "serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--log-format", "xml")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, "--log-format") {
		t.Errorf("stderr does not name --log-format:\n%s", stderr)
	}
}

func TestRun_ServeRefusesABaseURLWithoutHTTPScheme(t *testing.T) {
	clearEnv(t)
	code, _, stderr := run(t, "serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--base-url", "desk.example")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, "--base-url") {
		t.Errorf("stderr does not name --base-url:\n%s", stderr)
	}
}

// syncBuffer is a bytes.Buffer safe to write from the server's goroutine while
// the test reads it.
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

func TestRun_ServeAnswersUntilTheContextIsCancelledThenExitsZero(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dir, "--shutdown-grace", "5s"}, &out, &errOut)
	}()

	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "is ready") {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before it was ready; stderr:\n%s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 30s; stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
		}
	}
	if !strings.Contains(out.String(), "casedesk dev is ready at ") || !strings.Contains(out.String(), "SQLite in "+dir) {
		t.Errorf("ready line does not give the version and database:\n%s", out.String())
	}

	// The port is chosen by the kernel; the log names it.
	m := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(errOut.String())
	if m == nil {
		t.Fatalf("log does not name the listening address:\n%s", errOut.String())
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + m[1] + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", resp.StatusCode)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code after cancel = %d, want 0; stderr:\n%s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return within 10s of cancel")
	}
	if _, err := client.Get("http://" + m[1] + "/healthz"); err == nil {
		t.Error("server still answers after Run returned")
	}
}
