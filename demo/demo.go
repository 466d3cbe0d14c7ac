// Package demo loads a believable world into an empty casedesk so that the
// product can be explored at once: a vendor with its staff, a partner,
// customers on every built-in plan with their contracts and contacts,
// products with their releases, and a few hundred cases of every age and
// status, loaded through the store as the people would have made them.
package demo

import (
	"context"
	"math/rand/v2"
	"time"

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
	Name  string
	Role  casedesk.Role
	Org   string
}

// Logins lists the demo accounts, for the message printed after loading.
var Logins = []Login{
	{"admin@vendor.example", "Alessandra Conti", casedesk.RoleAdministrator, "Acme Software"},
	{"manager@vendor.example", "Marco Ferri", casedesk.RoleSupportManager, "Acme Software"},
	{"engineer@vendor.example", "Sam Rivera", casedesk.RoleSupportEngineer, "Acme Software"},
	{"csm@vendor.example", "Claire Dubois", casedesk.RoleCSM, "Acme Software"},
	{"agent@partner.example", "Lars Nilsson", casedesk.RolePartnerAgent, "Northwind Partners"},
	{"contact@globex.example", "Hank Scorpio", casedesk.RoleCustomerContact, "Globex Corporation"},
	{"user@globex.example", "Frank Grimes", casedesk.RoleCustomerUser, "Globex Corporation"},
	{"contact@initech.example", "Giulia Bianchi", casedesk.RoleCustomerContact, "Initech S.p.A."},
	{"contact@umbrella.example", "Oliver Hughes", casedesk.RoleCustomerContact, "Umbrella Pty Ltd"},
}

// Load fills db with the demo world unless it is already there, and reports
// whether it loaded anything. params sets the password hashing cost. While it
// runs, Load turns db's clock back to date the cases' histories, so call it
// before anything else uses db.
func Load(ctx context.Context, db *store.DB, params auth.PasswordParams) (loaded bool, err error) {
	return load(ctx, db, params, (*world).addProducts, (*world).addContracts, (*world).addCases)
}

// LoadAccounts loads only the organisations and their users, with no
// contracts, products or cases: a light world for tests that need accounts.
func LoadAccounts(ctx context.Context, db *store.DB, params auth.PasswordParams) (loaded bool, err error) {
	return load(ctx, db, params)
}

// load adds the organisations and users, then runs the further steps, unless
// the world is already there. Instances starting together with --demo must
// not load it twice, hence the lock.
func load(ctx context.Context, db *store.DB, params auth.PasswordParams, steps ...func(*world, context.Context) error) (loaded bool, err error) {
	err = db.WithLock(ctx, "casedesk.demo", func() error {
		loaded, err = loadLocked(ctx, db, params, steps)
		return err
	})
	return loaded, err
}

func loadLocked(ctx context.Context, db *store.DB, params auth.PasswordParams, steps []func(*world, context.Context) error) (bool, error) {
	if _, err := db.UserByEmail(ctx, Logins[0].Email); err == nil {
		return false, nil
	} else if casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
		return false, err
	}
	// One hash for every account: hashing is deliberately slow.
	hash, err := params.Hash(Password)
	if err != nil {
		return false, err
	}
	// A fixed seed: every load draws the same world, relative to its time.
	w := &world{
		db: db, hash: hash, now: db.Now(), rng: rand.New(rand.NewPCG(2026, 4)),
		orgs: map[string]*casedesk.Organisation{}, userIDs: map[string]int64{}, actors: map[int64]*casedesk.Actor{},
	}
	for _, add := range append([]func(*world, context.Context) error{(*world).addOrganisations, (*world).addUsers}, steps...) {
		if err := add(w, ctx); err != nil {
			return false, err
		}
	}
	return true, nil
}

// world is the demo world while it loads.
type world struct {
	db   *store.DB
	hash string    // of Password
	now  time.Time // when loading began: every demo event happens before it
	rng  *rand.Rand

	orgs      map[string]*casedesk.Organisation // by name
	userIDs   map[string]int64                  // by e-mail address
	actors    map[int64]*casedesk.Actor         // by user ID
	manager   int64
	agent     int64 // the partner's
	engineers []int64
	accounts  []*account
	products  []*casedesk.Product
	steps     []step
}
