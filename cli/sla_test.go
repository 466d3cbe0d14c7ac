package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/plan"
)

// officeCalendar writes a Rome calendar open Monday–Friday 08:00–17:00 with
// the given closure dates and returns its path.
func officeCalendar(t *testing.T, holidays ...string) string {
	t.Helper()
	spec := map[string]any{
		"timezone": "Europe/Rome",
		"week": map[string]any{
			"mon": [][]string{{"08:00", "17:00"}}, "tue": [][]string{{"08:00", "17:00"}}, "wed": [][]string{{"08:00", "17:00"}},
			"thu": [][]string{{"08:00", "17:00"}}, "fri": [][]string{{"08:00", "17:00"}},
		},
		"holidays": append([]string{}, holidays...),
	}
	data, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "office.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs casedesk with args and returns its exit code and outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func runJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := runCLI(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("casedesk %v: exit %d: %s", args, code, errOut)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("casedesk %v: %v\n%s", args, err, out)
	}
	return v
}

func TestSLADue(t *testing.T) {
	office := officeCalendar(t)
	holidayMonday := officeCalendar(t, "2026-12-07")
	tests := []struct {
		name    string
		args    []string
		wantDue string
		want    map[string]any
	}{
		{"Friday 16:30 + 1h is Monday 08:30",
			[]string{"--calendar", office, "--target", "1h", "--opened", "2026-12-04T16:30:00+01:00"},
			"2026-12-07T08:30:00+01:00", map[string]any{"target": "1h", "business_elapsed_seconds": 3600.0, "real_elapsed_seconds": 64 * 3600.0}},
		{"before a holiday Monday it is Tuesday 08:30",
			[]string{"--calendar", holidayMonday, "--target", "1h", "--opened", "2026-12-04T16:30:00+01:00"},
			"2026-12-08T08:30:00+01:00", nil},
		{"due is in the calendar's zone",
			[]string{"--calendar", office, "--target", "90m", "--opened", "2026-12-04T15:00:00Z"},
			"2026-12-07T08:30:00+01:00", map[string]any{"target": "1h30m"}},
		{"24x5 across the weekend",
			[]string{"--calendar", "24x5", "--target", "90m", "--opened", "2026-12-04T21:00:00Z"},
			"2026-12-06T22:30:00Z", nil},
		{"Zmanda Standard P2 is 3h of business time",
			[]string{"--calendar", office, "--plan", "zmanda-standard", "--priority", "P2", "--opened", "2026-12-04T16:30:00+01:00"},
			"2026-12-07T10:30:00+01:00", map[string]any{"plan": "zmanda-standard", "plan_version": 1.0, "priority": "P2", "coverage": "business", "target": "3h"}},
		{"Zmanda Premium P1 is 15m round the clock",
			[]string{"--calendar", office, "--plan", "zmanda-premium", "--priority", "p1", "--opened", "2026-12-04T16:30:00+01:00"},
			"2026-12-04T16:45:00+01:00", map[string]any{"coverage": "24x7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runJSON(t, append([]string{"sla", "due"}, tt.args...)...)
			if got["due"] != tt.wantDue {
				t.Errorf("due = %v, want %s", got["due"], tt.wantDue)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			if cal, _ := got["calendar"].(map[string]any); cal["id"] == "" || cal["description"] == "" {
				t.Errorf("calendar = %v", got["calendar"])
			}
			if s, _ := got["explanation"].(string); !strings.Contains(s, tt.wantDue) {
				t.Errorf("explanation %q lacks the due time", s)
			}
		})
	}
}

func TestSLADue_Text(t *testing.T) {
	code, out, errOut := runCLI(t, "sla", "due", "--calendar", officeCalendar(t), "--target", "1h", "--opened", "2026-12-04T16:30:00+01:00")
	if code != 0 || !strings.HasPrefix(out, "2026-12-07T08:30:00+01:00\n") || !strings.Contains(out, "target 1h of working time") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestSLAElapsed(t *testing.T) {
	got := runJSON(t, "sla", "elapsed", "--calendar", officeCalendar(t), "--from", "2026-12-04T16:30:00+01:00", "--to", "2026-12-07T08:30:00+01:00")
	if got["elapsed_seconds"] != 3600.0 || got["elapsed"] != "1h" || got["real_elapsed_seconds"] != 64*3600.0 {
		t.Errorf("got %v", got)
	}
}

func TestPriority(t *testing.T) {
	tests := []struct {
		impact, urgency, lang string
		want, wantName        string
	}{
		{"high", "high", "", "P1", "Critical"},
		{"high", "low", "", "P3", "Medium"},
		{"low", "medium", "it", "P4", "Bassa"},
		{"Medium", "HIGH", "fr", "P2", "Élevée"},
	}
	for _, tt := range tests {
		args := []string{"priority", "--impact", tt.impact, "--urgency", tt.urgency}
		if tt.lang != "" {
			args = append(args, "--lang", tt.lang)
		}
		got := runJSON(t, args...)
		if got["priority"] != tt.want || got["name"] != tt.wantName || got["definition"] == "" {
			t.Errorf("%v: got %v", args, got)
		}
	}
}

func TestPlans(t *testing.T) {
	code, out, _ := runCLI(t, "plans")
	if code != 0 || !strings.Contains(out, "zmanda-premium") || !strings.Contains(out, "15m 24x7") || !strings.Contains(out, "no commitment") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	var listed plan.Catalog
	code, out, _ = runCLI(t, "plans", "--json")
	if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil || len(listed.Plans) != 14 {
		t.Errorf("plans --json: exit %d, %v, %d plans", code, err, len(listed.Plans))
	}
	code, out, _ = runCLI(t, "plans", "--export")
	if code != 0 {
		t.Fatalf("export: exit %d", code)
	}
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	got := runJSON(t, "sla", "due", "--catalog", path, "--calendar", "emea", "--plan", "ivanti-premium", "--priority", "P1", "--opened", "2026-12-05T10:00:00Z")
	if got["due"] != "2026-12-05T11:00:00Z" {
		t.Errorf("due from the exported catalog = %v, want Saturday 11:00 (P1 on 24x7)", got["due"])
	}
}

func TestSLA_BadInputNamesTheFlag(t *testing.T) {
	office := officeCalendar(t)
	opened := "2026-12-04T16:30:00+01:00"
	tests := []struct {
		args []string
		flag string
	}{
		{[]string{"sla", "due", "--calendar", office, "--target", "1h", "--opened", "Friday"}, "--opened"},
		{[]string{"sla", "due", "--calendar", office, "--target", "1h"}, "--opened"},
		{[]string{"sla", "due", "--calendar", "mars", "--target", "1h", "--opened", opened}, "--calendar"},
		{[]string{"sla", "due", "--target", "1h", "--opened", opened}, "--calendar"},
		{[]string{"sla", "due", "--calendar", office, "--target", "3d", "--opened", opened}, "--target"},
		{[]string{"sla", "due", "--calendar", office, "--target", "-5m", "--opened", opened}, "--target"},
		{[]string{"sla", "due", "--calendar", office, "--opened", opened}, "--target"},
		{[]string{"sla", "due", "--calendar", office, "--plan", "gold", "--priority", "P1", "--opened", opened}, "--plan"},
		{[]string{"sla", "due", "--calendar", office, "--plan", "community", "--priority", "P1", "--opened", opened}, "--plan"},
		{[]string{"sla", "due", "--calendar", office, "--plan", "zmanda-standard", "--priority", "P9", "--opened", opened}, "--priority"},
		{[]string{"sla", "elapsed", "--calendar", office, "--from", opened, "--to", "2026-12-01T00:00:00Z"}, "--to"},
		{[]string{"priority", "--impact", "huge", "--urgency", "low"}, "--impact"},
		{[]string{"priority", "--impact", "low", "--urgency", ""}, "--urgency"},
		{[]string{"priority", "--impact", "low", "--urgency", "low", "--lang", "de"}, "--lang"},
		{[]string{"plans", "--catalog", "/nonexistent.yaml"}, "--catalog"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.flag+":") {
			t.Errorf("%v: exit %d, %q; want exit 2 naming %s", tt.args, code, errOut, tt.flag)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"timezone":"Europe/Rome","week":{"mon":[["08:00","25:00"]]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "sla", "due", "--calendar", bad, "--target", "1h", "--opened", opened)
	if code != 2 || !strings.Contains(errOut, "--calendar:") || !strings.Contains(errOut, "week.mon[0]") {
		t.Errorf("bad calendar file: exit %d, %q", code, errOut)
	}
}
