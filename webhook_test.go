package casedesk

import (
	"testing"
	"time"
)

func TestWebhookWants_ExactPrefixOrAll(t *testing.T) {
	tests := []struct {
		events []string
		event  string
		want   bool
	}{
		{[]string{"*"}, "case.created", true},
		{[]string{"case.created"}, "case.created", true},
		{[]string{"case.created"}, "case.replied", false},
		{[]string{"sla.*"}, "sla.breached", true},
		{[]string{"sla.*"}, "slack.breached", false},
		{[]string{"case.created", "sla.*"}, "sla.warning", true},
		{[]string{"case.*"}, "sla.breached", false},
	}
	for _, tt := range tests {
		w := Webhook{Events: tt.events}
		if got := w.Wants(tt.event); got != tt.want {
			t.Errorf("%v wants %s = %v, want %v", tt.events, tt.event, got, tt.want)
		}
	}
}

func TestWebhookValidate_NamesTheFieldAtFault(t *testing.T) {
	tests := []struct {
		name      string
		w         Webhook
		wantField string // "" means valid
	}{
		{"https with path and query", Webhook{URL: "https://hooks.example/in?team=ops", Events: []string{"case.created"}}, ""},
		{"http on a port", Webhook{URL: "http://10.0.0.5:8080/in", Events: []string{"*"}}, ""},
		{"prefix", Webhook{URL: "https://hooks.example", Events: []string{"case.*", "sla.breached"}}, ""},
		{"empty URL", Webhook{Events: []string{"*"}}, "url"},
		{"mailto", Webhook{URL: "mailto:ops@example.com", Events: []string{"*"}}, "url"},
		{"fragment", Webhook{URL: "https://hooks.example/#x", Events: []string{"*"}}, "url"},
		{"unparseable", Webhook{URL: "https://hooks example/%zz", Events: []string{"*"}}, "url"},
		{"no events", Webhook{URL: "https://hooks.example"}, "events"},
		{"event without a dot", Webhook{URL: "https://hooks.example", Events: []string{"case"}}, "events"},
		{"star inside a name", Webhook{URL: "https://hooks.example", Events: []string{"case.*d"}}, "events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if got := ErrorField(err); got != tt.wantField || (tt.wantField == "") != (err == nil) {
				t.Fatalf("Validate() = %v (field %q), want field %q", err, got, tt.wantField)
			}
		})
	}
}

func TestWebhookRetryWait_DoublesFromThirtySecondsUpToSixHours(t *testing.T) {
	tests := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 30 * time.Second},
		{1, 30 * time.Second},
		{2, time.Minute},
		{3, 2 * time.Minute},
		{9, 128 * time.Minute},
		{10, 256 * time.Minute},
		{11, 6 * time.Hour},
		{1000, 6 * time.Hour},
	}
	for _, tt := range tests {
		if got := WebhookRetryWait(tt.attempts); got != tt.want {
			t.Errorf("WebhookRetryWait(%d) = %s, want %s", tt.attempts, got, tt.want)
		}
	}
}
