package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/sla"
)

// farFuture orders cases with no due time after every case that has one.
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// caseTerms gathers what a case is served under, for the SLA engine. A nil
// contract, or a decision without commitment, gives terms with no plan.
func (db *DB) caseTerms(ctx context.Context, q querier, contract *casedesk.Contract, product *casedesk.Product, version *casedesk.Version, commitment bool, at time.Time) (*sla.Terms, error) {
	t := &sla.Terms{ProductLine: product.Line}
	if contract == nil {
		return t, nil
	}
	t.Contract = strconv.FormatInt(contract.ID, 10)
	cal, err := db.calendarIn(ctx, q, contract.CalendarID, 0)
	if err != nil {
		return nil, err
	}
	t.Calendar = cal
	t.Start, t.End = contractTerm(contract, cal.Cal.Location())
	if !commitment && !contract.Expired && (version == nil || !version.PastEndOfLife(at)) {
		// Out of scope or not covered: the decision's reasons explain it.
		return &sla.Terms{ProductLine: product.Line, Contract: t.Contract}, nil
	}
	p, err := db.planIn(ctx, q, contract.PlanID, 0)
	if err != nil {
		return nil, err
	}
	t.Plan = p
	t.UnsupportedVersion = version != nil && version.PastEndOfLife(at)
	return t, nil
}

// slaSummary is what the case row keeps of the SLA state for indexing: the
// next due time, when the scheduler must look again, and the flags.
type slaSummary struct {
	due      *time.Time
	check    *time.Time
	atRisk   bool
	breached bool
}

// summarize reads the state at now.
func summarize(s *sla.State, now time.Time) slaSummary {
	var out slaSummary
	earliest := func(dst **time.Time, t time.Time) {
		if !t.IsZero() && (*dst == nil || t.Before(**dst)) {
			t := t.UTC()
			*dst = &t
		}
	}
	for _, m := range sla.Metrics {
		cycles := s.Clocks[m]
		for i := range cycles {
			c := &cycles[i]
			if c.Status == sla.Breached {
				out.breached = true
			}
		}
		if len(cycles) == 0 {
			continue
		}
		c := &cycles[len(cycles)-1]
		switch c.Status {
		case sla.Running, sla.Warning:
			earliest(&out.due, c.Due)
			if c.WarnedAt.IsZero() {
				earliest(&out.check, c.WarnAt)
			} else {
				out.atRisk = true
			}
			earliest(&out.check, c.Due)
		}
	}
	return out
}

// marshalState encodes the state for the case row.
func marshalState(s *sla.State) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("encode SLA state: %w", err)
	}
	return string(b), nil
}
