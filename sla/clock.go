package sla

import (
	"time"

	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/priority"
)

// Metric names one of a case's SLA clocks.
type Metric string

// The metrics, in the order reports list them.
const (
	FirstResponse Metric = "first_response" // met by the vendor's first public reply
	NextUpdate    Metric = "next_update"    // from a customer reply to the vendor's next public reply
	Resolution    Metric = "resolution"     // from opening (or reopening) to resolution, paused while waiting on the customer
)

// Metrics lists every metric.
var Metrics = []Metric{FirstResponse, NextUpdate, Resolution}

// Status is where a clock stands.
type Status string

// Statuses. Met, Breached and Cancelled are final for a cycle.
const (
	Running   Status = "running"
	Paused    Status = "paused"
	Warning   Status = "warning" // running, past the warning threshold
	Met       Status = "met"
	Breached  Status = "breached"
	Cancelled Status = "cancelled" // the commitment went away (plan without SLA, target dropped)
)

// final reports whether s ends a cycle.
func (s Status) final() bool { return s == Met || s == Breached || s == Cancelled }

// Span is an interval of real time; To is zero while it is open.
type Span struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to,omitzero"`
}

// ClockEventKind names an entry of a clock's log.
type ClockEventKind string

// Clock log entries.
const (
	EvStarted    ClockEventKind = "started"
	EvPaused     ClockEventKind = "paused"
	EvResumed    ClockEventKind = "resumed"
	EvRetargeted ClockEventKind = "retargeted"
	EvWarned     ClockEventKind = "warned"
	EvMet        ClockEventKind = "met"
	EvBreached   ClockEventKind = "breached"
	EvCancelled  ClockEventKind = "cancelled"
)

// ClockEvent is one entry of a clock's log.
type ClockEvent struct {
	Kind   ClockEventKind `json:"kind"`
	At     time.Time      `json:"at"`
	Detail string         `json:"detail,omitempty"`
}

// Cycle is one run of a clock toward one target: the only one for first
// response, one per customer reply for next update, one per opening for
// resolution. It records the plan version, priority and calendar version it
// was computed with, and keeps them until an event re-targets it.
type Cycle struct {
	Metric Metric `json:"metric"`
	N      int    `json:"cycle"` // 1 for a metric's first cycle
	Status Status `json:"status"`
	// Start is when the cycle began; CountFrom is when its target counts
	// from, which is Start unless a re-target restarted it.
	Start     time.Time `json:"start"`
	CountFrom time.Time `json:"count_from"`
	// Target is working time of the calendar; WarnAt and Due are when the
	// warning threshold and the target are reached. Both are zero while the
	// cycle is paused, because a paused clock has no due time.
	Target   time.Duration  `json:"target"`
	WarnAt   time.Time      `json:"warn_at,omitzero"`
	Due      time.Time      `json:"due,omitzero"`
	Pauses   []Span         `json:"pauses,omitempty"`
	WarnedAt time.Time      `json:"warned_at,omitzero"`
	EndedAt  time.Time      `json:"ended_at,omitzero"` // when it was met, breached or cancelled
	Plan     string         `json:"plan"`
	Version  int            `json:"plan_version"`
	Priority priority.Level `json:"priority"`
	Coverage string         `json:"coverage"`
	Calendar CalendarRef    `json:"calendar"`
	Log      []ClockEvent   `json:"log"`

	cal  *calendar.Calendar
	warn float64
}

func (c *Cycle) active() bool { return !c.Status.final() }

func (c *Cycle) log(kind ClockEventKind, at time.Time, detail string) {
	c.Log = append(c.Log, ClockEvent{kind, at, detail})
}

// paused reports whether the cycle has an open pause.
func (c *Cycle) paused() bool { return len(c.Pauses) > 0 && c.Pauses[len(c.Pauses)-1].To.IsZero() }

// schedule computes WarnAt and Due from the target, the calendar and the
// pauses; a paused cycle has neither.
func (c *Cycle) schedule() {
	c.WarnAt, c.Due = time.Time{}, time.Time{}
	if c.paused() {
		return
	}
	c.Due, _ = reach(c.cal, c.CountFrom, c.Pauses, c.Target)
	c.WarnAt, _ = reach(c.cal, c.CountFrom, c.Pauses, time.Duration(float64(c.Target)*c.warn))
}

// worked returns the working time counted by the cycle up to now.
func (c *Cycle) worked(now time.Time) time.Duration {
	var total time.Duration
	t := c.CountFrom
	for _, p := range c.Pauses {
		if !p.To.IsZero() && !p.To.After(t) {
			continue
		}
		if p.From.After(t) {
			total += c.cal.Elapsed(t, minTime(p.From, now))
		}
		if p.To.IsZero() || !p.To.Before(now) {
			return total
		}
		t = maxTime(t, p.To)
	}
	if now.After(t) {
		total += c.cal.Elapsed(t, now)
	}
	return total
}

// pausedFor returns the real time the cycle spent paused after CountFrom,
// up to now.
func (c *Cycle) pausedFor(now time.Time) time.Duration {
	var total time.Duration
	for _, p := range c.Pauses {
		to := p.To
		if to.IsZero() || to.After(now) {
			to = now
		}
		if from := maxTime(p.From, c.CountFrom); to.After(from) {
			total += to.Sub(from)
		}
	}
	return total
}

// reach returns the instant at which working time on cal, counted from from
// and skipping the pauses, reaches d. ok is false if the last pause is still
// open and d is not reached before it.
func reach(cal *calendar.Calendar, from time.Time, pauses []Span, d time.Duration) (t time.Time, ok bool) {
	t = from
	for _, p := range pauses {
		if !p.To.IsZero() && !p.To.After(t) {
			continue
		}
		if p.From.After(t) {
			e := cal.Elapsed(t, p.From)
			if e >= d {
				return cal.Add(t, d), true
			}
			d -= e
		}
		if p.To.IsZero() {
			return time.Time{}, false
		}
		t = p.To
	}
	return cal.Add(t, d), true
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
