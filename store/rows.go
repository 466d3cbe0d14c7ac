package store

import (
	"context"
	"strconv"
	"strings"
)

// newRow is one row to insert: its table, its columns, their values as SQL
// expressions with a ? for each argument, and what follows the values (an
// ON CONFLICT clause).
type newRow struct {
	table, cols, vals, tail string
	args                    []any
}

func (r newRow) insertSQL() string {
	return "INSERT INTO " + r.table + " (" + r.cols + ") VALUES (" + r.vals + ")" + r.tail
}

func (tx *Tx) insert(ctx context.Context, r newRow) error {
	_, err := tx.exec(ctx, r.insertSQL(), r.args...)
	return err
}

// insertID inserts r and returns its new id.
func (tx *Tx) insertID(ctx context.Context, r newRow) (id int64, err error) {
	err = tx.queryRow(ctx, r.insertSQL()+` RETURNING id`, r.args...).Scan(&id)
	return id, err
}

// newCaseID stands, in the rows given to insertAtOnce, for the id of the case
// that its head row inserts. Real ids are positive.
const newCaseID int64 = -1

// insertAtOnce makes one PostgreSQL statement that inserts head, a row of
// cases, and rows, and returns the new case's id. Where a row's argument is
// newCaseID, the row takes the new id. One statement is one round trip and
// its own transaction: on PostgreSQL the seven round trips of a transaction
// of inserts cost a case's creation more than the inserts themselves.
//
// The parts of a statement run in no set order and see the database as it
// was before it, so no two rows may change the same row (an ON CONFLICT
// update). Consecutive rows of one table are inserted by one part, in their
// order, so that their ids keep it: a thread's events are read in id order.
func insertAtOnce(head newRow, rows []newRow) (string, []any) {
	var b strings.Builder
	args := append([]any(nil), head.args...)
	b.WriteString("WITH c AS (" + head.insertSQL() + " RETURNING id)")
	sameTable := func(i, j int) bool {
		return j >= 0 && j < len(rows) && rows[i].table == rows[j].table && rows[i].cols == rows[j].cols && rows[i].tail == rows[j].tail
	}
	for i, r := range rows {
		if sameTable(i, i-1) {
			b.WriteString(", (")
		} else {
			b.WriteString(", r" + strconv.Itoa(i) + " AS (INSERT INTO " + r.table + " (" + r.cols + ") VALUES (")
		}
		n := 0
		for j := 0; j < len(r.vals); j++ {
			switch {
			case r.vals[j] != '?':
				b.WriteByte(r.vals[j])
				continue
			case r.args[n] == any(newCaseID):
				b.WriteString(newCaseIDSQL)
			default:
				b.WriteByte('?')
				args = append(args, r.args[n])
			}
			n++
		}
		b.WriteString(")")
		if !sameTable(i, i+1) {
			b.WriteString(r.tail + ")")
		}
	}
	b.WriteString(" SELECT id FROM c")
	return b.String(), args
}

// newCaseIDSQL is the new case's id in insertAtOnce's statement.
const newCaseIDSQL = "(SELECT id FROM c)"
