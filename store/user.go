package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
)

const userColumns = `id, org_id, email, name, role, locale, time_zone, password_hash, email_verified_at, disabled, created_at, updated_at`

// VerificationTTL is how long an e-mail verification token stays valid.
const VerificationTTL = 72 * time.Hour

func scanUser(row interface{ Scan(...any) error }) (*casedesk.User, error) {
	var (
		u        casedesk.User
		orgID    sql.NullInt64
		verified sql.NullTime
	)
	if err := row.Scan(&u.ID, &orgID, &u.Email, &u.Name, &u.Role, &u.Locale, &u.TimeZone, &u.PasswordHash,
		&verified, &u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.OrgID = nullInt(orgID)
	if verified.Valid {
		u.EmailVerifiedAt = &verified.Time
	}
	return &u, nil
}

// user loads one user with no authorisation check.
func (db *DB) user(ctx context.Context, id int64) (*casedesk.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", id).WithKey("error.user.not_found", map[string]any{"ID": id})
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail finds a user by address for logging in; it is not scoped to an
// actor, since nobody is logged in yet.
func (db *DB) UserByEmail(ctx context.Context, email string) (*casedesk.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "no user with that e-mail address").WithKey("error.user.no_email", nil)
	}
	if err != nil {
		return nil, fmt.Errorf("find user by e-mail: %w", err)
	}
	return u, nil
}

// canSeeUser applies tenancy to a user: the user's organisation must be
// visible; community users are visible to staff and to themselves.
func (db *DB) canSeeUser(ctx context.Context, actor *casedesk.Actor, u *casedesk.User) (bool, error) {
	if actor.IsStaff() || actor.UserID == u.ID {
		return true, nil
	}
	if u.OrgID == nil {
		return false, nil
	}
	o, err := db.organisation(ctx, *u.OrgID)
	if err != nil {
		return false, err
	}
	return actor.CanSeeOrg(o), nil
}

// FindUser returns user id if the actor may see it; otherwise "not found".
func (db *DB) FindUser(ctx context.Context, actor *casedesk.Actor, id int64) (*casedesk.User, error) {
	u, err := db.user(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := db.canSeeUser(ctx, actor, u)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", id).WithKey("error.user.not_found", map[string]any{"ID": id})
	}
	return u, nil
}

