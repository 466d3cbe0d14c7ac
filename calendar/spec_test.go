package calendar

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
)

func TestParse_ValidationErrorsNameTheField(t *testing.T) {
	const mon = `"week":{"mon":[["08:00","17:00"]]}`
	cases := []struct {
		name, json, field string
	}{
		{"MissingTimezone", `{` + mon + `}`, "timezone"},
		{"UnknownTimezone", `{"timezone":"Mars/Olympus",` + mon + `}`, "timezone"},
		{"LocalTimezone", `{"timezone":"Local",` + mon + `}`, "timezone"},
		{"UnknownDay", `{"timezone":"UTC","week":{"xyz":[["08:00","17:00"]]}}`, "week.xyz"},
		{"CapitalisedDay", `{"timezone":"UTC","week":{"Mon":[["08:00","17:00"]]}}`, "week.Mon"},
		{"NoWorkingHours", `{"timezone":"UTC","week":{}}`, "week"},
		{"NoWeek", `{"timezone":"UTC"}`, "week"},
		{"OnlyEmptyDays", `{"timezone":"UTC","week":{"mon":[],"tue":[]}}`, "week"},
		{"BadStart", `{"timezone":"UTC","week":{"tue":[["08:00","12:00"],["1:00","17:00"]]}}`, "week.tue[1][0]"},
		{"BadEnd", `{"timezone":"UTC","week":{"tue":[["08:00","12:00"],["13:00","17:60"]]}}`, "week.tue[1][1]"},
		{"HourPast24", `{"timezone":"UTC","week":{"tue":[["08:00","25:00"]]}}`, "week.tue[0][1]"},
		{"PastMidnight", `{"timezone":"UTC","week":{"tue":[["08:00","24:01"]]}}`, "week.tue[0][1]"},
		{"StartAt24", `{"timezone":"UTC","week":{"tue":[["24:00","06:00"]]}}`, "week.tue[0][0]"},
		{"OneTimeOnly", `{"timezone":"UTC","week":{"tue":[["08:00"]]}}`, "week.tue[0]"},
		{"ThreeTimes", `{"timezone":"UTC","week":{"tue":[["08:00","12:00","13:00"]]}}`, "week.tue[0]"},
		{"Overlap", `{"timezone":"UTC","week":{"tue":[["08:00","12:00"],["11:00","17:00"]]}}`, "week.tue[1]"},
		{"OverlapListedFirst", `{"timezone":"UTC","week":{"tue":[["11:00","17:00"],["08:00","12:00"]]}}`, "week.tue[0]"},
		{"OvernightOverlapsNextDay", `{"timezone":"UTC","week":{"mon":[["22:00","06:00"]],"tue":[["05:00","09:00"]]}}`, "week.tue[0]"},
		{"SundayNightOverlapsMonday", `{"timezone":"UTC","week":{"sun":[["22:00","08:30"]],"mon":[["08:00","17:00"]]}}`, "week.mon[0]"},
		{"WeekNotAnObject", `{"timezone":"UTC","week":[]}`, "week"},
		{"BadHolidayDate", `{"timezone":"UTC",` + mon + `,"holidays":["2026-12-25","2026-02-30"]}`, "holidays[1]"},
		{"BadPartialHolidayDate", `{"timezone":"UTC",` + mon + `,"holidays":[{"date":"24/12/2026","from":"13:00"}]}`, "holidays[0].date"},
		{"BadHolidayFrom", `{"timezone":"UTC",` + mon + `,"holidays":["2026-12-25","2026-12-26",{"date":"2026-12-24","from":"1pm"}]}`, "holidays[2].from"},
		{"HolidayFrom24", `{"timezone":"UTC",` + mon + `,"holidays":[{"date":"2026-12-24","from":"24:00"}]}`, "holidays[0].from"},
		{"HolidayUnknownField", `{"timezone":"UTC",` + mon + `,"holidays":[{"date":"2026-12-24","until":"13:00"}]}`, "holidays[0].until"},
		{"HolidayNumber", `{"timezone":"UTC",` + mon + `,"holidays":[20261225]}`, "holidays[0]"},
		{"DuplicateHoliday", `{"timezone":"UTC",` + mon + `,"holidays":["2026-12-25","2026-12-25"]}`, "holidays[1]"},
		{"UnknownCountry", `{"timezone":"UTC",` + mon + `,"holiday_countries":["XX"]}`, "holiday_countries[0]"},
		{"AustraliaNeedsAState", `{"timezone":"UTC",` + mon + `,"holiday_countries":["IT","AU"]}`, "holiday_countries[1]"},
		{"DuplicateCountry", `{"timezone":"UTC",` + mon + `,"holiday_countries":["IT","it"]}`, "holiday_countries[1]"},
		{"UnknownTopLevelField", `{"timezone":"UTC",` + mon + `,"zone":"UTC"}`, "zone"},
		{"TimezoneNotAString", `{"timezone":1,` + mon + `}`, "timezone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			if err == nil {
				t.Fatalf("Parse(%s) succeeded, want an error on %s", tc.json, tc.field)
			}
			if code := casedesk.ErrorCode(err); code != casedesk.EINVALID {
				t.Errorf("code = %q, want %q (%v)", code, casedesk.EINVALID, err)
			}
			if field := casedesk.ErrorField(err); field != tc.field {
				t.Errorf("field = %q, want %q (%v)", field, tc.field, err)
			}
		})
	}
}

