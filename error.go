// Package casedesk holds the domain types of the casedesk support desk and the
// interfaces of the services that act on them. Adapters (sql, httpd, …) live in
// packages of their own and point inward to this one.
package casedesk

import (
	"errors"
	"fmt"
)

// Error codes: each names a class of failure that callers may act on. The HTTP
// layer maps them to statuses in one place.
const (
	EINVALID      = "invalid"       // the input is wrong; Field names what to fix
	ENOTFOUND     = "not_found"     // no such thing, or not visible to the caller
	ECONFLICT     = "conflict"      // the thing exists or changed meanwhile
	EUNAUTHORIZED = "unauthorized"  // the caller is not logged in
	EFORBIDDEN    = "forbidden"     // logged in, but not allowed
	ERATELIMIT    = "rate_limited"  // too many attempts; try later
	EINTERNAL     = "internal"      // our fault; details are logged, never shown
	EUNAVAILABLE  = "unavailable"   // a dependency is down; try later
	EPRECONDITION = "precondition"  // If-Match or a similar precondition failed
	ELIMIT        = "limit_reached" // an entitlement's limit is reached
)

// Error is a domain error: a machine-readable code, a message a person can act
// on, and, for validation errors, the field at fault.
//
// Message is English: it goes to logs and is the fallback shown to people.
// Key, when set, names the same message in the interface's catalogs (the
// i18n package's errors.*.json, keys starting "error."), and Args fill its
// template ({{.Name}}), so that adapters can say it in the caller's language.
// The domain builds keyed errors with WithKey and never translates them itself.
type Error struct {
	Code    string
	Message string
	Field   string
	Key     string
	Args    map[string]any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID Error that names field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WithKey returns a copy of e whose message the catalogs know as key, filled
// with args; the English Message stays for logs and as the fallback:
//
//	FieldErrorf("role", "unknown role %q", s).WithKey("error.role.unknown", map[string]any{"Role": s})
//
// Write key as a string literal, so that a test can check that every catalog
// has it.
func (e *Error) WithKey(key string, args map[string]any) *Error {
	c := *e
	c.Key, c.Args = key, args
	return &c
}

// InternalErrorKey names the generic message shown for internal errors.
const InternalErrorKey = "error.internal"

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message a person may see: the *Error's message, or a
// generic one for internal errors, whose details must never be shown.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorKey returns the catalog key and template data of the message a person
// may see: those of the first *Error in err's chain ("" when it has none, and
// its Message is all there is), InternalErrorKey for any other non-nil error,
// and "" for nil.
func ErrorKey(err error) (key string, args map[string]any) {
	if err == nil {
		return "", nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Key, e.Args
	}
	return InternalErrorKey, nil
}

// ErrorField returns the field named by the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
