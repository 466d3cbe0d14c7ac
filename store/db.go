// Package store keeps casedesk's data in SQL: the embedded SQLite database by
// default, PostgreSQL in production. One set of queries serves both; the few
// differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver, registered as "pgx"
	_ "modernc.org/sqlite"             // SQLite driver without cgo, registered as "sqlite"
)

// DB is an open casedesk database.
type DB struct {
	sql     *sql.DB
	dialect *dialect
	// Now is the clock; tests replace it.
	Now func() time.Time

	localLock sync.Mutex // WithLock on SQLite
	// writeMu queues this process's writers on SQLite, which has one writer
	// at a time: waiting here is fair and prompt, where SQLite's busy handler
	// sleeps in growing steps and makes long tails.
	writeMu  sync.Mutex
	versions versionCache
}

// Open connects to databaseURL, or, when it is empty, to the SQLite database
// casedesk.db inside dataDir (created if missing). It does not migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	var (
		driver, dsn string
		d           *dialect
	)
	switch {
	case databaseURL == "":
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory %s: %w", dataDir, err)
		}
		driver, d = "sqlite", sqliteDialect
		dsn = sqliteDSN(filepath.Join(dataDir, "casedesk.db"))
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		driver, dsn, d = "pgx", databaseURL, postgresDialect
	case strings.HasPrefix(databaseURL, "sqlite:"):
		driver, d = "sqlite", sqliteDialect
		dsn = sqliteDSN(strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "//"))
	default:
		return nil, fmt.Errorf("database URL must start with postgres:// or sqlite:, or be empty for SQLite in the data directory")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name, err)
	}
	if d == sqliteDialect {
		// SQLite has one writer; a small pool avoids lock contention while WAL
		// lets readers proceed during a write.
		db.SetMaxOpenConns(4)
	} else {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d.name, err)
	}
	return &DB{sql: db, dialect: d, Now: time.Now}, nil
}

// sqliteDSN sets the pragmas casedesk relies on: WAL so readers never block the
// writer, full fsync so an accepted case survives a crash, foreign keys, a busy
// timeout instead of immediate "database is locked", and BEGIN IMMEDIATE so a
// transaction takes the write lock up front rather than failing on upgrade.
// Times are stored as integer microseconds: compact, and ordered correctly by
// any index, whatever their zone.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate" +
		"&_time_integer_format=unix_micro&_inttotime=true"
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// SQL returns the underlying pool, for metrics.
func (db *DB) SQL() *sql.DB { return db.sql }

// Dialect names the database in use: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// now returns the current time in UTC, truncated to microseconds, the
// precision both databases keep.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a transaction that rebinds queries for the dialect.
type Tx struct {
	tx *sql.Tx
	db *DB
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.db.dialect.rebind(q), args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.db.dialect.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.db.dialect.rebind(q), args...)
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.dialect == sqliteDialect {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	sqlTx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: sqlTx, db: db}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.sql.QueryContext(ctx, db.dialect.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.sql.QueryRowContext(ctx, db.dialect.rebind(q), args...)
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.sql.ExecContext(ctx, db.dialect.rebind(q), args...)
}
