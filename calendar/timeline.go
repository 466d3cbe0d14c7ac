package calendar

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The timeline is cut into chunks of 2^25 seconds (about 388 days), each
// holding its working intervals as absolute offsets with running totals, so
// every query is a binary search plus arithmetic. Offsets are nanoseconds
// from the chunk's start, which keeps them far from overflow.
const (
	chunkShift   = 25
	chunkSeconds = 1 << chunkShift

	// horizonChunks bounds the search of Add and NextOpen to about 20 years.
	horizonChunks = 19

	// maxCachedChunks bounds the memory a calendar keeps (about 130 years);
	// chunks beyond it are rebuilt on demand.
	maxCachedChunks = 128
)

// interval is a stretch of working time within a chunk; before is the working
// time of the chunk's earlier intervals.
type interval struct{ start, end, before int64 }

// chunk is the working time of one chunk: sorted, disjoint, non-touching
// intervals and their total.
type chunk struct {
	iv    []interval
	total int64
}

// timeline caches chunks. Readers load an immutable map without locking;
// writers, rare, copy it.
type timeline struct {
	mu     sync.Mutex
	chunks atomic.Pointer[map[int64]*chunk]
}

// locate returns the chunk holding t and t's offset within it.
func locate(t time.Time) (k, off int64) {
	sec := t.Unix()
	return sec >> chunkShift, (sec&(chunkSeconds-1))*int64(time.Second) + int64(t.Nanosecond())
}

// timeAt returns the instant at offset off of chunk k, in the calendar's zone.
func (c *Calendar) timeAt(k, off int64) time.Time {
	return time.Unix(k<<chunkShift+off/int64(time.Second), off%int64(time.Second)).In(c.loc)
}

// chunk returns chunk k, building and caching it on first use.
func (c *Calendar) chunk(k int64) *chunk {
	if m := c.timeline.chunks.Load(); m != nil {
		if ch, ok := (*m)[k]; ok {
			return ch
		}
	}
	ch := c.build(k)
	c.timeline.mu.Lock()
	defer c.timeline.mu.Unlock()
	old := c.timeline.chunks.Load()
	if old == nil {
		m := map[int64]*chunk{k: ch}
		c.timeline.chunks.Store(&m)
		return ch
	}
	if prev, ok := (*old)[k]; ok {
		return prev
	}
	if len(*old) >= maxCachedChunks {
		return ch
	}
	m := make(map[int64]*chunk, len(*old)+1)
	for key, v := range *old {
		m[key] = v
	}
	m[k] = ch
	c.timeline.chunks.Store(&m)
	return ch
}

// build computes chunk k from the week, the zone and the holidays.
func (c *Calendar) build(k int64) *chunk {
	base := k << chunkShift
	limit := base + chunkSeconds
	// An interval starts on its date and ends by the next day's 24:00, and a
	// zone's offset is under a day, so a margin of a few days suffices.
	first := dateOf(time.Unix(base-3*86400, 0).In(c.loc))
	last := dateOf(time.Unix(limit+86400, 0).In(c.loc))

	var work [][2]int64
	for d := first; !last.before(d); d = d.addDays(1) {
		for _, s := range c.week[d.weekday()] {
			if a, b := instant(c.loc, d, s.start), instant(c.loc, d, s.end); b > a {
				work = append(work, [2]int64{a, b})
			}
		}
	}

	cutoff := make(map[date]int)
	for _, h := range c.holidays(first.y, last.y) {
		if m, ok := cutoff[h.day]; !ok || h.from < m {
			cutoff[h.day] = h.from
		}
	}
	closed := make([][2]int64, 0, len(cutoff))
	for d, from := range cutoff {
		closed = append(closed, [2]int64{instant(c.loc, d, from), instant(c.loc, d.addDays(1), 0)})
	}
	slices.SortFunc(closed, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	work = subtract(work, closed)

	ch := &chunk{}
	for _, w := range work {
		a, b := max(w[0], base), min(w[1], limit)
		if b <= a {
			continue
		}
		a, b = (a-base)*int64(time.Second), (b-base)*int64(time.Second)
		// Touching intervals (Monday 24:00, Tuesday 00:00) become one, so the
		// earliest instant reaching a target is never a seam between them.
		if n := len(ch.iv); n > 0 && ch.iv[n-1].end >= a {
			ch.iv[n-1].end = max(ch.iv[n-1].end, b)
			continue
		}
		ch.iv = append(ch.iv, interval{start: a, end: b})
	}
	for i := range ch.iv {
		ch.iv[i].before = ch.total
		ch.total += ch.iv[i].end - ch.iv[i].start
	}
	return ch
}

// subtract removes the closed spans from the working spans; both are sorted
// by start and disjoint.
func subtract(work, closed [][2]int64) [][2]int64 {
	out := make([][2]int64, 0, len(work))
	j := 0
	for _, w := range work {
		a, b := w[0], w[1]
		for j < len(closed) && closed[j][1] <= a {
			j++
		}
		for i := j; i < len(closed) && closed[i][0] < b; i++ {
			if closed[i][0] > a {
				out = append(out, [2]int64{a, closed[i][0]})
			}
			a = max(a, closed[i][1])
		}
		if a < b {
			out = append(out, [2]int64{a, b})
		}
	}
	return out
}

// search returns the first interval that ends after off.
func (ch *chunk) search(off int64) int {
	lo, hi := 0, len(ch.iv)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ch.iv[m].end > off {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// worked returns the working time from the chunk's start to off.
func (ch *chunk) worked(off int64) int64 {
	i := ch.search(off)
	if i == len(ch.iv) {
		return ch.total
	}
	return ch.iv[i].before + max(0, off-ch.iv[i].start)
}

// reach returns the earliest offset at which the working time from the
// chunk's start equals w, for 0 < w <= total.
func (ch *chunk) reach(w int64) int64 {
	lo, hi := 0, len(ch.iv)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if iv := ch.iv[m]; iv.before+iv.end-iv.start >= w {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return ch.iv[lo].start + w - ch.iv[lo].before
}
