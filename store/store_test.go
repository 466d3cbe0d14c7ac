package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

var ctx = context.Background()

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := casedesk.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// fixture is a small world: a vendor with an administrator, a partner, a
// customer it serves, and an unrelated customer.
type fixture struct {
	vendor, partner, served, other *casedesk.Organisation
	admin, partnerAgent            *casedesk.Actor
	servedUser, otherUser          *casedesk.Actor
}

func newFixture(t *testing.T, db *DB) *fixture {
	t.Helper()
	f := &fixture{}
	mk := func(o *casedesk.Organisation) *casedesk.Organisation {
		if err := db.CreateOrganisation(ctx, casedesk.SystemActor, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.vendor = mk(&casedesk.Organisation{Kind: casedesk.OrgVendor, Name: "Vendor"})
	f.partner = mk(&casedesk.Organisation{Kind: casedesk.OrgPartner, Name: "Partner"})
	f.served = mk(&casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "Served", PartnerID: &f.partner.ID, Domains: []string{"served.example"}})
	f.other = mk(&casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "Other", Region: "emea"})
	user := func(org *casedesk.Organisation, email string, role casedesk.Role) *casedesk.Actor {
		u := &casedesk.User{OrgID: &org.ID, Email: email, Name: email, Role: role}
		if err := db.CreateUser(ctx, casedesk.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		a, err := db.ActorForUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f.admin = user(f.vendor, "admin@vendor.example", casedesk.RoleAdministrator)
	f.partnerAgent = user(f.partner, "agent@partner.example", casedesk.RolePartnerAgent)
	f.servedUser = user(f.served, "user@served.example", casedesk.RoleCustomerContact)
	f.otherUser = user(f.other, "user@other.example", casedesk.RoleCustomerUser)
	return f
}

func TestMigrate_IsIdempotentAndReportsVersion(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		if err := db.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v == 0 || v != db.LatestVersion() {
			t.Fatalf("schema version %d, latest %d", v, db.LatestVersion())
		}
	})
}

