package demo

import (
	"context"
	"slices"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/store"
)

// loaded is what a loaded database holds, read back through the store.
type loaded struct {
	orgs      []*casedesk.Organisation
	contracts []*casedesk.Contract
	cases     []*casedesk.Case
	users     int
}

func readBack(t *testing.T, db *store.DB) loaded {
	t.Helper()
	ctx, sys := context.Background(), casedesk.SystemActor
	var l loaded
	var err error
	if l.orgs, err = db.ListOrganisations(ctx, sys); err != nil {
		t.Fatal(err)
	}
	for _, o := range l.orgs {
		users, err := db.ListUsers(ctx, sys, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		l.users += len(users)
		if o.Kind != casedesk.OrgCustomer {
			continue
		}
		cs, err := db.ListContracts(ctx, sys, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		l.contracts = append(l.contracts, cs...)
	}
	f := store.CaseFilter{Limit: 200}
	for {
		page, err := db.ListCases(ctx, sys, f)
		if err != nil {
			t.Fatal(err)
		}
		l.cases = append(l.cases, page.Cases...)
		if page.Next == "" {
			return l
		}
		f.Cursor = page.Next
	}
}

func TestLoad_AWorldToExploreAtOnce(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := Load(ctx, db, auth.TestPasswordParams); err != nil || !ok {
		t.Fatalf("Load = %v, %v; want true", ok, err)
	}
	w := readBack(t, db)

	t.Run("every built-in plan has a contract", func(t *testing.T) {
		for _, p := range plan.Builtin().Latest() {
			if !slices.ContainsFunc(w.contracts, func(c *casedesk.Contract) bool { return c.PlanID == p.ID }) {
				t.Errorf("no contract on plan %s", p.ID)
			}
		}
	})
	t.Run("one contract expired, one partner-sold, one trial", func(t *testing.T) {
		count := func(ok func(c *casedesk.Contract) bool) int {
			n := 0
			for _, c := range w.contracts {
				if ok(c) {
					n++
				}
			}
			return n
		}
		if n := count(func(c *casedesk.Contract) bool { return c.Expired }); n != 1 {
			t.Errorf("%d expired contracts, want 1", n)
		}
		if n := count(func(c *casedesk.Contract) bool { return c.PartnerID != nil }); n != 1 {
			t.Errorf("%d partner-sold contracts, want 1", n)
		}
		if n := count(func(c *casedesk.Contract) bool { return c.PlanID == "trial" && !c.Expired }); n != 1 {
			t.Errorf("%d current trial contracts, want 1", n)
		}
		for _, c := range w.contracts {
			if len(c.Contacts) == 0 {
				t.Errorf("contract %d on %s names no technical contact", c.ID, c.PlanID)
			}
		}
	})
	t.Run("accounts", func(t *testing.T) {
		if want := len(Logins) + MoreLogins(); w.users != want {
			t.Errorf("%d users, want %d", w.users, want)
		}
	})
	t.Run("a few hundred cases in every state", func(t *testing.T) {
		if len(w.cases) < 250 {
			t.Fatalf("%d cases, want at least 250", len(w.cases))
		}
		byStatus := map[casedesk.CaseStatus]int{}
		byPriority := map[string]int{}
		for _, c := range w.cases {
			byStatus[c.Status]++
			byPriority[c.Priority]++
		}
		for _, s := range statuses {
			if byStatus[s] == 0 {
				t.Errorf("no %s case: %v", s, byStatus)
			}
		}
		for _, p := range priorities {
			if byPriority[p] == 0 {
				t.Errorf("no %s case: %v", p, byPriority)
			}
		}
		counts, err := db.CaseCounts(ctx, casedesk.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range statuses {
			if counts[s] != int64(byStatus[s]) {
				t.Errorf("CaseCounts[%s] = %d, but %d listed", s, counts[s], byStatus[s])
			}
		}
	})
	t.Run("some cases breached, at risk, merged, split, without commitment", func(t *testing.T) {
		has := func(what string, ok func(c *casedesk.Case) bool) {
			if !slices.ContainsFunc(w.cases, ok) {
				t.Errorf("no case %s", what)
			}
		}
		has("open and breached", func(c *casedesk.Case) bool { return c.Status.IsOpen() && c.Breached })
		has("open and at risk", func(c *casedesk.Case) bool { return c.Status.IsOpen() && c.AtRisk && !c.Breached })
		has("open and due", func(c *casedesk.Case) bool { return c.Status.IsOpen() && c.DueAt != nil && !c.AtRisk && !c.Breached })
		has("merged", func(c *casedesk.Case) bool { return c.MergedInto != nil })
		has("split off another", func(c *casedesk.Case) bool { return c.ParentID != nil })
		has("in the partner's queue", func(c *casedesk.Case) bool { return c.Queue == "partner" })
		has("escalated from the partner", func(c *casedesk.Case) bool { return c.Queue == "vendor" && slices.Contains(partnerSold(w), c.OrgID) })
		has("with a commitment", func(c *casedesk.Case) bool { return c.Commitment })
		for _, flag := range []string{casedesk.FlagNoContract, casedesk.FlagContractExpired, casedesk.FlagUnsupportedVersion,
			casedesk.FlagOutOfScope, casedesk.FlagProductNotCovered} {
			has("flagged "+flag+" without commitment", func(c *casedesk.Case) bool {
				return !c.Commitment && slices.Contains(c.Flags, flag)
			})
		}
	})
	t.Run("loading again adds nothing", func(t *testing.T) {
		if ok, err := Load(ctx, db, auth.TestPasswordParams); err != nil || ok {
			t.Fatalf("second Load = %v, %v; want false", ok, err)
		}
		again := readBack(t, db)
		if len(again.orgs) != len(w.orgs) || len(again.contracts) != len(w.contracts) || len(again.cases) != len(w.cases) || again.users != w.users {
			t.Errorf("second Load changed the world: %d/%d organisations, %d/%d contracts, %d/%d cases, %d/%d users",
				len(again.orgs), len(w.orgs), len(again.contracts), len(w.contracts), len(again.cases), len(w.cases), again.users, w.users)
		}
	})
}

// partnerSold returns the organisations a partner sold to.
func partnerSold(w loaded) []int64 {
	var ids []int64
	for _, c := range w.contracts {
		if c.PartnerID != nil {
			ids = append(ids, c.OrgID)
		}
	}
	return ids
}
