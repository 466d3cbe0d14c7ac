package casedesk

import (
	"strings"
	"testing"
)

func TestNormalizeEmail_LowerCasesPlainAddresses(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ann@example.com", "ann@example.com"},
		{"Ann.Lee@Example.COM", "ann.lee@example.com"},
		{"  ann@example.com\t", "ann@example.com"},
		{"ann+support@mail.acme.example", "ann+support@mail.acme.example"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeEmail("email", tt.in)
			if err != nil {
				t.Fatalf("NormalizeEmail(%q) = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeEmail_RefusesWhatIsNotABareAddress(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"no at sign", "ann.example.com"},
		{"display name", "Ann Lee <ann@example.com>"},
		{"quoted display name", `"Lee, Ann" <ann@example.com>`},
		{"angle brackets only", "<ann@example.com>"},
		{"comment", "ann@example.com (Ann)"},
		{"domain without a dot", "ann@localhost"},
		{"two addresses", "ann@example.com, bob@example.com"},
		{"longer than 254 characters", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeEmail("contact_email", tt.in)
			if err == nil {
				t.Fatalf("NormalizeEmail(%q) = %q, nil; want an error", tt.in, got)
			}
			if f := ErrorField(err); f != "contact_email" {
				t.Errorf("ErrorField = %q, want the field passed in, %q", f, "contact_email")
			}
			if code := ErrorCode(err); code != EINVALID {
				t.Errorf("ErrorCode = %q, want %q", code, EINVALID)
			}
		})
	}
}

func TestUserValidate_NamesTheFieldAtFault(t *testing.T) {
	org := int64(1)
	valid := func(edit func(u *User)) User {
		u := User{Email: "ann@example.com", Name: "Ann", Role: RoleSupportEngineer, OrgID: &org}
		edit(&u)
		return u
	}
	tests := []struct {
		name      string
		user      User
		wantField string // "" means valid
	}{
		{"staff with an organisation", valid(func(u *User) {}), ""},
		{"community user without an organisation", valid(func(u *User) { u.Role, u.OrgID = RoleCommunity, nil }), ""},
		{"named time zone and locale", valid(func(u *User) { u.TimeZone, u.Locale = "Europe/Rome", "it" }), ""},
		{"name of 200 characters", valid(func(u *User) { u.Name = strings.Repeat("n", 200) }), ""},
		{"missing email", valid(func(u *User) { u.Email = "" }), "email"},
		{"display-name email", valid(func(u *User) { u.Email = "Ann <ann@example.com>" }), "email"},
		{"empty name", valid(func(u *User) { u.Name = "" }), "name"},
		{"blank name", valid(func(u *User) { u.Name = "   " }), "name"},
		{"name of 201 characters", valid(func(u *User) { u.Name = strings.Repeat("n", 201) }), "name"},
		{"missing role", valid(func(u *User) { u.Role = "" }), "role"},
		{"unknown role", valid(func(u *User) { u.Role = "admin" }), "role"},
		{"community user with an organisation", valid(func(u *User) { u.Role = RoleCommunity }), "org_id"},
		{"customer user without an organisation", valid(func(u *User) { u.Role, u.OrgID = RoleCustomerUser, nil }), "org_id"},
		{"staff without an organisation", valid(func(u *User) { u.OrgID = nil }), "org_id"},
		{"unsupported locale", valid(func(u *User) { u.Locale = "de" }), "locale"},
		{"locale in upper case", valid(func(u *User) { u.Locale = "EN" }), "locale"},
		{"unknown time zone", valid(func(u *User) { u.TimeZone = "Mars/Olympus_Mons" }), "time_zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFieldError(t, tt.user.Validate(), tt.wantField)
		})
	}
}

func TestUserValidate_NormalisesEmailAndNameAndFillsDefaults(t *testing.T) {
	org := int64(1)
	u := User{Email: " Ann@Example.COM ", Name: "  Ann Lee ", Role: RoleCustomerUser, OrgID: &org}
	if err := u.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if u.Email != "ann@example.com" {
		t.Errorf("Email = %q, want %q", u.Email, "ann@example.com")
	}
	if u.Name != "Ann Lee" {
		t.Errorf("Name = %q, want %q", u.Name, "Ann Lee")
	}
	if u.Locale != "en" {
		t.Errorf("Locale = %q, want default %q", u.Locale, "en")
	}
	if u.TimeZone != "UTC" {
		t.Errorf("TimeZone = %q, want default %q", u.TimeZone, "UTC")
	}
}

func TestParseRole_AcceptsEveryRoleByItsExactName(t *testing.T) {
	for _, r := range Roles {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, nil", r, got, err, r)
		}
	}
	for _, s := range []string{"", "admin", "Administrator", " csm", "support-engineer"} {
		got, err := ParseRole(s)
		if err == nil {
			t.Errorf("ParseRole(%q) = %q, nil; want an error", s, got)
			continue
		}
		if f := ErrorField(err); f != "role" {
			t.Errorf("ParseRole(%q): ErrorField = %q, want %q", s, f, "role")
		}
	}
}

func TestRole_IsStaffAndOrgKind(t *testing.T) {
	tests := []struct {
		role      Role
		wantStaff bool
		wantKind  OrgKind
	}{
		{RoleAdministrator, true, OrgVendor},
		{RoleSupportManager, true, OrgVendor},
		{RoleSupportEngineer, true, OrgVendor},
		{RoleCSM, true, OrgVendor},
		{RoleTRM, true, OrgVendor},
		{RoleCustomerContact, false, OrgCustomer},
		{RoleCustomerUser, false, OrgCustomer},
		{RolePartnerAgent, false, OrgPartner},
		{RoleCommunity, false, ""},
		{"", false, ""},
		{"janitor", false, ""},
	}
	if len(tests)-2 != len(Roles) {
		t.Fatalf("the table covers %d roles, Roles has %d: add the new role here", len(tests)-2, len(Roles))
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			if got := tt.role.IsStaff(); got != tt.wantStaff {
				t.Errorf("IsStaff() = %v, want %v", got, tt.wantStaff)
			}
			if got := tt.role.OrgKind(); got != tt.wantKind {
				t.Errorf("OrgKind() = %q, want %q", got, tt.wantKind)
			}
		})
	}
}
