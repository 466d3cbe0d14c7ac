package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// step is one call on a Limiter at t0+at: a failure, a success, or (for
// "allow") a check of Allow's answer.
type step struct {
	at    time.Duration
	op    string // "fail", "success" or "allow"
	key   string
	ok    bool          // for "allow"
	retry time.Duration // for "allow"
}

// fails returns n failures of key at t0+at.
func fails(n int, at time.Duration, key string) []step {
	s := make([]step, n)
	for i := range s {
		s[i] = step{at: at, op: "fail", key: key}
	}
	return s
}

func allow(at time.Duration, key string, ok bool, retry time.Duration) step {
	return step{at: at, op: "allow", key: key, ok: ok, retry: retry}
}

func concat(parts ...[]step) []step {
	var all []step
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

func TestLimiter_Scenarios(t *testing.T) {
	const m = time.Minute
	tests := []struct {
		name  string
		steps []step
	}{
		{"allows until the third failure locks out", concat(
			[]step{allow(0, "a", true, 0)},
			fails(2, 0, "a"),
			[]step{allow(0, "a", true, 0)},
			fails(1, 10*time.Second, "a"),
			[]step{allow(10*time.Second, "a", false, m), allow(40*time.Second, "a", false, 30*time.Second)},
		)},
		{"lockout ends after its time", concat(
			fails(3, 0, "a"),
			[]step{allow(m-time.Nanosecond, "a", false, time.Nanosecond), allow(m, "a", true, 0)},
		)},
		{"each further lockout doubles up to the maximum", concat(
			fails(3, 0, "a"), []step{allow(0, "a", false, m)},
			fails(3, m, "a"), []step{allow(m, "a", false, 2*m)},
			fails(3, 3*m, "a"), []step{allow(3*m, "a", false, 4*m)},
			fails(3, 7*m, "a"), []step{allow(7*m, "a", false, 5*m)},
			fails(3, 12*m, "a"), []step{allow(12*m, "a", false, 5*m)},
		)},
		{"keys are independent", concat(
			fails(3, 0, "a"),
			fails(2, 0, "b"),
			[]step{allow(0, "a", false, m), allow(0, "b", true, 0), allow(0, "c", true, 0)},
		)},
		{"success forgets failures", concat(
			fails(2, 0, "a"),
			[]step{{at: 0, op: "success", key: "a"}},
			fails(2, 0, "a"),
			[]step{allow(0, "a", true, 0)},
		)},
		{"success forgets the lockout level", concat(
			fails(3, 0, "a"), fails(3, m, "a"),
			[]step{{at: 3 * m, op: "success", key: "a"}},
			fails(3, 3*m, "a"),
			[]step{allow(3*m, "a", false, m)},
		)},
		{"failures add up while they come within the window", concat(
			fails(1, 0, "a"), fails(1, 9*m, "a"), fails(1, 18*m, "a"),
			[]step{allow(18*m, "a", false, m)},
		)},
		{"a quiet window forgets failures", concat(
			fails(2, 0, "a"), fails(1, 10*m, "a"),
			[]step{allow(10*m, "a", true, 0)},
		)},
		{"a quiet window after the lockout forgets the level", concat(
			fails(3, 0, "a"), fails(3, m, "a"), // second lockout until 3m; forgotten at 13m
			fails(3, 13*m-time.Nanosecond, "a"), []step{allow(13*m-time.Nanosecond, "a", false, 4*m)},
			fails(3, 27*m-time.Nanosecond, "a"), []step{allow(27*m-time.Nanosecond, "a", false, m)},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &Limiter{MaxFailures: 3, Window: 10 * m, Lockout: m, MaxLockout: 5 * m}
			for i, s := range tt.steps {
				now := t0.Add(s.at)
				switch s.op {
				case "fail":
					l.Failure(s.key, now)
				case "success":
					l.Success(s.key, now)
				case "allow":
					ok, retry := l.Allow(s.key, now)
					if ok != s.ok || retry != s.retry {
						t.Fatalf("step %d: Allow(%q) at +%v = %v, %v; want %v, %v", i, s.key, s.at, ok, retry, s.ok, s.retry)
					}
				}
			}
		})
	}
}

func TestLimiter_ZeroValueUsesDefaults(t *testing.T) {
	var l Limiter
	for range 4 {
		l.Failure("a", t0)
	}
	if ok, _ := l.Allow("a", t0); !ok {
		t.Fatal("locked out after 4 failures; the default allows 5")
	}
	l.Failure("a", t0)
	if ok, retry := l.Allow("a", t0); ok || retry != time.Minute {
		t.Fatalf("after 5 failures Allow = %v, %v; want false, 1m", ok, retry)
	}
}

func TestLimiter_ForgetsQuietKeys(t *testing.T) {
	l := &Limiter{Window: time.Minute}
	for i := range 100 {
		l.Failure(fmt.Sprint(i), t0)
	}
	l.Failure("late", t0.Add(30*time.Second))
	if n := l.Len(); n != 101 {
		t.Fatalf("Len = %d; want 101", n)
	}
	l.Allow("anyone", t0.Add(time.Minute))
	if n := l.Len(); n != 1 {
		t.Errorf("Len after a quiet window = %d; want 1", n)
	}
}

func TestLimiter_CapEvictsSoonestExpiryAndKeepsLockouts(t *testing.T) {
	l := &Limiter{MaxFailures: 3, Window: 10 * time.Minute, Lockout: time.Hour, MaxKeys: 10}
	for range 3 {
		l.Failure("victim", t0)
	}
	// A flood of new keys, each failing once, a second apart.
	for i := range 1000 {
		l.Failure(fmt.Sprintf("flood%d", i), t0.Add(time.Duration(i)*time.Second))
		if n := l.Len(); n > 10 {
			t.Fatalf("Len = %d after %d keys; want at most 10", n, i+1)
		}
	}
	if ok, _ := l.Allow("victim", t0.Add(20*time.Minute)); ok {
		t.Error("the flood lifted the victim's lockout")
	}
	// flood0 was evicted, so its count starts again: two more failures do not lock it.
	now := t0.Add(1000 * time.Second)
	l.Failure("flood0", now)
	l.Failure("flood0", now)
	if ok, _ := l.Allow("flood0", now); !ok {
		t.Error("flood0's failure survived eviction")
	}
	// The newest flood key is still counted: two more failures lock it.
	l.Failure("flood999", now)
	l.Failure("flood999", now)
	if ok, _ := l.Allow("flood999", now); ok {
		t.Error("flood999 was evicted before older keys")
	}
}

func TestLimiter_ConcurrentUse(t *testing.T) {
	l := &Limiter{MaxFailures: 1000, MaxKeys: 50}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				key := fmt.Sprint((g*1000 + i) % 100)
				now := t0.Add(time.Duration(i) * time.Millisecond)
				l.Allow(key, now)
				l.Failure(key, now)
				if i%10 == 0 {
					l.Success(key, now)
				}
			}
		})
	}
	wg.Wait()
	if n := l.Len(); n > 50 {
		t.Errorf("Len = %d; want at most 50", n)
	}
}

// BenchmarkLimiter_FailureAtCap is the cost of a failure from a new key when
// the limiter is full, as under a flood.
func BenchmarkLimiter_FailureAtCap(b *testing.B) {
	l := &Limiter{MaxKeys: 100_000}
	keys := make([]string, 1<<20)
	for i := range keys {
		keys[i] = fmt.Sprint("203.0.113.", i)
	}
	for i := range 100_000 {
		l.Failure(keys[i], t0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Failure(keys[i%len(keys)], t0)
		i++
	}
}
