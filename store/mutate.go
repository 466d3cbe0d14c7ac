package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/sla"
)

// resolver gives the SLA engine the stored plan and calendar versions,
// read through q (the caller's transaction, or the pool).
type resolver struct {
	ctx context.Context
	db  *DB
	q   querier
}

func (r resolver) Plan(id string, v int) (*plan.Plan, error) { return r.db.planIn(r.ctx, r.q, id, v) }
func (r resolver) Calendar(id string, v int) (sla.Calendar, error) {
	return r.db.calendarIn(r.ctx, r.q, id, v)
}

// loadState decodes and restores a case's SLA state, reading through q.
func (db *DB) loadState(ctx context.Context, q querier, c *casedesk.Case) (*sla.State, error) {
	st := &sla.State{}
	if len(c.SLA) == 0 {
		return st, nil
	}
	if err := json.Unmarshal(c.SLA, st); err != nil {
		return nil, fmt.Errorf("case %d: unreadable SLA state: %w", c.ID, err)
	}
	if err := st.Restore(resolver{ctx, db, q}); err != nil {
		return nil, fmt.Errorf("case %d: %w", c.ID, err)
	}
	return st, nil
}

// caseChange is what an operation did to a case, for mutateCase to store.
type caseChange struct {
	events []sla.Event // for the SLA engine, in time order
	hook   string      // webhook event to send, if any
	audit  any         // what changed, for the audit log
	action string
}

