package calendar

import (
	"testing"
	"time"
)

// office is the seeds' example: Monday–Friday 08:00–17:00 in Rome.
const office = `{"timezone":"Europe/Rome","week":{"mon":[["08:00","17:00"]],"tue":[["08:00","17:00"]],"wed":[["08:00","17:00"]],"thu":[["08:00","17:00"]],"fri":[["08:00","17:00"]]}`

func mustParse(t testing.TB, js string) *Calendar {
	t.Helper()
	c, err := Parse([]byte(js))
	if err != nil {
		t.Fatalf("Parse(%s): %v", js, err)
	}
	return c
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func mustDuration(t testing.TB, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// addCase is one Add query: the calendar's JSON, the start, the working time
// to add, and the instant due.
type addCase struct {
	name     string
	calendar string
	start    string
	d        string
	want     string
}

func runAdd(t *testing.T, cases []addCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, tc.calendar)
			start, want := mustTime(t, tc.start), mustTime(t, tc.want)
			got := c.Add(start, mustDuration(t, tc.d))
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %s) = %s, want %s", tc.start, tc.d, got.Format(time.RFC3339), tc.want)
			}
			if got.Location() != c.Location() {
				t.Errorf("Add returned zone %v, want the calendar's %v", got.Location(), c.Location())
			}
			// Whatever Add answers, Elapsed must agree with it.
			if e := c.Elapsed(start, got); e != max(0, mustDuration(t, tc.d)) {
				t.Errorf("Elapsed(start, Add(start, %s)) = %s", tc.d, e)
			}
		})
	}
}

func withHolidays(cal, holidays string) string {
	return cal + `,"holidays":` + holidays + `}`
}

func TestAdd_BusinessHours(t *testing.T) {
	plain := office + `}`
	runAdd(t, []addCase{
		{"FridayEveningRollsToMonday", plain, "2026-12-04T16:30:00+01:00", "1h", "2026-12-07T08:30:00+01:00"},
		{"FridayEveningBeforeHolidayMonday", withHolidays(office, `["2026-12-07"]`), "2026-12-04T16:30:00+01:00", "1h", "2026-12-08T08:30:00+01:00"},
		{"StartInsideHoliday", withHolidays(office, `["2026-12-07"]`), "2026-12-07T10:00:00+01:00", "1h", "2026-12-08T09:00:00+01:00"},
		{"StartExactlyAtClosing", plain, "2026-12-02T17:00:00+01:00", "1h", "2026-12-03T09:00:00+01:00"},
		{"StartBeforeOpening", plain, "2026-12-02T06:00:00+01:00", "1h", "2026-12-02T09:00:00+01:00"},
		{"StartOnSaturday", plain, "2026-12-05T11:00:00+01:00", "90m", "2026-12-07T09:30:00+01:00"},
		{"TargetEndsAtClosingIsDueAtClosing", plain, "2026-12-02T16:00:00+01:00", "1h", "2026-12-02T17:00:00+01:00"},
		{"FullDayFromOpening", plain, "2026-12-02T08:00:00+01:00", "9h", "2026-12-02T17:00:00+01:00"},
		{"ZeroIsStart", plain, "2026-12-05T11:00:00+01:00", "0s", "2026-12-05T11:00:00+01:00"},
		{"NegativeIsStart", plain, "2026-12-05T11:00:00+01:00", "-1h", "2026-12-05T11:00:00+01:00"},
		{"StartGivenInAnotherZone", plain, "2026-12-04T15:30:00Z", "1h", "2026-12-07T08:30:00+01:00"},
		{"SubSecondPrecision", plain, "2026-12-02T16:59:59.5+01:00", "1500ms", "2026-12-03T08:00:01+01:00"},
		{"TargetLongerThanAWeek", plain, "2026-11-30T08:00:00+01:00", "50h", "2026-12-07T13:00:00+01:00"},
		{"TargetOfFourWeeks", plain, "2026-11-02T08:00:00+01:00", "180h", "2026-11-27T17:00:00+01:00"},
	})
}

