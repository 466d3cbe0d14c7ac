package sla

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

// fixedResolver serves one contract calendar and the built-in catalog.
type fixedResolver struct{ own Calendar }

func (r fixedResolver) Plan(id string, v int) (*plan.Plan, error) {
	p, ok := plan.Builtin().PlanVersion(id, v)
	if !ok {
		return nil, fmt.Errorf("no plan %s v%d", id, v)
	}
	return p, nil
}

func (r fixedResolver) Calendar(id string, v int) (Calendar, error) {
	if c, ok := Builtin(id); ok {
		return c, nil
	}
	if id == r.own.ID && v == r.own.Version {
		return r.own, nil
	}
	return Calendar{}, fmt.Errorf("no calendar %s v%d", id, v)
}

func TestRestore_StoredStateContinuesLikeTheOriginal(t *testing.T) {
	for _, planID := range []string{"zmanda-standard", "zmanda-premium", "ivanti-premium"} {
		t.Run(planID, func(t *testing.T) {
			cal := office(t, "2026-12-08")
			orig := &State{}
			run(t, orig,
				open(t, at(4, "16:30"), priority.P2, terms(t, planID, cal)),
				ev(VendorReplied, at(7, "09:00")),
				ev(WaitingOnCustomer, at(7, "10:00")),
			)
			data, err := json.Marshal(orig)
			if err != nil {
				t.Fatal(err)
			}
			var stored State
			if err := json.Unmarshal(data, &stored); err != nil {
				t.Fatal(err)
			}
			if err := stored.Restore(fixedResolver{cal}); err != nil {
				t.Fatal(err)
			}
			later := []Event{
				ev(CustomerReplied, at(9, "11:00")),
				{Kind: PriorityChanged, At: at(9, "12:00"), Priority: priority.P1},
				ev(Tick, at(11, "18:00")),
			}
			a1 := run(t, orig, later...)
			a2 := run(t, &stored, later...)
			j1, _ := json.Marshal(struct {
				S *State
				A []Alert
			}{orig, a1})
			j2, _ := json.Marshal(struct {
				S *State
				A []Alert
			}{&stored, a2})
			if string(j1) != string(j2) {
				t.Fatalf("restored state diverged:\n%s\n%s", j1, j2)
			}
			r1, _ := json.Marshal(orig.Explain(at(11, "18:00")))
			r2, _ := json.Marshal(stored.Explain(at(11, "18:00")))
			if string(r1) != string(r2) {
				t.Fatalf("explanations differ:\n%s\n%s", r1, r2)
			}
		})
	}
}

func TestRestore_UnknownVersionIsAnError(t *testing.T) {
	s := &State{}
	run(t, s, open(t, at(4, "16:30"), priority.P2, terms(t, "zmanda-standard", office(t))))
	data, _ := json.Marshal(s)
	var stored State
	json.Unmarshal(data, &stored)
	if err := stored.Restore(fixedResolver{office(t)}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	stored.TermsRef.Calendar.Version = 99
	if err := stored.Restore(fixedResolver{office(t)}); err == nil {
		t.Fatal("restore with an unknown calendar version succeeded")
	}
}
