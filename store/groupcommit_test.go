package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// batchTable makes a table for these tests' writes.
func batchTable(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.exec(ctx, `CREATE TABLE batch_test (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
}

func batchRows(t *testing.T, db *DB) []int {
	t.Helper()
	var out []int
	for _, n := range queryIDs(t, db, `SELECT n FROM batch_test ORDER BY n`) {
		out = append(out, int(n))
	}
	return out
}

// inOneBatch runs calls concurrently, each a call of inTx, and returns
// their errors and what each panicked with. On SQLite it holds the writer's
// turn until all of them wait, so that they run in one batch, in order.
func inOneBatch(t *testing.T, db *DB, calls ...func() error) (errs []error, panics []any) {
	t.Helper()
	sqlite := db.dialect == sqliteDialect
	if sqlite {
		db.writer.turn <- struct{}{}
	}
	errs, panics = make([]error, len(calls)), make([]any, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errs[i] = call()
		})
		if sqlite { // each waits before the next starts: the batch keeps their order
			waitPending(t, db, i+1)
		}
	}
	if sqlite {
		<-db.writer.turn
	}
	wg.Wait()
	return errs, panics
}

// inTxs makes calls of inTx with ctx of fns.
func inTxs(db *DB, fns ...func(*Tx) error) []func() error {
	calls := make([]func() error, len(fns))
	for i, fn := range fns {
		calls[i] = func() error { return db.inTx(ctx, fn) }
	}
	return calls
}

func waitPending(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		db.writer.mu.Lock()
		got := len(db.writer.pending)
		db.writer.mu.Unlock()
		if got >= n {
			return
		}
	}
	t.Fatalf("%d transactions never waited for the writer", n)
}

func insertN(n int) func(*Tx) error {
	return func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO batch_test (n) VALUES (?)`, n)
		return err
	}
}

func TestInTx_TransactionsCommittedTogetherFailAlone(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		batchTable(t, db)
		var fns []func(*Tx) error
		for i := range 20 {
			if i%3 == 0 {
				// Writes, then fails: its write must be undone, and only its.
				fns = append(fns, func(tx *Tx) error {
					if err := insertN(100 + i)(tx); err != nil {
						return err
					}
					return insertN(100 + i)(tx) // a unique violation
				})
				continue
			}
			fns = append(fns, insertN(i))
		}
		errs, _ := inOneBatch(t, db, inTxs(db, fns...)...)
		var want []int
		for i, err := range errs {
			if i%3 == 0 {
				if err == nil || !isUniqueViolation(err) {
					t.Errorf("transaction %d: error %v, want a unique violation", i, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("transaction %d: %v", i, err)
			}
			want = append(want, i)
		}
		if got := batchRows(t, db); !slices.Equal(got, want) {
			t.Fatalf("rows %v, want %v", got, want)
		}
	})
}

func TestInTx_APanicGoesUpItsCallersStackAndSparesTheOthers(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		batchTable(t, db)
		errs, panics := inOneBatch(t, db, inTxs(db,
			insertN(1),
			func(tx *Tx) error {
				insertN(2)(tx)
				panic("boom")
			},
			insertN(3),
		)...)
		recovered := panics[1]
		if recovered != "boom" {
			t.Fatalf("the caller recovered %v, want the function's panic", recovered)
		}
		if errs[0] != nil || errs[2] != nil {
			t.Fatalf("the others failed: %v, %v", errs[0], errs[2])
		}
		if got := batchRows(t, db); !slices.Equal(got, []int{1, 3}) {
			t.Fatalf("rows %v, want [1 3]", got)
		}
	})
}

func TestInTx_BatchOfSQLite(t *testing.T) {
	t.Run("a caller gone before its turn writes nothing", func(t *testing.T) {
		db := openSQLite(t, t.TempDir())
		batchTable(t, db)
		gone, cancel := context.WithCancel(ctx)
		errs, _ := inOneBatch(t, db,
			func() error { return db.inTx(ctx, insertN(0)) },
			func() error { cancel(); return db.inTx(gone, insertN(1)) },
			func() error { return db.inTx(ctx, insertN(2)) },
		)
		if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], context.Canceled) {
			t.Fatalf("errors %v, want nil, context.Canceled, nil", errs)
		}
		if got := batchRows(t, db); !slices.Equal(got, []int{0, 2}) {
			t.Fatalf("rows %v, want [0 2]", got)
		}
	})
	t.Run("a transaction that breaks the batch fails those before it, and those after run again", func(t *testing.T) {
		db := openSQLite(t, t.TempDir())
		batchTable(t, db)
		breaker := func(tx *Tx) error {
			_, err := tx.exec(ctx, `ROLLBACK`)
			return err
		}
		errs, _ := inOneBatch(t, db, inTxs(db, insertN(1), breaker, insertN(3), insertN(4))...)
		if errs[0] == nil {
			t.Error("the transaction before the break was rolled back but reported no error")
		}
		if errs[2] != nil || errs[3] != nil {
			t.Errorf("those after the break failed: %v, %v", errs[2], errs[3])
		}
		if got := batchRows(t, db); !slices.Equal(got, []int{3, 4}) {
			t.Fatalf("rows %v, want [3 4]", got)
		}
	})
	t.Run("many writers share commits", func(t *testing.T) {
		db := openSQLite(t, t.TempDir())
		batchTable(t, db)
		var wg sync.WaitGroup
		errs := make([]error, 200)
		for i := range errs {
			wg.Go(func() { errs[i] = db.inTx(ctx, insertN(i)) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if got := batchRows(t, db); len(got) != len(errs) {
			t.Fatalf("%d rows, want %d", len(got), len(errs))
		}
	})
}