// ListUsers returns the users of organisation orgID, or with orgID 0 every
// user (staff only).
func (db *DB) ListUsers(ctx context.Context, actor *casedesk.Actor, orgID int64) ([]*casedesk.User, error) {
	if orgID == 0 && !actor.IsStaff() {
		if actor.OrgID == 0 {
			return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "community users cannot list users").WithKey("error.user.list_forbidden", nil)
		}
		orgID = actor.OrgID
	}
	if orgID != 0 {
		if _, err := db.FindOrganisation(ctx, actor, orgID); err != nil {
			return nil, err
		}
	}
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users WHERE ? = 0 OR org_id = ? ORDER BY name, id`, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*casedesk.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateUser stores a user made by an administrator or support manager. The
// creator vouches for the address, so it counts as verified. u.PasswordHash
// may be empty: such a user cannot log in until a password is set.
func (db *DB) CreateUser(ctx context.Context, actor *casedesk.Actor, u *casedesk.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.OrgID == nil {
		if !actor.IsAdmin() {
			return casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may create community users").WithKey("error.user.create_community_forbidden", nil)
		}
	} else {
		o, err := db.FindOrganisation(ctx, actor, *u.OrgID)
		if err != nil {
			return err
		}
		if !actor.CanManageUsersOf(o) {
			return casedesk.Errorf(casedesk.EFORBIDDEN, "you may not create users in %s", o.Name).WithKey("error.user.create_forbidden", map[string]any{"Org": o.Name})
		}
		if u.Role.OrgKind() != o.Kind {
			return casedesk.FieldErrorf("role", "a %s cannot belong to a %s organisation", u.Role, o.Kind).WithKey("error.user.role_org", map[string]any{"Role": u.Role, "Kind": o.Kind})
		}
	}
	now := db.now()
	u.EmailVerifiedAt = &now
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.insertUser(ctx, u); err != nil {
			return err
		}
		return tx.record(ctx, actor, u.OrgID, "user", u.ID, "create", u)
	})
}

func (tx *Tx) insertUser(ctx context.Context, u *casedesk.User) error {
	now := tx.db.now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := tx.queryRow(ctx, `INSERT INTO users (org_id, email, name, role, locale, time_zone, password_hash, email_verified_at, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.OrgID, u.Email, u.Name, u.Role, u.Locale, u.TimeZone, u.PasswordHash, u.EmailVerifiedAt, u.Disabled, now, now).Scan(&u.ID)
	if isUniqueViolation(err) {
		return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "email", Message: "a user with this e-mail address already exists", Key: "error.user.email_taken"}
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// Register creates a self-registered user. A user whose e-mail domain belongs
// to a customer organisation joins it as a customer user; anyone else becomes a
// community user. The address must be verified before the user can log in:
// the verification e-mail waits in the outbox, and the token is returned so
// that callers without mail (tests, the first administrator) can use it.
func (db *DB) Register(ctx context.Context, u *casedesk.User) (token string, err error) {
	u.Role, u.OrgID, u.EmailVerifiedAt = casedesk.RoleCommunity, nil, nil
	if err := u.Validate(); err != nil {
		return "", err
	}
	token, tokenHash, err := auth.NewToken("cdv_")
	if err != nil {
		return "", err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		o, err := tx.organisationByDomain(ctx, u.Email[strings.LastIndex(u.Email, "@")+1:])
		if err != nil {
			return fmt.Errorf("register: %w", err)
		}
		if o != nil {
			u.Role, u.OrgID = casedesk.RoleCustomerUser, &o.ID
		}
		if err := tx.insertUser(ctx, u); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO email_verifications (token_hash, user_id, expires_at) VALUES (?, ?, ?)`,
			tokenHash, u.ID, db.now().Add(VerificationTTL)); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		if err := tx.enqueue(ctx, "verify_email", u.Email, u.Locale, map[string]string{"name": u.Name, "token": token}); err != nil {
			return err
		}
		self := &casedesk.Actor{UserID: u.ID, Email: u.Email, Role: u.Role}
		return tx.record(ctx, self, u.OrgID, "user", u.ID, "register", u)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// VerifyEmail marks the address of the token's user as verified. A token works once.
func (db *DB) VerifyEmail(ctx context.Context, token string) (*casedesk.User, error) {
	var userID int64
	err := db.inTx(ctx, func(tx *Tx) error {
		hash := auth.HashToken(token)
		var expires time.Time
		err := tx.queryRow(ctx, `SELECT user_id, expires_at FROM email_verifications WHERE token_hash = ?`, hash).Scan(&userID, &expires)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && db.now().After(expires)) {
			return casedesk.FieldErrorf("token", "this verification link is unknown, used or expired: register again or ask for a new one").WithKey("error.user.verification", nil)
		}
		if err != nil {
			return fmt.Errorf("verify e-mail: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM email_verifications WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("verify e-mail: %w", err)
		}
		now := db.now()
		if _, err := tx.exec(ctx, `UPDATE users SET email_verified_at = ?, updated_at = ? WHERE id = ?`, now, now, userID); err != nil {
			return fmt.Errorf("verify e-mail: %w", err)
		}
		return tx.record(ctx, &casedesk.Actor{UserID: userID}, nil, "user", userID, "verify_email", nil)
	})
	if err != nil {
		return nil, err
	}
	return db.user(ctx, userID)
}

// SetPassword replaces a user's password hash; callers check who may.
func (db *DB) SetPassword(ctx context.Context, actor *casedesk.Actor, userID int64, hash string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, db.now(), userID)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", userID).WithKey("error.user.not_found", map[string]any{"ID": userID})
		}
		// The hash itself is never recorded.
		return tx.record(ctx, actor, nil, "user", userID, "set_password", nil)
	})
}

// UpdateUser changes the fields set in upd. Users may change their own name,
// locale and time zone; role and disabled need a manager of the user's organisation.
func (db *DB) UpdateUser(ctx context.Context, actor *casedesk.Actor, id int64, upd casedesk.UserUpdate) (*casedesk.User, error) {
	u, err := db.FindUser(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	manager := actor.IsAdmin()
	if !manager && u.OrgID != nil {
		o, err := db.organisation(ctx, *u.OrgID)
		if err != nil {
			return nil, err
		}
		manager = actor.CanManageUsersOf(o)
	}
	if !manager && (actor.UserID != u.ID || upd.Role != nil || upd.Disabled != nil) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "you may not change this user").WithKey("error.user.change_forbidden", nil)
	}
	changes := map[string]change{}
	set := func(name string, dst *string, v *string) {
		if v != nil && *v != *dst {
			changes[name] = change{*dst, *v}
			*dst = *v
		}
	}
	set("name", &u.Name, upd.Name)
	set("locale", &u.Locale, upd.Locale)
	set("time_zone", &u.TimeZone, upd.TimeZone)
	if upd.Role != nil && *upd.Role != u.Role {
		if upd.Role.OrgKind() != u.Role.OrgKind() {
			return nil, casedesk.FieldErrorf("role", "a %s cannot become a %s", u.Role, *upd.Role).WithKey("error.user.role_change", map[string]any{"From": u.Role, "To": *upd.Role})
		}
		changes["role"] = change{u.Role, *upd.Role}
		u.Role = *upd.Role
	}
	if upd.Disabled != nil && *upd.Disabled != u.Disabled {
		changes["disabled"] = change{u.Disabled, *upd.Disabled}
		u.Disabled = *upd.Disabled
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return u, nil
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		u.UpdatedAt = db.now()
		if _, err := tx.exec(ctx, `UPDATE users SET name = ?, role = ?, locale = ?, time_zone = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			u.Name, u.Role, u.Locale, u.TimeZone, u.Disabled, u.UpdatedAt, u.ID); err != nil {
			return fmt.Errorf("update user %d: %w", id, err)
		}
		return tx.record(ctx, actor, u.OrgID, "user", u.ID, "update", changes)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ActorForUser builds the actor a logged-in user acts as. A disabled user,
// or one whose address is not verified, is refused.
func (db *DB) ActorForUser(ctx context.Context, userID int64) (*casedesk.Actor, error) {
	// One query for the user and its organisation's kind: every
	// authenticated request asks this.
	var orgKind sql.NullString
	u, err := scanUser(scanPlus{db.queryRow(ctx, `SELECT `+prefixed("u.", userColumns)+`, o.kind
		FROM users u LEFT JOIN organisations o ON o.id = u.org_id WHERE u.id = ?`, userID), []any{&orgKind}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "user %d not found", userID).WithKey("error.user.not_found", map[string]any{"ID": userID})
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", userID, err)
	}
	return actorOf(u, orgKind)
}

// actorOf is the actor for u, whose organisation is of orgKind; disabled and
// unverified users are refused.
func actorOf(u *casedesk.User, orgKind sql.NullString) (*casedesk.Actor, error) {
	if u.Disabled {
		return nil, casedesk.Errorf(casedesk.EUNAUTHORIZED, "this account is disabled").WithKey("error.user.disabled", nil)
	}
	if u.EmailVerifiedAt == nil {
		return nil, casedesk.Errorf(casedesk.EUNAUTHORIZED, "verify your e-mail address first: follow the link we sent you").WithKey("error.user.unverified", nil)
	}
	a := &casedesk.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, Locale: u.Locale}
	if u.OrgID != nil {
		a.OrgID, a.OrgKind = *u.OrgID, casedesk.OrgKind(orgKind.String)
	}
	return a, nil
}
