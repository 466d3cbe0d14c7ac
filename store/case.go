package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/entitlement"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
)

const caseColumns = `id, org_id, contract_id, contact_id, product_id, version_id, subject, description, details, impact, urgency,
	priority, language, status, assignee_id, queue, commitment, flags, sla, due_at, at_risk, breached, parent_id, merged_into,
	rev, created_at, updated_at, resolved_at, closed_at`

// caseListColumns are caseColumns for lists (queue pages, search results),
// which leave out the SLA state: GET /cases/{id} has it, and it is the
// largest column.
var caseListColumns = strings.Replace(caseColumns, "sla,", "'' AS sla,", 1)

func scanCase(row interface{ Scan(...any) error }) (*casedesk.Case, error) {
	var (
		c                                           casedesk.Case
		contract, version, assignee, parent, merged sql.NullInt64
		details, flags, state                       string
		due, resolved, closed                       sql.NullTime
	)
	if err := row.Scan(&c.ID, &c.OrgID, &contract, &c.ContactID, &c.ProductID, &version, &c.Subject, &c.Desc, &details,
		&c.Impact, &c.Urgency, &c.Priority, &c.Language, &c.Status, &assignee, &c.Queue, &c.Commitment, &flags, &state,
		&due, &c.AtRisk, &c.Breached, &parent, &merged, &c.Rev, &c.CreatedAt, &c.UpdatedAt, &resolved, &closed); err != nil {
		return nil, err
	}
	c.ContractID, c.VersionID, c.AssigneeID = nullInt(contract), nullInt(version), nullInt(assignee)
	c.ParentID, c.MergedInto = nullInt(parent), nullInt(merged)
	c.DueAt, c.ResolvedAt, c.ClosedAt = timePtr(due), timePtr(resolved), timePtr(closed)
	var d struct {
		casedesk.CaseDetails
		Reasons []string `json:"reasons,omitempty"`
	}
	json.Unmarshal([]byte(details), &d)
	c.Details, c.Reasons = d.CaseDetails, d.Reasons
	c.Flags = splitList(flags)
	if state != "" {
		c.SLA = json.RawMessage(state)
	}
	return &c, nil
}

// NewCase is what a submitter sends to open a case.
type NewCase struct {
	Case casedesk.Case
	// Priority, when set, overrides the matrix; OverrideReason is then required.
	Priority       string
	OverrideReason string
}

