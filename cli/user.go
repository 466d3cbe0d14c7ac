package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/demo"
	"github.com/casedesk/casedesk/store"
)

func init() {
	register("user", "manage users: 'user create' bootstraps an administrator", runUser)
	register("demo", "load demo organisations and users", runDemo)
}

func runUser(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return &UsageError{Message: "usage: casedesk user create --email … --name … [--role administrator] [--org-id N]"}
	}
	fs := newFlagSet("user create", errOut)
	var (
		db       dbFlags
		email    = fs.String("email", "", "the user's e-mail address (required)")
		name     = fs.String("name", "", "the user's name (required)")
		role     = fs.String("role", "administrator", "role: "+joinRoles())
		orgID    = fs.Int64("org-id", 0, "organisation; default: the vendor organisation, created if missing, for staff roles")
		password = fs.String("password", "", "initial password (prefer CASEDESK_PASSWORD, or leave empty to generate one)")
	)
	db.add(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return usageErrorf("email", "is required")
	}
	if *name == "" {
		return usageErrorf("name", "is required")
	}
	r, err := casedesk.ParseRole(*role)
	if err != nil {
		return usageErrorf("role", "unknown role %q; one of %s", *role, joinRoles())
	}
	generated := *password == ""
	if generated {
		*password = auth.RandomString(15)
	}
	if err := auth.ValidatePassword(*password); err != nil {
		return usageErrorf("password", "%s", casedesk.ErrorMessage(err))
	}
	s, err := db.open(ctx, newLogger(errOut, "text"))
	if err != nil {
		return err
	}
	defer s.Close()
	u := &casedesk.User{Email: *email, Name: *name, Role: r}
	switch {
	case *orgID != 0:
		u.OrgID = orgID
	case r.IsStaff():
		id, err := vendorOrg(ctx, s)
		if err != nil {
			return err
		}
		u.OrgID = &id
	case r != casedesk.RoleCommunity:
		return usageErrorf("org-id", "a %s needs an organisation", r)
	}
	if u.PasswordHash, err = auth.HashPassword(*password); err != nil {
		return err
	}
	if err := s.CreateUser(ctx, casedesk.SystemActor, u); err != nil {
		if f := casedesk.ErrorField(err); f != "" {
			return usageErrorf(strings.ReplaceAll(f, "_", "-"), "%s", casedesk.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(out, "created %s %s (id %d)\n", r, u.Email, u.ID)
	if generated {
		fmt.Fprintf(out, "password: %s\n(shown once: casedesk stores only its hash)\n", *password)
	}
	return nil
}

// vendorOrg returns the vendor organisation's ID, creating it on first use.
func vendorOrg(ctx context.Context, s *store.DB) (int64, error) {
	orgs, err := s.ListOrganisations(ctx, casedesk.SystemActor)
	if err != nil {
		return 0, err
	}
	for _, o := range orgs {
		if o.Kind == casedesk.OrgVendor {
			return o.ID, nil
		}
	}
	o := &casedesk.Organisation{Kind: casedesk.OrgVendor, Name: "Support"}
	if err := s.CreateOrganisation(ctx, casedesk.SystemActor, o); err != nil {
		return 0, err
	}
	return o.ID, nil
}

func joinRoles() string {
	names := make([]string, len(casedesk.Roles))
	for i, r := range casedesk.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func runDemo(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("demo", errOut)
	var db dbFlags
	db.add(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := db.open(ctx, newLogger(errOut, "text"))
	if err != nil {
		return err
	}
	defer s.Close()
	return loadDemo(ctx, s, out)
}

// loadDemo loads the demo world if missing and prints how to log in.
func loadDemo(ctx context.Context, s *store.DB, out io.Writer) error {
	loaded, err := demo.Load(ctx, s, auth.PasswordParams{})
	if err != nil {
		return err
	}
	if loaded {
		fmt.Fprintln(out, "Demo data loaded.")
	} else {
		fmt.Fprintln(out, "Demo data is already loaded.")
	}
	fmt.Fprintf(out, "Log in with any of these accounts, password %q:\n", demo.Password)
	for _, l := range demo.Logins {
		fmt.Fprintf(out, "  %-28s %-18s %s\n", l.Email, l.Role, l.Org)
	}
	fmt.Fprintf(out, "  …and %d more accounts (engineers, other customers' technical contacts), same password\n", demo.MoreLogins())
	return nil
}
