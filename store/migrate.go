package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
)

// migrationFiles holds the schema's history. A file NNNN_name.sql serves both
// databases; NNNN_name.sqlite.sql and NNNN_name.postgres.sql serve one each.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema's history.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLockID is the PostgreSQL advisory lock that keeps two instances
// starting together from migrating at once.
const migrationLockID = 0x6361736564657363 // "casedesc"

// migrations returns the steps for dialect d in order.
func migrations(d *dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		base, only, _ := strings.Cut(name, ".")
		if only != "" && only != d.name {
			continue
		}
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		if prev, dup := byVersion[v]; dup && only == "" {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev.name, base, v)
		}
		byVersion[v] = migration{version: v, name: base, sql: d.types.Replace(string(body))}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this binary knows.
func (db *DB) LatestVersion() int {
	ms, err := migrations(db.dialect)
	if err != nil {
		return 0
	}
	return len(ms)
}

// SchemaVersion returns the version the database is at: 0 for an empty one.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, db.sql, db.dialect)
}

func schemaVersion(ctx context.Context, q querier, d *dialect) (int, error) {
	var exists bool
	var err error
	if d == postgresDialect {
		err = q.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists)
	} else {
		var n int
		err = q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		exists = n > 0
	}
	if err != nil || !exists {
		return 0, err
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// Migrate brings the schema up to date, one transaction per step, under a lock
// so that two instances starting together never both migrate, then stores the
// built-in plan catalog if no plan is stored yet. It refuses a database whose
// schema is newer than this binary. progress, if not nil, is
// told of each step applied.
func (db *DB) Migrate(ctx context.Context, progress func(version int, name string)) error {
	ms, err := migrations(db.dialect)
	if err != nil {
		return err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == postgresDialect {
		// A session lock, held across the per-step transactions below.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLockID)); err != nil {
			return fmt.Errorf("migrate: take lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLockID))
	}
	for {
		done, err := db.migrateStep(ctx, conn, ms, progress)
		if err != nil {
			return err
		}
		if done {
			// Still under the lock: instances starting together seed once.
			return db.seedPlans(ctx)
		}
	}
}

// migrateStep applies the next pending step, if any, in its own transaction.
// On SQLite the transaction begins IMMEDIATE, which is the lock.
func (db *DB) migrateStep(ctx context.Context, conn *sql.Conn, ms []migration, progress func(int, string)) (done bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	current, err := schemaVersion(ctx, tx, db.dialect)
	if err != nil {
		return false, fmt.Errorf("migrate: read schema version: %w", err)
	}
	if current > len(ms) {
		return false, casedesk.Errorf(casedesk.ECONFLICT,
			"the database schema is at version %d but this casedesk knows only up to %d: run a newer casedesk", current, len(ms))
	}
	if current == len(ms) {
		return true, tx.Commit()
	}
	m := ms[current]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("migration %04d %s: %w", m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, db.dialect.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.version, m.name, db.now().Format("2006-01-02T15:04:05.000000Z07:00")); err != nil {
		return false, fmt.Errorf("migration %04d %s: record: %w", m.version, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %04d %s: commit: %w", m.version, m.name, err)
	}
	if progress != nil {
		progress(m.version, m.name)
	}
	return false, nil
}

// WithLock runs fn while holding the named lock across every instance that
// shares the database: a PostgreSQL advisory lock. SQLite serves one process,
// so there a mutex of this DB suffices.
func (db *DB) WithLock(ctx context.Context, name string, fn func() error) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.Close()
	if db.dialect == postgresDialect {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, name); err != nil {
			return fmt.Errorf("lock %s: %w", name, err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, name)
		return fn()
	}
	db.localLock.Lock()
	defer db.localLock.Unlock()
	return fn()
}
