// Package plan holds support plans — named bundles of entitlements, coverage
// calendars and SLA targets — and the catalog that ships the seeds' programs as
// editable default data (PRODUCT §2, §4). It is pure: no I/O.
package plan

import (
	"reflect"
	"strings"
	"time"

	"github.com/casedesk/casedesk/priority"
)

// Coverage names the calendar a priority is worked on: Business for the
// contract's own calendar, otherwise the id of a built-in calendar.
type Coverage = string

// Coverages with a meaning of their own.
const (
	Business Coverage = "business" // the contract's calendar: its region's hours, or the customer's
	Full     Coverage = "24x7"     // the built-in round-the-clock calendar
)

// Plan is one version of a support level.
type Plan struct {
	ID      string `json:"id" yaml:"id"`
	Version int    `json:"version" yaml:"version"`
	Name    string `json:"name" yaml:"name"`
	Program string `json:"program" yaml:"program"`
	// Source says where the figures come from, so an administrator knows
	// which are the vendor's and which are casedesk's guesses.
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
	// NoCommitment marks a plan with no SLA at all (community support).
	NoCommitment bool `json:"no_commitment,omitempty" yaml:"no_commitment,omitempty"`
	// EvaluationDays is the length of a trial; zero for any other plan.
	EvaluationDays    Figure[int] `json:"evaluation_days,omitzero" yaml:"evaluation_days,omitempty"`
	TechnicalContacts Figure[int] `json:"technical_contacts" yaml:"technical_contacts"`
	Features          Features    `json:"features" yaml:"features"`
	Priorities        Priorities  `json:"priorities,omitzero" yaml:"priorities,omitempty"`
	// ProductLines replaces, for cases on a product line, the commitment of
	// each priority the entry lists (Infor: targets "by severity, product and
	// plan").
	ProductLines map[string]Priorities `json:"product_lines,omitempty" yaml:"product_lines,omitempty"`
	// ProductTypes lists, per product type, the features the plan does not
	// give on it (Infor: "not available for some product types").
	ProductTypes map[string][]string `json:"product_types,omitempty" yaml:"product_types,omitempty"`
}

// Priorities holds a commitment per level; all four are required unless the
// plan has no commitment.
type Priorities struct {
	P1 *Commitment `json:"P1,omitempty" yaml:"P1,omitempty"`
	P2 *Commitment `json:"P2,omitempty" yaml:"P2,omitempty"`
	P3 *Commitment `json:"P3,omitempty" yaml:"P3,omitempty"`
	P4 *Commitment `json:"P4,omitempty" yaml:"P4,omitempty"`
}

// For returns the commitment for l, or nil.
func (ps *Priorities) For(l priority.Level) *Commitment {
	switch l {
	case priority.P1:
		return ps.P1
	case priority.P2:
		return ps.P2
	case priority.P3:
		return ps.P3
	case priority.P4:
		return ps.P4
	}
	return nil
}

// Commitment is what a plan promises for one priority: the calendar the clocks
// run on and the targets. NextUpdate and Resolution are optional.
type Commitment struct {
	Coverage      Coverage `json:"coverage" yaml:"coverage"`
	FirstResponse Target   `json:"first_response" yaml:"first_response"`
	NextUpdate    *Target  `json:"next_update,omitempty" yaml:"next_update,omitempty"`
	Resolution    *Target  `json:"resolution,omitempty" yaml:"resolution,omitempty"`
}

// Commitment returns what p promises for a case of level l on productLine
// ("" for none); ok is false when p promises nothing.
func (p *Plan) Commitment(l priority.Level, productLine string) (c Commitment, ok bool) {
	if p.NoCommitment {
		return Commitment{}, false
	}
	if pl, found := p.ProductLines[productLine]; found {
		if o := pl.For(l); o != nil {
			return *o, true
		}
	}
	if d := p.Priorities.For(l); d != nil {
		return *d, true
	}
	return Commitment{}, false
}

// Has24x7 reports whether any priority of p runs on the 24x7 calendar.
func (p *Plan) Has24x7() bool {
	for _, l := range priority.Levels {
		if c := p.Priorities.For(l); c != nil && c.Coverage == Full {
			return true
		}
	}
	return false
}

// CoversHolidays reports whether a case of level l is worked on the contract's
// holidays: only P1, and only on plans with 24x7 coverage (Ivanti: "on a
// published holiday, support is available for P1 issues for customers with an
// eligible 24x7 support program"). The clocks skip holidays for every other
// case, whatever the priority's coverage calendar.
func (p *Plan) CoversHolidays(l priority.Level) bool {
	return l == priority.P1 && p.Has24x7()
}

