package calendar

import (
	"sync"
	"testing"
	"time"
)

// fuzzCalendars are the calendars the invariant fuzzers pick from: every
// shape of interval, zones with daylight saving, holidays of both kinds.
var fuzzCalendars = sync.OnceValue(func() []*Calendar {
	specs := []string{
		office + `,"holidays":["2026-12-07",{"date":"2026-12-24","from":"13:00"}],"holiday_countries":["IT"]}`,
		`{"timezone":"America/New_York","week":{"sun":[["00:00","06:00"]],"mon":[["22:00","06:00"]],"wed":[["08:00","12:30"],["13:30","17:00"]],"sat":[["01:30","02:30"]]},"holiday_countries":["US"]}`,
		`{"timezone":"Australia/Sydney","week":{"fri":[["02:00","03:00"],["20:00","20:00"]]},"holiday_countries":["AU-NSW"]}`,
		`{"timezone":"Europe/Rome","week":{"sun":[["02:30","04:00"]]}}`,
	}
	var out []*Calendar
	for _, s := range specs {
		c, err := Parse([]byte(s))
		if err != nil {
			panic(err)
		}
		out = append(out, c)
	}
	for _, id := range BuiltinIDs() {
		c, _ := Builtin(id)
		out = append(out, c)
	}
	return out
})

// fuzzStart maps fuzz input to a calendar and a start within 2020–2035.
func fuzzStart(pick uint8, secs int64) (*Calendar, time.Time) {
	cals := fuzzCalendars()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	span := int64(15 * 365 * 24 * 3600)
	secs %= span
	if secs < 0 {
		secs += span
	}
	return cals[int(pick)%len(cals)], time.Unix(base+secs, int64(secs%7)*123456789)
}

// fuzzDuration maps fuzz input to a target from 0 to about 60 days.
func fuzzDuration(n int64) time.Duration {
	if n < 0 {
		n = -n
	}
	return time.Duration(n % int64(60*24*time.Hour))
}

func FuzzAdd_Invariants(f *testing.F) {
	f.Add(uint8(0), int64(297_000_000), int64(time.Hour), int64(time.Minute))
	f.Add(uint8(1), int64(196_000_000), int64(90*time.Minute), int64(7*time.Hour))
	f.Add(uint8(2), int64(100_000_000), int64(time.Nanosecond), int64(40*time.Hour))
	f.Add(uint8(3), int64(196_200_000), int64(30*time.Minute), int64(time.Second))
	f.Add(uint8(5), int64(5), int64(5*24*time.Hour), int64(0))
	f.Add(uint8(6), int64(420_000_000), int64(9*time.Hour), int64(3*time.Hour))
	f.Fuzz(func(t *testing.T, pick uint8, secs, d1, d2 int64) {
		c, start := fuzzStart(pick, secs)
		a, b := fuzzDuration(d1), fuzzDuration(d2)
		if a > b {
			a, b = b, a
		}
		ta, tb := c.Add(start, a), c.Add(start, b)
		if ta.IsZero() || tb.IsZero() {
			t.Skip("beyond the horizon")
		}
		if tb.Before(ta) {
			t.Fatalf("not monotonic: Add(%s, %s) = %s after Add(%s, %s) = %s", start, a, ta, start, b, tb)
		}
		for _, tc := range []struct {
			d time.Duration
			t time.Time
		}{{a, ta}, {b, tb}} {
			if got := c.Elapsed(start, tc.t); got != tc.d {
				t.Fatalf("Elapsed(%s, Add(%s, %s) = %s) = %s", start, start, tc.d, tc.t, got)
			}
			if tc.d > 0 && !c.IsOpen(tc.t) && !c.IsOpen(tc.t.Add(-time.Nanosecond)) {
				t.Fatalf("Add(%s, %s) = %s lies outside working time and closes nothing", start, tc.d, tc.t)
			}
			if tc.d == 0 && !tc.t.Equal(start) {
				t.Fatalf("Add(%s, 0) = %s", start, tc.t)
			}
		}
	})
}

func FuzzNextOpen_IsOpenAndEarliest(f *testing.F) {
	f.Add(uint8(0), int64(297_000_000))
	f.Add(uint8(1), int64(196_000_000))
	f.Add(uint8(3), int64(196_200_000))
	f.Fuzz(func(t *testing.T, pick uint8, secs int64) {
		c, at := fuzzStart(pick, secs)
		next := c.NextOpen(at)
		if next.IsZero() {
			t.Skip("beyond the horizon")
		}
		if next.Before(at) || !c.IsOpen(next) {
			t.Fatalf("NextOpen(%s) = %s: before it or closed", at, next)
		}
		if c.Elapsed(at, next) != 0 {
			t.Fatalf("NextOpen(%s) = %s skips working time", at, next)
		}
	})
}

func FuzzParse_NeverPanics(f *testing.F) {
	f.Add([]byte(`{"timezone":"Europe/Rome","week":{"mon":[["08:00","17:00"]],"tue":[["08:00","12:30"],["13:30","17:00"]]},"holidays":["2026-12-25",{"date":"2026-12-24","from":"13:00"}],"holiday_countries":["IT"]}`))
	f.Add([]byte(`{"timezone":"UTC","week":{"mon":[["22:00","06:00"]],"tue":[["24:00","00:00"]]}}`))
	f.Add([]byte(`{"timezone":"America/New_York","week":{"sun":[["00:00","00:00"]]},"holidays":[{"date":"2026-11-01","from":"01:30"}],"holiday_countries":["AU-NSW","us"]}`))
	f.Add([]byte(`{"week":{"mon":[[]]},"holidays":[null,1,{}]}`))
	f.Add([]byte(`{"timezone":"../../etc/passwd"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		// A calendar that parses must answer queries.
		at := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
		c.Add(at, 10*time.Hour)
		c.Elapsed(at, at.Add(1000*time.Hour))
		c.NextOpen(at)
		c.HolidaysBetween(at, at.AddDate(0, 1, 0))
	})
}

func TestCalendar_ConcurrentUse(t *testing.T) {
	c := mustParse(t, office+`,"holiday_countries":["JP"]}`)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Date(2020+i, 3, 1, 0, 0, 0, 0, time.UTC)
			for j := range 50 {
				d := time.Duration(j) * 7 * time.Hour
				if got := c.Elapsed(start, c.Add(start, d)); got != d {
					t.Errorf("Elapsed(Add(%s)) = %s", d, got)
				}
			}
		}()
	}
	wg.Wait()
}