func TestAdd_LunchBreak(t *testing.T) {
	lunch := `{"timezone":"Europe/Rome","week":{"tue":[["08:00","12:30"],["13:30","17:00"]]}}`
	runAdd(t, []addCase{
		{"SpansLunch", lunch, "2026-12-01T12:00:00+01:00", "1h", "2026-12-01T14:00:00+01:00"},
		{"EndsAtLunchIsDueAtLunch", lunch, "2026-12-01T12:00:00+01:00", "30m", "2026-12-01T12:30:00+01:00"},
		{"StartsDuringLunch", lunch, "2026-12-01T12:45:00+01:00", "1h", "2026-12-01T14:30:00+01:00"},
		{"StartsAtLunch", lunch, "2026-12-01T12:30:00+01:00", "1h", "2026-12-01T14:30:00+01:00"},
		{"RollsToNextWeek", lunch, "2026-12-01T16:00:00+01:00", "2h", "2026-12-08T09:00:00+01:00"},
	})
}

func TestAdd_OvernightInterval(t *testing.T) {
	night := `{"timezone":"Europe/Rome","week":{"mon":[["22:00","06:00"]]}}`
	runAdd(t, []addCase{
		{"CrossesMidnight", night, "2026-11-30T23:00:00+01:00", "3h", "2026-12-01T02:00:00+01:00"},
		{"StartsBeforeOpening", night, "2026-11-30T21:00:00+01:00", "8h", "2026-12-01T06:00:00+01:00"},
		{"ContinuesNextWeek", night, "2026-12-01T05:00:00+01:00", "2h", "2026-12-07T23:00:00+01:00"},
		{"TuesdayHolidayCutsTheNight", withHolidays(`{"timezone":"Europe/Rome","week":{"mon":[["22:00","06:00"]]}`, `["2026-12-01"]`),
			"2026-11-30T22:00:00+01:00", "3h", "2026-12-07T23:00:00+01:00"},
		{"FullDayMarkedAsSameStartAndEnd", `{"timezone":"UTC","week":{"wed":[["00:00","00:00"]]}}`,
			"2026-12-02T00:00:00Z", "24h", "2026-12-03T00:00:00Z"},
	})
}

func TestAdd_24x5AcrossTheWeekend(t *testing.T) {
	c, _ := Builtin("24x5")
	cases := []struct{ start, d, want string }{
		{"2026-12-04T21:00:00Z", "2h", "2026-12-06T23:00:00Z"},
		{"2026-12-05T12:00:00Z", "1h", "2026-12-06T23:00:00Z"},
		{"2026-12-06T22:00:00Z", "120h", "2026-12-11T22:00:00Z"},
		{"2026-12-06T22:00:00Z", "121h", "2026-12-13T23:00:00Z"},
	}
	for _, tc := range cases {
		if got := c.Add(mustTime(t, tc.start), mustDuration(t, tc.d)); !got.Equal(mustTime(t, tc.want)) {
			t.Errorf("24x5 Add(%s, %s) = %s, want %s", tc.start, tc.d, got, tc.want)
		}
	}
}

