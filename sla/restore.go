package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk/plan"
)

// TermsRef identifies Terms by the versions of their plan and calendar, so
// that a state stored as JSON can be restored exactly.
type TermsRef struct {
	Contract           string      `json:"contract,omitempty"`
	Start              time.Time   `json:"start,omitzero"`
	End                time.Time   `json:"end,omitzero"`
	Plan               string      `json:"plan,omitempty"`
	PlanVersion        int         `json:"plan_version,omitempty"`
	Calendar           CalendarRef `json:"calendar,omitzero"`
	ProductLine        string      `json:"product_line,omitempty"`
	UnsupportedVersion bool        `json:"unsupported_version,omitempty"`
}

func (s *State) setTerms(t Terms) {
	s.terms = t
	s.TermsRef = TermsRef{
		Contract: t.Contract, Start: t.Start, End: t.End, Calendar: t.Calendar.CalendarRef,
		ProductLine: t.ProductLine, UnsupportedVersion: t.UnsupportedVersion,
	}
	if t.Plan != nil {
		s.TermsRef.Plan, s.TermsRef.PlanVersion = t.Plan.ID, t.Plan.Version
	}
}

// Resolver finds the versions of plans and calendars a stored state names.
type Resolver interface {
	Plan(id string, version int) (*plan.Plan, error)
	Calendar(id string, version int) (Calendar, error)
}

// Restore re-attaches a state decoded from JSON to the plan and calendar
// versions it was computed with, so that events and explanations work on it
// as on the state that was stored.
func (s *State) Restore(r Resolver) error {
	ref := s.TermsRef
	t := Terms{Contract: ref.Contract, Start: ref.Start, End: ref.End, ProductLine: ref.ProductLine, UnsupportedVersion: ref.UnsupportedVersion}
	if ref.Plan != "" {
		p, err := r.Plan(ref.Plan, ref.PlanVersion)
		if err != nil {
			return fmt.Errorf("restore SLA state: %w", err)
		}
		t.Plan = p
	}
	if ref.Calendar.ID != "" {
		c, err := r.Calendar(ref.Calendar.ID, ref.Calendar.Version)
		if err != nil {
			return fmt.Errorf("restore SLA state: %w", err)
		}
		t.Calendar = c
	}
	s.terms = t.described()
	for _, cycles := range s.Clocks {
		for i := range cycles {
			c := &cycles[i]
			cal, err := restoreCalendar(c.Calendar, r)
			if err != nil {
				return fmt.Errorf("restore SLA state: %w", err)
			}
			c.cal, c.warn = cal.Cal, s.Rules.warnAt()
		}
	}
	return nil
}

// restoreCalendar finds the calendar a cycle ran on, rebuilding the holiday
// rule's derived calendar from its parts.
func restoreCalendar(ref CalendarRef, r Resolver) (Calendar, error) {
	if ref.HolidaysOf == "" {
		return r.Calendar(ref.ID, ref.Version)
	}
	b, ok := Builtin(ref.ID)
	if !ok {
		return Calendar{}, fmt.Errorf("calendar %s is not built in", ref.ID)
	}
	i := strings.LastIndex(ref.HolidaysOf, " v")
	if i < 0 {
		return Calendar{}, fmt.Errorf("unreadable holidays_of %q", ref.HolidaysOf)
	}
	v, err := strconv.Atoi(ref.HolidaysOf[i+2:])
	if err != nil {
		return Calendar{}, fmt.Errorf("unreadable holidays_of %q", ref.HolidaysOf)
	}
	own, err := r.Calendar(ref.HolidaysOf[:i], v)
	if err != nil {
		return Calendar{}, err
	}
	return withHolidaysOf(b, own)
}