// mutateCase changes one case in one transaction: it locks and loads the
// case, restores its SLA state, lets fn change the case (and add thread
// events through tx), applies the SLA events fn returns, stores the case
// with its new SLA summary, and turns warnings and breaches into
// notifications. rev, when not zero, must match the case's revision
// (If-Match). Because the SLA state and its notifications commit together
// under the row lock, a warning or breach is notified exactly once however
// many instances evaluate the case.
func (db *DB) mutateCase(ctx context.Context, actor *casedesk.Actor, id int64, rev int, fn func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error)) (*casedesk.Case, error) {
	err := db.inTx(ctx, func(tx *Tx) error {
		c, err := scanCase(tx.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`+db.dialect.forUpdate, id))
		if errors.Is(err, sql.ErrNoRows) {
			return casedesk.Errorf(casedesk.ENOTFOUND, "case %d not found", id).WithKey("error.case.not_found", map[string]any{"ID": id})
		}
		if err != nil {
			return fmt.Errorf("case %d: %w", id, err)
		}
		if rev != 0 && rev != c.Rev {
			return casedesk.Errorf(casedesk.EPRECONDITION, "case %d changed since you read it (revision %d, now %d): reload it and try again", id, rev, c.Rev).WithKey("error.case.changed", map[string]any{"ID": id, "Rev": rev, "Now": c.Rev})
		}
		st, err := db.loadState(ctx, tx.tx, c)
		if err != nil {
			return err
		}
		oldStatus := c.Status
		ch, err := fn(tx, c, st)
		if err != nil {
			return err
		}
		var alerts []sla.Alert
		if !st.Opened.IsZero() {
			for _, e := range ch.events {
				if e.At.Before(st.Last) {
					e.At = st.Last
				}
				a, err := st.Apply(e)
				if err != nil {
					return fmt.Errorf("case %d: SLA %s: %w", id, e.Kind, err)
				}
				alerts = append(alerts, a...)
			}
		}
		if err := tx.saveCase(ctx, c, st); err != nil {
			return err
		}
		if err := tx.countCase(ctx, c.OrgID, oldStatus, c.Status); err != nil {
			return err
		}
		for _, a := range alerts {
			if err := tx.notifyAlert(ctx, c, a); err != nil {
				return err
			}
		}
		if ch.hook != "" {
			if err := tx.caseHook(ctx, ch.hook, c); err != nil {
				return err
			}
		}
		if ch.action != "" {
			return tx.record(ctx, actor, &c.OrgID, "case", c.ID, ch.action, ch.audit)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.caseByID(ctx, id)
}

// saveCase writes a changed case and its SLA summary, bumping its revision.
func (tx *Tx) saveCase(ctx context.Context, c *casedesk.Case, st *sla.State) error {
	now := tx.db.now()
	var stateJSON string
	sum := slaSummary{}
	if !st.Opened.IsZero() {
		var err error
		if stateJSON, err = marshalState(st); err != nil {
			return err
		}
		sum = summarize(st, now)
	}
	sortDue := farFuture
	if sum.due != nil && c.Status.IsOpen() {
		sortDue = *sum.due
	}
	details, _ := json.Marshal(struct {
		casedesk.CaseDetails
		Reasons []string `json:"reasons,omitempty"`
	}{c.Details, c.Reasons})
	c.Rev++
	c.UpdatedAt = now
	_, err := tx.exec(ctx, `UPDATE cases SET contract_id = ?, subject = ?, details = ?, priority = ?, status = ?, assignee_id = ?, queue = ?,
		commitment = ?, flags = ?, sla = ?, due_at = ?, sort_due = ?, is_open = ?, check_at = ?, at_risk = ?, breached = ?,
		merged_into = ?, rev = ?, updated_at = ?, resolved_at = ?, closed_at = ? WHERE id = ?`,
		c.ContractID, c.Subject, string(details), c.Priority, c.Status, c.AssigneeID, c.Queue,
		c.Commitment, joinList(c.Flags), stateJSON, sum.due, sortDue, c.Status.IsOpen(), sum.check, sum.atRisk, sum.breached,
		c.MergedInto, c.Rev, now, c.ResolvedAt, c.ClosedAt, c.ID)
	if err != nil {
		return fmt.Errorf("save case %d: %w", c.ID, err)
	}
	return nil
}

// notifyAlert tells the assignee of a warning or breach in the app and by
// e-mail (through the outbox), and on a breach, where the plan has one, the
// contract's assigned support manager; it also queues the webhook event.
func (tx *Tx) notifyAlert(ctx context.Context, c *casedesk.Case, a sla.Alert) error {
	kind := "sla." + string(a.Kind)
	recipients := []int64{}
	if c.AssigneeID != nil {
		recipients = append(recipients, *c.AssigneeID)
	}
	if a.NotifySupportManager && c.ContractID != nil {
		var manager sql.NullInt64
		if err := tx.queryRow(ctx, `SELECT support_manager_id FROM contracts WHERE id = ?`, *c.ContractID).Scan(&manager); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		if manager.Valid && (c.AssigneeID == nil || manager.Int64 != *c.AssigneeID) {
			recipients = append(recipients, manager.Int64)
		}
	}
	data, _ := json.Marshal(map[string]any{"metric": a.Metric, "cycle": a.Cycle, "due": a.Due, "at": a.At, "subject": c.Subject, "priority": c.Priority})
	for _, uid := range recipients {
		if _, err := tx.exec(ctx, `INSERT INTO notifications (user_id, case_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?)`,
			uid, c.ID, kind, string(data), tx.db.now()); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		var email, locale string
		if err := tx.queryRow(ctx, `SELECT email, locale FROM users WHERE id = ?`, uid).Scan(&email, &locale); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		if err := tx.enqueue(ctx, kind, email, locale, json.RawMessage(data)); err != nil {
			return err
		}
	}
	return tx.enqueue(ctx, "webhook", kind, "", map[string]any{"event": kind, "case_id": c.ID, "org_id": c.OrgID, "metric": a.Metric, "due": a.Due})
}

// Notification is an in-app message for a user.
type Notification struct {
	ID        int64           `json:"id"`
	CaseID    *int64          `json:"case_id,omitempty"`
	Kind      string          `json:"kind"`
	Data      json.RawMessage `json:"data,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	ReadAt    *time.Time      `json:"read_at,omitempty"`
}

// Notifications returns the actor's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, actor *casedesk.Actor, limit int) ([]*Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.query(ctx, `SELECT id, case_id, kind, data, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?`, actor.UserID, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	out := []*Notification{}
	for rows.Next() {
		var (
			n      Notification
			caseID sql.NullInt64
			data   string
			read   sql.NullTime
		)
		if err := rows.Scan(&n.ID, &caseID, &n.Kind, &data, &n.CreatedAt, &read); err != nil {
			return nil, fmt.Errorf("notifications: %w", err)
		}
		n.CaseID, n.ReadAt = nullInt(caseID), timePtr(read)
		if data != "" {
			n.Data = json.RawMessage(data)
		}
		out = append(out, &n)
	}
	return out, rows.Err()
}
