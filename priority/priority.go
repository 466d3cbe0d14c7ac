// Package priority holds the four case priorities, the impact × urgency matrix
// that computes one from what the submitter reports, the levels' definitions in
// every supported language, and the override a customer or engineer records.
package priority

import (
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// Level is a case priority: P1 is the most urgent. The zero Level is not valid,
// so a forgotten priority is caught by validation instead of passing as P1.
type Level int

// The four levels, from most to least urgent.
const (
	P1 Level = 1 + iota
	P2
	P3
	P4
)

// Levels lists every valid level, most urgent first.
var Levels = []Level{P1, P2, P3, P4}

// Valid reports whether l is one of P1–P4.
func (l Level) Valid() bool { return l >= P1 && l <= P4 }

// String returns "P1" … "P4", or "P?" for an invalid level.
func (l Level) String() string {
	if !l.Valid() {
		return "P?"
	}
	return "P" + string(rune('0'+l))
}

// MarshalText writes the level as "P1" … "P4", so JSON and YAML show names.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, casedesk.FieldErrorf("priority", "%d is not a priority level", int(l)).WithKey("error.priority.level", map[string]any{"Level": int(l)})
	}
	return []byte(l.String()), nil
}

// UnmarshalText reads a level as ParseLevel does.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ParseLevel reads "P1" … "P4" (any case, surrounding spaces ignored); the
// error names the field "priority".
func ParseLevel(s string) (Level, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	for _, l := range Levels {
		if t == l.String() {
			return l, nil
		}
	}
	return 0, casedesk.FieldErrorf("priority", "%q is not a priority; use P1, P2, P3 or P4", s).WithKey("error.priority.unknown", map[string]any{"Priority": s})
}

// Rating is how much impact or urgency the submitter reports. The zero Rating
// is not valid, for the same reason as Level's.
type Rating int

// The three ratings of the matrix.
const (
	High Rating = 1 + iota
	Medium
	Low
)

var ratingNames = map[Rating]string{High: "high", Medium: "medium", Low: "low"}

// String returns "high", "medium" or "low".
func (r Rating) String() string {
	if n, ok := ratingNames[r]; ok {
		return n
	}
	return "unknown"
}

// ParseImpact reads an impact rating; the error names the field "impact".
func ParseImpact(s string) (Rating, error) { return parseRating("impact", s) }

// ParseUrgency reads an urgency rating; the error names the field "urgency".
func ParseUrgency(s string) (Rating, error) { return parseRating("urgency", s) }

func parseRating(field, s string) (Rating, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for r, n := range ratingNames {
		if t == n {
			return r, nil
		}
	}
	return 0, casedesk.FieldErrorf(field, "%q is not a rating; use high, medium or low", s).WithKey("error.priority.rating", map[string]any{"Rating": s})
}

// matrix is the Zmanda impact × urgency table (PRODUCT §3), indexed
// [urgency-1][impact-1].
var matrix = [3][3]Level{
	{P1, P2, P3}, // urgency high
	{P2, P3, P4}, // urgency medium
	{P3, P4, P4}, // urgency low
}

// FromMatrix returns the priority that impact and urgency call for; the error
// names the invalid field.
func FromMatrix(impact, urgency Rating) (Level, error) {
	if _, ok := ratingNames[impact]; !ok {
		return 0, casedesk.FieldErrorf("impact", "impact is missing or invalid").WithKey("error.priority.impact", nil)
	}
	if _, ok := ratingNames[urgency]; !ok {
		return 0, casedesk.FieldErrorf("urgency", "urgency is missing or invalid").WithKey("error.priority.urgency", nil)
	}
	return matrix[urgency-1][impact-1], nil
}

// Override records a change of priority away from the computed or previous
// one. Every change carries who made it, when and why (PRODUCT §3).
type Override struct {
	From   Level     `json:"from" yaml:"from"`
	To     Level     `json:"to" yaml:"to"`
	By     string    `json:"by" yaml:"by"`
	At     time.Time `json:"at" yaml:"at"`
	Reason string    `json:"reason" yaml:"reason"`
}

// NewOverride returns a validated Override.
func NewOverride(from, to Level, by string, at time.Time, reason string) (Override, error) {
	o := Override{From: from, To: to, By: strings.TrimSpace(by), At: at, Reason: strings.TrimSpace(reason)}
	return o, o.Validate()
}

// Validate reports the first field at fault: both levels valid, an author, a
// time and a reason that is not blank.
func (o Override) Validate() error {
	switch {
	case !o.From.Valid():
		return casedesk.FieldErrorf("from", "the previous priority is missing or invalid").WithKey("error.priority.from", nil)
	case !o.To.Valid():
		return casedesk.FieldErrorf("to", "the new priority is missing or invalid").WithKey("error.priority.to", nil)
	case o.To == o.From:
		return casedesk.FieldErrorf("to", "the new priority is the same as the current one").WithKey("error.priority.same", nil)
	case strings.TrimSpace(o.By) == "":
		return casedesk.FieldErrorf("by", "say who changes the priority").WithKey("error.priority.by", nil)
	case o.At.IsZero():
		return casedesk.FieldErrorf("at", "say when the priority changes").WithKey("error.priority.at", nil)
	case strings.TrimSpace(o.Reason) == "":
		return casedesk.FieldErrorf("reason", "a priority change needs a reason").WithKey("error.priority.reason", nil)
	}
	return nil
}