func TestParse_MalformedJSONIsInvalid(t *testing.T) {
	for _, in := range []string{``, `{`, `[]`, `{"timezone":"UTC"} {}`, `"x"`} {
		_, err := Parse([]byte(in))
		if casedesk.ErrorCode(err) != casedesk.EINVALID {
			t.Errorf("Parse(%q) = %v, want an EINVALID error", in, err)
		}
	}
}

func TestParse_IssueExample(t *testing.T) {
	c := mustParse(t, `{"timezone":"Europe/Rome","week":{"mon":[["08:00","17:00"]],"tue":[["08:00","12:30"],["13:30","17:00"]]},"holidays":["2026-12-25",{"date":"2026-12-24","from":"13:00"}],"holiday_countries":["IT"]}`)
	if c.Location().String() != "Europe/Rome" {
		t.Errorf("Location = %v", c.Location())
	}
}

func TestSpec_JSONRoundTrip(t *testing.T) {
	in := `{"timezone":"Europe/Rome","week":{"mon":[["08:00","17:00"]],"tue":[["08:00","12:30"],["13:30","17:00"]]},"holidays":["2026-12-25",{"date":"2026-12-24","from":"13:00"}],"holiday_countries":["IT"]}`
	c := mustParse(t, in)
	out, err := json.Marshal(c.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("Marshal(Spec()) =\n%s\nwant\n%s", out, in)
	}
	var back Spec
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c.Spec()) {
		t.Errorf("Unmarshal(Marshal(spec)) = %+v, want %+v", back, c.Spec())
	}
}

func TestSpec_IsACopyWithNormalisedCountries(t *testing.T) {
	spec := Spec{Timezone: "UTC", Week: map[string][][2]string{"mon": {{"08:00", "17:00"}}}, HolidayCountries: []string{"au-nsw"}}
	c, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Spec()
	if got.HolidayCountries[0] != "AU-NSW" {
		t.Errorf("HolidayCountries = %v, want [AU-NSW]", got.HolidayCountries)
	}
	got.Week["mon"][0][1] = "23:00"
	spec.Week["mon"][0][1] = "23:00"
	if c.Spec().Week["mon"][0][1] != "17:00" {
		t.Error("changing a returned or given spec changed the calendar's")
	}
}

func TestHoliday_UnmarshalBothForms(t *testing.T) {
	var hs []Holiday
	if err := json.Unmarshal([]byte(`["2026-12-25", {"date":"2026-12-24","from":"13:00"}]`), &hs); err != nil {
		t.Fatal(err)
	}
	want := []Holiday{{Date: "2026-12-25"}, {Date: "2026-12-24", From: "13:00"}}
	if !reflect.DeepEqual(hs, want) {
		t.Errorf("got %+v, want %+v", hs, want)
	}
	var h Holiday
	if err := json.Unmarshal([]byte(`true`), &h); err == nil || !strings.Contains(err.Error(), "holiday") {
		t.Errorf("Unmarshal(true) = %v, want an error explaining the forms", err)
	}
}
