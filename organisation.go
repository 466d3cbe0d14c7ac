package casedesk

import (
	"context"
	"strings"
	"time"
)

// OrgKind says what an organisation is to the vendor running casedesk.
type OrgKind string

// The kinds of organisation.
const (
	OrgVendor   OrgKind = "vendor"   // the vendor itself; its users are staff
	OrgCustomer OrgKind = "customer" // a licensee with support contracts
	OrgPartner  OrgKind = "partner"  // a reseller that serves some customers
)

// ParseOrgKind checks s names a kind.
func ParseOrgKind(s string) (OrgKind, error) {
	switch k := OrgKind(s); k {
	case OrgVendor, OrgCustomer, OrgPartner:
		return k, nil
	}
	return "", FieldErrorf("kind", "must be one of vendor, customer, partner; got %q", s).WithKey("error.org.kind", map[string]any{"Got": s})
}

// Organisation is a vendor, customer or partner organisation: the unit of tenancy.
type Organisation struct {
	ID   int64   `json:"id"`
	Kind OrgKind `json:"kind"`
	Name string  `json:"name"`
	// Region is the support region of the primary office (americas, emea, apac).
	Region string `json:"region,omitempty"`
	// PartnerID is the partner that sold and first serves this customer, if any.
	PartnerID *int64 `json:"partner_id,omitempty"`
	// Domains are e-mail domains whose self-registered users join this organisation.
	Domains   []string  `json:"domains"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks an organisation before it is stored.
func (o *Organisation) Validate() error {
	if _, err := ParseOrgKind(string(o.Kind)); err != nil {
		return err
	}
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return FieldErrorf("name", "must not be empty").WithKey("error.name.empty", nil)
	}
	if len(o.Name) > 200 {
		return FieldErrorf("name", "must be at most 200 characters").WithKey("error.length.max", map[string]any{"Max": 200})
	}
	switch o.Region {
	case "", "americas", "emea", "apac":
	default:
		return FieldErrorf("region", "must be one of americas, emea, apac; got %q", o.Region).WithKey("error.org.region", map[string]any{"Got": o.Region})
	}
	if o.PartnerID != nil && o.Kind != OrgCustomer {
		return FieldErrorf("partner_id", "only a customer can be served by a partner").WithKey("error.org.partner_not_customer", nil)
	}
	for i, d := range o.Domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || strings.ContainsAny(d, "@ /") || !strings.Contains(d, ".") {
			return FieldErrorf("domains", "entry %d: %q is not a domain name", i, o.Domains[i]).WithKey("error.org.domain", map[string]any{"N": i, "Domain": o.Domains[i]})
		}
		o.Domains[i] = d
	}
	return nil
}

// OrganisationUpdate holds the fields of a partial update; nil means unchanged.
type OrganisationUpdate struct {
	Name      *string   `json:"name"`
	Region    *string   `json:"region"`
	PartnerID *int64    `json:"partner_id"`
	Domains   *[]string `json:"domains"`
}

// OrganisationService reads and changes organisations on behalf of an actor.
type OrganisationService interface {
	FindOrganisation(ctx context.Context, actor *Actor, id int64) (*Organisation, error)
	ListOrganisations(ctx context.Context, actor *Actor) ([]*Organisation, error)
	CreateOrganisation(ctx context.Context, actor *Actor, o *Organisation) error
	UpdateOrganisation(ctx context.Context, actor *Actor, id int64, upd OrganisationUpdate) (*Organisation, error)
}
