package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/sla"
)

// AttainmentRow counts the first-response clocks of one plan and priority:
// met in time, breached, and still running within their target.
type AttainmentRow struct {
	Plan     string `json:"plan"`
	Priority string `json:"priority"`
	Met      int    `json:"met"`
	Breached int    `json:"breached"`
	Pending  int    `json:"pending"`
}

// Decided is how many clocks have an outcome, met or breached.
func (r AttainmentRow) Decided() int { return r.Met + r.Breached }

// Attainment is the share of decided clocks that were met, from 0 to 1; 0
// when none is decided yet.
func (r AttainmentRow) Attainment() float64 {
	if r.Decided() == 0 {
		return 0
	}
	return float64(r.Met) / float64(r.Decided())
}

// SLAAttainment counts, per plan and priority, the first-response clocks of
// the cases opened since since: met, breached (recorded, or past due and not
// yet swept) and pending. Each clock counts under the plan and priority it
// was measured against, as its SLA state recorded them; cases with no
// commitment have no such clock and are left out. Staff only. Rows come in
// plan order, then priority.
func (db *DB) SLAAttainment(ctx context.Context, actor *casedesk.Actor, since time.Time) ([]AttainmentRow, error) {
	if !actor.IsStaff() || !actor.HasScope(casedesk.ScopeCasesRead) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only support staff see SLA attainment").WithKey("error.dashboard.forbidden", nil)
	}
	orgs, all, err := db.visibleOrgs(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT c.org_id, c.priority, c.sla, COALESCE(k.plan_id, '') FROM cases c
		LEFT JOIN contracts k ON k.id = c.contract_id
		WHERE c.created_at >= ? AND c.sla <> '' AND c.merged_into IS NULL`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("SLA attainment: %w", err)
	}
	defer rows.Close()
	now := db.now()
	counts := map[[2]string]*AttainmentRow{}
	for rows.Next() {
		var (
			org                      int64
			level, state, contractPl string
		)
		if err := rows.Scan(&org, &level, &state, &contractPl); err != nil {
			return nil, fmt.Errorf("SLA attainment: %w", err)
		}
		if !all && !slices.Contains(orgs, org) {
			continue
		}
		var st sla.State
		if err := json.Unmarshal([]byte(state), &st); err != nil {
			return nil, fmt.Errorf("SLA attainment: case state: %w", err)
		}
		cycles := st.Clocks[sla.FirstResponse]
		if len(cycles) == 0 {
			continue
		}
		c := cycles[0]
		planID, pri := c.Plan, c.Priority.String()
		if planID == "" {
			planID = contractPl
		}
		if !c.Priority.Valid() {
			pri = level
		}
		key := [2]string{planID, pri}
		row := counts[key]
		if row == nil {
			row = &AttainmentRow{Plan: planID, Priority: pri}
		}
		switch c.Status {
		case sla.Met:
			row.Met++
		case sla.Breached:
			row.Breached++
		case sla.Running, sla.Warning:
			if !c.Due.IsZero() && now.After(c.Due) {
				row.Breached++
			} else {
				row.Pending++
			}
		case sla.Paused:
			row.Pending++
		default: // cancelled: the commitment went away, nothing to attain
			continue
		}
		counts[key] = row
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("SLA attainment: %w", err)
	}
	out := make([]AttainmentRow, 0, len(counts))
	for _, r := range counts {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b AttainmentRow) int {
		if c := strings.Compare(a.Plan, b.Plan); c != 0 {
			return c
		}
		return strings.Compare(a.Priority, b.Priority)
	})
	return out, nil
}
