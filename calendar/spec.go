package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// Spec is the exported form of a calendar: what an administrator writes and
// what a version of a calendar stores.
type Spec struct {
	Timezone         string                 `json:"timezone"`
	Week             map[string][][2]string `json:"week"` // keys mon..sun; a missing day is closed
	Holidays         []Holiday              `json:"holidays,omitempty"`
	HolidayCountries []string               `json:"holiday_countries,omitempty"`
}

// Holiday is a closure day of the calendar's own. With From empty it closes
// the whole local date; with From set ("HH:MM") it closes the date from that
// time to its end.
//
// In JSON a full-day holiday is the date alone ("2026-12-25") and a partial
// one an object ({"date":"2026-12-24","from":"13:00"}).
type Holiday struct {
	Date string `json:"date"`
	From string `json:"from,omitempty"`
}

// MarshalJSON writes a full-day holiday as its date and a partial one as an
// object, the two forms Parse reads.
func (h Holiday) MarshalJSON() ([]byte, error) {
	if h.From == "" {
		return json.Marshal(h.Date)
	}
	type object Holiday // drops the methods, so this does not recurse
	return json.Marshal(object(h))
}

// UnmarshalJSON reads either form written by MarshalJSON; an object with any
// field other than date and from is an error.
func (h *Holiday) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) > 0 && data[0] == '"':
		*h = Holiday{}
		return json.Unmarshal(data, &h.Date)
	case len(data) > 0 && data[0] == '{':
		type object Holiday
		var o object
		if err := decodeStrict(data, &o); err != nil {
			return err
		}
		*h = Holiday(o)
		return nil
	}
	return errHolidayShape
}

var errHolidayShape = errors.New(`a holiday is a date such as "2026-12-25" or an object such as {"date":"2026-12-24","from":"13:00"}`)

// specJSON mirrors Spec with slices where Spec has fixed arrays, because
// encoding/json silently pads or truncates arrays and a malformed interval
// must be reported, not guessed.
type specJSON struct {
	Timezone         string                `json:"timezone"`
	Week             map[string][][]string `json:"week"`
	Holidays         []json.RawMessage     `json:"holidays"`
	HolidayCountries []string              `json:"holiday_countries"`
}

// Parse reads a calendar in its JSON form (see Spec) and validates it as New
// does. Unknown fields and trailing data are errors. Every error is a
// *casedesk.Error whose Field is the JSON path at fault.
func Parse(data []byte) (*Calendar, error) {
	var sj specJSON
	if err := decodeStrict(data, &sj); err != nil {
		return nil, jsonError("", err)
	}
	spec := Spec{Timezone: sj.Timezone, HolidayCountries: sj.HolidayCountries}
	if sj.Week != nil {
		spec.Week = make(map[string][][2]string, len(sj.Week))
		for day, ivs := range sj.Week {
			pairs := make([][2]string, len(ivs))
			for i, iv := range ivs {
				if len(iv) != 2 {
					return nil, casedesk.FieldErrorf(fmt.Sprintf("week.%s[%d]", day, i),
						`an interval is a pair ["HH:MM", "HH:MM"], not %d values`, len(iv))
				}
				pairs[i] = [2]string{iv[0], iv[1]}
			}
			spec.Week[day] = pairs
		}
	}
	for i, raw := range sj.Holidays {
		var h Holiday
		if err := h.UnmarshalJSON(raw); err != nil {
			return nil, jsonError(fmt.Sprintf("holidays[%d]", i), err)
		}
		spec.Holidays = append(spec.Holidays, h)
	}
	return New(spec)
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonError turns a decoding error into a validation error naming the field
// under prefix ("" for the top level).
func jsonError(prefix string, err error) error {
	join := func(name string) string {
		if prefix == "" {
			return name
		}
		if name == "" {
			return prefix
		}
		return prefix + "." + name
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return casedesk.FieldErrorf(join(typeErr.Field), "expected %s, got a JSON %s", jsonKind(typeErr.Type.String()), typeErr.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return casedesk.FieldErrorf(join(strings.Trim(name, `"`)), "unknown field")
	}
	if errors.Is(err, errHolidayShape) {
		return casedesk.FieldErrorf(join(""), "%v", err)
	}
	if prefix == "" {
		return casedesk.Errorf(casedesk.EINVALID, "invalid calendar JSON: %v", err)
	}
	return casedesk.FieldErrorf(prefix, "invalid JSON: %v", err)
}

// jsonKind names a Go type the way a JSON author thinks of it.
func jsonKind(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "calendar."):
		return "an object"
	case strings.HasPrefix(goType, "["):
		return "an array"
	}
	return goType
}

