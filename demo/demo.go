// Package demo loads a small, believable world into an empty casedesk so that
// the product can be explored at once: a vendor with its staff, a partner,
// customers in each region, and their users.
package demo

import (
	"context"
	"fmt"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/store"
)

// Password is every demo user's password. Demo data is for exploring, never
// for a server others can reach.
const Password = "casedesk-demo"

// Login is one demo account.
type Login struct {
	Email string
	Role  casedesk.Role
	Org   string
}

// Logins lists the demo accounts, for the message printed after loading.
var Logins = []Login{
	{"admin@vendor.example", casedesk.RoleAdministrator, "Acme Software"},
	{"manager@vendor.example", casedesk.RoleSupportManager, "Acme Software"},
	{"engineer@vendor.example", casedesk.RoleSupportEngineer, "Acme Software"},
	{"csm@vendor.example", casedesk.RoleCSM, "Acme Software"},
	{"agent@partner.example", casedesk.RolePartnerAgent, "Northwind Partners"},
	{"contact@globex.example", casedesk.RoleCustomerContact, "Globex Corporation"},
	{"user@globex.example", casedesk.RoleCustomerUser, "Globex Corporation"},
	{"contact@initech.example", casedesk.RoleCustomerContact, "Initech S.p.A."},
	{"contact@umbrella.example", casedesk.RoleCustomerContact, "Umbrella Pty Ltd"},
}

// Load fills db with the demo world unless it is already there, and reports
// whether it loaded anything. params sets the password hashing cost.
func Load(ctx context.Context, db *store.DB, params auth.PasswordParams) (loaded bool, err error) {
	// Instances starting together with --demo must not load it twice.
	err = db.WithLock(ctx, "casedesk.demo", func() error {
		loaded, err = load(ctx, db, params)
		return err
	})
	return loaded, err
}

func load(ctx context.Context, db *store.DB, params auth.PasswordParams) (bool, error) {
	if _, err := db.UserByEmail(ctx, Logins[0].Email); err == nil {
		return false, nil
	} else if casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
		return false, err
	}
	sys := casedesk.SystemActor
	orgs := map[string]*casedesk.Organisation{}
	add := func(o *casedesk.Organisation) error {
		if err := db.CreateOrganisation(ctx, sys, o); err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.Name, err)
		}
		orgs[o.Name] = o
		return nil
	}
	if err := add(&casedesk.Organisation{Kind: casedesk.OrgVendor, Name: "Acme Software", Domains: []string{"vendor.example"}}); err != nil {
		return false, err
	}
	if err := add(&casedesk.Organisation{Kind: casedesk.OrgPartner, Name: "Northwind Partners", Region: "emea", Domains: []string{"partner.example"}}); err != nil {
		return false, err
	}
	customers := []*casedesk.Organisation{
		{Kind: casedesk.OrgCustomer, Name: "Globex Corporation", Region: "americas", Domains: []string{"globex.example"}},
		{Kind: casedesk.OrgCustomer, Name: "Initech S.p.A.", Region: "emea", Domains: []string{"initech.example"}, PartnerID: &orgs["Northwind Partners"].ID},
		{Kind: casedesk.OrgCustomer, Name: "Umbrella Pty Ltd", Region: "apac", Domains: []string{"umbrella.example"}},
	}
	for _, o := range customers {
		if err := add(o); err != nil {
			return false, err
		}
	}
	hash, err := params.Hash(Password)
	if err != nil {
		return false, err
	}
	for _, l := range Logins {
		u := &casedesk.User{OrgID: &orgs[l.Org].ID, Email: l.Email, Name: nameOf(l), Role: l.Role, PasswordHash: hash}
		if err := db.CreateUser(ctx, sys, u); err != nil {
			return false, fmt.Errorf("demo user %s: %w", l.Email, err)
		}
	}
	return true, nil
}

// nameOf makes a display name from the role and organisation.
func nameOf(l Login) string {
	return fmt.Sprintf("%s (%s)", l.Role, l.Org)
}
