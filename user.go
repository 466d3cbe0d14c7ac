package casedesk

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is what a user may do. Vendor staff roles act across customers; the
// others act only inside their own organisation (or, for partners, their customers).
type Role string

// The roles.
const (
	RoleAdministrator   Role = "administrator"
	RoleSupportManager  Role = "support_manager"
	RoleSupportEngineer Role = "support_engineer"
	RoleCSM             Role = "csm"
	RoleTRM             Role = "trm"
	RoleCustomerContact Role = "customer_contact" // a technical contact named on a contract
	RoleCustomerUser    Role = "customer_user"
	RolePartnerAgent    Role = "partner_agent"
	RoleCommunity       Role = "community" // registered, no organisation: self-service only
)

// Roles lists every role, staff first.
var Roles = []Role{
	RoleAdministrator, RoleSupportManager, RoleSupportEngineer, RoleCSM, RoleTRM,
	RoleCustomerContact, RoleCustomerUser, RolePartnerAgent, RoleCommunity,
}

// ParseRole checks s names a role.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", FieldErrorf("role", "unknown role %q", s).WithKey("error.role.unknown", map[string]any{"Role": s})
}

// IsStaff reports whether the role belongs to the vendor's own people.
func (r Role) IsStaff() bool {
	switch r {
	case RoleAdministrator, RoleSupportManager, RoleSupportEngineer, RoleCSM, RoleTRM:
		return true
	}
	return false
}

// OrgKind is the kind of organisation a user with this role belongs to; ""
// for community users, who belong to none.
func (r Role) OrgKind() OrgKind {
	switch {
	case r.IsStaff():
		return OrgVendor
	case r == RoleCustomerContact || r == RoleCustomerUser:
		return OrgCustomer
	case r == RolePartnerAgent:
		return OrgPartner
	}
	return ""
}

// User is a person who logs in: vendor staff, a customer's or partner's user,
// or a community user.
type User struct {
	ID int64 `json:"id"`
	// OrgID is the user's organisation; nil for community users.
	OrgID           *int64     `json:"org_id,omitempty"`
	Email           string     `json:"email"`
	Name            string     `json:"name"`
	Role            Role       `json:"role"`
	Locale          string     `json:"locale"`
	TimeZone        string     `json:"time_zone"`
	EmailVerifiedAt *time.Time `json:"email_verified_at,omitempty"`
	Disabled        bool       `json:"disabled"`
	// PasswordHash is an argon2id PHC string; it never leaves the server.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Locales the interface speaks.
var Locales = []string{"en", "it", "fr"}

// NormalizeEmail checks an address and returns its canonical, lower-case form.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") || len(s) > 254 {
		return "", FieldErrorf(field, "%q is not an e-mail address", s).WithKey("error.email.invalid", map[string]any{"Email": s})
	}
	return strings.ToLower(s), nil
}

// Validate checks a user before it is stored and fills defaults.
func (u *User) Validate() error {
	email, err := NormalizeEmail("email", u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		return FieldErrorf("name", "must not be empty").WithKey("error.name.empty", nil)
	}
	if len(u.Name) > 200 {
		return FieldErrorf("name", "must be at most 200 characters").WithKey("error.length.max", map[string]any{"Max": 200})
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if (u.Role == RoleCommunity) != (u.OrgID == nil) {
		return FieldErrorf("org_id", "a community user has no organisation; every other role needs one").WithKey("error.user.org", nil)
	}
	if u.Locale == "" {
		u.Locale = "en"
	}
	if err := ValidateLocale("locale", u.Locale); err != nil {
		return err
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(u.TimeZone); err != nil {
		return FieldErrorf("time_zone", "unknown time zone %q", u.TimeZone).WithKey("error.time_zone.unknown", map[string]any{"Zone": u.TimeZone})
	}
	return nil
}

// ValidateLocale checks that locale is one the interface speaks.
func ValidateLocale(field, locale string) error {
	for _, l := range Locales {
		if l == locale {
			return nil
		}
	}
	return FieldErrorf(field, "must be one of en, it, fr; got %q", locale).WithKey("error.locale.unknown", map[string]any{"Got": locale})
}

// UserUpdate holds the fields of a partial update; nil means unchanged.
type UserUpdate struct {
	Name     *string `json:"name"`
	Role     *Role   `json:"role"`
	Locale   *string `json:"locale"`
	TimeZone *string `json:"time_zone"`
	Disabled *bool   `json:"disabled"`
}

// UserService reads and changes users on behalf of an actor.
type UserService interface {
	FindUser(ctx context.Context, actor *Actor, id int64) (*User, error)
	ListUsers(ctx context.Context, actor *Actor, orgID int64) ([]*User, error)
	CreateUser(ctx context.Context, actor *Actor, u *User) error
	UpdateUser(ctx context.Context, actor *Actor, id int64, upd UserUpdate) (*User, error)
}
