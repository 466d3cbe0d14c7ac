package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
)

// ReopenWindow is how long after resolution a customer's reply reopens a
// case; after it, the customer opens a new case.
var ReopenWindow = 14 * 24 * time.Hour

// servesCase reports whether the actor works the case as support: vendor
// staff, or the partner whose queue it is in.
func servesCase(a *casedesk.Actor, c *casedesk.Case, partnerID *int64) bool {
	if a.IsStaff() {
		return true
	}
	return a.OrgKind == casedesk.OrgPartner && c.Queue == "partner" && partnerID != nil && *partnerID == a.OrgID
}

// casePartner returns the partner serving a case's organisation, if any.
func (db *DB) casePartner(ctx context.Context, c *casedesk.Case) *int64 {
	o, err := db.organisation(ctx, c.OrgID)
	if err != nil {
		return nil
	}
	return o.PartnerID
}

// Reply adds a public reply or, for those who serve the case, an internal
// note. A vendor reply meets the first-response and next-update clocks; a
// customer reply restarts the next-update clock, takes a case waiting on the
// customer back to open, and reopens a resolved case within ReopenWindow.
func (db *DB) Reply(ctx context.Context, actor *casedesk.Actor, caseID int64, body string, internal bool, rev int) (*casedesk.Case, *casedesk.CaseEvent, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, nil, casedesk.FieldErrorf("body", "write something").WithKey("error.reply.empty", nil)
	}
	if len(body) > 100_000 {
		return nil, nil, casedesk.FieldErrorf("body", "must be at most 100000 characters; attach long logs instead").WithKey("error.text.too_long", map[string]any{"Max": 100000})
	}
	seen, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, nil, err
	}
	if !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:write").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesWrite})
	}
	support := servesCase(actor, seen, db.casePartner(ctx, seen))
	if internal && !support {
		return nil, nil, casedesk.FieldErrorf("internal", "only support staff write internal notes").WithKey("error.reply.internal_forbidden", nil)
	}
	var ev casedesk.CaseEvent
	c, err := db.mutateCase(ctx, actor, caseID, rev, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
		now := db.now()
		ch := caseChange{hook: "case.replied", action: "reply"}
		kind := casedesk.EventReply
		switch {
		case internal:
			kind, ch.hook, ch.action = casedesk.EventNote, "case.note", "note"
		case support:
			ch.events = append(ch.events, sla.Event{Kind: sla.VendorReplied, At: now})
			if c.Status == casedesk.StatusNew {
				c.Status = casedesk.StatusOpen
			}
		default:
			switch c.Status {
			case casedesk.StatusClosed:
				return ch, casedesk.Errorf(casedesk.ECONFLICT, "case %d is closed: open a new case and mention this one", c.ID).WithKey("error.case.closed", map[string]any{"ID": c.ID})
			case casedesk.StatusResolved:
				if c.ResolvedAt != nil && now.Sub(*c.ResolvedAt) > ReopenWindow {
					return ch, casedesk.Errorf(casedesk.ECONFLICT, "case %d was resolved more than %d days ago: open a new case and mention this one", c.ID, int(ReopenWindow.Hours()/24)).WithKey("error.case.resolved_long_ago", map[string]any{"ID": c.ID, "Days": int(ReopenWindow.Hours() / 24)})
				}
				c.Status, c.ResolvedAt = casedesk.StatusOpen, nil
				ch.events = append(ch.events, sla.Event{Kind: sla.Reopened, At: now})
				if _, err := tx.addEvent(ctx, actor, c.ID, casedesk.EventStatus, true, "", map[string]string{"from": "resolved", "to": "open", "why": "customer replied"}); err != nil {
					return ch, err
				}
			case casedesk.StatusWaiting:
				c.Status = casedesk.StatusOpen
			}
			ch.events = append(ch.events, sla.Event{Kind: sla.CustomerReplied, At: now})
		}
		id, err := tx.addEvent(ctx, actor, c.ID, kind, !internal, body, nil)
		if err != nil {
			return ch, err
		}
		if err := tx.indexText(ctx, c.ID, c.Language, body, !internal); err != nil {
			return ch, err
		}
		ev = casedesk.CaseEvent{ID: id, CaseID: c.ID, At: now, ActorID: &actor.UserID, Kind: kind, Public: !internal, Body: body}
		return ch, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, &ev, nil
}

