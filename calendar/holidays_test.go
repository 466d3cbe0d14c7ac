package calendar

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestHolidaysBetween(t *testing.T) {
	c := mustParse(t, `{"timezone":"Europe/Rome","week":{"mon":[["08:00","17:00"]]},"holidays":[{"date":"2026-12-24","from":"13:00"},"2026-12-31"],"holiday_countries":["IT"]}`)
	got := c.HolidaysBetween(mustTime(t, "2026-12-01T00:00:00+01:00"), mustTime(t, "2027-01-01T00:00:00+01:00"))
	want := []HolidayDay{
		{Date: "2026-12-08", Name: "Immacolata Concezione", Country: "IT"},
		{Date: "2026-12-24", Name: "closure", From: "13:00"},
		{Date: "2026-12-25", Name: "Natale", Country: "IT"},
		{Date: "2026-12-26", Name: "Santo Stefano", Country: "IT"},
		{Date: "2026-12-31", Name: "closure"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HolidaysBetween =\n%+v\nwant\n%+v", got, want)
	}
	if got := c.HolidaysBetween(mustTime(t, "2027-01-01T00:00:00+01:00"), mustTime(t, "2026-12-01T00:00:00+01:00")); got != nil {
		t.Errorf("reversed range = %v, want nil", got)
	}
}

func TestHolidaysBetween_ObservedDates(t *testing.T) {
	emea, _ := Builtin("emea")
	got := emea.HolidaysBetween(mustTime(t, "2026-12-20T00:00:00Z"), mustTime(t, "2027-01-05T00:00:00Z"))
	var dates []string
	for _, h := range got {
		dates = append(dates, h.Date)
	}
	// Boxing Day, Saturday 26 December 2026, is observed on Monday 28th.
	if want := []string{"2026-12-25", "2026-12-28", "2027-01-01"}; !slices.Equal(dates, want) {
		t.Errorf("emea holidays = %v (%+v), want %v", dates, got, want)
	}
	americas, _ := Builtin("americas")
	// New Year's Day 2022 was a Saturday, observed on Friday 31 December 2021.
	got = americas.HolidaysBetween(mustTime(t, "2021-12-30T00:00:00-05:00"), mustTime(t, "2022-01-02T00:00:00-05:00"))
	if len(got) != 1 || got[0].Date != "2021-12-31" {
		t.Errorf("americas around New Year 2022 = %+v, want one holiday on 2021-12-31", got)
	}
}

func TestHolidayCountries_NewSouthWales(t *testing.T) {
	c := mustParse(t, `{"timezone":"Australia/Sydney","week":{"mon":[["08:00","18:00"]],"tue":[["08:00","18:00"]]},"holiday_countries":["AU-NSW"]}`)
	// Australia Day, Monday 26 January 2026: closed; Tuesday open.
	if c.IsOpen(mustTime(t, "2026-01-26T10:00:00+11:00")) {
		t.Error("open on Australia Day")
	}
	if !c.IsOpen(mustTime(t, "2026-01-27T10:00:00+11:00")) {
		t.Error("closed the day after Australia Day")
	}
}

func TestHolidayCountries_ReligiousAndOtherObservancesStayOpen(t *testing.T) {
	// Sweden's Christmas Eve (Julafton) is an "other" observance in the library.
	c := mustParse(t, `{"timezone":"Europe/Stockholm","week":{"thu":[["08:00","17:00"]],"fri":[["08:00","17:00"]]},"holiday_countries":["SE"]}`)
	if !c.IsOpen(mustTime(t, "2026-12-24T10:00:00+01:00")) {
		t.Error("closed on Julafton")
	}
	if c.IsOpen(mustTime(t, "2026-12-25T10:00:00+01:00")) {
		t.Error("open on Juldagen")
	}
}

func TestHolidayCountries_EveryCodeHasHolidays(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, code := range CountryCodes() {
		c, err := New(Spec{Timezone: "UTC", Week: weekdays0818(), HolidayCountries: []string{code}})
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if n := len(c.HolidaysBetween(from, from.AddDate(1, 0, 0))); n < 5 {
			t.Errorf("%s has %d holidays in 2026, want at least 5", code, n)
		}
	}
}