// OpenCase accepts a new case. Only a refusal of a user who is not a technical
// contact stops it; any other problem is recorded on the case as a flag with
// no SLA commitment, and explained.
func (db *DB) OpenCase(ctx context.Context, actor *casedesk.Actor, in NewCase) (*casedesk.Case, error) {
	c := in.Case
	if !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:write").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesWrite})
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	impact, err := priority.ParseImpact(c.Impact)
	if err != nil {
		return nil, err
	}
	urgency, err := priority.ParseUrgency(c.Urgency)
	if err != nil {
		return nil, err
	}
	level, err := priority.FromMatrix(impact, urgency)
	if err != nil {
		return nil, err
	}
	c.Impact, c.Urgency = impact.String(), urgency.String()
	var override *priority.Override
	if in.Priority != "" {
		to, err := priority.ParseLevel(in.Priority)
		if err != nil {
			return nil, err
		}
		if to != level {
			o, err := priority.NewOverride(level, to, actor.Email, db.now(), in.OverrideReason)
			if err != nil {
				if casedesk.ErrorField(err) == "reason" {
					return nil, casedesk.FieldErrorf("override_reason", "say why the priority differs from the computed %s", level).WithKey("error.case.override_reason", map[string]any{"Level": level})
				}
				return nil, err
			}
			override, level = &o, to
		}
	}
	c.Priority = level.String()

	// Who the case is for: a customer opens it for their own organisation;
	// staff name the contact.
	staff := actor.IsStaff()
	var contact *casedesk.User
	switch {
	case !staff:
		if actor.OrgKind != casedesk.OrgCustomer {
			return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only customers' users and vendor staff open cases; community questions go to the forums").WithKey("error.case.open_forbidden", nil)
		}
		// The actor, checked when it was authenticated, is the contact.
		contact = &casedesk.User{ID: actor.UserID, OrgID: &actor.OrgID, Email: actor.Email, Role: actor.Role, Locale: actor.Locale}
	case c.ContactID == 0:
		return nil, casedesk.FieldErrorf("contact_id", "name the customer's contact the case is for").WithKey("error.case.contact_missing", nil)
	default:
		// Staff name the contact: it must be a customer's, not a partner's or staff's.
		u, err := db.user(ctx, c.ContactID)
		if err == nil && u.OrgID != nil {
			if o, oerr := db.organisation(ctx, *u.OrgID); oerr == nil && o.Kind == casedesk.OrgCustomer {
				contact = u
			}
		}
		if contact == nil {
			return nil, casedesk.FieldErrorf("contact_id", "user %d is not a customer's user", c.ContactID).WithKey("error.case.contact_not_customer", map[string]any{"ID": c.ContactID})
		}
	}
	c.OrgID, c.ContactID = *contact.OrgID, contact.ID
	product, err := db.product(ctx, c.ProductID) // its versions are not needed: c names one
	if err != nil {
		return nil, casedesk.FieldErrorf("product_id", "no product %d", c.ProductID).WithKey("error.product.no_such", map[string]any{"ID": c.ProductID})
	}
	var version *casedesk.Version
	if c.VersionID != nil {
		if version, err = db.version(ctx, c.ProductID, *c.VersionID); err != nil {
			return nil, err
		}
	}
	contracts, err := db.contractsOf(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if staff && c.ContractID != nil {
		// A split part stays under its parent's contract.
		keep := *c.ContractID
		contracts = slices.DeleteFunc(contracts, func(k *casedesk.Contract) bool { return k.ID != keep })
	}
	now := db.now()
	facts := entitlement.Facts{
		Submitter: contact, Staff: staff, Contracts: contracts, Product: product, Version: version,
		Request: c.Details.Request, Now: now,
	}
	decision, err := entitlement.CanOpenCase(facts)
	if casedesk.ErrorCode(err) == casedesk.EFORBIDDEN {
		// Only a refusal names the contacts: look them up then, not for every case.
		facts.ContactNames = map[int64]string{}
		for _, k := range contracts {
			for _, id := range k.Contacts {
				if u, err := db.user(ctx, id); err == nil {
					facts.ContactNames[id] = fmt.Sprintf("%s <%s>", u.Name, u.Email)
				}
			}
		}
		_, err = entitlement.CanOpenCase(facts)
	}
	if err != nil {
		return nil, err
	}
	terms, err := db.caseTerms(ctx, db.sql, decision.Contract, product, version, decision.Commitment, now)
	if err != nil {
		return nil, err
	}
	state := &sla.State{}
	if _, err := state.Apply(sla.Event{Kind: sla.Opened, At: now, Priority: level, Terms: terms}); err != nil {
		return nil, err
	}
	c.ContractID = nil
	if decision.Contract != nil {
		c.ContractID = &decision.Contract.ID
	}
	c.Commitment = decision.Commitment && state.Reason == ""
	c.Flags, c.Reasons, c.Queue = decision.Flags, decision.Reasons, decision.Queue
	if c.Flags == nil {
		c.Flags = []string{}
	}
	c.Status, c.Rev, c.CreatedAt, c.UpdatedAt = casedesk.StatusNew, 1, now, now
	if err := db.insertNewCase(ctx, actor, &c, state, queueRank(terms), override); err != nil {
		return nil, err
	}
	// The case as stored: nothing in the row differs from c.
	return &c, nil
}

// newCaseRows are the rows that go with a new case: its first events, its
// count, its search entry, its webhook and its audit entry. c.ID may be
// newCaseID, for insertAtOnce.
func newCaseRows(d *dialect, actor *casedesk.Actor, c *casedesk.Case, override *priority.Override, now time.Time) ([]newRow, error) {
	created, err := eventRow(actor, c.ID, casedesk.EventCreated, true, c.Desc, map[string]any{
		"priority": c.Priority, "impact": c.Impact, "urgency": c.Urgency, "flags": c.Flags, "reasons": c.Reasons,
	}, now)
	if err != nil {
		return nil, err
	}
	rows := []newRow{created}
	if override != nil {
		ev, err := eventRow(actor, c.ID, casedesk.EventPriority, true, override.Reason, override, now)
		if err != nil {
			return nil, err
		}
		rows = append(rows, ev)
	}
	hook, err := caseHookRow("case.created", c, now)
	if err != nil {
		return nil, err
	}
	audit, err := auditRow(actor, &c.OrgID, "case", c.ID, "create", map[string]any{"subject": c.Subject, "priority": c.Priority, "flags": c.Flags}, now)
	if err != nil {
		return nil, err
	}
	return append(rows, countRow(c.OrgID, c.Status), searchRow(d, c.ID, c.Language, c.Subject+"\n"+c.Desc, true), hook, audit), nil
}

// insertNewCase stores a new case and the rows that go with it, and sets
// c.ID. On PostgreSQL that is one statement, sent and committed in one
// round trip; on SQLite, where a statement costs no round trip, one insert
// after the other in a transaction.
func (db *DB) insertNewCase(ctx context.Context, actor *casedesk.Actor, c *casedesk.Case, state *sla.State, rank int, override *priority.Override) error {
	now := db.now()
	head, err := caseRow(c, state, rank)
	if err != nil {
		return err
	}
	if db.dialect == postgresDialect {
		c.ID = newCaseID
		rows, err := newCaseRows(db.dialect, actor, c, override, now)
		if err != nil {
			return err
		}
		q, args := insertAtOnce(head, rows)
		if err := db.queryRow(ctx, q, args...).Scan(&c.ID); err != nil {
			return fmt.Errorf("create case: %w", err)
		}
		return nil
	}
	return db.inTx(ctx, func(tx *Tx) error {
		id, err := tx.insertID(ctx, head)
		if err != nil {
			return fmt.Errorf("create case: %w", err)
		}
		c.ID = id
		rows, err := newCaseRows(db.dialect, actor, c, override, now)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.insert(ctx, r); err != nil {
				return fmt.Errorf("case %d: %w", c.ID, err)
			}
		}
		return nil
	})
}

