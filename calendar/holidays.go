package calendar

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ar"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/mw"
	"github.com/rickar/cal/v2/nc"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/ru"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
	"github.com/rickar/cal/v2/ua"
	"github.com/rickar/cal/v2/us"
	"github.com/rickar/cal/v2/za"
)

// countryLists maps ISO 3166 codes to the holiday lists of rickar/cal/v2.
// Subdivision codes (ISO 3166-2) are offered where the library has regional
// lists; Australia has no national list at all.
var countryLists = map[string][]*cal.Holiday{
	"AR": ar.Holidays, "AT": at.Holidays, "BE": be.Holidays, "BG": bg.Holidays,
	"BR": br.Holidays, "CA": ca.Holidays, "CZ": cz.Holidays, "DK": dk.Holidays,
	"ES": es.Holidays, "FR": fr.Holidays, "GB": gb.Holidays, "GR": gr.Holidays,
	"HR": hr.Holidays, "IE": ie.Holidays, "IT": it.Holidays, "JP": jp.Holidays,
	"LT": lt.Holidays, "LV": lv.Holidays, "MW": mw.Holidays, "NC": nc.Holidays,
	"NL": nl.Holidays, "NO": no.Holidays, "NZ": nz.Holidays, "PL": pl.Holidays,
	"RO": ro.Holidays, "RU": ru.Holidays, "SE": se.Holidays, "SI": si.Holidays,
	"SK": sk.Holidays, "UA": ua.Holidays, "US": us.Holidays, "ZA": za.Holidays,

	"AU-ACT": au.HolidaysACT, "AU-NSW": au.HolidaysNSW, "AU-NT": au.HolidaysNT,
	"AU-QLD": au.HolidaysQLD, "AU-SA": au.HolidaysSA, "AU-TAS": au.HolidaysTAS,
	"AU-VIC": au.HolidaysVIC, "AU-WA": au.HolidaysWA,

	// The library's national Swiss list is the union of the cantons' lists.
	"CH":    ch.Holidays,
	"CH-AG": ch.HolidaysAG, "CH-AI": ch.HolidaysAI, "CH-AR": ch.HolidaysAR, "CH-BE": ch.HolidaysBE,
	"CH-BL": ch.HolidaysBL, "CH-BS": ch.HolidaysBS, "CH-FR": ch.HolidaysFR, "CH-GE": ch.HolidaysGE,
	"CH-GL": ch.HolidaysGL, "CH-GR": ch.HolidaysGR, "CH-JU": ch.HolidaysJU, "CH-LU": ch.HolidaysLU,
	"CH-NE": ch.HolidaysNE, "CH-NW": ch.HolidaysNW, "CH-OW": ch.HolidaysOW, "CH-SG": ch.HolidaysSG,
	"CH-SH": ch.HolidaysSH, "CH-SO": ch.HolidaysSO, "CH-SZ": ch.HolidaysSZ, "CH-TG": ch.HolidaysTG,
	"CH-TI": ch.HolidaysTI, "CH-UR": ch.HolidaysUR, "CH-VD": ch.HolidaysVD, "CH-VS": ch.HolidaysVS,
	"CH-ZG": ch.HolidaysZG, "CH-ZH": ch.HolidaysZH,

	"DE":    de.Holidays,
	"DE-BB": de.HolidaysBB, "DE-BE": de.HolidaysBE, "DE-BW": de.HolidaysBW, "DE-BY": de.HolidaysBY,
	"DE-HB": de.HolidaysHB, "DE-HE": de.HolidaysHE, "DE-HH": de.HolidaysHH, "DE-MV": de.HolidaysMV,
	"DE-NI": de.HolidaysNI, "DE-NW": de.HolidaysNW, "DE-RP": de.HolidaysRP, "DE-SH": de.HolidaysSH,
	"DE-SL": de.HolidaysSL, "DE-SN": de.HolidaysSN, "DE-ST": de.HolidaysST, "DE-TH": de.HolidaysTH,
}

// CountryCodes returns the holiday country codes a calendar accepts, sorted.
func CountryCodes() []string {
	codes := make([]string, 0, len(countryLists))
	for code := range countryLists {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

// closureName names the calendar's own holidays in HolidaysBetween.
const closureName = "closure"

// HolidayDay is one holiday of a calendar, for an administrator's view.
type HolidayDay struct {
	Date    string `json:"date"`              // local date, "YYYY-MM-DD"
	Name    string `json:"name"`              // the library's name, or "closure" for the calendar's own
	From    string `json:"from,omitempty"`    // "HH:MM" when only the rest of the day is closed
	Country string `json:"country,omitempty"` // the holiday_countries code it comes from, if any
}

// holidayEntry is a closure on one local date: from minutes after its start
// to its end (from is 0 for a full day).
type holidayEntry struct {
	day     date
	from    int
	partial bool
	name    string
	country string
}

type countryHolidays struct {
	code string
	list []*cal.Holiday
}

// calcMu serializes rickar/cal computations: some of its rules (Japan's
// equinoxes) write to the shared *cal.Holiday while computing a date.
var calcMu sync.Mutex

// closes reports whether a library holiday closes the desk. The library marks
// the United Kingdom's (and others') holidays as bank holidays and leaves
// Ireland's untyped, so only what it calls religious or other observances
// (Sweden's eves) stay open.
func closes(h *cal.Holiday) bool {
	return h.Type != cal.ObservanceReligious && h.Type != cal.ObservanceOther
}

// holidays returns the calendar's closures on dates in years y0..y1, own
// closures first, in no particular order otherwise.
func (c *Calendar) holidays(y0, y1 int) []holidayEntry {
	var out []holidayEntry
	for _, h := range c.closures {
		if h.day.y >= y0 && h.day.y <= y1 {
			out = append(out, h)
		}
	}
	if len(c.countries) == 0 {
		return out
	}
	calcMu.Lock()
	defer calcMu.Unlock()
	// An observed date can move into the neighbouring year (the US observe a
	// Saturday New Year on the Friday before), so look one year beyond.
	for y := y0 - 1; y <= y1+1; y++ {
		for _, ch := range c.countries {
			for _, h := range ch.list {
				if !closes(h) {
					continue
				}
				if _, observed := h.Calc(y); !observed.IsZero() {
					d := dateOf(observed)
					if d.y >= y0 && d.y <= y1 {
						out = append(out, holidayEntry{day: d, name: h.Name, country: ch.code})
					}
				}
			}
		}
	}
	return out
}

// HolidaysBetween returns the holidays on local dates that overlap [from,
// to), sorted by date: the calendar's own closures (named "closure") and the
// public holidays of its holiday_countries on their observed dates.
func (c *Calendar) HolidaysBetween(from, to time.Time) []HolidayDay {
	if !to.After(from) {
		return nil
	}
	first := dateOf(from.In(c.loc))
	last := dateOf(to.Add(-time.Nanosecond).In(c.loc))
	entries := c.holidays(first.y, last.y)
	entries = slices.DeleteFunc(entries, func(h holidayEntry) bool {
		return h.day.before(first) || last.before(h.day)
	})
	slices.SortFunc(entries, func(a, b holidayEntry) int {
		if a.day != b.day {
			if a.day.before(b.day) {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.country, b.country), cmp.Compare(a.name, b.name))
	})
	// The library lists some holidays twice (one rule per span of years).
	entries = slices.Compact(entries)
	out := make([]HolidayDay, len(entries))
	for i, h := range entries {
		out[i] = HolidayDay{Date: h.day.String(), Name: h.name, Country: h.country}
		if h.partial {
			out[i].From = formatClock(h.from)
		}
	}
	return out
}
