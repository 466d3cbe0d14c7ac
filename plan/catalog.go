package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/priority"
)

// Catalog is every version of every plan a vendor offers. Plans are never
// changed in place: Edit adds a version, so a clock computed with an older
// version can still be explained by it.
type Catalog struct {
	Plans []Plan `json:"plans" yaml:"plans"`
}

// Latest returns the newest version of each plan, in the order plans first
// appear in the catalog.
func (c *Catalog) Latest() []*Plan {
	var list []*Plan
	index := map[string]int{}
	for i := range c.Plans {
		p := &c.Plans[i]
		j, seen := index[p.ID]
		switch {
		case !seen:
			index[p.ID] = len(list)
			list = append(list, p)
		case p.Version > list[j].Version:
			list[j] = p
		}
	}
	return list
}

// Plan returns the newest version of the plan with id.
func (c *Catalog) Plan(id string) (*Plan, bool) {
	return c.PlanVersion(id, 0)
}

// PlanVersion returns version v of the plan with id; v == 0 means the newest.
func (c *Catalog) PlanVersion(id string, v int) (*Plan, bool) {
	var found *Plan
	for i := range c.Plans {
		p := &c.Plans[i]
		if p.ID == id && (p.Version == v || v == 0 && (found == nil || p.Version > found.Version)) {
			found = p
		}
	}
	return found, found != nil
}

// Edit stores p as the next version of the plan with its id (version 1 for a
// new id) and returns the stored copy. Nothing is stored if p is invalid.
func (c *Catalog) Edit(p Plan) (Plan, error) {
	p = p.clone()
	p.Version = 1
	if old, ok := c.Plan(p.ID); ok {
		p.Version = old.Version + 1
	}
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	c.Plans = append(c.Plans, p)
	return p.clone(), nil
}

// Load reads a catalog document, YAML or JSON (told apart by a leading "{"),
// and validates it. Unknown fields are refused so that a misspelt key does not
// silently drop a target.
func Load(data []byte) (*Catalog, error) {
	var c Catalog
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, casedesk.FieldErrorf("plans", "the catalog is not valid JSON: %v", err)
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return nil, casedesk.FieldErrorf("plans", "the catalog is not valid YAML: %v", err)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// YAML exports the catalog in the form Load reads.
func (c *Catalog) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("export plan catalog: %w", err)
	}
	return buf.Bytes(), enc.Close()
}

// JSON exports the catalog in the form Load reads.
func (c *Catalog) JSON() ([]byte, error) {
	return json.MarshalIndent(c, "", "  ")
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Validate reports every field at fault, each named by its path in the
// document, such as plans[3].priorities.P2.first_response.
func (c *Catalog) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i := range c.Plans {
		p := &c.Plans[i]
		path := fmt.Sprintf("plans[%d]", i)
		errs = append(errs, p.validate(path)...)
		key := fmt.Sprintf("%s@%d", p.ID, p.Version)
		if seen[key] {
			errs = append(errs, casedesk.FieldErrorf(path+".version", "plan %s already has a version %d", p.ID, p.Version))
		}
		seen[key] = true
	}
	return errors.Join(errs...)
}

// Validate reports every field of p at fault.
func (p *Plan) Validate() error { return errors.Join(p.validate("plan")...) }

func (p *Plan) validate(path string) []error {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, casedesk.FieldErrorf(path+"."+field, format, args...))
	}
	if !idPattern.MatchString(p.ID) {
		fail("id", "%q is not an id: use lower-case letters, digits and hyphens", p.ID)
	}
	if p.Version < 1 {
		fail("version", "versions start at 1")
	}
	if p.Name == "" {
		fail("name", "a plan needs a name")
	}
	checkCount(fail, "technical_contacts", p.TechnicalContacts)
	checkCount(fail, "evaluation_days", p.EvaluationDays)
	if p.Features.SpecialEventWeekends < 0 {
		fail("features.special_event_weekends", "must not be negative")
	}
	if p.Features.PriorityHandlingRank < 0 {
		fail("features.priority_handling_rank", "must not be negative")
	}
	if p.NoCommitment {
		if p.Priorities != (Priorities{}) || len(p.ProductLines) > 0 {
			fail("priorities", "a plan with no commitment has no targets")
		}
	} else {
		p.Priorities.validate(fail, "priorities.", true)
	}
	for _, line := range slices.Sorted(maps.Keys(p.ProductLines)) {
		ps := p.ProductLines[line]
		ps.validate(fail, "product_lines."+line+".", false)
	}
	known := FeatureNames()
	for _, typ := range slices.Sorted(maps.Keys(p.ProductTypes)) {
		for j, name := range p.ProductTypes[typ] {
			if !slices.Contains(known, name) {
				fail(fmt.Sprintf("product_types.%s[%d]", typ, j), "%q is not a feature", name)
			}
		}
	}
	return errs
}

type failFunc func(field, format string, args ...any)

func checkCount(fail failFunc, field string, f Figure[int]) {
	switch {
	case f.invalid != "":
		fail(field, "%s", f.invalid)
	case f.Value < 0:
		fail(field, "must not be negative")
	}
}

func (ps *Priorities) validate(fail failFunc, prefix string, required bool) {
	for _, l := range priority.Levels {
		field := prefix + l.String()
		c := ps.For(l)
		if c == nil {
			if required {
				fail(field, "every priority needs a commitment")
			}
			continue
		}
		if c.Coverage != Business && !isCalendar(c.Coverage) {
			fail(field+".coverage", "%q is neither %q nor a built-in calendar", c.Coverage, Business)
		}
		checkTarget(fail, field+".first_response", &c.FirstResponse)
		if c.NextUpdate != nil {
			checkTarget(fail, field+".next_update", c.NextUpdate)
		}
		if c.Resolution != nil {
			checkTarget(fail, field+".resolution", c.Resolution)
		}
	}
}

func checkTarget(fail failFunc, field string, t *Target) {
	switch {
	case t.invalid != "":
		fail(field, "%s", t.invalid)
	case t.Value <= 0:
		fail(field, "a target must be longer than zero")
	}
}

// clone returns a deep copy, so that a stored version cannot change through a
// pointer its caller kept.
func (p Plan) clone() Plan {
	p.Priorities = p.Priorities.clone()
	if p.ProductLines != nil {
		lines := make(map[string]Priorities, len(p.ProductLines))
		for k, v := range p.ProductLines {
			lines[k] = v.clone()
		}
		p.ProductLines = lines
	}
	if p.ProductTypes != nil {
		types := make(map[string][]string, len(p.ProductTypes))
		for k, v := range p.ProductTypes {
			types[k] = slices.Clone(v)
		}
		p.ProductTypes = types
	}
	return p
}

func (ps Priorities) clone() Priorities {
	for _, c := range []**Commitment{&ps.P1, &ps.P2, &ps.P3, &ps.P4} {
		if *c == nil {
			continue
		}
		cp := **c
		if cp.NextUpdate != nil {
			t := *cp.NextUpdate
			cp.NextUpdate = &t
		}
		if cp.Resolution != nil {
			t := *cp.Resolution
			cp.Resolution = &t
		}
		*c = &cp
	}
	return ps
}
