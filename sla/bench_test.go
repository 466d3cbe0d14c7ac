package sla

import (
	"testing"

	"github.com/casedesk/casedesk/priority"
)

// BenchmarkCaseLifetime runs a typical case: opened, answered, waiting on the
// customer, customer reply, vendor reply, resolved.
func BenchmarkCaseLifetime(b *testing.B) {
	for _, planID := range []string{"zmanda-standard", "zmanda-premium"} {
		b.Run(planID, func(b *testing.B) {
			tm := terms(b, planID, office(b, "2026-12-08"))
			for b.Loop() {
				var s State
				run(b, &s, open(b, at(4, "16:30"), priority.P2, tm),
					ev(VendorReplied, at(7, "09:00")), ev(WaitingOnCustomer, at(7, "09:30")),
					ev(CustomerReplied, at(9, "11:00")), ev(VendorReplied, at(9, "12:00")),
					ev(Resolved, at(10, "15:00")))
			}
		})
	}
}

// BenchmarkEvaluate is the scheduler's tick on a running case: no calendar
// arithmetic, only comparisons with the precomputed due times.
func BenchmarkEvaluate(b *testing.B) {
	var s State
	run(b, &s, open(b, at(7, "08:00"), priority.P4, terms(b, "zmanda-standard", office(b))))
	now := at(7, "09:00")
	for b.Loop() {
		if _, err := s.Evaluate(now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRetarget changes the priority back and forth on a running case.
func BenchmarkRetarget(b *testing.B) {
	var s State
	run(b, &s, open(b, at(7, "08:00"), priority.P4, terms(b, "zmanda-standard", office(b))))
	levels := []priority.Level{priority.P3, priority.P4}
	e := Event{Kind: PriorityChanged, At: at(7, "08:30")}
	i := 0
	for b.Loop() {
		e.Priority = levels[i%2]
		i++
		if _, err := s.Apply(e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExplain(b *testing.B) {
	var s State
	run(b, &s, open(b, at(7, "08:00"), priority.P2, terms(b, "zmanda-standard", office(b))),
		ev(VendorReplied, at(7, "09:00")), ev(WaitingOnCustomer, at(7, "09:30")), ev(CustomerReplied, at(8, "11:00")))
	for b.Loop() {
		_ = s.Explain(at(8, "12:00"))
	}
}
