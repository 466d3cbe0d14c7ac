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
	// writer queues this process's writers on SQLite, which has one writer
	// at a time, and commits them in batches: waiting here is fair and
	// prompt, where SQLite's busy handler sleeps in growing steps and makes
	// long tails.
	writer   groupCommit
	versions versionCache
	products sync.Map    // id → *casedesk.Product: see product
	common   commonWords // PostgreSQL's searches: see searchPostgres
	window   int64       // tests narrow PostgreSQL's first search window: see searchWindow
	stmts    stmtCache
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
		// lets readers proceed during a write. Every connection is kept: a new
		// one parses the whole schema and prepares its statements again, which
		// under load, with database/sql's default of two idle connections, cost
		// more than the queries themselves.
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
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
	return &DB{sql: db, dialect: d, Now: time.Now, writer: newGroupCommit()}, nil
}

// sqliteDSN sets the pragmas casedesk relies on: WAL so readers never block the
// writer, full fsync so an accepted case survives a crash, foreign keys, a busy
// timeout instead of immediate "database is locked", and BEGIN IMMEDIATE so a
// transaction takes the write lock up front rather than failing on upgrade.
// Times are stored as integer microseconds: compact, and ordered correctly by
// any index, whatever their zone.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=temp_store(2)&_txlock=immediate" +
		"&_time_integer_format=unix_micro&_inttotime=true"
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.mu.Lock()
	for _, st := range db.stmts.stmts {
		st.Close()
	}
	db.stmts.stmts, db.stmts.closed = nil, true
	db.stmts.mu.Unlock()
	return db.sql.Close()
}

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
	// ctx, when set, runs every statement in place of the one passed: a
	// batched transaction's statements must not be cancelled (see runBatch).
	ctx context.Context
}

func (t *Tx) context(ctx context.Context) context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return ctx
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.context(ctx)
	return t.db.on(ctx, t.tx, q).ExecContext(ctx, args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.context(ctx)
	return t.db.on(ctx, t.tx, q).QueryContext(ctx, args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.context(ctx)
	return t.db.on(ctx, t.tx, q).QueryRowContext(ctx, args...)
}

// inTx runs fn in a transaction, committing when it returns nil. On SQLite
// the transaction is committed in a batch with others (see groupCommit); on
// PostgreSQL, whose server groups concurrent commits itself, on its own.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.dialect == sqliteDialect {
		return db.inBatch(ctx, fn)
	}
	sqlTx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	// Rolls back when fn fails or panics; after a commit it does nothing.
	defer sqlTx.Rollback()
	if err := fn(&Tx{tx: sqlTx, db: db}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.on(ctx, nil, q).QueryContext(ctx, args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.on(ctx, nil, q).QueryRowContext(ctx, args...)
}

// exec runs a write outside any transaction. On SQLite it queues with the
// transactions for the write lock rather than hold a connection while it
// waits, and commits in their batch. It must not be called inside inTx's
// function.
func (db *DB) exec(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	if db.dialect != sqliteDialect {
		return db.on(ctx, nil, q).ExecContext(ctx, args...)
	}
	err = db.inBatch(ctx, func(tx *Tx) error {
		res, err = tx.exec(ctx, q, args...)
		return err
	})
	return res, err
}

// statement is a query ready to run, in a transaction or not.
type statement struct {
	query string
	stmt  *sql.Stmt // prepared, or nil
	q     querier   // runs query when stmt is nil
}

func (s statement) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	if s.stmt != nil {
		return s.stmt.QueryContext(ctx, args...)
	}
	return s.q.QueryContext(ctx, s.query, args...)
}

func (s statement) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	if s.stmt != nil {
		return s.stmt.QueryRowContext(ctx, args...)
	}
	return s.q.QueryRowContext(ctx, s.query, args...)
}

func (s statement) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	if s.stmt != nil {
		return s.stmt.ExecContext(ctx, args...)
	}
	return s.q.ExecContext(ctx, s.query, args...)
}

// with readies query to run on q, the pool or a transaction, as on does.
func (db *DB) with(ctx context.Context, q querier, query string) statement {
	if tx, ok := q.(*sql.Tx); ok {
		return db.on(ctx, tx, query)
	}
	if q == querier(db.sql) {
		return db.on(ctx, nil, query)
	}
	return statement{query: db.dialect.rebind(query), q: q}
}

// on readies q for the dialect, to run in tx, or outside any transaction
// when tx is nil: from the prepared statements on SQLite, as is otherwise.
func (db *DB) on(ctx context.Context, tx *sql.Tx, q string) statement {
	q = db.dialect.rebind(q)
	var run querier = db.sql
	if tx != nil {
		run = tx
	}
	st := db.stmts.get(ctx, db, q, tx != nil)
	if st != nil && tx != nil {
		st = tx.StmtContext(ctx, st)
	}
	return statement{query: q, stmt: st, q: run}
}

// stmtCache keeps SQLite's statements prepared. Its driver otherwise parses
// and plans every query on every call, which on the load benchmark was a
// sixth of all the CPU time. PostgreSQL's driver keeps its own cache.
// Statements whose text varies with their values would fill the cache for
// nothing: this package passes values as arguments, and a statement past
// maxCachedStmts runs unprepared.
type stmtCache struct {
	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	closed bool
}

const maxCachedStmts = 1000

// get returns q prepared, or nil if it cannot be cached or fails to prepare:
// running it unprepared then reports the error as it would have. Preparing
// takes a connection of its own. Inside a transaction, which may hold the
// write lock that the connections in use wait for, that wait could end only
// with their busy timeout: there a missing statement is prepared in the
// background, and this call runs unprepared.
func (c *stmtCache) get(ctx context.Context, db *DB, q string, inTx bool) *sql.Stmt {
	if db.dialect != sqliteDialect {
		return nil
	}
	c.mu.RLock()
	st, ok := c.stmts[q]
	full := len(c.stmts) >= maxCachedStmts || c.closed
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	if inTx {
		go c.prepare(context.WithoutCancel(ctx), db, q)
		return nil
	}
	return c.prepare(ctx, db, q)
}

// prepare prepares q and keeps it, unless the cache has it already or is
// full; it returns the statement kept, or nil.
func (c *stmtCache) prepare(ctx context.Context, db *DB, q string) *sql.Stmt {
	st, err := db.sql.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[q]; ok || len(c.stmts) >= maxCachedStmts || c.closed {
		st.Close()
		return old
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[q] = st
	return st
}
