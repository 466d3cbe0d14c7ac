package casedesk

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry records one change: who did it, when, to what, and what changed.
// The log is append-only: no operation updates or deletes an entry.
type AuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"actor_id,omitempty"`
	ActorEmail string          `json:"actor_email"`
	OrgID      *int64          `json:"org_id,omitempty"`
	Entity     string          `json:"entity"` // organisation, user, contract, case, token
	EntityID   int64           `json:"entity_id"`
	Action     string          `json:"action"` // create, update, delete, login, …
	Changes    json.RawMessage `json:"changes,omitempty"`
}

// AuditFilter selects audit entries; zero fields match all. Entries come newest
// first, before Before when it is set.
type AuditFilter struct {
	Entity   string
	EntityID int64
	Before   int64
	Limit    int
}

// AuditService reads the audit log.
type AuditService interface {
	ListAudit(ctx context.Context, actor *Actor, f AuditFilter) ([]*AuditEntry, error)
}
