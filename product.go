package casedesk

import (
	"strings"
	"time"
)

// Product is something the vendor supports.
type Product struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Line groups products for contracts and plan overrides ("ITSM", "backup").
	Line string `json:"line,omitempty"`
	// Type selects features a plan may not give on it (PRODUCT §4).
	Type      string     `json:"type,omitempty"`
	Versions  []*Version `json:"versions,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Version is a release of a product, with its support lifecycle.
type Version struct {
	ID        int64  `json:"id"`
	ProductID int64  `json:"product_id"`
	Name      string `json:"name"`
	// ReleasedOn and EndOfLife are dates, YYYY-MM-DD; an empty EndOfLife means
	// no end of life is announced.
	ReleasedOn string `json:"released_on,omitempty"`
	EndOfLife  string `json:"end_of_life,omitempty"`
}

// dateLayout is how dates without a time are written everywhere.
const dateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date, naming field in the error.
func ParseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, FieldErrorf(field, "%q is not a date: write YYYY-MM-DD", s).WithKey("error.date.invalid", map[string]any{"Date": s})
	}
	return t, nil
}

// Validate checks a product.
func (p *Product) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || len(p.Name) > 200 {
		return FieldErrorf("name", "must be 1 to 200 characters").WithKey("error.length.range", map[string]any{"Min": 1, "Max": 200})
	}
	p.Line, p.Type = strings.TrimSpace(p.Line), strings.TrimSpace(p.Type)
	return nil
}

// Validate checks a version's name and dates.
func (v *Version) Validate() error {
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" || len(v.Name) > 100 {
		return FieldErrorf("name", "must be 1 to 100 characters").WithKey("error.length.range", map[string]any{"Min": 1, "Max": 100})
	}
	var released, eol time.Time
	var err error
	if v.ReleasedOn != "" {
		if released, err = ParseDate("released_on", v.ReleasedOn); err != nil {
			return err
		}
	}
	if v.EndOfLife != "" {
		if eol, err = ParseDate("end_of_life", v.EndOfLife); err != nil {
			return err
		}
	}
	if !released.IsZero() && !eol.IsZero() && eol.Before(released) {
		return FieldErrorf("end_of_life", "must not be before released_on").WithKey("error.version.eol_before_release", nil)
	}
	return nil
}

// PastEndOfLife reports whether the version is unsupported on day at.
func (v *Version) PastEndOfLife(at time.Time) bool {
	if v.EndOfLife == "" {
		return false
	}
	eol, err := time.Parse(dateLayout, v.EndOfLife)
	return err == nil && !at.Before(eol.AddDate(0, 0, 1))
}
