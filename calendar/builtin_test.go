package calendar

import (
	"slices"
	"testing"
)

func TestBuiltin(t *testing.T) {
	cases := []struct {
		id, zone  string
		countries []string
	}{
		{"24x7", "UTC", nil},
		{"24x5", "UTC", nil},
		{"americas", "America/New_York", []string{"US"}},
		{"emea", "Europe/London", []string{"GB"}},
		{"apac", "Australia/Sydney", []string{"AU-NSW"}},
	}
	var ids []string
	for _, tc := range cases {
		ids = append(ids, tc.id)
		c, ok := Builtin(tc.id)
		if !ok {
			t.Fatalf("Builtin(%q) not found", tc.id)
		}
		if c.Location().String() != tc.zone {
			t.Errorf("%s zone = %v, want %s", tc.id, c.Location(), tc.zone)
		}
		if got := c.Spec().HolidayCountries; !slices.Equal(got, tc.countries) {
			t.Errorf("%s holiday countries = %v, want %v", tc.id, got, tc.countries)
		}
	}
	if got := BuiltinIDs(); !slices.Equal(got, ids) {
		t.Errorf("BuiltinIDs = %v, want %v", got, ids)
	}
	if _, ok := Builtin("mars"); ok {
		t.Error("Builtin(mars) found")
	}
}

func TestBuiltin_RegionalHours(t *testing.T) {
	emea, _ := Builtin("emea")
	cases := []struct {
		at   string
		open bool
	}{
		{"2026-12-02T07:59:59Z", false},
		{"2026-12-02T08:00:00Z", true},
		{"2026-12-02T17:59:59Z", true},
		{"2026-12-02T18:00:00Z", false},
		{"2026-12-05T12:00:00Z", false}, // Saturday
		{"2026-07-01T07:30:00Z", true},  // 08:30 BST
	}
	for _, tc := range cases {
		if got := emea.IsOpen(mustTime(t, tc.at)); got != tc.open {
			t.Errorf("emea IsOpen(%s) = %v, want %v", tc.at, got, tc.open)
		}
	}
}
