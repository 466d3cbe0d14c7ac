package auth

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewToken_PrefixedURLSafeAndUnique(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		plain, hash, err := NewToken(APITokenPrefix)
		if err != nil {
			t.Fatal(err)
		}
		body, ok := strings.CutPrefix(plain, "cdk_")
		if !ok {
			t.Fatalf("token %q lacks the prefix cdk_", plain)
		}
		raw, err := base64.RawURLEncoding.DecodeString(body)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token body %q is not 32 bytes of URL-safe base64 (%d bytes, %v)", body, len(raw), err)
		}
		if seen[plain] {
			t.Fatalf("token %q made twice", plain)
		}
		seen[plain] = true
		if !bytes.Equal(hash, HashToken(plain)) {
			t.Fatalf("NewToken's hash differs from HashToken of its token")
		}
	}
}

func TestNewToken_RejectsBadPrefix(t *testing.T) {
	for _, prefix := range []string{"", "cdk-", "cdk$", "ünï_", strings.Repeat("a", 17)} {
		if plain, _, err := NewToken(prefix); err == nil {
			t.Errorf("NewToken(%q) = %q; want an error", prefix, plain)
		}
	}
}

func TestHashToken_IsSHA256OfWholeToken(t *testing.T) {
	plain := "cdk_Z3VhcmQgdGhpcyB0b2tlbiBsaWtlIGEgcGFzc3dvcmQh"
	want := sha256.Sum256([]byte(plain))
	if got := HashToken(plain); !bytes.Equal(got, want[:]) {
		t.Errorf("HashToken = %x; want %x", got, want)
	}
	if bytes.Equal(HashToken(plain), HashToken(strings.TrimPrefix(plain, "cdk_"))) {
		t.Error("the prefix does not change the hash")
	}
}

func TestRandomString_LengthAndUniqueness(t *testing.T) {
	for _, n := range []int{16, 32, 33} {
		a, b := RandomString(n), RandomString(n)
		if want := base64.RawURLEncoding.EncodedLen(n); len(a) != want {
			t.Errorf("RandomString(%d) has %d characters; want %d", n, len(a), want)
		}
		if a == b {
			t.Errorf("RandomString(%d) returned %q twice", n, a)
		}
	}
}

func TestEqualTokens(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"abc", "abc", true},
		{"", "", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"abc", "", false},
	}
	for _, tt := range tests {
		if got := EqualTokens(tt.a, tt.b); got != tt.want {
			t.Errorf("EqualTokens(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// BenchmarkHashTokenAndCompare is the cost of checking an API token against
// its stored hash.
func BenchmarkHashTokenAndCompare(b *testing.B) {
	plain, stored, err := NewToken(APITokenPrefix)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if subtle.ConstantTimeCompare(HashToken(plain), stored) != 1 {
			b.Fatal("no match")
		}
	}
}
