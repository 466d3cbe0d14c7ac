package sla

import (
	"testing"
	"time"

	"github.com/casedesk/casedesk/priority"
)

// FuzzApply drives a case with random events and checks that the state never
// panics and keeps its invariants: due ≥ start on every clock that has a due
// time, at most one active cycle per metric (the last), final statuses never
// change, and each log runs in time order.
func FuzzApply(f *testing.F) {
	f.Add([]byte{0, 10, 3, 5, 1, 20, 4, 7, 5, 3})
	f.Add([]byte{2, 1, 6, 0, 7, 9, 3, 8, 8, 200, 1, 1})
	f.Add([]byte{9, 255, 9, 255, 4, 1, 5, 1, 6, 1, 7, 1, 8, 1})
	f.Fuzz(driveCase(f))
}

// driveCase returns the body of FuzzApply.
func driveCase(tb testing.TB) func(t *testing.T, data []byte) {
	cal := office(tb, "2026-12-08")
	plans := []*Terms{
		{},
		terms(tb, "zmanda-standard", cal),
		terms(tb, "zmanda-premium", cal),
		terms(tb, "infor-xtreme", cal),
		terms(tb, "ivanti-premium", cal),
		terms(tb, "community", cal),
		{Plan: catalogPlan(tb, "ivanti-2018-enhanced"), Calendar: cal, End: at(10, "00:00")},
	}
	kinds := []EventKind{PriorityChanged, TermsChanged, VendorReplied, WaitingOnCustomer, CustomerReplied, Resolved, Reopened, Tick}
	return func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		// The checks below revisit every cycle after every event; 100
		// events are plenty to reach any state and keep each run fast.
		data = data[:min(len(data), 202)]
		rules := Rules{WarnAt: float64(data[0]%10) / 10}
		if data[0]&16 != 0 {
			rules.Upgrade = Restart
		}
		if data[0]&32 != 0 {
			rules.Downgrade = Restart
		}
		s := State{Rules: rules}
		now := at(4, "16:30")
		if _, err := s.Apply(open(t, now, priority.Levels[data[1]%4], plans[int(data[1]/4)%len(plans)])); err != nil {
			t.Fatal(err)
		}
		final := map[[2]int]Cycle{}
		for i := 2; i+1 < len(data); i += 2 {
			now = now.Add(time.Duration(data[i+1]) * 7 * time.Minute)
			e := Event{Kind: kinds[int(data[i])%len(kinds)], At: now,
				Priority: priority.Levels[int(data[i])/len(kinds)%4], Terms: plans[int(data[i+1])%len(plans)]}
			if _, err := s.Apply(e); err != nil {
				t.Fatalf("apply %s: %v", e.Kind, err)
			}
			for mi, m := range Metrics {
				cs := s.Clocks[m]
				for j, c := range cs {
					if !c.Due.IsZero() && c.Due.Before(c.CountFrom) || c.CountFrom.Before(c.Start) {
						t.Fatalf("%s cycle %d: start %s, count from %s, due %s", m, c.N, c.Start, c.CountFrom, c.Due)
					}
					if (c.Status == Running || c.Status == Warning || c.Status == Breached) && c.Due.IsZero() {
						t.Fatalf("%s cycle %d is %s with no due time", m, c.N, c.Status)
					}
					if c.active() && j != len(cs)-1 {
						t.Fatalf("%s cycle %d is active but not the last", m, c.N)
					}
					for k := 1; k < len(c.Log); k++ {
						if c.Log[k].At.Before(c.Log[k-1].At) {
							t.Fatalf("%s cycle %d log out of order: %v", m, c.N, c.Log)
						}
					}
					key := [2]int{mi, c.N}
					if old, ok := final[key]; ok && (old.Status != c.Status || !old.EndedAt.Equal(c.EndedAt)) {
						t.Fatalf("%s cycle %d was %s at %s, is now %s at %s", m, c.N, old.Status, old.EndedAt, c.Status, c.EndedAt)
					}
					if c.Status.final() {
						final[key] = c
					}
				}
			}
			_ = s.Explain(now)
		}
	}
}
