package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
)

func TestPasswordParams_HashThenVerify(t *testing.T) {
	for _, pw := range []string{"correct horse battery", "ünïcødé pässwörd ✓", strings.Repeat("x", MaxPasswordBytes)} {
		enc, err := TestPasswordParams.Hash(pw)
		if err != nil {
			t.Fatal(err)
		}
		ok, rehash, err := TestPasswordParams.Verify(pw, enc)
		if !ok || rehash || err != nil {
			t.Errorf("Verify(%.20q) = %v, %v, %v; want true, false, nil", pw, ok, rehash, err)
		}
	}
}

func TestHashPassword_DefaultParamsInPHCFormat(t *testing.T) {
	enc, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=65536,t=3,p=2$"
	if !strings.HasPrefix(enc, prefix) {
		t.Fatalf("hash %q does not start with %q", enc, prefix)
	}
	// 16-byte salt and 32-byte key in unpadded base64.
	salt, key, _ := strings.Cut(strings.TrimPrefix(enc, prefix), "$")
	if len(salt) != 22 || len(key) != 43 {
		t.Errorf("salt and key are %d and %d characters; want 22 and 43", len(salt), len(key))
	}
	ok, rehash, err := VerifyPassword("correct horse battery", enc)
	if !ok || rehash || err != nil {
		t.Errorf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestPasswordParams_ZeroValueMeansDefault(t *testing.T) {
	enc, err := PasswordParams{}.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("zero params made %q", enc)
	}
}

func TestVerify_WrongPasswordFails(t *testing.T) {
	enc, _ := TestPasswordParams.Hash("correct horse battery")
	for _, pw := range []string{"", "correct horse batterY", "correct horse battery ", "correct horse batter"} {
		ok, rehash, err := TestPasswordParams.Verify(pw, enc)
		if ok || rehash || err != nil {
			t.Errorf("Verify(%q) = %v, %v, %v; want false, false, nil", pw, ok, rehash, err)
		}
	}
}

func TestVerify_TamperedHashFails(t *testing.T) {
	enc, _ := TestPasswordParams.Hash("correct horse battery")
	i := strings.LastIndex(enc, "$")
	tampered := map[string]string{
		"salt changed": enc[:i-5] + flip(enc[i-5]) + enc[i-4:],
		"key changed":  enc[:i+10] + flip(enc[i+10]) + enc[i+11:],
		"time changed": strings.Replace(enc, "t=1", "t=2", 1),
		"key swapped":  enc[:i+1] + strings.Repeat("A", len(enc)-i-1),
	}
	for name, h := range tampered {
		t.Run(name, func(t *testing.T) {
			ok, _, err := TestPasswordParams.Verify("correct horse battery", h)
			if ok || err != nil {
				t.Errorf("Verify = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestHash_SamePasswordGetsDifferentSalts(t *testing.T) {
	a, _ := TestPasswordParams.Hash("correct horse battery")
	b, _ := TestPasswordParams.Hash("correct horse battery")
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
	saltOf := func(h string) string { return strings.Split(h, "$")[4] }
	if saltOf(a) == saltOf(b) {
		t.Errorf("two hashes share the salt %q", saltOf(a))
	}
}

func TestVerify_NeedsRehashWhenParamsChange(t *testing.T) {
	enc, _ := TestPasswordParams.Hash("correct horse battery")
	tests := []struct {
		name   string
		params PasswordParams
		want   bool
	}{
		{"same params", TestPasswordParams, false},
		{"more memory", PasswordParams{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"more passes", PasswordParams{Memory: 64, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"more lanes", PasswordParams{Memory: 64, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, true},
		{"longer key", PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64}, true},
		{"longer salt", PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32}, true},
		{"defaults", PasswordParams{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := tt.params.Verify("correct horse battery", enc)
			if !ok || rehash != tt.want || err != nil {
				t.Errorf("Verify = %v, %v, %v; want true, %v, nil", ok, rehash, err, tt.want)
			}
		})
	}
}

func TestVerify_NoRehashWhenPasswordIsWrong(t *testing.T) {
	enc, _ := TestPasswordParams.Hash("correct horse battery")
	if _, rehash, _ := DefaultPasswordParams.Verify("wrong horse battery", enc); rehash {
		t.Error("needsRehash is true for a wrong password")
	}
}

// malformedHashes are encodings Verify must reject with an error, not a panic.
var malformedHashes = map[string]string{
	"empty":               "",
	"no fields":           "argon2id",
	"missing key":         "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA",
	"extra field":         "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U$x",
	"leading text":        "x$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"argon2i":             "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"bcrypt":              "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
	"old version":         "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"params out of order": "$argon2id$v=19$t=1,m=64,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"negative memory":     "$argon2id$v=19$m=-64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"plus sign":           "$argon2id$v=19$m=+64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"zero passes":         "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"zero lanes":          "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"256 lanes":           "$argon2id$v=19$m=4096,t=1,p=256$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"memory below 8×p":    "$argon2id$v=19$m=8,t=1,p=2$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"4 TiB of memory":     "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"memory overflows":    "$argon2id$v=19$m=4294967296,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"endless passes":      "$argon2id$v=19$m=64,t=4294967295,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"salt not base64":     "$argon2id$v=19$m=64,t=1,p=1$c2Fsd!!!HNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"padded base64":       "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"non-canonical bits":  "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdB$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"short salt":          "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
	"empty key":           "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
	"short key":           "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5",
}

func TestVerify_MalformedHashIsAnError(t *testing.T) {
	for name, h := range malformedHashes {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := TestPasswordParams.Verify("correct horse battery", h)
			if ok || rehash || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("Verify = %v, %v, %v; want false, false, ErrMalformedHash", ok, rehash, err)
			}
		})
	}
}

func TestHash_RejectsParamsOutOfBounds(t *testing.T) {
	for name, p := range map[string]PasswordParams{
		"no lanes":   {Memory: 64, Time: 1, SaltLen: 16, KeyLen: 32},
		"no passes":  {Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32},
		"tiny salt":  {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		"tiny key":   {Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 4},
		"2 GiB":      {Memory: 2 << 20, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		"too little": {Memory: 8, Time: 1, Threads: 4, SaltLen: 16, KeyLen: 32},
	} {
		t.Run(name, func(t *testing.T) {
			if enc, err := p.Hash("correct horse battery"); err == nil {
				t.Errorf("Hash = %q; want an error", enc)
			}
			p.DummyVerify("correct horse battery") // must not panic
		})
	}
}

func FuzzVerifyPassword(f *testing.F) {
	valid, _ := TestPasswordParams.Hash("correct horse battery")
	f.Add("correct horse battery", valid)
	f.Add("wrong", valid)
	for _, h := range malformedHashes {
		f.Add("correct horse battery", h)
	}
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		// Parameters within bounds but costly would only slow the fuzzer down;
		// the parser has seen them by now.
		if p, _, _, err := decodeHash(encoded); err == nil && (p.Memory > 1024 || p.Time > 4) {
			t.Skip()
		}
		ok, rehash, err := TestPasswordParams.Verify(pw, encoded)
		if err != nil && (ok || rehash) {
			t.Errorf("Verify = %v, %v, %v: an error with a result", ok, rehash, err)
		}
		if ok && pw != "correct horse battery" {
			// Only the seed's key can match, and only for its password.
			t.Errorf("Verify(%q, %q) matched", pw, encoded)
		}
	})
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"ten characters", "abcdefghij", true},
		{"ten multibyte characters", "ääääääääää", true},
		{"passphrase with spaces", "correct horse battery staple", true},
		{"at the byte limit", strings.Repeat("a", MaxPasswordBytes), true},
		{"empty", "", false},
		{"nine characters", "abcdefghi", false},
		{"nine multibyte characters in 18 bytes", "ääääääääää"[2:], false},
		{"over the byte limit", strings.Repeat("a", MaxPasswordBytes+1), false},
		{"multibyte over the byte limit", strings.Repeat("ä", MaxPasswordBytes/2+1), false},
		{"only spaces", strings.Repeat(" ", 12), false},
		{"only mixed white space", " \t\n\u00a0\u3000 \t\n\u00a0\u3000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.pw)
			if tt.ok {
				if err != nil {
					t.Errorf("ValidatePassword = %v; want nil", err)
				}
				return
			}
			if casedesk.ErrorCode(err) != casedesk.EINVALID || casedesk.ErrorField(err) != "password" {
				t.Errorf("ValidatePassword = %v; want an invalid error on field password", err)
			}
		})
	}
}

func BenchmarkVerifyPassword_DefaultParams(b *testing.B) {
	enc, err := HashPassword("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, _ := VerifyPassword("correct horse battery", enc); !ok {
			b.Fatal("no match")
		}
	}
}
