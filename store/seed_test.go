package store

import (
	"fmt"
	"testing"

	"github.com/casedesk/casedesk"
)

func TestSeedCases_RowsWorkLikeOpenedCases(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, k := deskFixture(t, db, f, "zmanda-premium")
		text := func(i int) (string, string) {
			return fmt.Sprintf("Seeded case %d about tapes", i), fmt.Sprintf("Description %d mentions zebrafish", i)
		}
		var calls []int
		const n = 250
		err := db.SeedCases(ctx, SeedTemplate{ProductID: p.ID, ContractIDs: []int64{k.ID}, Text: text, Seed: 7, BatchSize: 100}, n, func(done int) {
			calls = append(calls, done)
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(calls) != "[100 200 250]" {
			t.Fatalf("progress calls %v", calls)
		}
		counts, err := db.CaseCounts(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, c := range counts {
			total += c
		}
		if total != n || counts[casedesk.StatusClosed] == 0 || counts[casedesk.StatusOpen]+counts[casedesk.StatusNew] == 0 {
			t.Fatalf("counts %v, want %d cases in a mix of statuses", counts, n)
		}
		// The queue pages through every open case in order.
		var open int64
		for _, s := range []casedesk.CaseStatus{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting} {
			open += counts[s]
		}
		var listed int64
		f2 := CaseFilter{Open: true, Limit: 20}
		for {
			page, err := db.ListCases(ctx, f.admin, f2)
			if err != nil {
				t.Fatal(err)
			}
			listed += int64(len(page.Cases))
			if page.Next == "" {
				break
			}
			f2.Cursor = page.Next
		}
		if listed != open {
			t.Fatalf("queue listed %d open cases, counts say %d", listed, open)
		}
		found, err := db.SearchCases(ctx, f.otherUser, "zebrafish", 100)
		if err != nil || len(found) != 100 {
			t.Fatalf("search found %d cases (%v), want 100", len(found), err)
		}
		// A seeded case's SLA state restores and takes events, and a case
		// opened afterwards gets the next ID.
		c, rep, err := db.CaseSLA(ctx, f.admin, found[0].ID)
		if err != nil || len(rep.Clocks) == 0 {
			t.Fatalf("SLA of seeded case: %v %+v", err, rep)
		}
		if _, _, err := db.Reply(ctx, f.otherUser, c.ID, "Any news?", false, 0); err != nil && casedesk.ErrorCode(err) != casedesk.ECONFLICT {
			t.Fatal(err)
		}
		opened, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: "After seeding", Desc: "New", Impact: "low", Urgency: "low"}})
		if err != nil {
			t.Fatal(err)
		}
		var maxID int64
		if err := db.queryRow(ctx, `SELECT max(id) FROM cases WHERE id <> ?`, opened.ID).Scan(&maxID); err != nil {
			t.Fatal(err)
		}
		if opened.ID <= maxID {
			t.Fatalf("case opened after seeding got ID %d, not after the seeded %d", opened.ID, maxID)
		}
	})
}