func TestMigrate_RefusesNewerSchema(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		if _, err := db.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 'x')`, db.LatestVersion()+1); err != nil {
			t.Fatal(err)
		}
		err := db.Migrate(ctx, nil)
		wantCode(t, err, casedesk.ECONFLICT)
	})
}

func TestMigrate_ConcurrentInstancesMigrateOnce(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		url := postgresSchemaURL(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		applied := 0
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := Open(ctx, url, "")
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				errs[i] = db.Migrate(ctx, func(int, string) { mu.Lock(); applied++; mu.Unlock() })
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		db, err := Open(ctx, url, "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if applied != db.LatestVersion() {
			t.Fatalf("steps applied across instances = %d, want each of %d once", applied, db.LatestVersion())
		}
	})
}

func TestOrganisations_TenancyOnFindAndList(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		tests := []struct {
			name  string
			actor *casedesk.Actor
			org   *casedesk.Organisation
			sees  bool
		}{
			{"staff sees any customer", f.admin, f.other, true},
			{"customer sees itself", f.otherUser, f.other, true},
			{"customer does not see another customer", f.otherUser, f.served, false},
			{"customer does not see the vendor", f.otherUser, f.vendor, false},
			{"partner sees the customer it serves", f.partnerAgent, f.served, true},
			{"partner does not see a customer it does not serve", f.partnerAgent, f.other, false},
			{"served customer does not see its partner", f.servedUser, f.partner, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.FindOrganisation(ctx, tt.actor, tt.org.ID)
				if tt.sees && err != nil {
					t.Fatalf("find: %v", err)
				}
				if !tt.sees {
					wantCode(t, err, casedesk.ENOTFOUND)
				}
				list, err := db.ListOrganisations(ctx, tt.actor)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, o := range list {
					found = found || o.ID == tt.org.ID
				}
				if found != tt.sees {
					t.Fatalf("listed = %v, want %v", found, tt.sees)
				}
			})
		}
	})
}

func TestOrganisations_OnlyAdministratorsChangeThem(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		name := "Renamed"
		_, err := db.UpdateOrganisation(ctx, f.otherUser, f.other.ID, casedesk.OrganisationUpdate{Name: &name})
		wantCode(t, err, casedesk.EFORBIDDEN)
		_, err = db.UpdateOrganisation(ctx, f.otherUser, f.served.ID, casedesk.OrganisationUpdate{Name: &name})
		wantCode(t, err, casedesk.ENOTFOUND)
		err = db.CreateOrganisation(ctx, f.partnerAgent, &casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "Mine"})
		wantCode(t, err, casedesk.EFORBIDDEN)
		o, err := db.UpdateOrganisation(ctx, f.admin, f.other.ID, casedesk.OrganisationUpdate{Name: &name})
		if err != nil || o.Name != name {
			t.Fatalf("update by admin: %v, %+v", err, o)
		}
		again, _ := db.FindOrganisation(ctx, f.admin, f.other.ID)
		if again.Name != name {
			t.Fatalf("name after update = %q", again.Name)
		}
	})
}

func TestOrganisations_ValidationNamesTheField(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		tests := []struct {
			org   casedesk.Organisation
			field string
		}{
			{casedesk.Organisation{Kind: "shop", Name: "X"}, "kind"},
			{casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "  "}, "name"},
			{casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "X", Region: "mars"}, "region"},
			{casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "X", PartnerID: &f.other.ID}, "partner_id"},
			{casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: "X", Domains: []string{"not a domain"}}, "domains"},
		}
		for _, tt := range tests {
			err := db.CreateOrganisation(ctx, f.admin, &tt.org)
			wantCode(t, err, casedesk.EINVALID)
			if got := casedesk.ErrorField(err); got != tt.field {
				t.Errorf("field = %q, want %q (%v)", got, tt.field, err)
			}
		}
	})
}

func TestUsers_TenancyAndManagement(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		if _, err := db.FindUser(ctx, f.otherUser, f.servedUser.UserID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("customer reads another tenant's user: %v", err)
		}
		if _, err := db.FindUser(ctx, f.partnerAgent, f.servedUser.UserID); err != nil {
			t.Fatalf("partner reads its customer's user: %v", err)
		}
		if _, err := db.ListUsers(ctx, f.otherUser, f.served.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("customer lists another tenant's users: %v", err)
		}
		mine, err := db.ListUsers(ctx, f.otherUser, 0)
		if err != nil || len(mine) != 1 || mine[0].ID != f.otherUser.UserID {
			t.Fatalf("customer lists own users: %v %v", err, mine)
		}
		err = db.CreateUser(ctx, f.otherUser, &casedesk.User{OrgID: &f.other.ID, Email: "new@other.example", Name: "N", Role: casedesk.RoleCustomerUser})
		wantCode(t, err, casedesk.EFORBIDDEN)
		err = db.CreateUser(ctx, f.admin, &casedesk.User{OrgID: &f.other.ID, Email: "USER@other.example", Name: "Dup", Role: casedesk.RoleCustomerUser})
		wantCode(t, err, casedesk.ECONFLICT)
		err = db.CreateUser(ctx, f.admin, &casedesk.User{OrgID: &f.other.ID, Email: "eng@other.example", Name: "E", Role: casedesk.RoleSupportEngineer})
		if casedesk.ErrorField(err) != "role" {
			t.Fatalf("staff role in a customer organisation: %v", err)
		}
		role := casedesk.RoleAdministrator
		if _, err := db.UpdateUser(ctx, f.otherUser, f.otherUser.UserID, casedesk.UserUpdate{Role: &role}); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("user promotes itself: %v", err)
		}
		locale := "it"
		u, err := db.UpdateUser(ctx, f.otherUser, f.otherUser.UserID, casedesk.UserUpdate{Locale: &locale})
		if err != nil || u.Locale != "it" {
			t.Fatalf("user changes own locale: %v", err)
		}
		disabled := true
		if _, err := db.UpdateUser(ctx, f.admin, f.otherUser.UserID, casedesk.UserUpdate{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ActorForUser(ctx, f.otherUser.UserID); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("disabled user still acts: %v", err)
		}
	})
}

func TestRegister_JoinsOrganisationByDomainAndNeedsVerification(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		u := &casedesk.User{Email: "New.Person@Served.example", Name: "New Person", PasswordHash: "x"}
		token, err := db.Register(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if u.OrgID == nil || *u.OrgID != f.served.ID || u.Role != casedesk.RoleCustomerUser || u.Email != "new.person@served.example" {
			t.Fatalf("registered as %+v", u)
		}
		if _, err := db.ActorForUser(ctx, u.ID); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("unverified user acts: %v", err)
		}
		msgs, err := db.PendingOutbox(ctx, 10)
		if err != nil || len(msgs) != 1 || msgs[0].Kind != "verify_email" || msgs[0].Recipient != u.Email {
			t.Fatalf("outbox: %v %+v", err, msgs)
		}
		if _, err := db.VerifyEmail(ctx, token+"x"); casedesk.ErrorField(err) != "token" {
			t.Fatalf("wrong token: %v", err)
		}
		if _, err := db.VerifyEmail(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyEmail(ctx, token); casedesk.ErrorField(err) != "token" {
			t.Fatalf("token reused: %v", err)
		}
		if _, err := db.ActorForUser(ctx, u.ID); err != nil {
			t.Fatalf("verified user: %v", err)
		}

		community := &casedesk.User{Email: "someone@elsewhere.example", Name: "Someone"}
		if _, err := db.Register(ctx, community); err != nil {
			t.Fatal(err)
		}
		if community.OrgID != nil || community.Role != casedesk.RoleCommunity {
			t.Fatalf("unknown domain registered as %+v", community)
		}
		if _, err := db.Register(ctx, &casedesk.User{Email: "someone@elsewhere.example", Name: "Again"}); casedesk.ErrorCode(err) != casedesk.ECONFLICT {
			t.Fatalf("duplicate registration: %v", err)
		}
	})
}

func TestAPITokens_CheckScopeRevokeExpire(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		tok := &casedesk.APIToken{Name: "ci", Scopes: []casedesk.Scope{casedesk.ScopeCasesRead}}
		plain, err := db.CreateAPIToken(ctx, f.otherUser, tok)
		if err != nil {
			t.Fatal(err)
		}
		a, err := db.ActorForToken(ctx, plain)
		if err != nil {
			t.Fatal(err)
		}
		if a.UserID != f.otherUser.UserID || a.OrgID != f.other.ID || !a.HasScope(casedesk.ScopeCasesRead) || a.HasScope(casedesk.ScopeCasesWrite) {
			t.Fatalf("actor for token: %+v", a)
		}
		if _, err := db.ActorForToken(ctx, plain[:len(plain)-1]); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("truncated token accepted: %v", err)
		}
		if err := db.RevokeAPIToken(ctx, f.servedUser, tok.ID); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("another user revokes my token: %v", err)
		}
		if err := db.RevokeAPIToken(ctx, f.otherUser, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ActorForToken(ctx, plain); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("revoked token accepted: %v", err)
		}

		soon := db.now().Add(time.Hour)
		short := &casedesk.APIToken{Name: "short", Scopes: []casedesk.Scope{casedesk.ScopeCasesRead}, ExpiresAt: &soon}
		plain, err = db.CreateAPIToken(ctx, f.otherUser, short)
		if err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return soon.Add(time.Second) }
		if _, err := db.ActorForToken(ctx, plain); casedesk.ErrorCode(err) != casedesk.EUNAUTHORIZED {
			t.Fatalf("expired token accepted: %v", err)
		}
		_, err = db.CreateAPIToken(ctx, f.otherUser, &casedesk.APIToken{Name: "bad", Scopes: []casedesk.Scope{"everything"}})
		if casedesk.ErrorField(err) != "scopes" {
			t.Fatalf("unknown scope: %v", err)
		}
	})
}

func TestSessions_CommitFindExpire(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		s := db.Sessions()
		now := db.now()
		if err := s.Commit("a", []byte("one"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("a", []byte("two"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		data, ok, err := s.Find("a")
		if err != nil || !ok || string(data) != "two" {
			t.Fatalf("find: %q %v %v", data, ok, err)
		}
		if err := s.Commit("b", []byte("old"), now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Find("b"); ok {
			t.Fatal("expired session found")
		}
		if n, err := s.DeleteExpired(ctx); err != nil || n != 1 {
			t.Fatalf("delete expired: %d %v", n, err)
		}
		if err := s.Delete("a"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Find("a"); ok {
			t.Fatal("deleted session found")
		}
	})
}

func TestAudit_RecordsChangesAndIsAppendOnly(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		name := "New name"
		if _, err := db.UpdateOrganisation(ctx, f.admin, f.other.ID, casedesk.OrganisationUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		entries, err := db.ListAudit(ctx, f.admin, casedesk.AuditFilter{Entity: "organisation", EntityID: f.other.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "update" || entries[0].ActorEmail != "admin@vendor.example" || entries[1].Action != "create" {
			t.Fatalf("audit entries: %+v", entries)
		}
		if string(entries[0].Changes) != `{"name":{"from":"Other","to":"New name"}}` {
			t.Fatalf("changes = %s", entries[0].Changes)
		}
		if _, err := db.ListAudit(ctx, f.otherUser, casedesk.AuditFilter{}); casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
			t.Fatalf("customer reads audit: %v", err)
		}
		if _, err := db.exec(ctx, `UPDATE audit_log SET action = 'forged'`); err == nil {
			t.Fatal("audit_log accepted an UPDATE")
		}
		if _, err := db.exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("audit_log accepted a DELETE")
		}
		all, _ := db.ListAudit(ctx, f.admin, casedesk.AuditFilter{Limit: 500})
		for _, e := range all {
			if e.Entity == "user" && e.Action == "set_password" && len(e.Changes) > 0 {
				t.Fatalf("password change recorded with content: %s", e.Changes)
			}
		}
	})
}

func TestOpen_RejectsUnknownURL(t *testing.T) {
	_, err := Open(ctx, "mysql://x", t.TempDir())
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("open mysql URL: %v", err)
	}
}
