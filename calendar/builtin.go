package calendar

import (
	"fmt"
	"sync"
)

// Built-in calendars, one per support region plus round-the-clock coverage.
// The seeds name the regions but give no hours: the regional hours below
// (Monday–Friday 08:00–18:00 local time) are casedesk's defaults.
//   - 24x7: UTC, always open, no holidays.
//   - 24x5: UTC, Sunday 22:00 to Friday 22:00, no holidays.
//   - americas: America/New_York, Monday–Friday 08:00–18:00, US holidays.
//   - emea: Europe/London, Monday–Friday 08:00–18:00, GB holidays.
//   - apac: Australia/Sydney, Monday–Friday 08:00–18:00, AU-NSW holidays.
var builtinSpecs = map[string]Spec{
	"24x7": {Timezone: "UTC", Week: everyDay([2]string{"00:00", "24:00"}, "sun", "mon", "tue", "wed", "thu", "fri", "sat")},
	"24x5": {Timezone: "UTC", Week: map[string][][2]string{
		"sun": {{"22:00", "24:00"}},
		"mon": {{"00:00", "24:00"}}, "tue": {{"00:00", "24:00"}}, "wed": {{"00:00", "24:00"}}, "thu": {{"00:00", "24:00"}},
		"fri": {{"00:00", "22:00"}},
	}},
	"americas": {Timezone: "America/New_York", Week: weekdays0818(), HolidayCountries: []string{"US"}},
	"emea":     {Timezone: "Europe/London", Week: weekdays0818(), HolidayCountries: []string{"GB"}},
	"apac":     {Timezone: "Australia/Sydney", Week: weekdays0818(), HolidayCountries: []string{"AU-NSW"}},
}

// builtinOrder is the order BuiltinIDs reports.
var builtinOrder = []string{"24x7", "24x5", "americas", "emea", "apac"}

func everyDay(iv [2]string, days ...string) map[string][][2]string {
	w := make(map[string][][2]string, len(days))
	for _, d := range days {
		w[d] = [][2]string{iv}
	}
	return w
}

func weekdays0818() map[string][][2]string {
	return everyDay([2]string{"08:00", "18:00"}, "mon", "tue", "wed", "thu", "fri")
}

var builtins = sync.OnceValue(func() map[string]*Calendar {
	out := make(map[string]*Calendar, len(builtinSpecs))
	for id, spec := range builtinSpecs {
		c, err := New(spec)
		if err != nil {
			panic(fmt.Sprintf("calendar: built-in %s: %v", id, err))
		}
		out[id] = c
	}
	return out
})

// Builtin returns the built-in calendar with the given id ("24x7", "24x5",
// "americas", "emea", "apac"). The same *Calendar is shared by all callers,
// which is safe because calendars are immutable.
func Builtin(id string) (*Calendar, bool) {
	c, ok := builtins()[id]
	return c, ok
}

// BuiltinIDs returns the ids of the built-in calendars.
func BuiltinIDs() []string { return append([]string(nil), builtinOrder...) }
