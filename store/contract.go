package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

const contractColumns = `id, org_id, plan_id, calendar_id, starts_on, ends_on, products, product_lines, status, partner_id, support_manager_id, created_at, updated_at`

func scanContract(row interface{ Scan(...any) error }) (*casedesk.Contract, error) {
	var (
		c                casedesk.Contract
		products, lines  string
		partner, manager sql.NullInt64
	)
	if err := row.Scan(&c.ID, &c.OrgID, &c.PlanID, &c.CalendarID, &c.StartsOn, &c.EndsOn, &products, &lines,
		&c.Status, &partner, &manager, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Products = []int64{}
	for _, s := range splitList(products) {
		id, _ := strconv.ParseInt(s, 10, 64)
		c.Products = append(c.Products, id)
	}
	c.ProductLines = splitList(lines)
	c.PartnerID, c.SupportManagerID = nullInt(partner), nullInt(manager)
	return &c, nil
}

func joinIDs(ids []int64) string {
	ss := make([]string, len(ids))
	for i, id := range ids {
		ss[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(ss, ",")
}

// canManageContracts: administrators, support managers and CSMs.
func canManageContracts(a *casedesk.Actor) bool {
	if !a.HasScope(casedesk.ScopeAdminWrite) {
		return false
	}
	return a.IsAdmin() || a.Role == casedesk.RoleSupportManager || a.Role == casedesk.RoleCSM
}

// contractTerm returns the instants a contract covers: from StartsOn 00:00 to
// the end of EndsOn, in loc.
func contractTerm(c *casedesk.Contract, loc *time.Location) (start, end time.Time) {
	s, _ := time.ParseInLocation("2006-01-02", c.StartsOn, loc)
	e, _ := time.ParseInLocation("2006-01-02", c.EndsOn, loc)
	return s, e.AddDate(0, 0, 1)
}

// fill completes the derived fields of a contract: contacts, limit, expiry.
func (db *DB) fill(ctx context.Context, q querier, c *casedesk.Contract) error {
	rows, err := db.with(ctx, q, `SELECT user_id FROM contract_contacts WHERE contract_id = ? ORDER BY added_at, user_id`).QueryContext(ctx, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.Contacts = []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		c.Contacts = append(c.Contacts, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	db.fillTerms(ctx, q, c)
	return nil
}

// fillTerms sets what a contract's plan and calendar say of it: its contact
// limit and whether it has expired.
func (db *DB) fillTerms(ctx context.Context, q querier, c *casedesk.Contract) {
	if p, err := db.planIn(ctx, q, c.PlanID, 0); err == nil {
		c.ContactLimit = p.TechnicalContacts.Value
	}
	loc := time.UTC
	if cal, err := db.calendarIn(ctx, q, c.CalendarID, 0); err == nil {
		loc = cal.Cal.Location()
	}
	_, end := contractTerm(c, loc)
	c.Expired = !db.now().Before(end)
}

// CreateContract stores a contract for a customer organisation.
func (db *DB) CreateContract(ctx context.Context, actor *casedesk.Actor, c *casedesk.Contract) error {
	if !canManageContracts(actor) {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators, support managers and CSMs may create contracts").WithKey("error.contract.create_forbidden", nil)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	o, err := db.FindOrganisation(ctx, actor, c.OrgID)
	if err != nil {
		return err
	}
	if o.Kind != casedesk.OrgCustomer {
		return casedesk.FieldErrorf("org_id", "contracts belong to customer organisations; %s is a %s", o.Name, o.Kind).WithKey("error.contract.org_not_customer", map[string]any{"Org": o.Name, "Kind": o.Kind})
	}
	if c.PartnerID == nil {
		c.PartnerID = o.PartnerID
	}
	if _, err := db.Plan(ctx, c.PlanID, 0); err != nil {
		return err
	}
	if _, err := db.Calendar(ctx, c.CalendarID, 0); err != nil {
		return err
	}
	for i, id := range c.Products {
		if _, err := db.Product(ctx, id); err != nil {
			return casedesk.FieldErrorf(fmt.Sprintf("products[%d]", i), "no product %d", id).WithKey("error.product.no_such", map[string]any{"ID": id})
		}
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.checkPartner(ctx, c.PartnerID); err != nil {
			return err
		}
		now := db.now()
		c.CreatedAt, c.UpdatedAt = now, now
		if err := tx.queryRow(ctx, `INSERT INTO contracts (org_id, plan_id, calendar_id, starts_on, ends_on, products, product_lines, status, partner_id, support_manager_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.OrgID, c.PlanID, c.CalendarID, c.StartsOn, c.EndsOn, joinIDs(c.Products), joinList(c.ProductLines), c.Status,
			c.PartnerID, c.SupportManagerID, now, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("create contract: %w", err)
		}
		return tx.record(ctx, actor, &c.OrgID, "contract", c.ID, "create", c)
	})
	if err != nil {
		return err
	}
	return db.fill(ctx, db.sql, c)
}

// FindContract returns a contract if the actor may see its organisation.
func (db *DB) FindContract(ctx context.Context, actor *casedesk.Actor, id int64) (*casedesk.Contract, error) {
	c, err := scanContract(db.queryRow(ctx, `SELECT `+contractColumns+` FROM contracts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "contract %d not found", id).WithKey("error.contract.not_found", map[string]any{"ID": id})
	}
	if err != nil {
		return nil, fmt.Errorf("find contract %d: %w", id, err)
	}
	if _, err := db.FindOrganisation(ctx, actor, c.OrgID); err != nil {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "contract %d not found", id).WithKey("error.contract.not_found", map[string]any{"ID": id})
	}
	return c, db.fill(ctx, db.sql, c)
}

// ListContracts returns an organisation's contracts, newest first.
func (db *DB) ListContracts(ctx context.Context, actor *casedesk.Actor, orgID int64) ([]*casedesk.Contract, error) {
	if _, err := db.FindOrganisation(ctx, actor, orgID); err != nil {
		return nil, err
	}
	return db.contractsOf(ctx, orgID)
}

func (db *DB) contractsOf(ctx context.Context, orgID int64) ([]*casedesk.Contract, error) {
	// One query for the contracts and their contacts, a row per contact:
	// every new case asks this.
	rows, err := db.query(ctx, `SELECT `+prefixed("k.", contractColumns)+`, cc.user_id FROM contracts k
		LEFT JOIN contract_contacts cc ON cc.contract_id = k.id
		WHERE k.org_id = ? ORDER BY k.id DESC, cc.added_at, cc.user_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list contracts: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Contract
	for rows.Next() {
		var contact sql.NullInt64
		c, err := scanContract(scanPlus{rows, []any{&contact}})
		if err != nil {
			return nil, fmt.Errorf("list contracts: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != c.ID {
			c.Contacts = []int64{}
			out = append(out, c)
		}
		if contact.Valid {
			last := out[len(out)-1]
			last.Contacts = append(last.Contacts, contact.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list contracts: %w", err)
	}
	rows.Close() // before the plans and calendars are read, on connections of their own
	for _, c := range out {
		db.fillTerms(ctx, db.sql, c)
	}
	return out, nil
}

// AddContact names a user of the contract's organisation as a technical
// contact, up to the plan's limit. Over the limit the refusal says the limit
// and who holds the seats.
func (db *DB) AddContact(ctx context.Context, actor *casedesk.Actor, contractID, userID int64) (*casedesk.Contract, error) {
	c, err := db.FindContract(ctx, actor, contractID)
	if err != nil {
		return nil, err
	}
	o, err := db.organisation(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if !canManageContracts(actor) && !actor.CanManageUsersOf(o) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "you may not change this contract's technical contacts").WithKey("error.contract.contacts_forbidden", nil)
	}
	u, err := db.user(ctx, userID)
	if err != nil || u.OrgID == nil || *u.OrgID != c.OrgID {
		return nil, casedesk.FieldErrorf("user_id", "user %d is not a user of this contract's organisation", userID).WithKey("error.contract.contact_not_member", map[string]any{"ID": userID})
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM contract_contacts WHERE contract_id = ? AND user_id = ?`, contractID, userID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := db.fill(ctx, tx.tx, c); err != nil {
			return err
		}
		if c.ContactLimit > 0 && len(c.Contacts) >= c.ContactLimit {
			return db.limitError(ctx, c)
		}
		if _, err := tx.exec(ctx, `INSERT INTO contract_contacts (contract_id, user_id, added_at) VALUES (?, ?, ?)`, contractID, userID, db.now()); err != nil {
			return fmt.Errorf("add technical contact: %w", err)
		}
		if u.Role == casedesk.RoleCustomerUser {
			if _, err := tx.exec(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, casedesk.RoleCustomerContact, db.now(), userID); err != nil {
				return err
			}
		}
		return tx.record(ctx, actor, &c.OrgID, "contract", c.ID, "add_contact", map[string]int64{"user_id": userID})
	})
	if err != nil {
		return nil, err
	}
	return db.FindContract(ctx, actor, contractID)
}

// limitError names the limit and the seat holders.
func (db *DB) limitError(ctx context.Context, c *casedesk.Contract) error {
	var names []string
	for _, id := range c.Contacts {
		if u, err := db.user(ctx, id); err == nil {
			names = append(names, fmt.Sprintf("%s <%s>", u.Name, u.Email))
		}
	}
	holders := strings.Join(names, ", ")
	return &casedesk.Error{Code: casedesk.ELIMIT, Field: "user_id", Message: fmt.Sprintf(
		"the %s plan allows %d technical contacts and all seats are taken by %s: remove one first, or upgrade the plan",
		c.PlanID, c.ContactLimit, holders),
		Key: "error.contract.limit", Args: map[string]any{"Plan": c.PlanID, "Limit": c.ContactLimit, "Holders": holders}}
}

// RemoveContact frees a technical-contact seat.
func (db *DB) RemoveContact(ctx context.Context, actor *casedesk.Actor, contractID, userID int64) error {
	c, err := db.FindContract(ctx, actor, contractID)
	if err != nil {
		return err
	}
	o, err := db.organisation(ctx, c.OrgID)
	if err != nil {
		return err
	}
	if !canManageContracts(actor) && !actor.CanManageUsersOf(o) {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "you may not change this contract's technical contacts").WithKey("error.contract.contacts_forbidden", nil)
	}
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM contract_contacts WHERE contract_id = ? AND user_id = ?`, contractID, userID); err != nil {
			return fmt.Errorf("remove technical contact: %w", err)
		}
		return tx.record(ctx, actor, &c.OrgID, "contract", c.ID, "remove_contact", map[string]int64{"user_id": userID})
	})
}

// ContractUpdate holds the fields of a contract change; nil means unchanged.
type ContractUpdate struct {
	PlanID           *string                  `json:"plan_id"`
	CalendarID       *string                  `json:"calendar_id"`
	EndsOn           *string                  `json:"ends_on"`
	Status           *casedesk.ContractStatus `json:"status"`
	SupportManagerID *int64                   `json:"support_manager_id"`
}

// UpdateContract changes a contract — an upgrade of plan at any time, a
// renewal (a later end), a calendar change — and applies the new terms to
// every open case under it from the moment of the change, re-targeting their
// clocks by the SLA engine's rule.
func (db *DB) UpdateContract(ctx context.Context, actor *casedesk.Actor, id int64, upd ContractUpdate) (*casedesk.Contract, error) {
	if !canManageContracts(actor) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators, support managers and CSMs may change contracts").WithKey("error.contract.change_forbidden", nil)
	}
	c, err := db.FindContract(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	changes := map[string]change{}
	setStr := func(name string, dst *string, v *string) {
		if v != nil && *v != *dst {
			changes[name] = change{*dst, *v}
			*dst = *v
		}
	}
	setStr("plan_id", &c.PlanID, upd.PlanID)
	setStr("calendar_id", &c.CalendarID, upd.CalendarID)
	setStr("ends_on", &c.EndsOn, upd.EndsOn)
	if upd.Status != nil && *upd.Status != c.Status {
		changes["status"] = change{c.Status, *upd.Status}
		c.Status = *upd.Status
	}
	if upd.SupportManagerID != nil {
		changes["support_manager_id"] = change{c.SupportManagerID, *upd.SupportManagerID}
		c.SupportManagerID = upd.SupportManagerID
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if _, err := db.Plan(ctx, c.PlanID, 0); err != nil {
		return nil, err
	}
	if _, err := db.Calendar(ctx, c.CalendarID, 0); err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return c, nil
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE contracts SET plan_id = ?, calendar_id = ?, ends_on = ?, status = ?, support_manager_id = ?, updated_at = ? WHERE id = ?`,
			c.PlanID, c.CalendarID, c.EndsOn, c.Status, c.SupportManagerID, db.now(), c.ID); err != nil {
			return fmt.Errorf("update contract %d: %w", id, err)
		}
		return tx.record(ctx, actor, &c.OrgID, "contract", c.ID, "update", changes)
	})
	if err != nil {
		return nil, err
	}
	if err := db.retargetContractCases(ctx, actor, c.ID); err != nil {
		return nil, err
	}
	return db.FindContract(ctx, actor, id)
}

// retargetContractCases applies a contract's current terms to its open cases.
func (db *DB) retargetContractCases(ctx context.Context, actor *casedesk.Actor, contractID int64) error {
	rows, err := db.query(ctx, `SELECT id FROM cases WHERE contract_id = ? AND is_open = ?`, contractID, true)
	if err != nil {
		return fmt.Errorf("re-target cases: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if _, err := db.applyContractTerms(ctx, actor, id); err != nil {
			return err
		}
	}
	return nil
}
