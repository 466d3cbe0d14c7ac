package store

import (
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

// deskFixture adds a product, a contract on plan for f.other with f.otherUser
// as technical contact, and returns the product.
func deskFixture(t *testing.T, db *DB, f *fixture, planID string) (*casedesk.Product, *casedesk.Contract) {
	t.Helper()
	p := &casedesk.Product{Name: "Backup Server", Line: "backup"}
	if err := db.CreateProduct(ctx, f.admin, p); err != nil {
		t.Fatal(err)
	}
	start := db.now().AddDate(0, -1, 0).Format("2006-01-02")
	k := &casedesk.Contract{OrgID: f.other.ID, PlanID: planID, CalendarID: "emea", StartsOn: start}
	if err := db.CreateContract(ctx, f.admin, k); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddContact(ctx, f.admin, k.ID, f.otherUser.UserID); err != nil {
		t.Fatal(err)
	}
	return p, k
}

func TestOpenCase_ReplyAndBreachOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, k := deskFixture(t, db, f, "zmanda-premium")
		c, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: "Backups fail", Desc: "Every night since Monday", Impact: "high", Urgency: "high"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Priority != "P1" || !c.Commitment || c.ContractID == nil || *c.ContractID != k.ID || c.DueAt == nil {
			t.Fatalf("opened %+v", c)
		}
		if got := c.DueAt.Sub(c.CreatedAt); got != 15*time.Minute {
			t.Fatalf("P1 on zmanda-premium due after %s, want 15m", got)
		}
		engineer := &casedesk.Actor{UserID: f.admin.UserID, Email: f.admin.Email, Role: casedesk.RoleSupportEngineer, OrgID: f.vendor.ID, OrgKind: casedesk.OrgVendor}
		if _, err := db.Assign(ctx, engineer, c.ID, &f.admin.UserID, "", 0); err != nil {
			t.Fatal(err)
		}
		later := db.now().Add(time.Hour)
		db.Now = func() time.Time { return later }
		for i := 0; i < 3; i++ {
			if _, err := db.SweepSLA(ctx, 100); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := db.FindCase(ctx, f.admin, c.ID)
		if !got.Breached {
			t.Fatalf("case not breached an hour after a 15-minute target: %+v", got)
		}
		notes, err := db.Notifications(ctx, f.admin, 50)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, n := range notes {
			kinds[n.Kind]++
		}
		if kinds["sla.breached"] < 1 {
			t.Fatalf("notifications: %v", kinds)
		}
		// Reply from the customer, reply from support, search, queue.
		if _, _, err := db.Reply(ctx, f.otherUser, c.ID, "The log says checksum mismatch", false, 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Reply(ctx, engineer, c.ID, "Internal: looks like bug 123", true, 0); err != nil {
			t.Fatal(err)
		}
		found, err := db.SearchCases(ctx, f.otherUser, "checksum", 10)
		if err != nil || len(found) != 1 {
			t.Fatalf("search checksum: %v %d", err, len(found))
		}
		if found, _ := db.SearchCases(ctx, f.otherUser, "bug 123", 10); len(found) != 0 {
			t.Fatalf("customer found an internal note")
		}
		if found, _ := db.SearchCases(ctx, f.servedUser, "checksum", 10); len(found) != 0 {
			t.Fatalf("another tenant found the case")
		}
		page, err := db.ListCases(ctx, f.admin, CaseFilter{Open: true, Breached: true})
		if err != nil || len(page.Cases) != 1 {
			t.Fatalf("queue: %v %+v", err, page)
		}
	})
}

func TestProduct_CachedRowIsNeverShared(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		p := &casedesk.Product{Name: "Vault", Line: "backup"}
		if err := db.CreateProduct(ctx, casedesk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		if err := db.AddVersion(ctx, casedesk.SystemActor, &casedesk.Version{ProductID: p.ID, Name: "1.0"}); err != nil {
			t.Fatal(err)
		}
		first, err := db.product(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		first.Name, first.Line = "changed by a caller", "x"
		full, err := db.Product(ctx, p.ID)
		if err != nil || full.Name != "Vault" || full.Line != "backup" || len(full.Versions) != 1 {
			t.Fatalf("product after a caller changed its copy: %v %+v", err, full)
		}
		again, err := db.product(ctx, p.ID)
		if err != nil || again.Name != "Vault" || again.Versions != nil {
			t.Fatalf("cached product: %v %+v", err, again)
		}
		if _, err := db.product(ctx, p.ID+1000); casedesk.ErrorCode(err) != casedesk.ENOTFOUND {
			t.Fatalf("a missing product: %v", err)
		}
	})
}
