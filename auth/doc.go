// Package auth holds the rules of authentication that need no database and no
// HTTP: argon2id password hashes, the password policy, random tokens for API
// access, sessions, e-mail verification and CSRF, and the login rate limiter.
//
// Roles and API-token scopes are domain types and live in the root package
// (casedesk.Role, casedesk.Scope), beside the Actor that carries them.
package auth
