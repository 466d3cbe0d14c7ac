package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
)

// tokenPrefix marks casedesk API tokens so that secret scanners can spot leaks.
const tokenPrefix = "cdk_"

// lastUsedResolution limits how often checking a token writes its last use:
// a write per request would make every API call a database write.
const lastUsedResolution = time.Minute

const tokenColumns = `id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*casedesk.APIToken, error) {
	var (
		t                          casedesk.APIToken
		scopes                     string
		expires, lastUsed, revoked sql.NullTime
	)
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.CreatedAt, &expires, &lastUsed, &revoked); err != nil {
		return nil, err
	}
	for _, s := range splitList(scopes) {
		t.Scopes = append(t.Scopes, casedesk.Scope(s))
	}
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(expires), timePtr(lastUsed), timePtr(revoked)
	return &t, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// CreateAPIToken issues a token for the actor's own user and returns the plain
// token, which is never stored and cannot be shown again.
func (db *DB) CreateAPIToken(ctx context.Context, actor *casedesk.Actor, t *casedesk.APIToken) (string, error) {
	if actor.UserID == 0 {
		return "", casedesk.Errorf(casedesk.EFORBIDDEN, "only a user can own an API token").WithKey("error.token.owner", nil)
	}
	if actor.TokenID != 0 {
		return "", casedesk.Errorf(casedesk.EFORBIDDEN, "log in to create API tokens; a token cannot create another").WithKey("error.token.by_token", nil)
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || len(t.Name) > 100 {
		return "", casedesk.FieldErrorf("name", "give the token a name of 1 to 100 characters").WithKey("error.token.name", nil)
	}
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	parsed, err := casedesk.ParseScopes(scopes)
	if err != nil {
		return "", err
	}
	t.Scopes = parsed
	if t.ExpiresAt != nil && !t.ExpiresAt.After(db.now()) {
		return "", casedesk.FieldErrorf("expires_at", "must be in the future").WithKey("error.token.expiry_past", nil)
	}
	plain, hash, err := auth.NewToken(tokenPrefix)
	if err != nil {
		return "", err
	}
	t.UserID, t.CreatedAt, t.Prefix = actor.UserID, db.now(), plain[:len(tokenPrefix)+6]
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			t.UserID, t.Name, hash, t.Prefix, joinList(t.Scopes), t.CreatedAt, t.ExpiresAt).Scan(&t.ID); err != nil {
			return fmt.Errorf("create API token: %w", err)
		}
		return tx.record(ctx, actor, orgPtr(actor), "token", t.ID, "create", t)
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

func orgPtr(a *casedesk.Actor) *int64 {
	if a.OrgID == 0 {
		return nil
	}
	return &a.OrgID
}

// ListAPITokens returns the actor's own tokens, newest first; administrators see all.
func (db *DB) ListAPITokens(ctx context.Context, actor *casedesk.Actor) ([]*casedesk.APIToken, error) {
	rows, err := db.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? OR ? ORDER BY id DESC`, actor.UserID, actor.IsAdmin())
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list API tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken stops a token from working, at once. Users revoke their own;
// administrators any.
func (db *DB) RevokeAPIToken(ctx context.Context, actor *casedesk.Actor, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && t.UserID != actor.UserID && !actor.IsAdmin()) {
			return casedesk.Errorf(casedesk.ENOTFOUND, "API token %d not found", id).WithKey("error.token.not_found", map[string]any{"ID": id})
		}
		if err != nil {
			return fmt.Errorf("revoke API token %d: %w", id, err)
		}
		if t.RevokedAt != nil {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, db.now(), id); err != nil {
			return fmt.Errorf("revoke API token %d: %w", id, err)
		}
		return tx.record(ctx, actor, orgPtr(actor), "token", id, "revoke", nil)
	})
}

// ActorForToken checks a plain API token and returns the actor it stands for.
// The check is one indexed lookup of the token's SHA-256 hash.
func (db *DB) ActorForToken(ctx context.Context, plain string) (*casedesk.Actor, error) {
	denied := casedesk.Errorf(casedesk.EUNAUTHORIZED, "the API token is unknown, expired or revoked").WithKey("error.token.denied", nil)
	if !strings.HasPrefix(plain, tokenPrefix) {
		return nil, denied
	}
	// One query for the token, its user and the user's organisation's kind.
	row := db.queryRow(ctx, `SELECT `+prefixed("t.", tokenColumns)+`, `+prefixed("u.", userColumns)+`, o.kind
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organisations o ON o.id = u.org_id
		WHERE t.token_hash = ?`, auth.HashToken(plain))
	var (
		u       *casedesk.User
		orgKind sql.NullString
	)
	t, err := scanToken(scanFunc(func(tokenDest ...any) error {
		var err error
		u, err = scanUser(scanFunc(func(userDest ...any) error {
			return row.Scan(slices.Concat(tokenDest, userDest, []any{&orgKind})...)
		}))
		return err
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, denied
	}
	if err != nil {
		return nil, fmt.Errorf("check API token: %w", err)
	}
	now := db.now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) {
		return nil, denied
	}
	a, err := actorOf(u, orgKind)
	if err != nil {
		return nil, err
	}
	a.TokenID, a.Scopes = t.ID, t.Scopes
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > lastUsedResolution {
		if _, err := db.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, t.ID); err != nil {
			return nil, fmt.Errorf("check API token: %w", err)
		}
	}
	return a, nil
}