// dayNames maps the JSON day keys to weekdays.
var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// dayKeys lists the JSON day keys by time.Weekday.
var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// minutesPerDay is the length of a wall-clock day; interval bounds are minutes
// from the start of their day, and an overnight end lies past it.
const minutesPerDay = 24 * 60

// span is a working interval in wall-clock minutes from the start of its day;
// end > minutesPerDay means it runs into the next day.
type span struct{ start, end int }

// parseClock reads "HH:MM" from 00:00 to 24:00 into minutes.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// formatClock writes minutes as "HH:MM".
func formatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// parseWeek validates the week and returns its spans by weekday, each day's
// sorted by start.
func parseWeek(week map[string][][2]string) ([7][]span, error) {
	var out [7][]span
	names := make([]string, 0, len(week))
	for day := range week {
		names = append(names, day)
	}
	slices.Sort(names) // deterministic: the same spec always reports the same error
	// index remembers each span's position in the JSON so errors can name it.
	var index [7][]int
	for _, day := range names {
		wd, ok := dayNames[day]
		if !ok {
			return out, casedesk.FieldErrorf("week."+day, "unknown day %q: use mon, tue, wed, thu, fri, sat or sun", day)
		}
		for i, iv := range week[day] {
			field := fmt.Sprintf("week.%s[%d]", day, i)
			start, ok := parseClock(iv[0])
			if !ok {
				return out, casedesk.FieldErrorf(field+"[0]", `%q is not a time: use "HH:MM" from 00:00 to 24:00`, iv[0])
			}
			if start == minutesPerDay {
				return out, casedesk.FieldErrorf(field+"[0]", "an interval cannot start at 24:00; start it at 00:00 on the next day")
			}
			end, ok := parseClock(iv[1])
			if !ok {
				return out, casedesk.FieldErrorf(field+"[1]", `%q is not a time: use "HH:MM" from 00:00 to 24:00`, iv[1])
			}
			if end <= start {
				end += minutesPerDay // runs past midnight into the next day
			}
			out[wd] = append(out[wd], span{start, end})
			index[wd] = append(index[wd], i)
		}
	}
	total := 0
	for wd := range out {
		order := make([]int, len(out[wd]))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return out[wd][a].start - out[wd][b].start })
		sorted := make([]span, len(order))
		sortedIndex := make([]int, len(order))
		for i, j := range order {
			sorted[i], sortedIndex[i] = out[wd][j], index[wd][j]
		}
		out[wd], index[wd] = sorted, sortedIndex
		total += len(sorted)
		for i := 1; i < len(sorted); i++ {
			if sorted[i].start < sorted[i-1].end {
				return out, casedesk.FieldErrorf(fmt.Sprintf("week.%s[%d]", dayKeys[wd], index[wd][i]),
					"overlaps week.%s[%d]", dayKeys[wd], index[wd][i-1])
			}
		}
	}
	if total == 0 {
		return out, casedesk.FieldErrorf("week", "no working hours: give at least one interval, e.g. \"mon\": [[\"08:00\", \"17:00\"]]")
	}
	// An overnight interval must not run into the next day's first hours.
	for wd := range out {
		if len(out[wd]) == 0 {
			continue
		}
		last := out[wd][len(out[wd])-1]
		spill := last.end - minutesPerDay
		next := (wd + 1) % 7
		if spill <= 0 || len(out[next]) == 0 || out[next][0].start >= spill {
			continue
		}
		return out, casedesk.FieldErrorf(fmt.Sprintf("week.%s[%d]", dayKeys[next], index[next][0]),
			"overlaps the overnight interval week.%s[%d]", dayKeys[wd], index[wd][len(out[wd])-1])
	}
	return out, nil
}

