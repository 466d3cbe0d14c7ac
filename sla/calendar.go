package sla

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

// Calendar is one version of a coverage calendar, as a clock records it: the
// reference and description explain the answer, Cal computes it.
type Calendar struct {
	CalendarRef
	Cal *calendar.Calendar
}

// CalendarRef names a version of a calendar in explanations.
type CalendarRef struct {
	ID          string `json:"id"`
	Version     int    `json:"version"`
	Description string `json:"description"`
	// HolidaysOf names the contract calendar whose holidays were taken out of
	// a built-in one, by the holiday rule (plan.Plan.CoversHolidays).
	HolidaysOf string `json:"holidays_of,omitempty"`
}

// BuiltinVersion is the version of every built-in calendar: they change only
// with the casedesk release, which would bump it.
const BuiltinVersion = 1

// Builtin returns a built-in calendar ("24x7", "24x5", "americas", …) with
// its reference.
func Builtin(id string) (Calendar, bool) {
	c, ok := calendar.Builtin(id)
	if !ok {
		return Calendar{}, false
	}
	return Calendar{CalendarRef{ID: id, Version: BuiltinVersion, Description: Describe(c.Spec())}, c}, true
}

var dayKeys = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Describe summarises a calendar for people: "Europe/Rome; Mon–Fri
// 08:00–17:00; holidays: IT, 2 dates".
func Describe(s calendar.Spec) string {
	parts := []string{s.Timezone}
	for i := 0; i < len(dayKeys); {
		j := i + 1
		for j < len(dayKeys) && slices.Equal(s.Week[dayKeys[j]], s.Week[dayKeys[i]]) {
			j++
		}
		if ivs := s.Week[dayKeys[i]]; len(ivs) > 0 {
			days := title(dayKeys[i])
			if j-i > 1 {
				days += "–" + title(dayKeys[j-1])
			}
			hours := make([]string, len(ivs))
			for k, iv := range ivs {
				hours[k] = iv[0] + "–" + iv[1]
			}
			parts = append(parts, days+" "+strings.Join(hours, ", "))
		}
		i = j
	}
	if len(parts) == 1 {
		parts = append(parts, "never open")
	}
	var holidays []string
	if len(s.HolidayCountries) > 0 {
		holidays = append(holidays, strings.Join(s.HolidayCountries, ", "))
	}
	if n := len(s.Holidays); n > 0 {
		holidays = append(holidays, fmt.Sprintf("%d closure date%s", n, plural(n)))
	}
	if len(holidays) > 0 {
		parts = append(parts, "holidays: "+strings.Join(holidays, ", "))
	}
	return strings.Join(parts, "; ")
}

func title(day string) string { return strings.ToUpper(day[:1]) + day[1:] }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// coverage returns the calendar a case of level l runs on under terms and
// commitment c. Business coverage is the contract's calendar, holidays
// included. A built-in calendar is used as it is when the plan covers
// holidays for l; otherwise the contract calendar's holidays are taken out of
// it. A round-the-clock calendar takes the contract's time zone for that, so
// holidays fall on the customer's local dates; any other built-in keeps its
// zone, because moving it would move its hours.
func coverage(t *Terms, l priority.Level, c plan.Commitment) (Calendar, error) {
	if c.Coverage == plan.Business {
		return t.Calendar, nil
	}
	b, ok := Builtin(c.Coverage)
	if !ok {
		return Calendar{}, casedesk.FieldErrorf("plan", "plan %s runs %v on %q, which is not a calendar", t.Plan.ID, l, c.Coverage)
	}
	if t.Plan.CoversHolidays(l) {
		return b, nil
	}
	return withHolidaysOf(b, t.Calendar)
}

// withHolidaysOf returns built-in calendar b less the holidays of the
// contract calendar own.
func withHolidaysOf(b, ownCal Calendar) (Calendar, error) {
	own := ownCal.Cal.Spec()
	if len(own.Holidays) == 0 && len(own.HolidayCountries) == 0 {
		return b, nil
	}
	ref := b.CalendarRef
	ref.HolidaysOf = fmt.Sprintf("%s v%d", ownCal.ID, ownCal.Version)
	key := derivedKey{b.ID, ownCal.Cal}
	if cal, ok := derived.get(key); ok {
		ref.Description = Describe(cal.Spec())
		return Calendar{ref, cal}, nil
	}
	spec := b.Cal.Spec()
	spec.Holidays = append(spec.Holidays, own.Holidays...)
	for _, cc := range own.HolidayCountries {
		if !slices.Contains(spec.HolidayCountries, cc) {
			spec.HolidayCountries = append(spec.HolidayCountries, cc)
		}
	}
	if alwaysOpen(spec) {
		spec.Timezone = own.Timezone
	}
	cal, err := calendar.New(spec)
	if err != nil {
		return Calendar{}, fmt.Errorf("take holidays of %s out of %s: %w", ownCal.ID, b.ID, err)
	}
	derived.put(key, cal)
	ref.Description = Describe(spec)
	return Calendar{ref, cal}, nil
}

// derived caches the calendars the holiday rule builds, because a calendar
// precomputes its working time lazily and building it anew for every clock
// would redo that work. Calendars are immutable, so a contract calendar's
// pointer identifies its version.
var derived = derivedCache{m: map[derivedKey]*calendar.Calendar{}}

type derivedKey struct {
	builtin string
	base    *calendar.Calendar
}

type derivedCache struct {
	mu sync.Mutex
	m  map[derivedKey]*calendar.Calendar
}

// maxDerived bounds the cache; when full it starts over, which costs only
// recomputation.
const maxDerived = 256

func (d *derivedCache) get(k derivedKey) (*calendar.Calendar, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.m[k]
	return c, ok
}

func (d *derivedCache) put(k derivedKey, c *calendar.Calendar) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.m) >= maxDerived {
		clear(d.m)
	}
	d.m[k] = c
}

// alwaysOpen reports whether every day of s runs 00:00–24:00, so that its
// time zone changes nothing but the dates of its holidays.
func alwaysOpen(s calendar.Spec) bool {
	for _, d := range dayKeys {
		if !slices.Equal(s.Week[d], [][2]string{{"00:00", "24:00"}}) {
			return false
		}
	}
	return true
}
