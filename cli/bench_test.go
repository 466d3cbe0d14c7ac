package cli

import (
	"os"
	"strings"
	"testing"
	"time"
)

// benchRows are the operations the benchmark table must report.
var benchRows = []string{"create case", "reply", "queue page 1", "queue next page", "portal queue", "search word", "search code"}

// checkBenchTable fails unless stdout has a row for every operation with
// requests and no errors.
func checkBenchTable(t *testing.T, stdout string) {
	t.Helper()
	for _, name := range benchRows {
		var row []string
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(line, name+" ") {
				row = strings.Fields(strings.TrimPrefix(line, name))
			}
		}
		if len(row) != 7 {
			t.Errorf("no row for %q in the table:\n%s", name, stdout)
			continue
		}
		if row[0] == "0" {
			t.Errorf("%s: no requests:\n%s", name, stdout)
		}
		if row[1] != "0" {
			t.Errorf("%s: %s errors:\n%s", name, row[1], stdout)
		}
	}
}

func TestBench_SeedsThenReportsEveryOperationWithoutErrors(t *testing.T) {
	clearEnv(t)
	start := time.Now()
	code, stdout, stderr := run(t, "bench", "--cases", "300", "--clients", "2", "--requests", "20", "--data-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	checkBenchTable(t, stdout)
	if !strings.Contains(stderr, "seeding 300/300 [") || !strings.Contains(stderr, "100%") {
		t.Errorf("no finished progress bar on stderr:\n%q", stderr)
	}
	if !strings.Contains(stdout, "300 cases seeded") {
		t.Errorf("the header does not say how many cases were seeded:\n%s", stdout)
	}
	t.Logf("bench ran in %s\n%s", time.Since(start).Round(time.Millisecond), stdout)
}

func TestBench_OnPostgreSQLUsesASchemaOfItsOwn(t *testing.T) {
	base := os.Getenv("CASEDESK_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("CASEDESK_TEST_POSTGRES_URL is not set")
	}
	clearEnv(t)
	code, stdout, stderr := run(t, "bench", "--cases", "300", "--clients", "2", "--requests", "10", "--database-url", base)
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	checkBenchTable(t, stdout)
	if strings.Contains(stderr, "could not drop") {
		t.Errorf("the benchmark's schema was left behind:\n%s", stderr)
	}
}

func TestBench_RefusesADataDirectoryThatHoldsADesk(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/casedesk.db", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "bench", "--cases", "1", "--data-dir", dir)
	if code != 2 || !strings.Contains(stderr, "already holds a casedesk database") {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
}