// SetStatus moves a case along its lifecycle. Support moves it anywhere the
// lifecycle allows; a customer may resolve or close its own case, or reopen
// it within ReopenWindow.
func (db *DB) SetStatus(ctx context.Context, actor *casedesk.Actor, caseID int64, to casedesk.CaseStatus, rev int) (*casedesk.Case, error) {
	if _, err := casedesk.ParseCaseStatus(string(to)); err != nil {
		return nil, err
	}
	seen, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	support := servesCase(actor, seen, db.casePartner(ctx, seen))
	if !support && !slices.Contains([]casedesk.CaseStatus{casedesk.StatusResolved, casedesk.StatusClosed, casedesk.StatusOpen}, to) {
		return nil, casedesk.FieldErrorf("status", "you may resolve, close or reopen your case").WithKey("error.case.customer_status", nil)
	}
	return db.mutateCase(ctx, actor, caseID, rev, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
		from, now := c.Status, db.now()
		ch := caseChange{hook: "case.status", action: "status", audit: map[string]change{"status": {from, to}}}
		if from == to {
			return ch, nil
		}
		if !from.CanMoveTo(to) {
			return ch, casedesk.FieldErrorf("status", "a %s case cannot become %s", from, to).WithKey("error.case.transition", map[string]any{"From": from, "To": to})
		}
		switch {
		case to == casedesk.StatusWaiting:
			ch.events = append(ch.events, sla.Event{Kind: sla.WaitingOnCustomer, At: now})
		case to == casedesk.StatusResolved:
			ch.events = append(ch.events, sla.Event{Kind: sla.Resolved, At: now})
			c.ResolvedAt = &now
		case to == casedesk.StatusClosed:
			if from != casedesk.StatusResolved {
				ch.events = append(ch.events, sla.Event{Kind: sla.Resolved, At: now})
				c.ResolvedAt = &now
			}
			c.ClosedAt = &now
		case from == casedesk.StatusResolved:
			if c.ResolvedAt != nil && now.Sub(*c.ResolvedAt) > ReopenWindow {
				return ch, casedesk.FieldErrorf("status", "the case was resolved more than %d days ago and can no longer be reopened: open a new case", int(ReopenWindow.Hours()/24)).WithKey("error.case.reopen_window", map[string]any{"Days": int(ReopenWindow.Hours() / 24)})
			}
			ch.events = append(ch.events, sla.Event{Kind: sla.Reopened, At: now})
			c.ResolvedAt = nil
		case from == casedesk.StatusWaiting:
			// Back from waiting: the customer answered (perhaps by phone).
			ch.events = append(ch.events, sla.Event{Kind: sla.CustomerReplied, At: now})
		}
		c.Status = to
		_, err := tx.addEvent(ctx, actor, c.ID, casedesk.EventStatus, true, "", map[string]casedesk.CaseStatus{"from": from, "to": to})
		return ch, err
	})
}

// ChangePriority overrides a case's priority with a reason: the customer on
// its own case, or support. The SLA clocks are re-targeted by the engine's rule.
func (db *DB) ChangePriority(ctx context.Context, actor *casedesk.Actor, caseID int64, level, reason string, rev int) (*casedesk.Case, error) {
	to, err := priority.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	if _, err := db.FindCase(ctx, actor, caseID); err != nil {
		return nil, err
	}
	if !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:write").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesWrite})
	}
	return db.mutateCase(ctx, actor, caseID, rev, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
		from, _ := priority.ParseLevel(c.Priority)
		o, err := priority.NewOverride(from, to, actor.Email, db.now(), reason)
		if err != nil {
			return caseChange{}, err
		}
		c.Priority = to.String()
		if _, err := tx.addEvent(ctx, actor, c.ID, casedesk.EventPriority, true, o.Reason, o); err != nil {
			return caseChange{}, err
		}
		return caseChange{
			events: []sla.Event{{Kind: sla.PriorityChanged, At: o.At, Priority: to}},
			hook:   "case.priority", action: "priority", audit: o,
		}, nil
	})
}

