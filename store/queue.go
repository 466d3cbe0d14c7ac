package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/priority"
)

// CaseFilter selects cases for a queue page. Zero fields match all. Open
// selects the working queue (new, open, waiting on customer); Status one status.
type CaseFilter struct {
	Open       bool
	Status     casedesk.CaseStatus
	Priority   string
	ProductID  int64
	OrgID      int64
	AssigneeID int64
	Queue      string
	AtRisk     bool
	Breached   bool
	Cursor     string
	Limit      int
}

// queueCursor is the position after the last case of a page, in queue order.
type queueCursor struct {
	Priority string    `json:"p"`
	Rank     int       `json:"r"`
	Due      time.Time `json:"d"`
	ID       int64     `json:"i"`
}

// CasePage is one page of a queue; Next is empty on the last page.
type CasePage struct {
	Cases []*casedesk.Case `json:"cases"`
	Next  string           `json:"next_cursor,omitempty"`
}

// ListCases returns a page of the cases the actor may see, in queue order:
// priority, then the plan's priority handling, then due time. Pages are
// keyset-paginated on that order, so a page costs the same at any depth and
// nothing is counted.
func (db *DB) ListCases(ctx context.Context, actor *casedesk.Actor, f CaseFilter) (*CasePage, error) {
	if !actor.HasScope(casedesk.ScopeCasesRead) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:read").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesRead})
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var (
		where []string
		args  []any
	)
	add := func(cond string, vals ...any) {
		where = append(where, cond)
		args = append(args, vals...)
	}
	orgs, all, err := db.visibleOrgs(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !all {
		if len(orgs) == 0 {
			return &CasePage{Cases: []*casedesk.Case{}}, nil
		}
		if len(orgs) == 1 {
			add("org_id = ?", orgs[0])
		} else {
			add(db.dialect.oneOf("org_id", orgs))
		}
	}
	if f.Open {
		add("is_open = ?", true)
	}
	if f.Status != "" {
		if _, err := casedesk.ParseCaseStatus(string(f.Status)); err != nil {
			return nil, err
		}
		add("status = ?", f.Status)
	}
	if f.Priority != "" {
		l, err := priority.ParseLevel(f.Priority)
		if err != nil {
			return nil, err
		}
		add("priority = ?", l.String())
	}
	if f.ProductID != 0 {
		add("product_id = ?", f.ProductID)
	}
	if f.OrgID != 0 {
		add("org_id = ?", f.OrgID)
	}
	if f.AssigneeID != 0 {
		add("assignee_id = ?", f.AssigneeID)
	}
	if f.Queue != "" {
		add("queue = ?", f.Queue)
	}
	if f.AtRisk {
		add("at_risk = ?", true)
	}
	if f.Breached {
		add("breached = ?", true)
	}
	if f.Cursor != "" {
		cur, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		add("(priority, plan_rank, sort_due, id) > (?, ?, ?, ?)", cur.Priority, cur.Rank, cur.Due, cur.ID)
	}
	// The SLA state stays behind: a page does not need it, and it is the
	// largest column.
	q := `SELECT ` + caseListColumns + `, plan_rank, sort_due FROM cases`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY priority, plan_rank, sort_due, id LIMIT ?`
	args = append(args, f.Limit+1)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	page := &CasePage{Cases: []*casedesk.Case{}}
	var last queueCursor
	for rows.Next() {
		var (
			rank    int
			sortDue time.Time
		)
		c, err := scanCase(scanPlus{rows, []any{&rank, &sortDue}})
		if err != nil {
			return nil, fmt.Errorf("list cases: %w", err)
		}
		if len(page.Cases) == f.Limit {
			page.Next = encodeCursor(last)
			break
		}
		page.Cases = append(page.Cases, c)
		last = queueCursor{c.Priority, rank, sortDue.UTC(), c.ID}
	}
	return page, rows.Err()
}

// scanPlus scans a row's leading case columns and some extra ones after them.
type scanPlus struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// scanFunc is a row whose Scan calls it: a scanner of some columns can hand
// its destinations to another's, so that one row is scanned by both.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func encodeCursor(c queueCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (queueCursor, error) {
	var c queueCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == 0 {
		return c, casedesk.FieldErrorf("cursor", "not a cursor from a previous page: start again without it").WithKey("error.queue.cursor", nil)
	}
	return c, nil
}

// CaseCounts returns how many cases the actor's organisations have in each
// status, from counts kept up to date rather than counted.
func (db *DB) CaseCounts(ctx context.Context, actor *casedesk.Actor) (map[casedesk.CaseStatus]int64, error) {
	orgs, all, err := db.visibleOrgs(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT org_id, status, n FROM case_counts`)
	if err != nil {
		return nil, fmt.Errorf("case counts: %w", err)
	}
	defer rows.Close()
	out := map[casedesk.CaseStatus]int64{}
	for rows.Next() {
		var (
			org    int64
			status casedesk.CaseStatus
			n      int64
		)
		if err := rows.Scan(&org, &status, &n); err != nil {
			return nil, fmt.Errorf("case counts: %w", err)
		}
		if all || slices.Contains(orgs, org) {
			out[status] += n
		}
	}
	return out, rows.Err()
}
