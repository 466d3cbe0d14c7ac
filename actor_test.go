package casedesk

import (
	"slices"
	"testing"
)

func TestParseScopes_KeepsTheFirstOfEachScopeInOrder(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []Scope
	}{
		{"one", []string{"cases:read"}, []Scope{ScopeCasesRead}},
		{"all", []string{"cases:read", "cases:write", "admin:read", "admin:write", "audit:read"}, Scopes},
		{"duplicates", []string{"admin:read", "cases:read", "admin:read", "cases:read"}, []Scope{ScopeAdminRead, ScopeCasesRead}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScopes(tt.in)
			if err != nil {
				t.Fatalf("ParseScopes(%q) = %v", tt.in, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseScopes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseScopes_RefusesUnknownAndEmptyLists(t *testing.T) {
	tests := []struct {
		name string
		in   []string
	}{
		{"nil", nil},
		{"empty", []string{}},
		{"unknown", []string{"cases:delete"}},
		{"unknown after a known one", []string{"cases:read", "everything"}},
		{"empty string", []string{""}},
		{"upper case", []string{"CASES:READ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScopes(tt.in)
			if err == nil {
				t.Fatalf("ParseScopes(%q) = %q, nil; want an error", tt.in, got)
			}
			if f := ErrorField(err); f != "scopes" {
				t.Errorf("ErrorField = %q, want %q", f, "scopes")
			}
			if got != nil {
				t.Errorf("ParseScopes(%q) returned scopes %q with its error", tt.in, got)
			}
		})
	}
}

func TestActorCanSeeOrg_SeparatesTenants(t *testing.T) {
	id := func(n int64) *int64 { return &n }
	var (
		vendor  = &Organisation{ID: 1, Kind: OrgVendor, Name: "Support"}
		acme    = &Organisation{ID: 10, Kind: OrgCustomer, Name: "Acme", PartnerID: id(20)}
		globex  = &Organisation{ID: 11, Kind: OrgCustomer, Name: "Globex"}
		initech = &Organisation{ID: 12, Kind: OrgCustomer, Name: "Initech", PartnerID: id(21)}
		resell  = &Organisation{ID: 20, Kind: OrgPartner, Name: "Resell"}
		rival   = &Organisation{ID: 21, Kind: OrgPartner, Name: "Other Resell"}
		// A customer whose partner ID happens to equal a customer's own ID must
		// not become visible to that customer.
		oddCustomer = &Organisation{ID: 13, Kind: OrgCustomer, Name: "Odd", PartnerID: id(10)}
		unsaved     = &Organisation{Kind: OrgCustomer, Name: "Unsaved"}
	)
	engineer := &Actor{UserID: 1, Role: RoleSupportEngineer, OrgID: 1, OrgKind: OrgVendor}
	customer := &Actor{UserID: 2, Role: RoleCustomerUser, OrgID: 10, OrgKind: OrgCustomer}
	partner := &Actor{UserID: 3, Role: RolePartnerAgent, OrgID: 20, OrgKind: OrgPartner}
	community := &Actor{UserID: 4, Role: RoleCommunity}
	tests := []struct {
		name  string
		actor *Actor
		org   *Organisation
		want  bool
	}{
		{"staff sees the vendor", engineer, vendor, true},
		{"staff sees a customer", engineer, globex, true},
		{"staff sees a partner", engineer, resell, true},
		{"system sees a customer", SystemActor, acme, true},
		{"customer sees its own organisation", customer, acme, true},
		{"customer does not see another customer", customer, globex, false},
		{"customer does not see its partner", customer, resell, false},
		{"customer does not see the vendor", customer, vendor, false},
		{"customer does not see an organisation whose partner ID is its own", customer, oddCustomer, false},
		{"partner sees its own organisation", partner, resell, true},
		{"partner sees a customer it serves", partner, acme, true},
		{"partner does not see a customer another partner serves", partner, initech, false},
		{"partner does not see a customer no partner serves", partner, globex, false},
		{"partner does not see another partner", partner, rival, false},
		{"partner does not see the vendor", partner, vendor, false},
		{"community user does not see a customer", community, acme, false},
		{"community user does not see an organisation with ID 0", community, unsaved, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.actor.CanSeeOrg(tt.org); got != tt.want {
				t.Errorf("CanSeeOrg(%s) = %v, want %v", tt.org.Name, got, tt.want)
			}
		})
	}
}

func TestActorHasScope_SessionsHaveAllScopesTokensOnlyTheirOwn(t *testing.T) {
	session := &Actor{UserID: 1, Role: RoleAdministrator}
	readToken := &Actor{UserID: 1, Role: RoleAdministrator, TokenID: 9, Scopes: []Scope{ScopeCasesRead}}
	bareToken := &Actor{UserID: 1, Role: RoleAdministrator, TokenID: 9}
	for _, s := range Scopes {
		if !session.HasScope(s) {
			t.Errorf("session: HasScope(%s) = false, want true", s)
		}
		if want := s == ScopeCasesRead; readToken.HasScope(s) != want {
			t.Errorf("token with cases:read: HasScope(%s) = %v, want %v", s, !want, want)
		}
		if bareToken.HasScope(s) {
			t.Errorf("token without scopes: HasScope(%s) = true, want false", s)
		}
	}
}

func TestActorPermissions_AreLimitedByRoleAndTokenScopes(t *testing.T) {
	token := func(a Actor, scopes ...Scope) *Actor {
		a.TokenID, a.Scopes = 9, scopes
		return &a
	}
	admin := Actor{UserID: 1, Role: RoleAdministrator, OrgID: 1, OrgKind: OrgVendor}
	manager := Actor{UserID: 2, Role: RoleSupportManager, OrgID: 1, OrgKind: OrgVendor}
	engineer := Actor{UserID: 3, Role: RoleSupportEngineer, OrgID: 1, OrgKind: OrgVendor}
	contact := Actor{UserID: 4, Role: RoleCustomerContact, OrgID: 10, OrgKind: OrgCustomer}
	vendor := &Organisation{ID: 1, Kind: OrgVendor}
	customer := &Organisation{ID: 10, Kind: OrgCustomer}
	partner := &Organisation{ID: 20, Kind: OrgPartner}

	tests := []struct {
		name  string
		actor *Actor
		// what the actor may do: manage organisations, manage users of the
		// vendor, a customer and a partner, and read the audit log.
		orgs, usersVendor, usersCustomer, usersPartner, audit bool
	}{
		{"system", SystemActor, true, true, true, true, true},
		{"administrator session", &admin, true, true, true, true, true},
		{"administrator token with admin:write", token(admin, ScopeAdminWrite), true, true, true, true, false},
		{"administrator token with audit:read", token(admin, ScopeAuditRead), false, false, false, false, true},
		{"administrator token with admin:read only", token(admin, ScopeAdminRead, ScopeCasesWrite), false, false, false, false, false},
		{"support manager session", &manager, false, false, true, true, false},
		{"support manager token with admin:write", token(manager, ScopeAdminWrite, ScopeAuditRead), false, false, true, true, false},
		{"support manager token without admin:write", token(manager, ScopeAdminRead), false, false, false, false, false},
		{"support engineer session", &engineer, false, false, false, false, false},
		{"customer contact session", &contact, false, false, false, false, false},
		{"customer contact token with every scope", token(contact, Scopes...), false, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.actor.CanManageOrgs(); got != tt.orgs {
				t.Errorf("CanManageOrgs() = %v, want %v", got, tt.orgs)
			}
			if got := tt.actor.CanManageUsersOf(vendor); got != tt.usersVendor {
				t.Errorf("CanManageUsersOf(vendor) = %v, want %v", got, tt.usersVendor)
			}
			if got := tt.actor.CanManageUsersOf(customer); got != tt.usersCustomer {
				t.Errorf("CanManageUsersOf(customer) = %v, want %v", got, tt.usersCustomer)
			}
			if got := tt.actor.CanManageUsersOf(partner); got != tt.usersPartner {
				t.Errorf("CanManageUsersOf(partner) = %v, want %v", got, tt.usersPartner)
			}
			if got := tt.actor.CanReadAudit(); got != tt.audit {
				t.Errorf("CanReadAudit() = %v, want %v", got, tt.audit)
			}
		})
	}
}
