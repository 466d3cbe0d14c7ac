package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// postgresURLEnv names the PostgreSQL server the contract suite also runs on.
const postgresURLEnv = "CASEDESK_TEST_POSTGRES_URL"

var skipNoticeOnce sync.Once

// eachStore runs test once on a fresh, migrated SQLite database and, when
// CASEDESK_TEST_POSTGRES_URL is set, once on PostgreSQL in a schema of its own
// that is dropped afterwards.
func eachStore(t *testing.T, test func(t *testing.T, db *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		test(t, openSQLite(t, t.TempDir()))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, openPostgres(t))
	})
}

// openSQLite opens and migrates a SQLite database in dir.
func openSQLite(t *testing.T, dir string) *DB {
	t.Helper()
	return openMigrated(t, "", dir)
}

// openMigrated opens the database at databaseURL, or SQLite in dir, closes it when
// the test ends, and migrates it to the latest schema.
func openMigrated(t *testing.T, databaseURL, dir string) *DB {
	t.Helper()
	db, err := Open(context.Background(), databaseURL, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// postgresSchemaURL creates an empty schema on the test server and returns a
// URL whose connections use it, or skips the test when there is no server.
func postgresSchemaURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv(postgresURLEnv)
	if base == "" {
		skipNoticeOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "store: %s is not set: the PostgreSQL half of the contract suite is SKIPPED\n", postgresURLEnv)
		})
		t.Skipf("%s is not set: skipping the PostgreSQL half of the contract suite", postgresURLEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "cdtest_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgres opens and migrates a PostgreSQL database in a fresh schema.
func openPostgres(t *testing.T) *DB {
	t.Helper()
	return openMigrated(t, postgresSchemaURL(t), "")
}