// Features are a plan's entitlements, one typed field per row of the seeds'
// tables. A bool is given or not; a count is how many (zero: none).
type Features struct {
	UpdatesUpgrades         bool `json:"updates_upgrades,omitempty" yaml:"updates_upgrades,omitempty"`
	OnlineSubmission        bool `json:"online_submission,omitempty" yaml:"online_submission,omitempty"` // 24x365 through the portal
	EmailBestEffort         bool `json:"email_best_effort,omitempty" yaml:"email_best_effort,omitempty"` // community: no SLA, no phone
	PhoneBusinessHours      bool `json:"phone_business_hours,omitempty" yaml:"phone_business_hours,omitempty"`
	Phone24x7P1             bool `json:"phone_24x7_p1,omitempty" yaml:"phone_24x7_p1,omitempty"`
	CriticalIncident24x5    bool `json:"critical_incident_24x5,omitempty" yaml:"critical_incident_24x5,omitempty"`
	CriticalIncident24x7    bool `json:"critical_incident_24x7,omitempty" yaml:"critical_incident_24x7,omitempty"`
	CriticalSolutionNotices bool `json:"critical_solution_notices,omitempty" yaml:"critical_solution_notices,omitempty"`
	RemoteAccess            bool `json:"remote_access,omitempty" yaml:"remote_access,omitempty"`
	AssignedEngineer        bool `json:"assigned_engineer,omitempty" yaml:"assigned_engineer,omitempty"`
	AssignedSupportManager  bool `json:"assigned_support_manager,omitempty" yaml:"assigned_support_manager,omitempty"`
	AccountManager          bool `json:"account_manager,omitempty" yaml:"account_manager,omitempty"`
	DedicatedCSM            bool `json:"dedicated_csm,omitempty" yaml:"dedicated_csm,omitempty"`
	SupportActivityReviews  bool `json:"support_activity_reviews,omitempty" yaml:"support_activity_reviews,omitempty"`
	SpecialEventWeekends    int  `json:"special_event_weekends,omitempty" yaml:"special_event_weekends,omitempty"` // a year
	EarlyAdopter            bool `json:"early_adopter,omitempty" yaml:"early_adopter,omitempty"`
	SeniorResources         bool `json:"senior_resources,omitempty" yaml:"senior_resources,omitempty"`
	UpgradePlanning         bool `json:"upgrade_planning,omitempty" yaml:"upgrade_planning,omitempty"`
	EducationDiscounts      bool `json:"education_discounts,omitempty" yaml:"education_discounts,omitempty"`
	RecordedBriefings       bool `json:"recorded_briefings,omitempty" yaml:"recorded_briefings,omitempty"`
	InteractiveBriefings    bool `json:"interactive_briefings,omitempty" yaml:"interactive_briefings,omitempty"`
	RecordedTraining        bool `json:"recorded_training,omitempty" yaml:"recorded_training,omitempty"`
	CustomTraining          bool `json:"custom_training,omitempty" yaml:"custom_training,omitempty"`
	// PriorityHandlingRank orders the queue among cases of equal priority
	// (Infor: "priority handling by plan"); higher is served first, zero
	// means the plan has no such handling.
	PriorityHandlingRank int `json:"priority_handling_rank,omitempty" yaml:"priority_handling_rank,omitempty"`
}

// Entitlement is one feature by its document name, with its value: true, or
// a count.
type Entitlement struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// FeatureNames lists every feature by its document name, in table order.
func FeatureNames() []string {
	t := reflect.TypeFor[Features]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = featureName(t.Field(i))
	}
	return names
}

func featureName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// List returns the features f gives, in table order.
func (f Features) List() []Entitlement {
	v := reflect.ValueOf(f)
	var list []Entitlement
	for i := range v.NumField() {
		if !v.Field(i).IsZero() {
			list = append(list, Entitlement{featureName(v.Type().Field(i)), v.Field(i).Interface()})
		}
	}
	return list
}

// without returns f less the named features; unknown names are ignored
// because Validate has already refused them.
func (f Features) without(names []string) Features {
	v := reflect.ValueOf(&f).Elem()
	for i := range v.NumField() {
		for _, n := range names {
			if featureName(v.Type().Field(i)) == n {
				v.Field(i).SetZero()
			}
		}
	}
	return f
}

// FeaturesFor returns the features p gives on a product of productType ("" for
// any product).
func (p *Plan) FeaturesFor(productType string) Features {
	return p.Features.without(p.ProductTypes[productType])
}

// Targets returns the commitment's targets as durations of working time;
// zero for a target the plan does not set.
func (c Commitment) Targets() (firstResponse, nextUpdate, resolution time.Duration) {
	firstResponse = time.Duration(c.FirstResponse.Value)
	if c.NextUpdate != nil {
		nextUpdate = time.Duration(c.NextUpdate.Value)
	}
	if c.Resolution != nil {
		resolution = time.Duration(c.Resolution.Value)
	}
	return firstResponse, nextUpdate, resolution
}
