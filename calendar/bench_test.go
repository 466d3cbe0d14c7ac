package calendar

import (
	"fmt"
	"testing"
	"time"
)

// benchTargets are the spans the SLA targets use, from 15 minutes to 5
// working days of emea (10 hours a day).
var benchTargets = []struct {
	name string
	d    time.Duration
}{
	{"15m", 15 * time.Minute},
	{"4h", 4 * time.Hour},
	{"1day", 10 * time.Hour},
	{"5days", 50 * time.Hour},
}

// benchStarts spread over December 2026, around Christmas and New Year, so
// the holidays and the year's end are crossed.
func benchStarts() []time.Time {
	starts := make([]time.Time, 64)
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range starts {
		starts[i] = base.Add(time.Duration(i) * 11 * time.Hour)
	}
	return starts
}

func BenchmarkAdd(b *testing.B) {
	c, _ := Builtin("emea")
	starts := benchStarts()
	for _, tc := range benchTargets {
		b.Run(fmt.Sprintf("emea/%s", tc.name), func(b *testing.B) {
			c.Add(starts[0], tc.d) // build the cache outside the timing
			for i := 0; b.Loop(); i++ {
				c.Add(starts[i%len(starts)], tc.d)
			}
		})
	}
}

func BenchmarkElapsed(b *testing.B) {
	c, _ := Builtin("emea")
	starts := benchStarts()
	for _, tc := range benchTargets {
		b.Run(fmt.Sprintf("emea/%s", tc.name), func(b *testing.B) {
			ends := make([]time.Time, len(starts))
			for i, s := range starts {
				ends[i] = c.Add(s, tc.d)
			}
			for i := 0; b.Loop(); i++ {
				c.Elapsed(starts[i%len(starts)], ends[i%len(ends)])
			}
		})
	}
}

// BenchmarkBuildYear measures the one-off cost of a chunk (about a year),
// paid the first time a calendar is queried in that stretch of time.
func BenchmarkBuildYear(b *testing.B) {
	c, _ := Builtin("emea")
	k, _ := locate(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	for b.Loop() {
		c.build(k)
	}
}