// Assign gives a case to an engineer (or nobody) and to a queue; support only.
// Escalating a partner's case to the vendor is assigning it to queue "vendor".
func (db *DB) Assign(ctx context.Context, actor *casedesk.Actor, caseID int64, assigneeID *int64, queue string, rev int) (*casedesk.Case, error) {
	seen, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	partner := db.casePartner(ctx, seen)
	if !servesCase(actor, seen, partner) || !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only support staff assign cases").WithKey("error.case.assign_forbidden", nil)
	}
	if queue != "" && !slices.Contains([]string{"vendor", "partner", "professional_services"}, queue) {
		return nil, casedesk.FieldErrorf("queue", "must be vendor, partner or professional_services").WithKey("error.case.queue", nil)
	}
	if assigneeID != nil {
		u, err := db.user(ctx, *assigneeID)
		ok := err == nil && !u.Disabled && (u.Role.IsStaff() || (u.Role == casedesk.RolePartnerAgent && partner != nil && u.OrgID != nil && *u.OrgID == *partner))
		if !ok {
			return nil, casedesk.FieldErrorf("assignee_id", "user %d cannot work this case", *assigneeID).WithKey("error.case.assignee", map[string]any{"ID": *assigneeID})
		}
	}
	return db.mutateCase(ctx, actor, caseID, rev, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
		ch := caseChange{hook: "case.assigned", action: "assign", audit: map[string]any{"assignee_id": assigneeID, "queue": queue}}
		kind := casedesk.EventAssign
		if queue == "vendor" && c.Queue == "partner" {
			kind = casedesk.EventEscalate
		}
		c.AssigneeID = assigneeID
		if queue != "" {
			c.Queue = queue
		}
		_, err := tx.addEvent(ctx, actor, c.ID, kind, false, "", map[string]any{"assignee_id": assigneeID, "queue": c.Queue})
		return ch, err
	})
}

// Merge closes duplicate case dupID into target, keeping both histories and
// linking them; support only.
func (db *DB) Merge(ctx context.Context, actor *casedesk.Actor, dupID, targetID int64) (*casedesk.Case, error) {
	if dupID == targetID {
		return nil, casedesk.FieldErrorf("target_id", "a case cannot be merged into itself").WithKey("error.merge.self", nil)
	}
	dup, err := db.FindCase(ctx, actor, dupID)
	if err != nil {
		return nil, err
	}
	target, err := db.FindCase(ctx, actor, targetID)
	if err != nil {
		return nil, casedesk.FieldErrorf("target_id", "case %d not found", targetID).WithKey("error.case.not_found", map[string]any{"ID": targetID})
	}
	if !actor.IsStaff() || !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only support staff merge cases").WithKey("error.merge.forbidden", nil)
	}
	if dup.OrgID != target.OrgID {
		return nil, casedesk.FieldErrorf("target_id", "cases of different organisations cannot be merged").WithKey("error.merge.orgs", nil)
	}
	if target.MergedInto != nil {
		return nil, casedesk.FieldErrorf("target_id", "case %d was itself merged into case %d", targetID, *target.MergedInto).WithKey("error.merge.target_merged", map[string]any{"ID": targetID, "Into": *target.MergedInto})
	}
	c, err := db.mutateCase(ctx, actor, dupID, 0, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
		if c.MergedInto != nil {
			return caseChange{}, casedesk.Errorf(casedesk.ECONFLICT, "case %d is already merged into case %d", c.ID, *c.MergedInto).WithKey("error.merge.already", map[string]any{"ID": c.ID, "Into": *c.MergedInto})
		}
		now := db.now()
		c.MergedInto = &targetID
		if c.Status != casedesk.StatusClosed {
			c.Status, c.ClosedAt = casedesk.StatusClosed, &now
			if c.ResolvedAt == nil {
				c.ResolvedAt = &now
			}
		}
		if _, err := tx.addEvent(ctx, actor, c.ID, casedesk.EventMerge, true, fmt.Sprintf("Merged into case %d.", targetID), map[string]int64{"into": targetID}); err != nil {
			return caseChange{}, err
		}
		if _, err := tx.addEvent(ctx, actor, targetID, casedesk.EventMerge, true, fmt.Sprintf("Case %d was merged into this one.", c.ID), map[string]int64{"from": c.ID}); err != nil {
			return caseChange{}, err
		}
		if err := tx.touchCase(ctx, targetID); err != nil {
			return caseChange{}, err
		}
		// A duplicate owes nothing once merged: its clocks stop as resolved.
		return caseChange{events: []sla.Event{{Kind: sla.Resolved, At: now}}, hook: "case.merged", action: "merge", audit: map[string]int64{"into": targetID}}, nil
	})
	return c, err
}

