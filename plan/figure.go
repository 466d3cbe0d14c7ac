package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a target measured in working time of the coverage calendar.
// Documents write it in Go's duration syntax with hours, minutes and seconds
// only — "15m", "4h", "1h30m" — and never in days, because a day of business
// time is ambiguous (24 hours, or one 9-hour working day?).
type Duration time.Duration

// String writes d in its shortest form: "15m", "4h", "1h30m".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") { // "1h30m0s" → "1h30m"
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") { // "4h0m" → "4h"
		s = s[:len(s)-2]
	}
	return s
}

// MarshalText writes d as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "15m", "4h", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration; write hours, minutes or seconds, e.g. 15m, 4h, 1h30m", b)
	}
	*d = Duration(v)
	return nil
}

// Figure is a value of the catalog together with whether it is a casedesk
// default rather than a figure from the vendor's own documents. Documents
// write a figure from the source plainly ("1h", "4") and a default as a
// mapping ("{value: 2h, default: true}"), so defaults stay visible to whoever
// edits the catalog.
type Figure[T any] struct {
	Value   T
	Default bool
	// invalid holds why the document's text could not be read. Decoding keeps
	// going so that Validate can name the field at fault by its path, which a
	// decoder error cannot.
	invalid string
}

// Fig returns a figure taken from the vendor's documents.
func Fig[T any](v T) Figure[T] { return Figure[T]{Value: v} }

// Def returns a figure that is a casedesk default.
func Def[T any](v T) Figure[T] { return Figure[T]{Value: v, Default: true} }

// Target is a time target of a plan.
type Target = Figure[Duration]

type figureDoc[T any] struct {
	Value   T    `json:"value" yaml:"value"`
	Default bool `json:"default" yaml:"default"`
}

// MarshalYAML writes the plain value, or a mapping for a default.
func (f Figure[T]) MarshalYAML() (any, error) {
	if f.Default {
		return figureDoc[T]{f.Value, true}, nil
	}
	return f.Value, nil
}

// MarshalJSON writes the plain value, or an object for a default.
func (f Figure[T]) MarshalJSON() ([]byte, error) {
	if f.Default {
		return json.Marshal(figureDoc[T]{f.Value, true})
	}
	return json.Marshal(f.Value)
}

// UnmarshalYAML reads either form; a value that does not parse is kept for
// Validate to report.
func (f *Figure[T]) UnmarshalYAML(n *yaml.Node) error {
	*f = Figure[T]{}
	value := n
	if n.Kind == yaml.MappingNode {
		var doc struct {
			Value   yaml.Node `yaml:"value"`
			Default bool      `yaml:"default"`
		}
		if err := n.Decode(&doc); err != nil {
			f.invalid = err.Error()
			return nil
		}
		value, f.Default = &doc.Value, doc.Default
	}
	if value.Kind != yaml.ScalarNode {
		f.invalid = "expected a value, or a mapping with value and default"
		return nil
	}
	if err := value.Decode(&f.Value); err != nil {
		f.invalid = err.Error()
	}
	return nil
}

// UnmarshalJSON reads either form; a value that does not parse is kept for
// Validate to report.
func (f *Figure[T]) UnmarshalJSON(b []byte) error {
	*f = Figure[T]{}
	value := b
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '{' {
		var doc struct {
			Value   json.RawMessage `json:"value"`
			Default bool            `json:"default"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			f.invalid = err.Error()
			return nil
		}
		value, f.Default = doc.Value, doc.Default
	}
	if len(value) == 0 {
		f.invalid = "the value is missing"
		return nil
	}
	if err := json.Unmarshal(value, &f.Value); err != nil {
		f.invalid = err.Error()
	}
	return nil
}