func TestAdd_DaylightSaving(t *testing.T) {
	allDay := func(tz string) string {
		return `{"timezone":"` + tz + `","week":{"sun":[["00:00","24:00"]],"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]]}}`
	}
	early := func(tz string) string {
		return `{"timezone":"` + tz + `","week":{"sun":[["00:00","06:00"]],"mon":[["00:00","06:00"]]}}`
	}
	runAdd(t, []addCase{
		// Rome springs forward 2026-03-29 02:00→03:00 and falls back 2026-10-25 03:00→02:00.
		{"RomeSpringDayIs23Hours", allDay("Europe/Rome"), "2026-03-29T00:00:00+01:00", "24h", "2026-03-30T01:00:00+02:00"},
		{"RomeFallDayIs25Hours", allDay("Europe/Rome"), "2026-10-25T00:00:00+02:00", "24h", "2026-10-25T23:00:00+01:00"},
		{"RomeSpringNightLosesAnHour", early("Europe/Rome"), "2026-03-29T00:00:00+01:00", "5h", "2026-03-29T06:00:00+02:00"},
		{"RomeSpringNightSixthHourIsMonday", early("Europe/Rome"), "2026-03-29T00:00:00+01:00", "6h", "2026-03-30T01:00:00+02:00"},
		{"RomeFallNightGainsAnHour", early("Europe/Rome"), "2026-10-25T00:00:00+02:00", "7h", "2026-10-25T06:00:00+01:00"},
		{"RomeFallNightThroughRepeatedHour", early("Europe/Rome"), "2026-10-25T02:30:00+02:00", "1h", "2026-10-25T02:30:00+01:00"},
		// New York springs forward 2026-03-08 02:00→03:00 and falls back 2026-11-01 02:00→01:00.
		{"NewYorkSpringDayIs23Hours", allDay("America/New_York"), "2026-03-08T00:00:00-05:00", "23h", "2026-03-09T00:00:00-04:00"},
		{"NewYorkFallDayIs25Hours", allDay("America/New_York"), "2026-11-01T00:00:00-04:00", "25h", "2026-11-02T00:00:00-05:00"},
		{"NewYorkSpringNightLosesAnHour", early("America/New_York"), "2026-03-08T00:00:00-05:00", "5h", "2026-03-08T06:00:00-04:00"},
		{"NewYorkFallNightGainsAnHour", early("America/New_York"), "2026-11-01T00:00:00-04:00", "7h", "2026-11-01T06:00:00-05:00"},
		{"NewYorkFallNightEighthHourIsMonday", early("America/New_York"), "2026-11-01T00:00:00-04:00", "8h", "2026-11-02T01:00:00-05:00"},
	})
}

