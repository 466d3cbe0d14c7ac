package cli

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/demo"
	"github.com/casedesk/casedesk/store"
)

// openStore opens the SQLite database a command left in dir.
func openStore(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRun_DemoLoadsOnceAndSaysSoTheSecondTime(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()

	code, first, stderr := run(t, "demo", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("first demo: exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(first, "Demo data loaded.\n") {
		t.Errorf("first demo: stdout does not start with %q:\n%s", "Demo data loaded.", first)
	}
	for _, want := range []string{demo.Password, demo.Logins[0].Email, demo.Logins[len(demo.Logins)-1].Email} {
		if !strings.Contains(first, want) {
			t.Errorf("first demo: stdout does not mention %q:\n%s", want, first)
		}
	}

	code, second, stderr := run(t, "demo", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("second demo: exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(second, "Demo data is already loaded.\n") {
		t.Errorf("second demo: stdout does not start with %q:\n%s", "Demo data is already loaded.", second)
	}
	if !strings.Contains(second, demo.Logins[0].Email) {
		t.Errorf("second demo: stdout does not repeat the logins:\n%s", second)
	}

	u, err := openStore(t, dir).UserByEmail(context.Background(), demo.Logins[0].Email)
	if err != nil {
		t.Fatalf("demo user %s: %v", demo.Logins[0].Email, err)
	}
	if ok, _, err := auth.VerifyPassword(demo.Password, u.PasswordHash); err != nil || !ok {
		t.Errorf("demo password does not verify for %s: ok %v, err %v", u.Email, ok, err)
	}
}

func TestRun_UserNeedsTheCreateSubcommand(t *testing.T) {
	clearEnv(t)
	for _, args := range [][]string{{"user"}, {"user", "delete"}} {
		code, _, stderr := run(t, args...)
		if code != 2 {
			t.Errorf("%q: exit code = %d, want 2", args, code)
		}
		if !strings.Contains(stderr, "usage: casedesk user create") {
			t.Errorf("%q: stderr does not show the usage:\n%s", args, stderr)
		}
	}
}

func TestRun_UserCreateRefusesBadFlagsBeforeTouchingTheDatabase(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantFlag string
	}{
		{"missing email", []string{"--name", "Ann"}, "--email"},
		{"missing name", []string{"--email", "ann@b.example"}, "--name"},
		{"unknown role", []string{"--email", "ann@b.example", "--name", "Ann", "--role", "superuser"}, "--role"},
		{"short password", []string{"--email", "ann@b.example", "--name", "Ann", "--password", "short"}, "--password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			dir := t.TempDir()
			args := append([]string{"user", "create", "--data-dir", dir}, tt.args...)
			code, stdout, stderr := run(t, args...)
			if code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.wantFlag) {
				t.Errorf("stderr does not name %s:\n%s", tt.wantFlag, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the data directory was written to: %v", entries)
			}
		})
	}
}

func TestRun_UserCreateRefusesANonStaffRoleWithoutAnOrganisation(t *testing.T) {
	clearEnv(t)
	code, _, stderr := run(t, "user", "create", "--data-dir", t.TempDir(),
		"--email", "ann@b.example", "--name", "Ann", "--role", "customer_user")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, "--org-id") {
		t.Errorf("stderr does not name --org-id:\n%s", stderr)
	}
}

func TestRun_UserCreateMapsAStoreValidationErrorToItsFlag(t *testing.T) {
	clearEnv(t)
	code, _, stderr := run(t, "user", "create", "--data-dir", t.TempDir(),
		"--email", "Ann <ann@b.example>", "--name", "Ann", "--password", "a long enough passphrase")
	if code != 2 {
		t.Errorf("exit code = %d, want 2", code)
	}
	if !strings.Contains(stderr, "--email") {
		t.Errorf("stderr does not name --email:\n%s", stderr)
	}
}

func TestRun_UserCreateMakesAnAdministratorAndShowsTheGeneratedPasswordOnce(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	code, stdout, stderr := run(t, "user", "create", "--email", "a@b.example", "--name", "A", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^created administrator a@b\.example \(id \d+\)$`).MatchString(stdout) {
		t.Errorf("stdout does not report the new administrator:\n%s", stdout)
	}
	m := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("stdout shows no generated password:\n%s", stdout)
	}
	password := m[1]
	if n := strings.Count(stdout+stderr, password); n != 1 {
		t.Errorf("the password appears %d times in the output, want once", n)
	}
	if strings.Contains(stderr, password) {
		t.Error("the password is in the log")
	}
	if err := auth.ValidatePassword(password); err != nil {
		t.Errorf("generated password %q breaks the password policy: %v", password, err)
	}

	db := openStore(t, dir)
	u, err := db.UserByEmail(context.Background(), "a@b.example")
	if err != nil {
		t.Fatalf("the user was not stored: %v", err)
	}
	if u.Role != casedesk.RoleAdministrator || u.Name != "A" {
		t.Errorf("stored user = role %q, name %q; want administrator A", u.Role, u.Name)
	}
	if ok, _, err := auth.VerifyPassword(password, u.PasswordHash); err != nil || !ok {
		t.Errorf("the printed password does not verify: ok %v, err %v", ok, err)
	}
	if u.OrgID == nil {
		t.Fatal("the administrator has no organisation")
	}
	org, err := db.FindOrganisation(context.Background(), casedesk.SystemActor, *u.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if org.Kind != casedesk.OrgVendor {
		t.Errorf("the administrator's organisation is a %s, want the vendor", org.Kind)
	}
}

func TestRun_UserCreateReusesTheVendorOrganisationAndPrintsNoChosenPassword(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	code, _, stderr := run(t, "user", "create", "--email", "first@b.example", "--name", "First",
		"--password", "first administrator's passphrase", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("first user: exit code = %d; stderr:\n%s", code, stderr)
	}
	t.Setenv("CASEDESK_PASSWORD", "second engineer's passphrase")
	code, stdout, stderr := run(t, "user", "create", "--email", "second@b.example", "--name", "Second",
		"--role", "support_engineer", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("second user: exit code = %d; stderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout, "password") || strings.Contains(stdout+stderr, "passphrase") {
		t.Errorf("a chosen password is echoed:\n%s%s", stdout, stderr)
	}

	db := openStore(t, dir)
	ctx := context.Background()
	first, err := db.UserByEmail(ctx, "first@b.example")
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.UserByEmail(ctx, "second@b.example")
	if err != nil {
		t.Fatal(err)
	}
	if first.OrgID == nil || second.OrgID == nil || *first.OrgID != *second.OrgID {
		t.Errorf("staff are in different organisations: %v and %v", first.OrgID, second.OrgID)
	}
	if ok, _, _ := auth.VerifyPassword("second engineer's passphrase", second.PasswordHash); !ok {
		t.Error("CASEDESK_PASSWORD was not used as the password")
	}
	orgs, err := db.ListOrganisations(ctx, casedesk.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	vendors := 0
	for _, o := range orgs {
		if o.Kind == casedesk.OrgVendor {
			vendors++
		}
	}
	if vendors != 1 {
		t.Errorf("%d vendor organisations, want 1", vendors)
	}
}
