package httpd

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/i18n"
)

// placeholderFuncs let templates parse; render binds the real ones.
var placeholderFuncs = formatFuncs(i18n.For("en"), time.UTC)

// dateLayouts are how each language writes a date and a time.
var dateLayouts = map[string]struct{ date, dateTime string }{
	"en": {"2 Jan 2006", "2 Jan 2006 15:04"},
	"it": {"02/01/2006", "02/01/2006 15:04"},
	"fr": {"02/01/2006", "02/01/2006 15:04"},
}

// formatFuncs are the template functions bound to a language and a zone:
// translations, dates and times in the user's zone, and durations.
func formatFuncs(loc *i18n.Localizer, zone *time.Location) template.FuncMap {
	layouts := dateLayouts[loc.Lang()]
	return template.FuncMap{
		"t":     loc.T,
		"lower": strings.ToLower,
		"date": func(t time.Time) string {
			return t.In(zone).Format(layouts.date)
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(zone).Format(layouts.dateTime) + " " + t.In(zone).Format("MST")
		},
		"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"duration": func(d time.Duration) string { return humanDuration(loc, d) },
		"until":    func(t time.Time) string { return humanDuration(loc, time.Until(t)) },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

// humanDuration writes a duration as people read it, "2 h 10 min" or
// "3 d 4 h", in the localizer's language; negative durations say "ago".
func humanDuration(loc *i18n.Localizer, d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, loc.T("unit.days", map[string]int{"N": days}))
	}
	if hours > 0 {
		parts = append(parts, loc.T("unit.hours", map[string]int{"N": hours}))
	}
	if mins > 0 && days == 0 {
		parts = append(parts, loc.T("unit.minutes", map[string]int{"N": mins}))
	}
	if len(parts) == 0 {
		parts = append(parts, loc.T("unit.minutes", map[string]int{"N": 0}))
	}
	s := strings.Join(parts, " ")
	if neg {
		return loc.T("time.ago", map[string]string{"D": s})
	}
	return s
}

// userZone is the user's time zone, UTC for anonymous visitors.
func userZone(u *casedesk.User) *time.Location {
	if u != nil {
		if z, err := time.LoadLocation(u.TimeZone); err == nil {
			return z
		}
	}
	return time.UTC
}

// workTime is a target in working time, written in hours and minutes and
// never in days, because a day of business time is ambiguous (plan.Duration).
// Templates show it with the "worktime" partial.
type workTime struct{ H, M int }

func workTimeOf(d time.Duration) workTime {
	d = d.Round(time.Minute)
	return workTime{H: int(d / time.Hour), M: int(d % time.Hour / time.Minute)}
}

// IsZero reports a target that is not set.
func (w workTime) IsZero() bool { return w.H == 0 && w.M == 0 }
