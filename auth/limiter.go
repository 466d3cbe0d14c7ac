package auth

import (
	"container/heap"
	"sync"
	"time"
)

// Limiter slows down password guessing. It counts login failures per key (an
// IP address, an e-mail address) and locks a key out once it has MaxFailures
// of them; each further lockout of the same key lasts twice as long as the
// previous one, up to MaxLockout. A key is forgotten, failures and lockout
// level alike, once it has been quiet (no failure, no lockout) for Window.
//
// The caller asks Allow before checking a password and reports the outcome
// with Failure or Success; it passes the time in, so tests need no clock.
// Requests that pass Allow together are all checked before their failures
// count, so a burst of concurrent guesses may exceed MaxFailures by its size.
//
// A Limiter counts only in its own process: behind a load balancer each
// instance limits on its own. Memory is bounded by MaxKeys; at the cap the key
// whose record would expire first is forgotten, so a flood of new keys cannot
// lift a lockout while shorter-lived records remain.
//
// Set the fields before first use and do not change them after. A zero field
// takes its default; the zero Limiter is ready to use. A Limiter is safe for
// concurrent use.
type Limiter struct {
	MaxFailures int           // failures that lock a key out; default 5
	Window      time.Duration // quiet time after which a key is forgotten; default 15 minutes
	Lockout     time.Duration // the first lockout; default 1 minute
	MaxLockout  time.Duration // the longest lockout; default 1 hour
	MaxKeys     int           // keys remembered at most; default 100,000

	mu      sync.Mutex
	entries map[string]*limiterEntry
	byExp   expiryHeap // the same entries, soonest expiry first
}

type limiterEntry struct {
	key         string
	failures    int // since the last lockout
	lockouts    int
	lockedUntil time.Time
	expires     time.Time // when the entry is forgotten
	index       int       // in byExp
}

// Allow reports whether key may try to log in at now and, if not, how long it
// must wait.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	e := l.entries[key]
	if e == nil || !now.Before(e.lockedUntil) {
		return true, 0
	}
	return false, e.lockedUntil.Sub(now)
}

// Failure records a failed login by key at now.
func (l *Limiter) Failure(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	e := l.entries[key]
	if e == nil {
		if l.entries == nil {
			l.entries = make(map[string]*limiterEntry)
		}
		if len(l.entries) >= orDefault(l.MaxKeys, 100_000) {
			l.remove(l.byExp[0])
		}
		e = &limiterEntry{key: key}
		l.entries[key] = e
		heap.Push(&l.byExp, e)
	}
	e.failures++
	if e.failures >= orDefault(l.MaxFailures, 5) {
		e.failures = 0
		e.lockouts++
		e.lockedUntil = now.Add(l.lockout(e.lockouts))
	}
	quietFrom := now
	if e.lockedUntil.After(now) {
		quietFrom = e.lockedUntil
	}
	e.expires = quietFrom.Add(orDefault(l.Window, 15*time.Minute))
	heap.Fix(&l.byExp, e.index)
}

// Success records a successful login by key at now, which forgets the key.
//
// Call it for the e-mail key. For the IP key, consider not calling it: an
// attacker who owns one account could otherwise clear its IP's failures by
// logging in between guesses.
func (l *Limiter) Success(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	if e := l.entries[key]; e != nil {
		l.remove(e)
	}
}

// Len returns the number of keys remembered, for metrics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// lockout returns the length of the nth lockout: Lockout doubled n-1 times,
// capped at MaxLockout.
func (l *Limiter) lockout(n int) time.Duration {
	d, maxd := orDefault(l.Lockout, time.Minute), orDefault(l.MaxLockout, time.Hour)
	for i := 1; i < n && d < maxd; i++ {
		d *= 2
	}
	return min(d, maxd)
}

// prune forgets the entries that expired by now.
func (l *Limiter) prune(now time.Time) {
	for len(l.byExp) > 0 && !now.Before(l.byExp[0].expires) {
		l.remove(l.byExp[0])
	}
}

func (l *Limiter) remove(e *limiterEntry) {
	heap.Remove(&l.byExp, e.index)
	delete(l.entries, e.key)
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// expiryHeap implements heap.Interface, soonest expiry first.
type expiryHeap []*limiterEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *expiryHeap) Push(x any) {
	e := x.(*limiterEntry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
