package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/casedesk/casedesk"
)

const orgColumns = `id, kind, name, region, partner_id, domains, created_at, updated_at`

func scanOrganisation(row interface{ Scan(...any) error }) (*casedesk.Organisation, error) {
	var (
		o         casedesk.Organisation
		partnerID sql.NullInt64
		domains   string
	)
	if err := row.Scan(&o.ID, &o.Kind, &o.Name, &o.Region, &partnerID, &domains, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return nil, err
	}
	o.PartnerID = nullInt(partnerID)
	o.Domains = splitList(domains)
	return &o, nil
}

// splitList and joinList keep short lists in one text column.
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func joinList[T ~string](xs []T) string {
	ss := make([]string, len(xs))
	for i, x := range xs {
		ss[i] = string(x)
	}
	return strings.Join(ss, ",")
}

// organisation loads one organisation with no authorisation check.
func (db *DB) organisation(ctx context.Context, id int64) (*casedesk.Organisation, error) {
	o, err := scanOrganisation(db.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "organisation %d not found", id).WithKey("error.org.not_found", map[string]any{"ID": id})
	}
	if err != nil {
		return nil, fmt.Errorf("find organisation %d: %w", id, err)
	}
	return o, nil
}

// FindOrganisation returns organisation id if the actor may see it; otherwise
// it answers "not found", as if it did not exist.
func (db *DB) FindOrganisation(ctx context.Context, actor *casedesk.Actor, id int64) (*casedesk.Organisation, error) {
	o, err := db.organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanSeeOrg(o) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "organisation %d not found", id).WithKey("error.org.not_found", map[string]any{"ID": id})
	}
	return o, nil
}

// ListOrganisations returns the organisations the actor may see, by name.
func (db *DB) ListOrganisations(ctx context.Context, actor *casedesk.Actor) ([]*casedesk.Organisation, error) {
	rows, err := db.query(ctx, `SELECT `+orgColumns+` FROM organisations
		WHERE ? OR id = ? OR (partner_id = ? AND ?) ORDER BY name, id`,
		actor.IsStaff(), actor.OrgID, actor.OrgID, actor.OrgKind == casedesk.OrgPartner)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.Organisation
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CreateOrganisation stores a new organisation and fills its ID and times.
func (db *DB) CreateOrganisation(ctx context.Context, actor *casedesk.Actor, o *casedesk.Organisation) error {
	if !actor.CanManageOrgs() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may create organisations").WithKey("error.org.create_forbidden", nil)
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Domains == nil {
		o.Domains = []string{}
	}
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.checkPartner(ctx, o.PartnerID); err != nil {
			return err
		}
		now := db.now()
		o.CreatedAt, o.UpdatedAt = now, now
		err := tx.queryRow(ctx, `INSERT INTO organisations (kind, name, region, partner_id, domains, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			o.Kind, o.Name, o.Region, o.PartnerID, joinList(o.Domains), now, now).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("create organisation: %w", err)
		}
		return tx.record(ctx, actor, &o.ID, "organisation", o.ID, "create", o)
	})
}

// checkPartner verifies that id, when set, names a partner organisation.
func (tx *Tx) checkPartner(ctx context.Context, id *int64) error {
	if id == nil {
		return nil
	}
	var kind string
	err := tx.queryRow(ctx, `SELECT kind FROM organisations WHERE id = ?`, *id).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != string(casedesk.OrgPartner)) {
		return casedesk.FieldErrorf("partner_id", "organisation %d is not a partner", *id).WithKey("error.org.not_partner", map[string]any{"ID": *id})
	}
	return err
}

// UpdateOrganisation changes the fields set in upd and records what changed.
func (db *DB) UpdateOrganisation(ctx context.Context, actor *casedesk.Actor, id int64, upd casedesk.OrganisationUpdate) (*casedesk.Organisation, error) {
	o, err := db.FindOrganisation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanManageOrgs() {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may change organisations").WithKey("error.org.change_forbidden", nil)
	}
	before := *o
	changes := map[string]change{}
	if upd.Name != nil && *upd.Name != o.Name {
		changes["name"] = change{o.Name, *upd.Name}
		o.Name = *upd.Name
	}
	if upd.Region != nil && *upd.Region != o.Region {
		changes["region"] = change{o.Region, *upd.Region}
		o.Region = *upd.Region
	}
	if upd.PartnerID != nil && (o.PartnerID == nil || *o.PartnerID != *upd.PartnerID) {
		changes["partner_id"] = change{o.PartnerID, *upd.PartnerID}
		o.PartnerID = upd.PartnerID
	}
	if upd.Domains != nil && !slices.Equal(*upd.Domains, o.Domains) {
		o.Domains = slices.Clone(*upd.Domains)
		changes["domains"] = change{before.Domains, o.Domains}
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return o, nil
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.checkPartner(ctx, o.PartnerID); err != nil {
			return err
		}
		o.UpdatedAt = db.now()
		if _, err := tx.exec(ctx, `UPDATE organisations SET name = ?, region = ?, partner_id = ?, domains = ?, updated_at = ? WHERE id = ?`,
			o.Name, o.Region, o.PartnerID, joinList(o.Domains), o.UpdatedAt, o.ID); err != nil {
			return fmt.Errorf("update organisation %d: %w", id, err)
		}
		return tx.record(ctx, actor, &o.ID, "organisation", o.ID, "update", changes)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// organisationByDomain finds the customer organisation that claims an e-mail
// domain, for self-registration; nil when none does.
func (tx *Tx) organisationByDomain(ctx context.Context, domain string) (*casedesk.Organisation, error) {
	rows, err := tx.query(ctx, `SELECT `+orgColumns+` FROM organisations WHERE kind = 'customer' AND domains <> '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, err
		}
		if slices.Contains(o.Domains, domain) {
			return o, nil
		}
	}
	return nil, rows.Err()
}
