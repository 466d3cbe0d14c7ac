package sla

import (
	"fmt"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

// Retarget says where a re-targeted clock counts its new target from.
type Retarget string

// Re-targeting rules.
const (
	KeepStart Retarget = "keep_start" // from the cycle's original start (Zendesk, Salesforce); the default
	Restart   Retarget = "restart"    // from the change
)

// DefaultWarnAt is the share of a target after which a clock warns.
const DefaultWarnAt = 0.75

// Rules configure the clocks; the zero value is the default: keep the start
// in both directions, warn at 75 %.
type Rules struct {
	// Upgrade applies when the new terms make a clock due earlier (a higher
	// priority, a better plan); Downgrade when they make it due later.
	Upgrade   Retarget `json:"upgrade,omitempty"`
	Downgrade Retarget `json:"downgrade,omitempty"`
	// WarnAt is the share of the target, in (0, 1), after which a clock
	// warns; zero means DefaultWarnAt.
	WarnAt float64 `json:"warn_at,omitempty"`
}

func (r Rules) warnAt() float64 {
	if r.WarnAt <= 0 || r.WarnAt >= 1 {
		return DefaultWarnAt
	}
	return r.WarnAt
}

func (r Rules) rule(upgrade bool) Retarget {
	if upgrade {
		return r.Upgrade
	}
	return r.Downgrade
}

// Terms are what a case is served under: its contract's plan version and
// calendar version, the product line, and whether the product version is
// still supported. A nil Plan means the case has no contract.
type Terms struct {
	Contract string // the contract's id, for explanations
	// Start and End bound the contract's term; a zero End never expires.
	Start, End         time.Time
	Plan               *plan.Plan
	Calendar           Calendar // the contract's calendar: coverage "business"
	ProductLine        string
	UnsupportedVersion bool
}

// Reasons for no commitment, as codes callers may act on.
const (
	NoContract         = "no_contract"
	ContractNotStarted = "contract_not_started"
	ContractExpired    = "contract_expired"
	PlanWithoutSLA     = "plan_without_commitment"
	UnsupportedVersion = "unsupported_version"
)

// ReasonText says in plain words why a case has no commitment.
var ReasonText = map[string]string{
	NoContract:         "The case has no support contract, so no response time is promised; it is flagged for renewal.",
	ContractNotStarted: "The support contract has not started yet, so no response time is promised.",
	ContractExpired:    "The support contract has expired, so no response time is promised; it is flagged for renewal.",
	PlanWithoutSLA:     "The support plan gives no response-time commitment (best effort).",
	UnsupportedVersion: "The product version is past its end of life, so no response time is promised; please upgrade.",
}

// reason returns why t promises nothing at at, or "".
func (t *Terms) reason(at time.Time) string {
	switch {
	case t.Plan == nil:
		return NoContract
	case at.Before(t.Start):
		return ContractNotStarted
	case !t.End.IsZero() && !at.Before(t.End):
		return ContractExpired
	case t.Plan.NoCommitment:
		return PlanWithoutSLA
	case t.UnsupportedVersion:
		return UnsupportedVersion
	}
	return ""
}

// described returns t with its calendar described, if the caller left the
// description out.
func (t Terms) described() Terms {
	if t.Calendar.Description == "" && t.Calendar.Cal != nil {
		t.Calendar.Description = Describe(t.Calendar.Cal.Spec())
	}
	return t
}

// EventKind names what happened to a case.
type EventKind string

// Case events.
const (
	Opened            EventKind = "opened"           // needs Priority and Terms
	PriorityChanged   EventKind = "priority_changed" // needs Priority
	TermsChanged      EventKind = "terms_changed"    // plan or contract changed; needs Terms
	VendorReplied     EventKind = "vendor_replied"   // a public reply by the vendor
	WaitingOnCustomer EventKind = "waiting_on_customer"
	CustomerReplied   EventKind = "customer_replied"
	Resolved          EventKind = "resolved"
	Reopened          EventKind = "reopened"
	Tick              EventKind = "tick" // nothing happened; evaluate at At
)

// Event is one thing that happened to a case, at a time.
type Event struct {
	Kind     EventKind
	At       time.Time
	Priority priority.Level
	Terms    *Terms
}

// Alert is a warning or a breach to notify, once.
type Alert struct {
	Metric Metric         `json:"metric"`
	Cycle  int            `json:"cycle"`
	Kind   ClockEventKind `json:"kind"` // EvWarned or EvBreached
	At     time.Time      `json:"at"`
	Due    time.Time      `json:"due"`
	// NotifySupportManager is set on breaches under plans with an assigned
	// support manager for escalations.
	NotifySupportManager bool `json:"notify_support_manager,omitempty"`
}

// State is a case's SLA state: a plain value driven by events, with no I/O
// and no clock of its own. Its zero value is a case not yet opened, with the
// default Rules.
type State struct {
	Rules    Rules              `json:"rules"`
	Opened   time.Time          `json:"opened"`
	Priority priority.Level     `json:"priority"`
	Reason   string             `json:"reason,omitempty"` // why nothing is promised; "" when something is
	Clocks   map[Metric][]Cycle `json:"clocks"`
	Last     time.Time          `json:"last_event"`

	// Facts about the case that decide which clocks are owed.
	Responded bool      `json:"responded"`
	Waiting   bool      `json:"waiting_on_customer"`
	Resolved  bool      `json:"resolved"`
	Awaiting  time.Time `json:"awaiting_reply_since,omitzero"` // the oldest customer reply not yet answered

	// TermsRef names the terms in force, so that a stored state can be
	// restored with the very plan and calendar versions it was computed with.
	TermsRef TermsRef `json:"terms"`

	terms Terms
}

// Apply updates the state with e and returns the warnings and breaches that
// became due up to e.At, in order. Events must come in time order. An event
// the case's state makes meaningless (a second resolve) changes nothing.
func (s *State) Apply(e Event) ([]Alert, error) {
	if err := s.check(e); err != nil {
		return nil, err
	}
	s.Last = e.At
	var out []Alert
	s.evaluate(e.At, &out)
	switch e.Kind {
	case Opened:
		s.Opened, s.Priority = e.At, e.Priority
		s.setTerms(e.Terms.described())
		s.Reason = s.terms.reason(e.At)
		s.Clocks = map[Metric][]Cycle{}
		s.startOwed(e.At)
	case PriorityChanged:
		if e.Priority != s.Priority {
			why := fmt.Sprintf("priority %v → %v", s.Priority, e.Priority)
			s.Priority = e.Priority
			s.retarget(e.At, why, &out)
		}
	case TermsChanged:
		s.changeTerms(e.At, e.Terms.described(), &out)
	case VendorReplied:
		s.Responded, s.Awaiting = true, time.Time{}
		s.meet(FirstResponse, e.At, "first public reply")
		s.meet(NextUpdate, e.At, "public reply")
	case WaitingOnCustomer:
		if !s.Resolved && !s.Waiting {
			s.Waiting = true
			if c := s.current(Resolution); c != nil {
				c.pause(e.At)
			}
		}
	case CustomerReplied:
		s.customerReplied(e.At)
	case Resolved:
		if !s.Resolved {
			s.Resolved, s.Waiting, s.Responded, s.Awaiting = true, false, true, time.Time{}
			s.meet(FirstResponse, e.At, "answered by the resolution")
			s.meet(NextUpdate, e.At, "answered by the resolution")
			s.meet(Resolution, e.At, "resolved")
		}
	case Reopened:
		if s.Resolved {
			s.Resolved = false
			s.start(Resolution, e.At)
		}
	}
	s.evaluate(e.At, &out)
	return out, nil
}

var eventKinds = map[EventKind]bool{
	Opened: true, PriorityChanged: true, TermsChanged: true, VendorReplied: true,
	WaitingOnCustomer: true, CustomerReplied: true, Resolved: true, Reopened: true, Tick: true,
}

func (s *State) check(e Event) error {
	switch {
	case !eventKinds[e.Kind]:
		return casedesk.FieldErrorf("kind", "%q is not a case event", e.Kind)
	case e.At.IsZero():
		return casedesk.FieldErrorf("at", "an event needs a time")
	case e.At.Before(s.Last):
		return casedesk.FieldErrorf("at", "events must come in order: %s is before the last event, %s",
			e.At.Format(time.RFC3339), s.Last.Format(time.RFC3339))
	case e.Kind == Opened && !s.Opened.IsZero():
		return casedesk.Errorf(casedesk.ECONFLICT, "the case is already open")
	case e.Kind != Opened && s.Opened.IsZero():
		return casedesk.Errorf(casedesk.ECONFLICT, "the case has not been opened")
	case (e.Kind == Opened || e.Kind == PriorityChanged) && !e.Priority.Valid():
		return casedesk.FieldErrorf("priority", "the priority is missing or invalid")
	case (e.Kind == Opened || e.Kind == TermsChanged) && e.Terms == nil:
		return casedesk.FieldErrorf("terms", "the event needs the case's terms")
	case (e.Kind == Opened || e.Kind == TermsChanged) && e.Terms.Plan != nil && e.Terms.Calendar.Cal == nil:
		return casedesk.FieldErrorf("calendar", "a contract needs a calendar")
	}
	return nil
}

// Evaluate reports the warnings and breaches due by now that no earlier call
// reported, and records them; the "tick" of a scheduler.
func (s *State) Evaluate(now time.Time) ([]Alert, error) {
	return s.Apply(Event{Kind: Tick, At: now})
}

// evaluate records every warning and breach due by now.
func (s *State) evaluate(now time.Time, out *[]Alert) {
	for _, m := range Metrics {
		c := s.current(m)
		if c == nil || c.paused() {
			continue
		}
		switch {
		case now.After(c.Due):
			s.breach(c, c.Due, "the target ran out")
			*out = append(*out, s.alert(c, EvBreached, c.Due))
		case c.WarnedAt.IsZero() && !now.Before(c.WarnAt):
			// A re-target can move the threshold before its own entry;
			// the log stays in time order.
			c.Status, c.WarnedAt = Warning, maxTime(c.WarnAt, c.Log[len(c.Log)-1].At)
			c.log(EvWarned, c.WarnedAt, fmt.Sprintf("%.0f %% of the target used; due %s", s.Rules.warnAt()*100, c.Due.Format(time.RFC3339)))
			*out = append(*out, s.alert(c, EvWarned, c.WarnedAt))
		}
	}
}

func (s *State) breach(c *Cycle, at time.Time, detail string) {
	c.Status, c.EndedAt = Breached, at
	c.log(EvBreached, at, detail)
}

func (s *State) alert(c *Cycle, kind ClockEventKind, at time.Time) Alert {
	a := Alert{Metric: c.Metric, Cycle: c.N, Kind: kind, At: at, Due: c.Due}
	if kind == EvBreached && s.terms.Plan != nil {
		a.NotifySupportManager = s.terms.Plan.Features.AssignedSupportManager
	}
	return a
}

// current returns the metric's running or paused cycle, or nil. Only a
// metric's last cycle can be active.
func (s *State) current(m Metric) *Cycle {
	cs := s.Clocks[m]
	if len(cs) == 0 || !cs[len(cs)-1].active() {
		return nil
	}
	return &cs[len(cs)-1]
}

// owed reports whether the case's facts call for a clock of metric m.
func (s *State) owed(m Metric) bool {
	switch m {
	case FirstResponse:
		return !s.Responded && !s.Resolved
	case NextUpdate:
		return s.Responded && !s.Awaiting.IsZero() && !s.Resolved
	}
	return !s.Resolved
}

func (s *State) startOwed(at time.Time) {
	for _, m := range Metrics {
		if s.owed(m) && s.current(m) == nil {
			s.start(m, at)
		}
	}
}

// start begins a new cycle of m at at, if the terms promise a target for it.
func (s *State) start(m Metric, at time.Time) {
	if s.Reason != "" {
		return
	}
	c := Cycle{Metric: m, N: len(s.Clocks[m]) + 1, Status: Running, Start: at, CountFrom: at}
	if !s.target(&c) {
		return
	}
	c.schedule()
	c.log(EvStarted, at, s.describeTarget(&c))
	if m == Resolution && s.Waiting {
		c.pause(at)
	}
	s.Clocks[m] = append(s.Clocks[m], c)
}

// target sets c's target, calendar and versions from the current terms and
// priority; false if they promise no target for c's metric.
func (s *State) target(c *Cycle) bool {
	p := s.terms.Plan
	com, ok := p.Commitment(s.Priority, s.terms.ProductLine)
	if !ok {
		return false
	}
	var t *plan.Target
	switch c.Metric {
	case FirstResponse:
		t = &com.FirstResponse
	case NextUpdate:
		t = com.NextUpdate
	case Resolution:
		t = com.Resolution
	}
	if t == nil {
		return false
	}
	cal, err := coverage(&s.terms, s.Priority, com)
	if err != nil {
		// Catalog validation rules this out; without a calendar there is
		// nothing to count, so the metric is not measured.
		return false
	}
	c.Target, c.Coverage, c.Calendar, c.cal = time.Duration(t.Value), com.Coverage, cal.CalendarRef, cal.Cal
	c.Plan, c.Version, c.Priority, c.warn = p.ID, p.Version, s.Priority, s.Rules.warnAt()
	return true
}

func (s *State) describeTarget(c *Cycle) string {
	return fmt.Sprintf("target %s on calendar %s v%d (plan %s v%d, %v, coverage %s); due %s",
		plan.Duration(c.Target), c.Calendar.ID, c.Calendar.Version, c.Plan, c.Version, c.Priority, c.Coverage, c.Due.Format(time.RFC3339))
}

func (s *State) meet(m Metric, at time.Time, detail string) {
	c := s.current(m)
	if c == nil {
		return
	}
	if c.paused() {
		c.Pauses[len(c.Pauses)-1].To = at
	}
	c.Status, c.EndedAt = Met, at
	c.log(EvMet, at, detail)
}

func (s *State) customerReplied(at time.Time) {
	if s.Resolved {
		return // a reply to a resolved case reopens it through its own event
	}
	if s.Waiting {
		s.Waiting = false
		if c := s.current(Resolution); c != nil {
			c.resume(at)
		}
	}
	if s.Awaiting.IsZero() {
		s.Awaiting = at
		if s.owed(NextUpdate) && s.current(NextUpdate) == nil {
			s.start(NextUpdate, at)
		}
	}
}

func (s *State) changeTerms(at time.Time, t Terms, out *[]Alert) {
	was := s.Reason
	why := fmt.Sprintf("terms changed to plan %s", planName(t.Plan))
	s.setTerms(t)
	s.Reason = t.reason(at)
	switch {
	case s.Reason != "":
		for _, m := range Metrics {
			if c := s.current(m); c != nil {
				c.cancel(at, ReasonText[s.Reason])
			}
		}
	case was != "":
		// Nothing was promised before the change, so nothing can be late
		// for it: the clocks start now.
		s.startOwed(at)
	default:
		s.retarget(at, why, out)
	}
}

func planName(p *plan.Plan) string {
	if p == nil {
		return "(none)"
	}
	return fmt.Sprintf("%s v%d", p.ID, p.Version)
}

// retarget applies the current terms and priority to every active clock:
// each keeps its start or restarts, per Rules, and breaches at once if its
// new due time has already passed. A metric the old terms did not measure
// starts now; one the new terms do not measure is cancelled.
func (s *State) retarget(at time.Time, why string, out *[]Alert) {
	for _, m := range Metrics {
		c := s.current(m)
		if c == nil {
			if s.owed(m) {
				s.start(m, at)
			}
			continue
		}
		next := *c
		if !s.target(&next) {
			c.cancel(at, "the new terms set no "+string(m)+" target")
			continue
		}
		// Compare the two promises as if the clock ran from now on, so a
		// paused clock has a direction too.
		run := closePause(c.Pauses, at)
		oldDue, _ := reach(c.cal, c.CountFrom, run, c.Target)
		newDue, _ := reach(next.cal, c.CountFrom, run, next.Target)
		rule, direction := KeepStart, "unchanged"
		if !newDue.Equal(oldDue) {
			upgrade := newDue.Before(oldDue)
			direction = map[bool]string{true: "upgrade", false: "downgrade"}[upgrade]
			if r := s.Rules.rule(upgrade); r != "" {
				rule = r
			}
		}
		if rule == Restart {
			next.CountFrom = at
			newDue, _ = reach(next.cal, at, run, next.Target)
		}
		next.WarnedAt = time.Time{}
		next.Status = Running
		if next.paused() {
			next.Status = Paused
		}
		next.schedule()
		next.log(EvRetargeted, at, fmt.Sprintf("%s (%s, %s); %s", why, direction, rule, s.describeTarget(&next)))
		*c = next
		if at.After(newDue) {
			c.Due = newDue
			s.breach(c, at, "the new due time, "+newDue.Format(time.RFC3339)+", had already passed")
			*out = append(*out, s.alert(c, EvBreached, at))
		}
	}
}

// closePause returns pauses with an open last pause closed at at.
func closePause(pauses []Span, at time.Time) []Span {
	if len(pauses) == 0 || !pauses[len(pauses)-1].To.IsZero() {
		return pauses
	}
	run := append([]Span(nil), pauses...)
	run[len(run)-1].To = at
	return run
}

func (c *Cycle) pause(at time.Time) {
	c.Pauses = append(c.Pauses, Span{From: at})
	c.Status = Paused
	c.schedule()
	c.log(EvPaused, at, "waiting on the customer")
}

func (c *Cycle) resume(at time.Time) {
	c.Pauses[len(c.Pauses)-1].To = at
	c.Status = Running
	if !c.WarnedAt.IsZero() {
		c.Status = Warning
	}
	c.schedule()
	c.log(EvResumed, at, "due "+c.Due.Format(time.RFC3339))
}

func (c *Cycle) cancel(at time.Time, why string) {
	if c.paused() {
		c.Pauses[len(c.Pauses)-1].To = at
	}
	c.Status, c.EndedAt = Cancelled, at
	c.log(EvCancelled, at, why)
}