// Split makes a new case from part of an existing one: it keeps the
// organisation, contact, product, version and contract, and links back.
func (db *DB) Split(ctx context.Context, actor *casedesk.Actor, caseID int64, subject, description string) (*casedesk.Case, error) {
	parent, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaff() || !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only support staff split cases").WithKey("error.split.forbidden", nil)
	}
	part := casedesk.Case{
		ContactID: parent.ContactID, ProductID: parent.ProductID, VersionID: parent.VersionID, ContractID: parent.ContractID,
		Subject: subject, Desc: description, Details: parent.Details, Impact: parent.Impact, Urgency: parent.Urgency,
		Language: parent.Language, ParentID: &parent.ID,
	}
	child, err := db.OpenCase(ctx, actor, NewCase{Case: part, Priority: parent.Priority, OverrideReason: fmt.Sprintf("split from case %d", parent.ID)})
	if err != nil {
		return nil, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.addEvent(ctx, actor, parent.ID, casedesk.EventSplit, true, fmt.Sprintf("Split into case %d: %s", child.ID, child.Subject), map[string]int64{"child": child.ID}); err != nil {
			return err
		}
		return tx.touchCase(ctx, parent.ID)
	})
	return child, err
}

// touchCase marks a case changed by what happened to another case, the
// event that says so added to its thread: its revision moves on, so that an
// If-Match sent before it fails, and its update time with it.
func (tx *Tx) touchCase(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `UPDATE cases SET rev = rev + 1, updated_at = ? WHERE id = ?`, tx.db.now(), id); err != nil {
		return fmt.Errorf("case %d: %w", id, err)
	}
	return nil
}

// applyContractTerms re-reads a case's contract and applies its terms now.
func (db *DB) applyContractTerms(ctx context.Context, actor *casedesk.Actor, caseID int64) (*casedesk.Case, error) {
	// A case's product and version never change: read them before the
	// transaction, which then needs no second connection.
	seen, err := db.caseByID(ctx, caseID)
	if err != nil {
		return nil, err
	}
	product, err := db.Product(ctx, seen.ProductID)
	if err != nil {
		return nil, err
	}
	var version *casedesk.Version
	if seen.VersionID != nil {
		version, _ = db.version(ctx, seen.ProductID, *seen.VersionID)
	}
	return db.mutateCase(ctx, actor, caseID, 0, func(tx *Tx, c *casedesk.Case, st *sla.State) (caseChange, error) {
		ch := caseChange{hook: "case.terms_changed"}
		if c.ContractID == nil || st.Opened.IsZero() {
			return ch, nil
		}
		k, err := scanContract(tx.queryRow(ctx, `SELECT `+contractColumns+` FROM contracts WHERE id = ?`, *c.ContractID))
		if err != nil {
			return ch, fmt.Errorf("case %d: contract: %w", c.ID, err)
		}
		if err := db.fill(ctx, tx.tx, k); err != nil {
			return ch, err
		}
		now := db.now()
		// Flags that only the contract decided are re-decided; others stay.
		commitment := k.Status == casedesk.ContractActive && !k.Expired && k.Covers(product.ID, product.Line) &&
			!slices.Contains(c.Flags, casedesk.FlagOutOfScope)
		terms, err := db.caseTerms(ctx, tx.tx, k, product, version, commitment, now)
		if err != nil {
			return ch, err
		}
		if _, err := tx.addEvent(ctx, actor, c.ID, casedesk.EventContractChanged, false, "", map[string]any{"contract": k.ID, "plan": k.PlanID}); err != nil {
			return ch, err
		}
		// The queue orders by the plan's priority handling: the new plan's.
		if _, err := tx.exec(ctx, `UPDATE cases SET plan_rank = ? WHERE id = ?`, queueRank(terms), c.ID); err != nil {
			return ch, fmt.Errorf("case %d: %w", c.ID, err)
		}
		c.Commitment = commitment && !(version != nil && version.PastEndOfLife(now))
		ch.events = []sla.Event{{Kind: sla.TermsChanged, At: now, Terms: terms}}
		return ch, nil
	})
}