// parseHolidays validates the calendar's own closure days.
func parseHolidays(hs []Holiday) ([]holidayEntry, error) {
	seen := make(map[date]int, len(hs))
	out := make([]holidayEntry, 0, len(hs))
	for i, h := range hs {
		field := fmt.Sprintf("holidays[%d]", i)
		if h.From != "" {
			field += ".date"
		}
		t, err := time.Parse(time.DateOnly, h.Date)
		if err != nil {
			return nil, casedesk.FieldErrorf(field, `%q is not a date: use "YYYY-MM-DD"`, h.Date)
		}
		d := dateOf(t)
		if j, dup := seen[d]; dup {
			return nil, casedesk.FieldErrorf(field, "%s is already listed as holidays[%d]", h.Date, j)
		}
		seen[d] = i
		from := 0
		if h.From != "" {
			m, ok := parseClock(h.From)
			if !ok || m == minutesPerDay {
				return nil, casedesk.FieldErrorf(fmt.Sprintf("holidays[%d].from", i),
					`%q is not a time: use "HH:MM" from 00:00 to 23:59`, h.From)
			}
			from = m
		}
		out = append(out, holidayEntry{day: d, from: from, partial: h.From != "", name: closureName})
	}
	return out, nil
}

// parseCountries validates holiday country codes and returns them upper-cased
// with their holiday lists.
func parseCountries(codes []string) ([]string, []countryHolidays, error) {
	norm := make([]string, len(codes))
	lists := make([]countryHolidays, len(codes))
	for i, code := range codes {
		field := fmt.Sprintf("holiday_countries[%d]", i)
		up := strings.ToUpper(strings.TrimSpace(code))
		list, ok := countryLists[up]
		if !ok {
			if up == "AU" {
				return nil, nil, casedesk.FieldErrorf(field, "Australia has only state holiday lists: use AU-ACT, AU-NSW, AU-NT, AU-QLD, AU-SA, AU-TAS, AU-VIC or AU-WA")
			}
			return nil, nil, casedesk.FieldErrorf(field, "unknown holiday country %q: use an ISO 3166 code such as IT, US or AU-NSW (see docs/calendars.md)", code)
		}
		if j := slices.Index(norm[:i], up); j >= 0 {
			return nil, nil, casedesk.FieldErrorf(field, "%s is already listed as holiday_countries[%d]", up, j)
		}
		norm[i] = up
		lists[i] = countryHolidays{code: up, list: list}
	}
	return norm, lists, nil
}

// loadZone loads a named IANA time zone. "Local" is refused: a calendar must
// mean the same thing on every server.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, casedesk.FieldErrorf("timezone", `is required: an IANA time zone such as "Europe/Rome" or "UTC"`)
	}
	if name == "Local" {
		return nil, casedesk.FieldErrorf("timezone", `"Local" depends on the server: name the zone, e.g. "Europe/Rome"`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, casedesk.FieldErrorf("timezone", "unknown time zone %q: use an IANA name such as \"America/New_York\"", name)
	}
	return loc, nil
}

// clone returns a deep copy, so a Calendar's spec cannot be changed from
// outside.
func (s Spec) clone() Spec {
	out := Spec{Timezone: s.Timezone}
	if s.Week != nil {
		out.Week = make(map[string][][2]string, len(s.Week))
		for day, ivs := range s.Week {
			out.Week[day] = slices.Clone(ivs)
		}
	}
	out.Holidays = slices.Clone(s.Holidays)
	out.HolidayCountries = slices.Clone(s.HolidayCountries)
	return out
}
