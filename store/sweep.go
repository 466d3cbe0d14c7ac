package store

import (
	"context"
	"fmt"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/sla"
)

// SweepSLA evaluates the SLA clocks of up to limit cases whose next warning
// or due time has come, firing each warning and breach once, and returns
// how many cases it evaluated. Several instances may sweep at once: each case
// is evaluated under its row lock, and a warning or breach already recorded
// in the case's state is never fired again.
func (db *DB) SweepSLA(ctx context.Context, limit int) (int, error) {
	rows, err := db.query(ctx, `SELECT id FROM cases WHERE check_at <= ? ORDER BY check_at LIMIT ?`, db.now(), limit)
	if err != nil {
		return 0, fmt.Errorf("sweep SLA: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sweep SLA: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		_, err := db.mutateCase(ctx, casedesk.SystemActor, id, 0, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
			return caseChange{events: []sla.Event{{Kind: sla.Tick, At: db.now()}}}, nil
		})
		if err != nil {
			return 0, fmt.Errorf("sweep SLA: case %d: %w", id, err)
		}
	}
	return len(ids), nil
}
