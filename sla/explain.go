package sla

import (
	"fmt"
	"strings"
	"time"

	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

// Explanation says why a clock is due when it is: the calendar, the target,
// and working ("business") and real time elapsed side by side, with the
// pauses.
type Explanation struct {
	Calendar  CalendarRef   `json:"calendar"`
	Coverage  string        `json:"coverage,omitempty"`
	Target    time.Duration `json:"target"`
	CountFrom time.Time     `json:"count_from"`
	Due       time.Time     `json:"due,omitzero"` // zero while paused
	At        time.Time     `json:"at"`           // the instant the elapsed times run to
	Business  time.Duration `json:"business_elapsed"`
	Real      time.Duration `json:"real_elapsed"`
	Paused    time.Duration `json:"paused"` // real time spent paused
	Remaining time.Duration `json:"remaining"`
	Pauses    []Span        `json:"pauses,omitempty"`
}

// In returns e with its times in loc, for people in that zone.
func (e Explanation) In(loc *time.Location) Explanation {
	e.CountFrom, e.At = e.CountFrom.In(loc), e.At.In(loc)
	if !e.Due.IsZero() {
		e.Due = e.Due.In(loc)
	}
	pauses := make([]Span, len(e.Pauses))
	for i, p := range e.Pauses {
		pauses[i].From = p.From.In(loc)
		if !p.To.IsZero() {
			pauses[i].To = p.To.In(loc)
		}
	}
	e.Pauses = pauses
	return e
}

// String explains in one sentence, with times in the calendar's zone.
func (e Explanation) String() string {
	var b strings.Builder
	if e.Due.IsZero() {
		b.WriteString("paused, no due time")
	} else {
		fmt.Fprintf(&b, "due %s", e.Due.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, ": target %s of working time on calendar %s v%d (%s)",
		plan.Duration(e.Target), e.Calendar.ID, e.Calendar.Version, e.Calendar.Description)
	if e.Calendar.HolidaysOf != "" {
		fmt.Fprintf(&b, " less the holidays of %s", e.Calendar.HolidaysOf)
	}
	fmt.Fprintf(&b, ", counted from %s; by %s, %s of working time elapsed in %s of real time",
		e.CountFrom.Format(time.RFC3339), e.At.Format(time.RFC3339), plan.Duration(e.Business), plan.Duration(e.Real))
	if len(e.Pauses) > 0 {
		fmt.Fprintf(&b, ", %d pause%s totalling %s", len(e.Pauses), plural(len(e.Pauses)), plan.Duration(e.Paused))
	}
	return b.String()
}

// Due returns when target of working time on cal runs out, counted from
// start, with its explanation.
func Due(cal Calendar, start time.Time, target time.Duration) Explanation {
	loc := cal.Cal.Location()
	due := cal.Cal.Add(start, target).In(loc)
	return Explanation{
		Calendar: cal.CalendarRef, Target: target, CountFrom: start.In(loc), Due: due, At: due,
		Business: target, Real: due.Sub(start),
	}
}

// Elapsed returns the working time on cal in [from, to], explained.
func Elapsed(cal Calendar, from, to time.Time) Explanation {
	loc := cal.Cal.Location()
	return Explanation{
		Calendar: cal.CalendarRef, CountFrom: from.In(loc), At: to.In(loc),
		Business: cal.Cal.Elapsed(from, to), Real: max(to.Sub(from), 0),
	}
}

// Report is the answer to "when is this due, and why" for a whole case.
type Report struct {
	At       time.Time      `json:"at"`
	Priority priority.Level `json:"priority"`
	Plan     string         `json:"plan,omitempty"`
	Version  int            `json:"plan_version,omitempty"`
	Contract string         `json:"contract,omitempty"`
	// Reason is a code for why nothing is promised, with ReasonText in
	// plain words; both empty when the case has a commitment.
	Reason     string        `json:"reason,omitempty"`
	ReasonText string        `json:"reason_text,omitempty"`
	Clocks     []ClockReport `json:"clocks"`
}

// ClockReport is one cycle of one metric, as of the report's time.
type ClockReport struct {
	Metric      Metric       `json:"metric"`
	Cycle       int          `json:"cycle"`
	Status      Status       `json:"status"`
	Plan        string       `json:"plan"`
	Version     int          `json:"plan_version"`
	Priority    string       `json:"priority"`
	Explanation Explanation  `json:"explanation"`
	Log         []ClockEvent `json:"log"`
}

// Explain reports every cycle of every clock, past cycles included, as of
// now. It changes nothing: a warning or breach it shows is recorded and
// notified only by Apply or Evaluate.
func (s *State) Explain(now time.Time) Report {
	r := Report{At: now, Priority: s.Priority, Contract: s.terms.Contract, Reason: s.Reason, ReasonText: ReasonText[s.Reason]}
	if p := s.terms.Plan; p != nil {
		r.Plan, r.Version = p.ID, p.Version
	}
	for _, m := range Metrics {
		for i := range s.Clocks[m] {
			c := &s.Clocks[m][i]
			r.Clocks = append(r.Clocks, ClockReport{
				Metric: m, Cycle: c.N, Status: c.statusAt(now), Plan: c.Plan, Version: c.Version,
				Priority: c.Priority.String(), Explanation: c.explain(now), Log: c.Log,
			})
		}
	}
	return r
}

// statusAt is the cycle's status as of now, counting a warning or breach not
// yet recorded.
func (c *Cycle) statusAt(now time.Time) Status {
	switch {
	case !c.active() || c.paused():
		return c.Status
	case now.After(c.Due):
		return Breached
	case !now.Before(c.WarnAt):
		return Warning
	}
	return c.Status
}

func (c *Cycle) explain(now time.Time) Explanation {
	at := now
	if !c.active() {
		at = c.EndedAt
	}
	loc := c.cal.Location()
	e := Explanation{
		Calendar: c.Calendar, Coverage: c.Coverage, Target: c.Target, CountFrom: c.CountFrom.In(loc), At: at.In(loc),
		Business: c.worked(at), Real: max(at.Sub(c.CountFrom), 0), Paused: c.pausedFor(at), Pauses: c.Pauses,
	}
	if !c.Due.IsZero() {
		e.Due = c.Due.In(loc)
	}
	e.Remaining = max(c.Target-e.Business, 0)
	return e
}
