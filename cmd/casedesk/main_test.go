package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// buildBinary compiles casedesk once for the tests in this file.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "casedesk")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serve starts `casedesk serve` with env and waits until /readyz answers 200.
func serve(t *testing.T, bin, dir string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd, base := start(t, bin, dir, env...)
	waitReady(t, base)
	return cmd, base
}

// start starts `casedesk serve --demo` and returns at once.
func start(t *testing.T, bin, dir string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--demo")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "CASEDESK_LISTEN="+addr)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go io.Copy(io.Discard, bufio.NewReader(stdout))
	return cmd, "http://" + addr
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("casedesk did not become ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stop sends SIGTERM and checks the process exits 0.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("exit status %d after SIGTERM", exit.ExitCode())
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("casedesk did not stop within 30 s of SIGTERM")
	}
}

func TestServe_SQLiteWithNoConfiguration(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	cmd, base := serve(t, bin, dir)
	for path, want := range map[string]string{
		"/healthz": `"ok"`,
		"/readyz":  `"ready"`,
		"/metrics": "casedesk_http_requests_total",
		"/login":   `name="csrf_token"`,
	} {
		code, body := get(t, base+path)
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, body lacks %s", path, code, want)
		}
	}
	stop(t, cmd)
	if _, err := os.Stat(filepath.Join(dir, "casedesk-data", "casedesk.db")); err != nil {
		t.Fatalf("SQLite database not in the default data directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "casedesk-data", "casedesk.db-wal")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

func TestServe_PostgreSQL(t *testing.T) {
	base := os.Getenv("CASEDESK_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("CASEDESK_TEST_POSTGRES_URL is not set: skipping the PostgreSQL serve test")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "cdserve_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	bin := buildBinary(t)
	// Two instances start together on one empty database: both become ready,
	// the schema is migrated once.
	cmd1, base1 := start(t, bin, t.TempDir(), "CASEDESK_DATABASE_URL="+u.String())
	cmd2, base2 := start(t, bin, t.TempDir(), "CASEDESK_DATABASE_URL="+u.String())
	for _, b := range []string{base1, base2} {
		waitReady(t, b)
		if code, body := get(t, b+"/readyz"); code != 200 || !strings.Contains(body, `"postgres"`) {
			t.Fatalf("readyz: %d %s", code, body)
		}
	}
	var tables int
	ctx := context.Background()
	if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = $1`, schema).Scan(&tables); err != nil || tables < 5 {
		t.Fatalf("tables in %s: %d %v", schema, tables, err)
	}
	stop(t, cmd1)
	stop(t, cmd2)
}

func TestTuneGC_SetsItsTargetUnlessTheOperatorGaveGOGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "150") // read by the runtime at start only: tuneGC must not act on it
	debug.SetGCPercent(150)
	tuneGC()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("with GOGC set, the collector's target is %d, want the operator's 150", got)
	}

	t.Setenv("GOGC", "")
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	tuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC, the collector's target is %d, want %d", got, gcPercent)
	}
}
