package store

import (
	"context"
	"fmt"
)

// mergeStepPages bounds one step of MergeSearchIndex: about 400 KiB of
// index pages written in one short write transaction.
const mergeStepPages = 100

// MergeSearchIndex merges the segments of SQLite's full-text index, one
// bounded step per write transaction, until none needs merging, ctx ends or
// maxSteps steps are done; it returns how many steps did work.
//
// Every write to the index adds a small segment, and SQLite merges them
// inside the writing transaction by default: on a large desk one such merge
// rewrote megabytes of index while a customer waited seconds for a case to
// open. Since migration 10 the writers merge only the newest, smallest
// segments; the larger merges are left to this method, which `casedesk
// serve` runs every second. PostgreSQL's index needs none of this.
func (db *DB) MergeSearchIndex(ctx context.Context, maxSteps int) (int, error) {
	if db.dialect != sqliteDialect {
		return 0, nil
	}
	steps := 0
	for steps < maxSteps && ctx.Err() == nil {
		var worked bool
		err := db.inTx(ctx, func(tx *Tx) error {
			// The merge command changes at least two rows when it works.
			var before, after int64
			if err := tx.queryRow(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO case_search (case_search, rank) VALUES ('merge', ?)`, mergeStepPages); err != nil {
				return err
			}
			if err := tx.queryRow(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
				return err
			}
			worked = after-before >= 2
			return nil
		})
		if err != nil {
			return steps, fmt.Errorf("merge the search index: %w", err)
		}
		if !worked {
			break
		}
		steps++
	}
	return steps, nil
}
