package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/casedesk/casedesk"
	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters of a password hash.
//
// The zero value means DefaultPasswordParams, so a service can hold a
// PasswordParams field that production leaves unset and tests set to
// TestPasswordParams.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultPasswordParams are the parameters of new hashes: RFC 9106's second
// recommendation (64 MiB, 3 passes) with 2 lanes, well above OWASP's minimum
// of 19 MiB and 2 passes.
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestPasswordParams make hashing take microseconds, for tests only: hashes
// made with them resist no attack.
var TestPasswordParams = PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrMalformedHash is wrapped by every error about an encoded hash that cannot
// be parsed or uses an algorithm, version or parameters we do not accept.
var ErrMalformedHash = errors.New("malformed password hash")

// The password policy.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 1024
)

// Bounds on the parameters of hashes we make or verify. The upper bounds stop
// a corrupted stored hash from asking for terabytes of memory or hours of work.
const (
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 64
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
)

// b64 is strict so that a hash has one encoding only: unused bits that were
// tampered with are an error, not ignored.
var b64 = base64.RawStdEncoding.Strict()

// HashPassword hashes pw with DefaultPasswordParams.
func HashPassword(pw string) (string, error) {
	return DefaultPasswordParams.Hash(pw)
}

// VerifyPassword checks pw against an encoded hash; see PasswordParams.Verify.
func VerifyPassword(pw, encoded string) (ok, needsRehash bool, err error) {
	return DefaultPasswordParams.Verify(pw, encoded)
}

// DummyVerifyPassword spends the time of a VerifyPassword; see
// PasswordParams.DummyVerify.
func DummyVerifyPassword(pw string) {
	DefaultPasswordParams.DummyVerify(pw)
}

// Hash hashes pw with a fresh random salt and returns the PHC string
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>, salt and key in
// unpadded standard base64. It fails only if p is out of bounds.
func (p PasswordParams) Hash(pw string) (string, error) {
	p = p.orDefault()
	if err := p.check(); err != nil {
		return "", fmt.Errorf("hash password: invalid parameters: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program instead
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the encoded hash, comparing in constant
// time with the parameters recorded in the hash. When ok, needsRehash reports
// that the hash was made with parameters other than p, so the caller should
// store a new hash of pw. A hash that cannot be parsed yields an error wrapping
// ErrMalformedHash; it says nothing of pw.
func (p PasswordParams) Verify(pw, encoded string) (ok, needsRehash bool, err error) {
	stored, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, stored.Time, stored.Memory, stored.Threads, stored.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, stored != p.orDefault(), nil
}

// DummyVerify spends about the time of a Verify against a hash made with p.
// Call it when no user has the given login, so that the response time does not
// tell an attacker which logins exist.
func (p PasswordParams) DummyVerify(pw string) {
	p = p.orDefault()
	if p.check() != nil {
		return
	}
	argon2.IDKey([]byte(pw), make([]byte, p.SaltLen), p.Time, p.Memory, p.Threads, p.KeyLen)
}

// ValidatePassword applies the password policy to a password a user chooses:
// at least MinPasswordChars characters, at most MaxPasswordBytes bytes (long
// enough for any passphrase, short enough to bound hashing work), and not only
// white space.
func ValidatePassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordChars:
		return casedesk.FieldErrorf("password", "must be at least %d characters long", MinPasswordChars).WithKey("error.password.short", map[string]any{"Min": MinPasswordChars})
	case len(pw) > MaxPasswordBytes:
		return casedesk.FieldErrorf("password", "must be at most %d bytes long", MaxPasswordBytes).WithKey("error.password.long", map[string]any{"Max": MaxPasswordBytes})
	case strings.TrimSpace(pw) == "":
		return casedesk.FieldErrorf("password", "must not be only spaces").WithKey("error.password.spaces", nil)
	}
	return nil
}

func (p PasswordParams) orDefault() PasswordParams {
	if p == (PasswordParams{}) {
		return DefaultPasswordParams
	}
	return p
}

// check reports parameters outside the bounds we make or accept; argon2 itself
// would panic on some of them.
func (p PasswordParams) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d is outside 1..%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("parallelism must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("memory %d KiB is outside 8×lanes..%d", p.Memory, maxMemoryKiB)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("salt of %d bytes is outside %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("key of %d bytes is outside %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// decodeHash parses a PHC string made by Hash. Its errors never quote the salt
// or key, so they are safe to log.
func decodeHash(encoded string) (p PasswordParams, salt, key []byte, err error) {
	// At most 7 parts, so a string of many '$' costs nothing to reject.
	parts := strings.SplitN(encoded, "$", 7)
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, fmt.Errorf("%w: want $argon2id$v=…$m=…,t=…,p=…$salt$key", ErrMalformedHash)
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: algorithm is not argon2id", ErrMalformedHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version is not %d", ErrMalformedHash, argon2.Version)
	}
	if p, err = decodeParams(parts[3]); err != nil {
		return p, nil, nil, err
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: salt is not base64", ErrMalformedHash)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: key is not base64", ErrMalformedHash)
	}
	// Clamped so the conversion cannot wrap; check rejects anything over the bound.
	p.SaltLen, p.KeyLen = uint32(min(len(salt), maxSaltLen+1)), uint32(min(len(key), maxKeyLen+1))
	if err := p.check(); err != nil {
		return p, nil, nil, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	return p, salt, key, nil
}

// decodeParams parses "m=<KiB>,t=<passes>,p=<lanes>", in that order.
func decodeParams(s string) (PasswordParams, error) {
	var p PasswordParams
	fields := strings.SplitN(s, ",", 4)
	if len(fields) != 3 {
		return p, fmt.Errorf("%w: want m=…,t=…,p=…", ErrMalformedHash)
	}
	m, err := decodeParam(fields[0], "m", 32)
	if err != nil {
		return p, err
	}
	t, err := decodeParam(fields[1], "t", 32)
	if err != nil {
		return p, err
	}
	l, err := decodeParam(fields[2], "p", 8)
	if err != nil {
		return p, err
	}
	p.Memory, p.Time, p.Threads = uint32(m), uint32(t), uint8(l)
	return p, nil
}

func decodeParam(field, name string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(field, name+"=")
	if !ok {
		return 0, fmt.Errorf("%w: want %s=…", ErrMalformedHash, name)
	}
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: %s is not a %d-bit number", ErrMalformedHash, name, bits)
	}
	return n, nil
}
