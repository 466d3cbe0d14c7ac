package priority

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

func TestFromMatrix(t *testing.T) {
	tests := []struct {
		impact, urgency Rating
		want            Level
	}{
		{High, High, P1}, {Medium, High, P2}, {Low, High, P3},
		{High, Medium, P2}, {Medium, Medium, P3}, {Low, Medium, P4},
		{High, Low, P3}, {Medium, Low, P4}, {Low, Low, P4},
	}
	for _, tt := range tests {
		got, err := FromMatrix(tt.impact, tt.urgency)
		if err != nil || got != tt.want {
			t.Errorf("FromMatrix(%v, %v) = %v, %v; want %v", tt.impact, tt.urgency, got, err, tt.want)
		}
	}
}

func TestFromMatrix_InvalidRatingNamesField(t *testing.T) {
	if _, err := FromMatrix(0, High); casedesk.ErrorField(err) != "impact" {
		t.Errorf("zero impact: err = %v, want field impact", err)
	}
	if _, err := FromMatrix(High, 9); casedesk.ErrorField(err) != "urgency" {
		t.Errorf("bad urgency: err = %v, want field urgency", err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		parse     func(string) (int, error)
		in        string
		want      int
		wantField string
	}{
		{"level", parseLevelInt, "P1", 1, ""},
		{"level lower case", parseLevelInt, " p4 ", 4, ""},
		{"level out of range", parseLevelInt, "P5", 0, "priority"},
		{"level bare digit", parseLevelInt, "2", 0, "priority"},
		{"impact", parseImpactInt, "High", int(High), ""},
		{"impact unknown", parseImpactInt, "huge", 0, "impact"},
		{"urgency", parseUrgencyInt, "low", int(Low), ""},
		{"urgency empty", parseUrgencyInt, "", 0, "urgency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if f := casedesk.ErrorField(err); f != tt.wantField {
				t.Fatalf("err = %v (field %q), want field %q", err, f, tt.wantField)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func parseLevelInt(s string) (int, error)   { l, err := ParseLevel(s); return int(l), err }
func parseImpactInt(s string) (int, error)  { r, err := ParseImpact(s); return int(r), err }
func parseUrgencyInt(s string) (int, error) { r, err := ParseUrgency(s); return int(r), err }

func TestLevel_JSONRoundTrip(t *testing.T) {
	b, err := json.Marshal(map[string]Level{"p": P3})
	if err != nil || string(b) != `{"p":"P3"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var back map[string]Level
	if err := json.Unmarshal(b, &back); err != nil || back["p"] != P3 {
		t.Fatalf("unmarshal = %v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"p":"P0"}`), &back); casedesk.ErrorField(err) != "priority" {
		t.Errorf("unmarshal P0: err = %v, want field priority", err)
	}
}

func TestDefinitions_EveryLanguageDefinesEveryLevel(t *testing.T) {
	for lang, defs := range Definitions {
		for _, l := range Levels {
			d := defs[l]
			if d.Name == "" || d.Title == "" || d.Text == "" {
				t.Errorf("%s %v: incomplete definition %+v", lang, l, d)
			}
		}
	}
	for _, lang := range []string{"en", "it", "fr"} {
		if _, ok := Definitions[lang]; !ok {
			t.Errorf("no definitions in %s", lang)
		}
	}
}

func TestDefine_FallsBackToEnglish(t *testing.T) {
	d, ok := Define(P1, "de")
	if !ok || d != Definitions["en"][P1] {
		t.Errorf("Define(P1, de) = %+v, %v; want the English definition", d, ok)
	}
	if d, _ := Define(P2, "it"); d.Name != "Alta" {
		t.Errorf("Define(P2, it).Name = %q, want Alta", d.Name)
	}
	if _, ok := Define(0, "en"); ok {
		t.Error("Define(0) reported ok")
	}
}

func TestNewOverride(t *testing.T) {
	at := time.Date(2026, 12, 4, 16, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		from, to  Level
		by        string
		at        time.Time
		reason    string
		wantField string
	}{
		{"valid", P3, P1, "ana@example.com", at, "production is down", ""},
		{"blank reason", P3, P1, "ana@example.com", at, "  ", "reason"},
		{"empty reason", P3, P1, "ana@example.com", at, "", "reason"},
		{"no author", P3, P1, "", at, "down", "by"},
		{"no time", P3, P1, "ana", time.Time{}, "down", "at"},
		{"invalid new level", P3, 7, "ana", at, "down", "to"},
		{"unchanged", P3, P3, "ana", at, "down", "to"},
		{"invalid previous level", 0, P2, "ana", at, "down", "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := NewOverride(tt.from, tt.to, tt.by, tt.at, tt.reason)
			if f := casedesk.ErrorField(err); f != tt.wantField {
				t.Fatalf("err = %v (field %q), want field %q", err, f, tt.wantField)
			}
			if err == nil && (o.To != tt.to || o.Reason != tt.reason || !o.At.Equal(tt.at)) {
				t.Errorf("override = %+v", o)
			}
		})
	}
}
