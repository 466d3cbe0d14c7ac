package calendar

import "time"

// date is a civil date, without a zone.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date { return date{t.Year(), t.Month(), t.Day()} }

// addDays returns the date n days later; time.Date normalizes the overflow.
func (d date) addDays(n int) date {
	return dateOf(time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, time.UTC))
}

func (d date) weekday() time.Weekday {
	return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
}

func (d date) before(e date) bool {
	if d.y != e.y {
		return d.y < e.y
	}
	if d.m != e.m {
		return d.m < e.m
	}
	return d.d < e.d
}

func (d date) String() string {
	return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// instant returns, in Unix seconds, the first instant at which the clock in
// loc reads minute (minutes after the start of day, possibly past 24:00) on
// day, or has jumped past it:
//   - a wall time skipped by a spring-forward change maps to the instant of
//     the change, so an interval that starts or ends inside the gap simply
//     loses the part that never happened;
//   - a wall time that occurs twice at a fall-back change maps to its first
//     occurrence, so an interval that spans the change gains the repeated hour.
//
// time.Date leaves both choices unspecified, hence the corrections.
func instant(loc *time.Location, day date, minute int) int64 {
	t := time.Date(day.y, day.m, day.d, minute/60, minute%60, 0, 0, loc)
	want := time.Date(day.y, day.m, day.d, minute/60, minute%60, 0, 0, time.UTC).Unix()
	_, off := t.Zone()
	got := t.Unix() + int64(off)
	switch {
	case got > want: // skipped; t lies after the change, which began its zone
		start, _ := t.ZoneBounds()
		return start.Unix()
	case got < want: // skipped; t lies before the change, which ends its zone
		_, end := t.ZoneBounds()
		return end.Unix()
	}
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t.Unix()
	}
	_, prevOff := start.Add(-time.Second).Zone()
	if prevOff <= off {
		return t.Unix()
	}
	// The clock went back at start: the same reading may have occurred earlier.
	earlier := time.Unix(t.Unix()-int64(prevOff-off), 0).In(loc)
	if _, o := earlier.Zone(); earlier.Before(start) && earlier.Unix()+int64(o) == want {
		return earlier.Unix()
	}
	return t.Unix()
}
