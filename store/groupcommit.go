package store

import (
	"context"
	"fmt"
	"sync"
)

// groupCommit runs SQLite's write transactions in batches. SQLite has one
// writer at a time and makes every commit durable with an fsync of its log:
// on the load benchmark that commit, not the work before it, held the write
// lock for most of a case's creation, with the processor half idle.
//
// A transaction that arrives while another batch commits waits for it; the
// next leader then runs every waiting transaction in one SQLite transaction,
// each inside a savepoint of its own so that one that fails is undone alone,
// and commits them with one fsync. Each caller returns only after the commit
// that made its work durable, with its own function's error or the commit's.
type groupCommit struct {
	turn    chan struct{} // whoever sends into it leads the next batch
	mu      sync.Mutex
	pending []*pendingTx
}

// maxBatch bounds a batch, and with it how long its last transaction waits.
const maxBatch = 64

// pendingTx is one caller's transaction waiting for its batch.
type pendingTx struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error // buffered: the leader never waits for the caller
}

// panicked carries a transaction function's panic back to its caller's
// goroutine, so that it goes up the caller's stack as it would have.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprint("transaction function panicked: ", p.value) }

func newGroupCommit() groupCommit { return groupCommit{turn: make(chan struct{}, 1)} }

// inBatch runs fn in the next batch and returns once that batch committed or
// failed. A caller whose ctx ends while it waits still waits: its function
// may be running, and the caller must not report a failure that commits.
func (db *DB) inBatch(ctx context.Context, fn func(*Tx) error) error {
	g := &db.writer
	p := &pendingTx{ctx: ctx, fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.pending = append(g.pending, p)
	g.mu.Unlock()
	for {
		select {
		case err := <-p.done:
			return p.result(err)
		case g.turn <- struct{}{}:
			db.commitBatch()
			<-g.turn
		}
	}
}

func (p *pendingTx) result(err error) error {
	if pe, ok := err.(panicked); ok {
		panic(pe.value)
	}
	return err
}

// commitBatch takes up to maxBatch waiting transactions, runs them and
// tells each caller its result. The caller holds g.turn.
func (db *DB) commitBatch() {
	g := &db.writer
	g.mu.Lock()
	n := min(len(g.pending), maxBatch)
	batch := g.pending[:n:n]
	g.pending = append([]*pendingTx(nil), g.pending[n:]...)
	g.mu.Unlock()
	if n == 0 {
		return
	}
	results, unrun := db.runBatch(batch)
	if len(unrun) > 0 {
		// The batch failed before these ran: they go first in the next one.
		g.mu.Lock()
		g.pending = append(unrun, g.pending...)
		g.mu.Unlock()
	}
	for i, p := range batch[:len(batch)-len(unrun)] {
		p.done <- results[i]
	}
}

// runBatch runs batch in one transaction. It returns each function's error
// (the commit's for those that succeeded, when it fails) and, when the
// transaction broke before all had run, those that did not.
func (db *DB) runBatch(batch []*pendingTx) (results []error, unrun []*pendingTx) {
	results = make([]error, len(batch))
	fail := func(err error, ran int) ([]error, []*pendingTx) {
		for i := range ran {
			if results[i] == nil {
				results[i] = err
			}
		}
		return results, batch[ran:]
	}
	sqlTx, err := db.sql.BeginTx(context.Background(), nil)
	if err != nil {
		return fail(fmt.Errorf("begin transaction: %w", err), len(batch))
	}
	// One transaction alone needs no savepoint: its error rolls back all.
	single := len(batch) == 1
	savepoint := func(ctx context.Context, stmt string) error {
		if single {
			return nil
		}
		_, err := sqlTx.ExecContext(ctx, stmt)
		return err
	}
	committed := 0
	for i, p := range batch {
		if err := p.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		// A statement cancelled halfway would make SQLite roll back the whole
		// transaction, and with it the batch: the statements of a function
		// that has started run to the end.
		ctx := context.WithoutCancel(p.ctx)
		if err := savepoint(ctx, "SAVEPOINT batched"); err != nil {
			sqlTx.Rollback()
			return fail(fmt.Errorf("begin savepoint: %w", err), i)
		}
		results[i] = runGuarded(p.fn, &Tx{tx: sqlTx, db: db, ctx: ctx})
		if results[i] != nil {
			if single {
				sqlTx.Rollback()
				return results, nil
			}
			if err := savepoint(ctx, "ROLLBACK TO batched"); err != nil {
				sqlTx.Rollback()
				return fail(fmt.Errorf("undo a failed transaction: %w", err), i+1)
			}
		} else {
			committed++
		}
		if err := savepoint(ctx, "RELEASE batched"); err != nil {
			sqlTx.Rollback()
			return fail(fmt.Errorf("release savepoint: %w", err), i+1)
		}
	}
	if committed == 0 {
		sqlTx.Rollback()
		return results, nil
	}
	if err := sqlTx.Commit(); err != nil {
		return fail(fmt.Errorf("commit: %w", err), len(batch))
	}
	return results, nil
}

// runGuarded calls fn, turning a panic into an error that its caller
// raises again.
func runGuarded(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked{v}
		}
	}()
	return fn(tx)
}