// queueRank is a case's plan_rank: its plan's priority handling, which
// orders it among the cases of its priority in the queue, negated so that
// the queue's index, ascending, puts the highest handling first; 0 without
// a plan.
func queueRank(terms *sla.Terms) int {
	if terms.Plan == nil {
		return 0
	}
	return -terms.Plan.Features.PriorityHandlingRank
}

// caseRow is a new case's row. It sets the case's SLA fields from state.
func caseRow(c *casedesk.Case, state *sla.State, rank int) (newRow, error) {
	stateJSON, err := marshalState(state)
	if err != nil {
		return newRow{}, err
	}
	details, _ := json.Marshal(struct {
		casedesk.CaseDetails
		Reasons []string `json:"reasons,omitempty"`
	}{c.Details, c.Reasons})
	sum := summarize(state, c.CreatedAt)
	sortDue := farFuture
	if sum.due != nil {
		sortDue = *sum.due
	}
	c.SLA, c.DueAt, c.AtRisk, c.Breached = json.RawMessage(stateJSON), sum.due, sum.atRisk, sum.breached
	return newRow{
		table: "cases",
		cols: `org_id, contract_id, contact_id, product_id, version_id, subject, description, details,
		impact, urgency, priority, language, status, assignee_id, queue, commitment, flags, plan_rank, sla, due_at, sort_due, is_open,
		check_at, at_risk, breached, parent_id, merged_into, rev, created_at, updated_at`,
		vals: `?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`,
		args: []any{c.OrgID, c.ContractID, c.ContactID, c.ProductID, c.VersionID, c.Subject, c.Desc, string(details),
			c.Impact, c.Urgency, c.Priority, c.Language, c.Status, c.AssigneeID, c.Queue, c.Commitment, joinList(c.Flags), rank,
			stateJSON, sum.due, sortDue, c.Status.IsOpen(), sum.check, sum.atRisk, sum.breached, c.ParentID, c.MergedInto,
			c.Rev, c.CreatedAt, c.UpdatedAt},
	}, nil
}

// addEvent appends to a case's thread and history.
func (tx *Tx) addEvent(ctx context.Context, actor *casedesk.Actor, caseID int64, kind string, public bool, body string, data any) (int64, error) {
	r, err := eventRow(actor, caseID, kind, public, body, data, tx.db.now())
	if err != nil {
		return 0, err
	}
	id, err := tx.insertID(ctx, r)
	if err != nil {
		return 0, fmt.Errorf("case %d: add %s: %w", caseID, kind, err)
	}
	return id, nil
}

// eventRow is an event of a case's thread; data is marshalled to JSON.
func eventRow(actor *casedesk.Actor, caseID int64, kind string, public bool, body string, data any, at time.Time) (newRow, error) {
	var raw string
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return newRow{}, err
		}
		raw = string(b)
	}
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	return newRow{table: "case_events", cols: "case_id, at, actor_id, kind, public, body, data", vals: "?, ?, ?, ?, ?, ?, ?",
		args: []any{caseID, at, actorID, kind, public, body, raw}}, nil
}

