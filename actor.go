package casedesk

import "slices"

// Actor is whoever performs an operation: a logged-in user, a user's API token,
// or the system itself. Every service call carries one, and every authorisation
// decision is made from it by the methods below.
type Actor struct {
	UserID  int64
	Email   string
	Role    Role
	OrgID   int64 // 0 for community users and the system
	OrgKind OrgKind
	Locale  string // the user's language, for what casedesk tells them; "" for the system
	// TokenID and Scopes are set when the actor authenticated with an API token;
	// a token can do no more than its scopes, and never more than its user.
	TokenID int64
	Scopes  []Scope
	System  bool // background duties and bootstrap commands
}

// SystemActor acts for casedesk itself: migrations, demo data, schedulers.
var SystemActor = &Actor{System: true, Role: RoleAdministrator, Email: "system"}

// Scope limits what an API token may do.
type Scope string

// The scopes an API token may carry.
const (
	ScopeCasesRead  Scope = "cases:read"
	ScopeCasesWrite Scope = "cases:write"
	ScopeAdminRead  Scope = "admin:read"
	ScopeAdminWrite Scope = "admin:write"
	ScopeAuditRead  Scope = "audit:read"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeCasesRead, ScopeCasesWrite, ScopeAdminRead, ScopeAdminWrite, ScopeAuditRead}

// ParseScopes checks each string names a scope; the error names the field "scopes".
func ParseScopes(ss []string) ([]Scope, error) {
	if len(ss) == 0 {
		return nil, FieldErrorf("scopes", "name at least one of cases:read, cases:write, admin:read, admin:write, audit:read").WithKey("error.scopes.empty", nil)
	}
	out := make([]Scope, 0, len(ss))
	for _, s := range ss {
		if !slices.Contains(Scopes, Scope(s)) {
			return nil, FieldErrorf("scopes", "unknown scope %q", s).WithKey("error.scopes.unknown", map[string]any{"Scope": s})
		}
		if !slices.Contains(out, Scope(s)) {
			out = append(out, Scope(s))
		}
	}
	return out, nil
}

// IsStaff reports whether the actor is vendor staff (or the system).
func (a *Actor) IsStaff() bool { return a.System || a.Role.IsStaff() }

// IsAdmin reports whether the actor administers casedesk.
func (a *Actor) IsAdmin() bool { return a.System || a.Role == RoleAdministrator }

// HasScope reports whether the actor may use scope: sessions may use all,
// tokens only those they carry.
func (a *Actor) HasScope(s Scope) bool {
	return a.TokenID == 0 || slices.Contains(a.Scopes, s)
}

// CanSeeOrg reports whether the actor may see organisation o at all: staff see
// every organisation; customers their own; partners their own and the customers
// they serve. Callers answer "not found" when it is false, so that another
// tenant's data is not even confirmed to exist.
func (a *Actor) CanSeeOrg(o *Organisation) bool {
	switch {
	case a.IsStaff():
		return true
	case a.OrgID == 0:
		return false
	case o.ID == a.OrgID:
		return true
	case a.OrgKind == OrgPartner && o.PartnerID != nil && *o.PartnerID == a.OrgID:
		return true
	}
	return false
}

// CanManageOrgs reports whether the actor may create and change organisations.
func (a *Actor) CanManageOrgs() bool {
	return a.IsAdmin() && a.HasScope(ScopeAdminWrite)
}

// CanManageUsersOf reports whether the actor may create and change users in o:
// administrators anywhere, support managers in customer and partner organisations.
func (a *Actor) CanManageUsersOf(o *Organisation) bool {
	if !a.HasScope(ScopeAdminWrite) {
		return false
	}
	return a.IsAdmin() || (a.Role == RoleSupportManager && o.Kind != OrgVendor)
}

// CanReadAudit reports whether the actor may read the audit log.
func (a *Actor) CanReadAudit() bool { return a.IsAdmin() && a.HasScope(ScopeAuditRead) }
