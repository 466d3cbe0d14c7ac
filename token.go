package casedesk

import (
	"context"
	"time"
)

// APIToken is a credential for the REST API. Only its SHA-256 hash is stored;
// the plain token is shown once, when it is created.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise a token
	Scopes     []Scope    `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// TokenService issues, lists, revokes and checks API tokens.
type TokenService interface {
	CreateAPIToken(ctx context.Context, actor *Actor, t *APIToken) (plain string, err error)
	ListAPITokens(ctx context.Context, actor *Actor) ([]*APIToken, error)
	RevokeAPIToken(ctx context.Context, actor *Actor, id int64) error
	ActorForToken(ctx context.Context, plain string) (*Actor, error)
}