// countCase keeps case_counts right as a case enters status to (from "" for
// a new case) and leaves status from.
func (tx *Tx) countCase(ctx context.Context, orgID int64, from, to casedesk.CaseStatus) error {
	if from == to {
		return nil
	}
	if from != "" {
		if _, err := tx.exec(ctx, `UPDATE case_counts SET n = n - 1 WHERE org_id = ? AND status = ?`, orgID, from); err != nil {
			return fmt.Errorf("count cases: %w", err)
		}
	}
	if err := tx.insert(ctx, countRow(orgID, to)); err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	return nil
}

// countRow counts one more case of the organisation in status.
func countRow(orgID int64, status casedesk.CaseStatus) newRow {
	return newRow{table: "case_counts", cols: "org_id, status, n", vals: "?, ?, 1", args: []any{orgID, status},
		tail: " ON CONFLICT (org_id, status) DO UPDATE SET n = case_counts.n + 1"}
}

// caseByID loads a case with no authorisation check.
func (db *DB) caseByID(ctx context.Context, id int64) (*casedesk.Case, error) {
	c, err := scanCase(db.queryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "case %d not found", id).WithKey("error.case.not_found", map[string]any{"ID": id})
	}
	if err != nil {
		return nil, fmt.Errorf("find case %d: %w", id, err)
	}
	return c, nil
}

// FindCase returns a case if the actor may see it; otherwise "not found".
func (db *DB) FindCase(ctx context.Context, actor *casedesk.Actor, id int64) (*casedesk.Case, error) {
	if !actor.HasScope(casedesk.ScopeCasesRead) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:read").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesRead})
	}
	c, err := db.caseByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaff() {
		o, err := db.organisation(ctx, c.OrgID)
		if err != nil || !actor.CanSeeOrg(o) {
			return nil, casedesk.Errorf(casedesk.ENOTFOUND, "case %d not found", id).WithKey("error.case.not_found", map[string]any{"ID": id})
		}
	}
	return c, nil
}

// CaseEvents returns a case's thread: internal notes only for staff (and the
// partner serving the case).
func (db *DB) CaseEvents(ctx context.Context, actor *casedesk.Actor, caseID int64) ([]*casedesk.CaseEvent, error) {
	c, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	internal := actor.IsStaff() || (actor.OrgKind == casedesk.OrgPartner && c.Queue == "partner")
	rows, err := db.query(ctx, `SELECT id, case_id, at, actor_id, kind, public, body, data FROM case_events
		WHERE case_id = ? AND (public OR ?) ORDER BY id`, caseID, internal)
	if err != nil {
		return nil, fmt.Errorf("case %d events: %w", caseID, err)
	}
	defer rows.Close()
	out := []*casedesk.CaseEvent{}
	for rows.Next() {
		var (
			e     casedesk.CaseEvent
			actor sql.NullInt64
			data  string
		)
		if err := rows.Scan(&e.ID, &e.CaseID, &e.At, &actor, &e.Kind, &e.Public, &e.Body, &data); err != nil {
			return nil, fmt.Errorf("case %d events: %w", caseID, err)
		}
		e.ActorID = nullInt(actor)
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// caseHook queues a case event for webhooks, in the same transaction.
func (tx *Tx) caseHook(ctx context.Context, event string, c *casedesk.Case) error {
	r, err := caseHookRow(event, c, tx.db.now())
	if err != nil {
		return err
	}
	return tx.insert(ctx, r)
}

// caseHookRow is a case event's message to webhooks. For a case still to be
// inserted (newCaseID, on PostgreSQL) the message takes its id in SQL.
func caseHookRow(event string, c *casedesk.Case, now time.Time) (newRow, error) {
	r, err := outboxRow("webhook", event, "", map[string]any{"event": event, "case_id": c.ID, "org_id": c.OrgID, "status": c.Status, "priority": c.Priority}, now)
	if err == nil && c.ID == newCaseID {
		r.vals = "?, ?, ?, jsonb_set(?::jsonb, '{case_id}', to_jsonb(" + newCaseIDSQL + "))::text, ?, ?"
	}
	return r, err
}

// CaseSLA answers "when is this due, and why" for a case: every clock with
// its calendar, target, business and real time elapsed, and pauses.
func (db *DB) CaseSLA(ctx context.Context, actor *casedesk.Actor, id int64) (*casedesk.Case, sla.Report, error) {
	c, err := db.FindCase(ctx, actor, id)
	if err != nil {
		return nil, sla.Report{}, err
	}
	st, err := db.loadState(ctx, db.sql, c)
	if err != nil {
		return nil, sla.Report{}, err
	}
	if st.Opened.IsZero() {
		return c, sla.Report{}, nil
	}
	return c, st.Explain(db.now()), nil
}
