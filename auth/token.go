package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
)

// APITokenPrefix starts every API token, so that secret scanners and people
// recognise a leaked one.
const APITokenPrefix = "cdk_"

// tokenBytes is the entropy of a token: 256 bits, beyond any guessing.
const tokenBytes = 32

// NewToken returns a new token, prefix followed by 32 random bytes in
// URL-safe base64, and its hash, which is all the server stores. The prefix
// must be 1 to 16 ASCII letters, digits or underscores, conventionally ending
// in "_" (see APITokenPrefix).
func NewToken(prefix string) (plain string, hash []byte, err error) {
	if !validPrefix(prefix) {
		return "", nil, fmt.Errorf("new token: prefix %q is not 1 to 16 ASCII letters, digits or underscores", prefix)
	}
	plain = prefix + RandomString(tokenBytes)
	return plain, HashToken(plain), nil
}

// HashToken returns the SHA-256 of a token, prefix included. A fast hash is
// enough because tokens are random and long; a slow one such as argon2 would
// cost every API request tens of milliseconds.
func HashToken(plain string) []byte {
	h := sha256.Sum256([]byte(plain))
	return h[:]
}

// RandomString returns n random bytes in unpadded URL-safe base64, for
// session IDs, e-mail verification and CSRF tokens. Use n >= 16.
func RandomString(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails: crypto/rand crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// EqualTokens reports whether a and b are equal in time that depends only on
// their lengths, which are public for tokens made here.
func EqualTokens(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func validPrefix(prefix string) bool {
	if len(prefix) < 1 || len(prefix) > 16 {
		return false
	}
	for _, c := range []byte(prefix) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
