// Package calendar computes working time on coverage calendars: a time zone,
// weekly wall-clock working intervals and holidays. It answers when a given
// amount of working time runs out (Add), how much working time lies between
// two instants (Elapsed), and whether the desk is open (IsOpen, NextOpen).
//
// Working time is real elapsed time inside the working intervals: a daylight
// saving change that shortens or lengthens an interval shortens or lengthens
// its working time. A wall time skipped by a spring-forward change stands for
// the instant of the change; a wall time repeated by a fall-back change stands
// for its first occurrence. So 00:00–06:00 is 5 hours on a spring-forward
// night and 7 hours on a fall-back night.
//
// The package does no I/O of its own: only New reads time zones, through
// time.LoadLocation, from the system's database or, when the system has none,
// from the copy embedded through time/tzdata.
package calendar

import (
	"math"
	"time"
	_ "time/tzdata" // a calendar must load its zone even on a minimal container
)

// Calendar is a validated coverage calendar. It is immutable and safe for
// concurrent use; it precomputes its working intervals lazily, about a year
// at a time.
type Calendar struct {
	spec      Spec
	loc       *time.Location
	week      [7][]span // by time.Weekday
	closures  []holidayEntry
	countries []countryHolidays
	timeline  timeline
}

// New validates spec and returns its calendar. Errors are *casedesk.Error
// values whose Field is the JSON path at fault (timezone, week.tue[1][0],
// holidays[2].from, holiday_countries[0]…).
func New(spec Spec) (*Calendar, error) {
	loc, err := loadZone(spec.Timezone)
	if err != nil {
		return nil, err
	}
	week, err := parseWeek(spec.Week)
	if err != nil {
		return nil, err
	}
	closures, err := parseHolidays(spec.Holidays)
	if err != nil {
		return nil, err
	}
	codes, countries, err := parseCountries(spec.HolidayCountries)
	if err != nil {
		return nil, err
	}
	spec = spec.clone()
	if len(codes) > 0 {
		spec.HolidayCountries = codes
	}
	return &Calendar{spec: spec, loc: loc, week: week, closures: closures, countries: countries}, nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Spec returns a copy of the validated spec, with country codes upper-cased,
// for export and versioning.
func (c *Calendar) Spec() Spec { return c.spec.clone() }

// Add returns the earliest instant t >= start at which the working time in
// [start, t] equals d, in the calendar's zone. A target that runs out at a
// closing time is due at that closing time, not at the next opening.
//
// For d <= 0 it returns start. If d is not reached within about 20 years of
// start (a target of centuries, or a calendar closed by its holidays for that
// long) it returns the zero Time, which callers must treat as "never due".
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start.In(c.loc)
	}
	k, off := locate(start)
	need := int64(d)
	for range horizonChunks + 1 {
		ch := c.chunk(k)
		done := ch.worked(off)
		left := ch.total - done
		if need <= left {
			return c.timeAt(k, ch.reach(done+need))
		}
		need -= left
		k, off = k+1, 0
	}
	return time.Time{}
}

// Elapsed returns the working time in [from, to], or 0 if to is not after
// from. It saturates at the largest Duration (about 292 years).
func (c *Calendar) Elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	kf, of := locate(from)
	kt, ot := locate(to)
	if kf == kt {
		ch := c.chunk(kf)
		return time.Duration(ch.worked(ot) - ch.worked(of))
	}
	first := c.chunk(kf)
	sum := first.total - first.worked(of)
	for k := kf + 1; k < kt; k++ {
		sum = addSaturated(sum, c.chunk(k).total)
	}
	return time.Duration(addSaturated(sum, c.chunk(kt).worked(ot)))
}

func addSaturated(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// IsOpen reports whether t lies in working time. Intervals are half-open: at
// a closing time the desk is closed.
func (c *Calendar) IsOpen(t time.Time) bool {
	k, off := locate(t)
	ch := c.chunk(k)
	i := ch.search(off)
	return i < len(ch.iv) && ch.iv[i].start <= off
}

// NextOpen returns t if the desk is open at t, else the start of the next
// working interval, in the calendar's zone. If none starts within about 20
// years it returns the zero Time.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	k, off := locate(t)
	for range horizonChunks + 1 {
		ch := c.chunk(k)
		if i := ch.search(off); i < len(ch.iv) {
			if ch.iv[i].start <= off {
				return t.In(c.loc)
			}
			return c.timeAt(k, ch.iv[i].start)
		}
		k, off = k+1, 0
	}
	return time.Time{}
}
