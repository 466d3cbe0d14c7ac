package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
)

// record appends an audit entry inside tx, so that a change and its record
// commit or roll back together. changes is marshalled to JSON.
func (tx *Tx) record(ctx context.Context, actor *casedesk.Actor, orgID *int64, entity string, entityID int64, action string, changes any) error {
	r, err := auditRow(actor, orgID, entity, entityID, action, changes, tx.db.now())
	if err == nil {
		err = tx.insert(ctx, r)
	}
	if err != nil {
		return fmt.Errorf("audit %s %d: %w", entity, entityID, err)
	}
	return nil
}

// auditRow is an audit entry; changes is marshalled to JSON.
func auditRow(actor *casedesk.Actor, orgID *int64, entity string, entityID int64, action string, changes any, at time.Time) (newRow, error) {
	var body []byte
	if changes != nil {
		var err error
		if body, err = json.Marshal(changes); err != nil {
			return newRow{}, err
		}
	}
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	return newRow{table: "audit_log", cols: "at, actor_id, actor_email, org_id, entity, entity_id, action, changes", vals: "?, ?, ?, ?, ?, ?, ?, ?",
		args: []any{at, actorID, actor.Email, orgID, entity, entityID, action, string(body)}}, nil
}

// change is one field's before and after, as recorded in the audit log.
type change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// ListAudit returns audit entries, newest first. Only administrators may read them.
func (db *DB) ListAudit(ctx context.Context, actor *casedesk.Actor, f casedesk.AuditFilter) ([]*casedesk.AuditEntry, error) {
	if !actor.CanReadAudit() {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may read the audit log").WithKey("error.audit.forbidden", nil)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, actor_id, actor_email, org_id, entity, entity_id, action, changes FROM audit_log WHERE 1 = 1`
	var args []any
	if f.Entity != "" {
		q += ` AND entity = ?`
		args = append(args, f.Entity)
	}
	if f.EntityID != 0 {
		q += ` AND entity_id = ?`
		args = append(args, f.EntityID)
	}
	if f.Before != 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.AuditEntry
	for rows.Next() {
		var (
			e       casedesk.AuditEntry
			actorID sql.NullInt64
			orgID   sql.NullInt64
			changes string
		)
		if err := rows.Scan(&e.ID, &e.At, &actorID, &e.ActorEmail, &orgID, &e.Entity, &e.EntityID, &e.Action, &changes); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.ActorID = nullInt(actorID)
		e.OrgID = nullInt(orgID)
		if changes != "" {
			e.Changes = json.RawMessage(changes)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}