func TestElapsed_IntervalsBoundedBySkippedOrRepeatedTimes(t *testing.T) {
	cases := []struct {
		name, calendar, from, to, want string
	}{
		// 02:30 never happens in Rome on 2026-03-29: the interval starts at the change, 03:00.
		{"StartInSpringGap", `{"timezone":"Europe/Rome","week":{"sun":[["02:30","04:00"]]}}`,
			"2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", "1h"},
		{"EndInSpringGap", `{"timezone":"Europe/Rome","week":{"sun":[["01:00","02:30"]]}}`,
			"2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", "1h"},
		{"WhollyInSpringGap", `{"timezone":"Europe/Rome","week":{"sun":[["02:00","02:59"]]},"holidays":[]}`,
			"2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", "0s"},
		// 01:30 happens twice in New York on 2026-11-01: an interval starting then starts at the first.
		{"StartInRepeatedHour", `{"timezone":"America/New_York","week":{"sun":[["01:30","03:00"]]}}`,
			"2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", "2h30m"},
		// Santiago springs forward at midnight: 2026-09-06 begins at 01:00.
		{"DayStartingInSpringGap", `{"timezone":"America/Santiago","week":{"sun":[["00:00","24:00"]]}}`,
			"2026-09-05T00:00:00-04:00", "2026-09-08T00:00:00-03:00", "23h"},
		// Lord Howe Island moves its clocks by half an hour.
		{"HalfHourSpringForward", `{"timezone":"Australia/Lord_Howe","week":{"sun":[["00:00","24:00"]]}}`,
			"2026-10-03T00:00:00+10:30", "2026-10-06T00:00:00+11:00", "23h30m"},
		{"HalfHourFallBack", `{"timezone":"Australia/Lord_Howe","week":{"sun":[["00:00","24:00"]]}}`,
			"2026-04-04T00:00:00+11:00", "2026-04-07T00:00:00+10:30", "24h30m"},
		{"EndInRepeatedHour", `{"timezone":"America/New_York","week":{"sun":[["00:00","01:30"]]}}`,
			"2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", "1h30m"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, tc.calendar)
			if got := c.Elapsed(mustTime(t, tc.from), mustTime(t, tc.to)); got != mustDuration(t, tc.want) {
				t.Fatalf("Elapsed = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAdd_Holidays(t *testing.T) {
	italy := office + `,"holiday_countries":["IT"]}`
	runAdd(t, []addCase{
		{"LeapDayIsAWorkingDay", office + `}`, "2028-02-28T16:00:00+01:00", "2h", "2028-02-29T09:00:00+01:00"},
		{"LeapDayHoliday", withHolidays(office, `["2028-02-29"]`), "2028-02-28T16:00:00+01:00", "2h", "2028-03-01T09:00:00+01:00"},
		{"YearEndWithItalianNewYear", italy, "2025-12-31T16:00:00+01:00", "2h", "2026-01-02T09:00:00+01:00"},
		{"ItalianImmacolata", italy, "2026-12-07T16:30:00+01:00", "1h", "2026-12-09T08:30:00+01:00"},
		{"ItalianChristmasAndSantoStefano", italy, "2026-12-24T16:00:00+01:00", "2h", "2026-12-28T09:00:00+01:00"},
		{"PartialHolidayClosesAfternoon", withHolidays(office, `[{"date":"2026-12-24","from":"13:00"},"2026-12-25"]`),
			"2026-12-24T12:00:00+01:00", "2h", "2026-12-28T09:00:00+01:00"},
		{"PartialHolidayKeepsMorning", withHolidays(office, `[{"date":"2026-12-24","from":"13:00"}]`),
			"2026-12-24T08:00:00+01:00", "5h", "2026-12-24T13:00:00+01:00"},
		{"OwnClosureAndCountryOnSameDay", office + `,"holidays":[{"date":"2026-12-08","from":"12:00"}],"holiday_countries":["IT"]}`,
			"2026-12-07T16:30:00+01:00", "1h", "2026-12-09T08:30:00+01:00"},
	})
}

func TestAdd_BuiltinRegions(t *testing.T) {
	cases := []struct{ id, start, d, want string }{
		// Australia Day, Monday 2026-01-26, closes apac (AU-NSW).
		{"apac", "2026-01-23T17:30:00+11:00", "1h", "2026-01-27T08:30:00+11:00"},
		// Thanksgiving, Thursday 2026-11-26, closes americas (US).
		{"americas", "2026-11-25T17:30:00-05:00", "1h", "2026-11-27T08:30:00-05:00"},
		// Boxing Day falls on Saturday 2026-12-26 and is observed on Monday 28th (GB).
		{"emea", "2026-12-24T17:30:00Z", "1h", "2026-12-29T08:30:00Z"},
		{"24x7", "2026-12-25T00:00:00Z", "48h", "2026-12-27T00:00:00Z"},
	}
	for _, tc := range cases {
		c, ok := Builtin(tc.id)
		if !ok {
			t.Fatalf("Builtin(%q) missing", tc.id)
		}
		if got := c.Add(mustTime(t, tc.start), mustDuration(t, tc.d)); !got.Equal(mustTime(t, tc.want)) {
			t.Errorf("%s Add(%s, %s) = %s, want %s", tc.id, tc.start, tc.d, got.Format(time.RFC3339), tc.want)
		}
	}
}

func TestAdd_BeyondHorizonIsZero(t *testing.T) {
	c := mustParse(t, office+`}`)
	if got := c.Add(mustTime(t, "2026-12-01T08:00:00Z"), 200*365*24*time.Hour); !got.IsZero() {
		t.Fatalf("Add of two centuries = %s, want the zero Time", got)
	}
}

func TestAdd_AcrossCacheChunks(t *testing.T) {
	// 24x7 makes working time equal to real time, whatever chunk boundaries lie between.
	c, _ := Builtin("24x7")
	start := mustTime(t, "2026-01-01T00:00:00Z")
	for _, d := range []time.Duration{time.Hour, 400 * 24 * time.Hour, 5 * 365 * 24 * time.Hour} {
		if got := c.Add(start, d); !got.Equal(start.Add(d)) {
			t.Errorf("24x7 Add(%s) = %s, want %s", d, got, start.Add(d))
		}
		if got := c.Elapsed(start, start.Add(d)); got != d {
			t.Errorf("24x7 Elapsed over %s = %s", d, got)
		}
	}
}

func TestElapsed(t *testing.T) {
	plain := mustParse(t, office+`}`)
	holiday := mustParse(t, withHolidays(office, `["2026-12-07"]`))
	cases := []struct {
		name     string
		c        *Calendar
		from, to string
		want     time.Duration
	}{
		{"AcrossWeekend", plain, "2026-12-04T16:30:00+01:00", "2026-12-07T08:30:00+01:00", time.Hour},
		{"AcrossHoliday", holiday, "2026-12-04T16:30:00+01:00", "2026-12-08T08:30:00+01:00", time.Hour},
		{"WholeWeek", plain, "2026-11-30T00:00:00+01:00", "2026-12-07T00:00:00+01:00", 45 * time.Hour},
		{"ClosedSpan", plain, "2026-12-05T00:00:00+01:00", "2026-12-06T00:00:00+01:00", 0},
		{"ToBeforeFrom", plain, "2026-12-04T12:00:00+01:00", "2026-12-04T10:00:00+01:00", 0},
		{"ToEqualsFrom", plain, "2026-12-04T12:00:00+01:00", "2026-12-04T12:00:00+01:00", 0},
		{"AcrossYears", plain, "2026-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00", (261 + 261) * 9 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Elapsed(mustTime(t, tc.from), mustTime(t, tc.to)); got != tc.want {
				t.Fatalf("Elapsed = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestIsOpenAndNextOpen(t *testing.T) {
	c := mustParse(t, withHolidays(office, `["2026-12-07"]`))
	cases := []struct {
		name, at string
		open     bool
		next     string
	}{
		{"AtOpening", "2026-12-04T08:00:00+01:00", true, "2026-12-04T08:00:00+01:00"},
		{"DuringHours", "2026-12-04T12:00:00+01:00", true, "2026-12-04T12:00:00+01:00"},
		{"AtClosingIsClosed", "2026-12-04T17:00:00+01:00", false, "2026-12-08T08:00:00+01:00"},
		{"JustBeforeClosing", "2026-12-04T16:59:59+01:00", true, "2026-12-04T16:59:59+01:00"},
		{"BeforeOpening", "2026-12-03T07:00:00+01:00", false, "2026-12-03T08:00:00+01:00"},
		{"OnHoliday", "2026-12-07T10:00:00+01:00", false, "2026-12-08T08:00:00+01:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := mustTime(t, tc.at)
			if got := c.IsOpen(at); got != tc.open {
				t.Errorf("IsOpen = %v, want %v", got, tc.open)
			}
			if got := c.NextOpen(at); !got.Equal(mustTime(t, tc.next)) || got.Location() != c.Location() {
				t.Errorf("NextOpen = %s, want %s in %v", got, tc.next, c.Location())
			}
		})
	}
}

func TestClosedForDecades_AddAndNextOpenAreZero(t *testing.T) {
	// Open on Mondays only, and every Monday for 22 years is a holiday.
	spec := Spec{Timezone: "UTC", Week: map[string][][2]string{"mon": {{"08:00", "09:00"}}}}
	for d := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC); d.Year() < 2048; d = d.AddDate(0, 0, 7) {
		spec.Holidays = append(spec.Holidays, Holiday{Date: d.Format(time.DateOnly)})
	}
	c, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	start := mustTime(t, "2026-01-01T00:00:00Z")
	if got := c.NextOpen(start); !got.IsZero() {
		t.Errorf("NextOpen = %s, want the zero Time", got)
	}
	if got := c.Add(start, time.Minute); !got.IsZero() {
		t.Errorf("Add = %s, want the zero Time", got)
	}
	// Past the holidays the calendar opens again.
	if got := c.NextOpen(mustTime(t, "2047-12-25T00:00:00Z")); !got.Equal(mustTime(t, "2048-01-06T08:00:00Z")) {
		t.Errorf("NextOpen after the holidays = %s", got)
	}
}
