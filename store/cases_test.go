package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/sla"
)

// addUser creates a user in org and returns its actor.
func addUser(t *testing.T, db *DB, org *casedesk.Organisation, email string, role casedesk.Role) *casedesk.Actor {
	t.Helper()
	u := &casedesk.User{OrgID: &org.ID, Email: email, Name: strings.Split(email, "@")[0], Role: role}
	if err := db.CreateUser(ctx, casedesk.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	a, err := db.ActorForUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// addCustomer creates a customer organisation with one user.
func addCustomer(t *testing.T, db *DB, name string) (*casedesk.Organisation, *casedesk.Actor) {
	t.Helper()
	o := &casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: name}
	if err := db.CreateOrganisation(ctx, casedesk.SystemActor, o); err != nil {
		t.Fatal(err)
	}
	return o, addUser(t, db, o, "contact@"+strings.ToLower(strings.ReplaceAll(name, " ", ""))+".example", casedesk.RoleCustomerUser)
}

// addContract stores k and names contacts on it.
func addContract(t *testing.T, db *DB, k *casedesk.Contract, contacts ...*casedesk.Actor) *casedesk.Contract {
	t.Helper()
	if k.CalendarID == "" {
		k.CalendarID = "emea"
	}
	if k.StartsOn == "" {
		k.StartsOn = db.now().AddDate(0, -1, 0).Format("2006-01-02")
	}
	if err := db.CreateContract(ctx, casedesk.SystemActor, k); err != nil {
		t.Fatal(err)
	}
	for _, c := range contacts {
		if _, err := db.AddContact(ctx, casedesk.SystemActor, k.ID, c.UserID); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// engineer adds a support engineer to the vendor.
func engineer(t *testing.T, db *DB, f *fixture, email string) *casedesk.Actor {
	t.Helper()
	return addUser(t, db, f.vendor, email, casedesk.RoleSupportEngineer)
}

// open opens a case, filling what the test does not care about.
func open(t *testing.T, db *DB, actor *casedesk.Actor, c casedesk.Case) *casedesk.Case {
	t.Helper()
	if c.Subject == "" {
		c.Subject = "Backups fail"
	}
	if c.Desc == "" {
		c.Desc = "Every night since Monday"
	}
	if c.Impact == "" {
		c.Impact, c.Urgency = "medium", "medium"
	}
	got, err := db.OpenCase(ctx, actor, NewCase{Case: c})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// at sets the database clock.
func at(db *DB, t time.Time) { db.Now = func() time.Time { return t } }

func events(t *testing.T, db *DB, actor *casedesk.Actor, caseID int64) []*casedesk.CaseEvent {
	t.Helper()
	evs, err := db.CaseEvents(ctx, actor, caseID)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func eventKinds(evs []*casedesk.CaseEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func listAll(t *testing.T, db *DB, actor *casedesk.Actor, f CaseFilter) []int64 {
	t.Helper()
	f.Limit = 200
	page, err := db.ListCases(ctx, actor, f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range page.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestOpenCase_RefusesUserWhoIsNotATechnicalContactNamingThem(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-standard")
		bystander := addUser(t, db, f.other, "bystander@other.example", casedesk.RoleCustomerUser)
		_, err := db.OpenCase(ctx, bystander, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: "Help", Desc: "Please", Impact: "low", Urgency: "low"}})
		wantCode(t, err, casedesk.EFORBIDDEN)
		if msg := casedesk.ErrorMessage(err); !strings.Contains(msg, "user@other.example") {
			t.Fatalf("refusal %q does not say who can open cases", msg)
		}
		if ids := listAll(t, db, f.admin, CaseFilter{OrgID: f.other.ID}); len(ids) != 0 {
			t.Fatalf("a refused case was stored: %v", ids)
		}
		// The named contact opens the same case.
		open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})
	})
}

func TestOpenCase_StaffNameACustomersUserAsContact(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, k := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		in := casedesk.Case{ProductID: p.ID, Subject: "Called in", Desc: "By phone", Impact: "low", Urgency: "low"}
		for _, contact := range []*casedesk.Actor{f.partnerAgent, eng, f.admin} {
			in.ContactID = contact.UserID
			_, err := db.OpenCase(ctx, eng, NewCase{Case: in})
			if casedesk.ErrorField(err) != "contact_id" {
				t.Fatalf("case for %s: %v", contact.Email, err)
			}
		}
		in.ContactID = 0
		_, err := db.OpenCase(ctx, eng, NewCase{Case: in})
		if casedesk.ErrorField(err) != "contact_id" {
			t.Fatalf("case without a contact: %v", err)
		}
		in.ContactID = f.otherUser.UserID
		c, err := db.OpenCase(ctx, eng, NewCase{Case: in})
		if err != nil {
			t.Fatal(err)
		}
		if c.OrgID != f.other.ID || c.ContactID != f.otherUser.UserID || c.ContractID == nil || *c.ContractID != k.ID || !c.Commitment {
			t.Fatalf("case opened by staff: %+v", c)
		}
		if ids := listAll(t, db, f.admin, CaseFilter{}); len(ids) != 1 {
			t.Fatalf("refused cases were stored: %v", ids)
		}
	})
}

func TestOpenCase_AcceptsWithNoCommitmentAndSaysWhy(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p := &casedesk.Product{Name: "Backup Server", Line: "backup"}
		other := &casedesk.Product{Name: "Tape Library", Line: "tape"}
		for _, x := range []*casedesk.Product{p, other} {
			if err := db.CreateProduct(ctx, f.admin, x); err != nil {
				t.Fatal(err)
			}
		}
		today := db.now()
		old := &casedesk.Version{ProductID: p.ID, Name: "3.0", ReleasedOn: today.AddDate(-5, 0, 0).Format("2006-01-02"), EndOfLife: today.AddDate(0, 0, -30).Format("2006-01-02")}
		if err := db.AddVersion(ctx, f.admin, old); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			// setup gives the submitter and the case; contract is the one
			// expected to serve it, if any.
			setup    func(t *testing.T) (*casedesk.Actor, casedesk.Case, *casedesk.Contract)
			flags    []string
			reason   string
			queue    string
			contract bool
		}{
			{
				name: "no contract",
				setup: func(t *testing.T) (*casedesk.Actor, casedesk.Case, *casedesk.Contract) {
					_, u := addCustomer(t, db, "No Contract")
					return u, casedesk.Case{ProductID: p.ID}, nil
				},
				flags: []string{casedesk.FlagNoContract, casedesk.FlagRenewal}, reason: "no support contract", queue: "vendor",
			},
			{
				name: "expired contract",
				setup: func(t *testing.T) (*casedesk.Actor, casedesk.Case, *casedesk.Contract) {
					o, u := addCustomer(t, db, "Lapsed")
					k := addContract(t, db, &casedesk.Contract{OrgID: o.ID, PlanID: "zmanda-premium",
						StartsOn: today.AddDate(-2, 0, 0).Format("2006-01-02"), EndsOn: today.AddDate(-1, 0, 0).Format("2006-01-02")}, u)
					return u, casedesk.Case{ProductID: p.ID}, k
				},
				flags: []string{casedesk.FlagContractExpired, casedesk.FlagRenewal}, reason: "ended on", queue: "vendor", contract: true,
			},
			{
				name: "product outside the contract",
				setup: func(t *testing.T) (*casedesk.Actor, casedesk.Case, *casedesk.Contract) {
					o, u := addCustomer(t, db, "Tape Only")
					k := addContract(t, db, &casedesk.Contract{OrgID: o.ID, PlanID: "zmanda-premium", Products: []int64{other.ID}}, u)
					return u, casedesk.Case{ProductID: p.ID}, k
				},
				flags: []string{casedesk.FlagProductNotCovered}, reason: "does not cover Backup Server", queue: "vendor", contract: true,
			},
			{
				name: "version past end of life",
				setup: func(t *testing.T) (*casedesk.Actor, casedesk.Case, *casedesk.Contract) {
					o, u := addCustomer(t, db, "Old Version")
					k := addContract(t, db, &casedesk.Contract{OrgID: o.ID, PlanID: "zmanda-premium"}, u)
					return u, casedesk.Case{ProductID: p.ID, VersionID: &old.ID}, k
				},
				flags: []string{casedesk.FlagUnsupportedVersion}, reason: "upgrade", queue: "vendor", contract: true,
			},
			{
				name: "installation request",
				setup: func(t *testing.T) (*casedesk.Actor, casedesk.Case, *casedesk.Contract) {
					o, u := addCustomer(t, db, "Installer")
					k := addContract(t, db, &casedesk.Contract{OrgID: o.ID, PlanID: "zmanda-premium"}, u)
					return u, casedesk.Case{ProductID: p.ID, Details: casedesk.CaseDetails{Request: "installation"}}, k
				},
				flags: []string{casedesk.FlagOutOfScope}, reason: "professional services", queue: "professional_services", contract: true,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, in, k := tt.setup(t)
				in.Subject = "Unusual " + strings.ReplaceAll(tt.name, " ", "") + " trouble"
				c := open(t, db, u, in)
				if c.Commitment {
					t.Errorf("commitment = true, want false")
				}
				if c.DueAt != nil {
					t.Errorf("due at %v with no commitment", c.DueAt)
				}
				if !slices.Equal(c.Flags, tt.flags) {
					t.Errorf("flags = %q, want %q", c.Flags, tt.flags)
				}
				if !strings.Contains(strings.Join(c.Reasons, " "), tt.reason) {
					t.Errorf("reasons %q do not say %q", c.Reasons, tt.reason)
				}
				if c.Queue != tt.queue {
					t.Errorf("queue = %q, want %q", c.Queue, tt.queue)
				}
				if tt.contract && (c.ContractID == nil || *c.ContractID != k.ID) {
					t.Errorf("contract = %v, want %d", c.ContractID, k.ID)
				}
				if !tt.contract && c.ContractID != nil {
					t.Errorf("contract = %d, want none", *c.ContractID)
				}
				// Nothing is lost: the submitter finds it, with its reasons,
				// and support has it in the queue and in search.
				mine, err := db.FindCase(ctx, u, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(mine.Reasons, c.Reasons) || len(mine.Reasons) == 0 {
					t.Errorf("stored reasons = %q", mine.Reasons)
				}
				if ids := listAll(t, db, f.admin, CaseFilter{Open: true, OrgID: c.OrgID}); !slices.Equal(ids, []int64{c.ID}) {
					t.Errorf("queue for the organisation = %v, want [%d]", ids, c.ID)
				}
				found, err := db.SearchCases(ctx, f.admin, "Unusual "+strings.ReplaceAll(tt.name, " ", ""), 10)
				if err != nil || len(found) != 1 || found[0].ID != c.ID {
					t.Errorf("search: %v %d", err, len(found))
				}
				if evs := events(t, db, u, c.ID); len(evs) == 0 || evs[0].Kind != casedesk.EventCreated || !strings.Contains(string(evs[0].Data), "reasons") {
					t.Errorf("created event: %+v", evs)
				}
			})
		}
	})
}

func TestAddContact_OverThePlanLimitSaysLimitAndHolders(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		k := addContract(t, db, &casedesk.Contract{OrgID: f.other.ID, PlanID: "ivanti-2018-standard"})
		var users []*casedesk.Actor
		for i := range 5 {
			users = append(users, addUser(t, db, f.other, fmt.Sprintf("seat%d@other.example", i), casedesk.RoleCustomerUser))
		}
		for _, u := range users[:4] {
			if _, err := db.AddContact(ctx, f.admin, k.ID, u.UserID); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.AddContact(ctx, f.admin, k.ID, users[4].UserID)
		wantCode(t, err, casedesk.ELIMIT)
		msg := casedesk.ErrorMessage(err)
		if !strings.Contains(msg, "4 technical contacts") {
			t.Errorf("refusal %q does not say the limit", msg)
		}
		for _, u := range users[:4] {
			if !strings.Contains(msg, u.Email) {
				t.Errorf("refusal %q does not name seat holder %s", msg, u.Email)
			}
		}
		// Naming a holder again takes no seat.
		if _, err := db.AddContact(ctx, f.admin, k.ID, users[0].UserID); err != nil {
			t.Fatalf("re-adding a holder: %v", err)
		}
		if err := db.RemoveContact(ctx, f.admin, k.ID, users[1].UserID); err != nil {
			t.Fatal(err)
		}
		got, err := db.AddContact(ctx, f.admin, k.ID, users[4].UserID)
		if err != nil {
			t.Fatalf("after a seat was freed: %v", err)
		}
		if len(got.Contacts) != 4 || slices.Contains(got.Contacts, users[1].UserID) || got.ContactLimit != 4 {
			t.Fatalf("contacts = %v (limit %d)", got.Contacts, got.ContactLimit)
		}
	})
}

func TestOpenCase_PriorityOverrideNeedsAReason(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		low := casedesk.Case{ProductID: p.ID, Subject: "Payroll export", Desc: "Fails", Impact: "low", Urgency: "low"}
		for _, reason := range []string{"", "   "} {
			_, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: low, Priority: "P1", OverrideReason: reason})
			wantCode(t, err, casedesk.EINVALID)
			if casedesk.ErrorField(err) != "override_reason" {
				t.Fatalf("field = %q (%v), want override_reason", casedesk.ErrorField(err), err)
			}
		}
		c, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: low, Priority: "P1", OverrideReason: "payroll runs tonight"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Priority != "P1" {
			t.Fatalf("priority = %s, want the override P1", c.Priority)
		}
		var override *casedesk.CaseEvent
		for _, e := range events(t, db, f.otherUser, c.ID) {
			if e.Kind == casedesk.EventPriority {
				override = e
			}
		}
		if override == nil || override.Body != "payroll runs tonight" || !strings.Contains(string(override.Data), f.otherUser.Email) {
			t.Fatalf("override not recorded with who and why: %+v", override)
		}
		// The computed priority needs no reason.
		same, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: low, Priority: "P4"})
		if err != nil || same.Priority != "P4" {
			t.Fatalf("computed priority given explicitly: %v %+v", err, same)
		}
		_, err = db.OpenCase(ctx, f.otherUser, NewCase{Case: low, Priority: "P9", OverrideReason: "x"})
		wantCode(t, err, casedesk.EINVALID)

		// Later changes need a reason too, and re-target the clock.
		eng := engineer(t, db, f, "eng@vendor.example")
		_, err = db.ChangePriority(ctx, eng, c.ID, "P2", " ", 0)
		wantCode(t, err, casedesk.EINVALID)
		changed, err := db.ChangePriority(ctx, eng, c.ID, "P2", "workaround found", 0)
		if err != nil {
			t.Fatal(err)
		}
		if changed.Priority != "P2" || changed.DueAt == nil || !changed.DueAt.After(*c.DueAt) {
			t.Fatalf("after P1 → P2: priority %s, due %v (was %v)", changed.Priority, changed.DueAt, c.DueAt)
		}
	})
}

// resolutionCycle reads the current resolution cycle from a case's stored SLA state.
func resolutionCycle(t *testing.T, db *DB, id int64) sla.Cycle {
	t.Helper()
	c, err := db.FindCase(ctx, casedesk.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	var st sla.State
	if err := json.Unmarshal(c.SLA, &st); err != nil {
		t.Fatal(err)
	}
	cycles := st.Clocks[sla.Resolution]
	if len(cycles) == 0 {
		t.Fatalf("case %d has no resolution clock: %s", id, c.SLA)
	}
	return cycles[len(cycles)-1]
}

func TestSetStatus_WaitingOnCustomerPausesResolution(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium") // 24x7, so paused time is plain time
		eng := engineer(t, db, f, "eng@vendor.example")
		start := db.now()
		c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID, Impact: "high", Urgency: "medium"})
		before := resolutionCycle(t, db, c.ID)
		if before.Due.IsZero() {
			t.Fatalf("resolution clock without a due time: %+v", before)
		}
		at(db, start.Add(10*time.Minute))
		if _, err := db.SetStatus(ctx, eng, c.ID, casedesk.StatusWaiting, 0); err != nil {
			t.Fatal(err)
		}
		paused := resolutionCycle(t, db, c.ID)
		if paused.Status != sla.Paused || !paused.Due.IsZero() {
			t.Fatalf("while waiting on the customer: status %s, due %v", paused.Status, paused.Due)
		}
		at(db, start.Add(3*time.Hour+10*time.Minute))
		got, _, err := db.Reply(ctx, f.otherUser, c.ID, "Here are the logs", false, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != casedesk.StatusOpen {
			t.Fatalf("customer's reply left the case %s", got.Status)
		}
		resumed := resolutionCycle(t, db, c.ID)
		if want := before.Due.Add(3 * time.Hour); !resumed.Due.Equal(want) {
			t.Fatalf("resolution due %v after a 3h wait, want %v (was %v)", resumed.Due, want, before.Due)
		}
	})
}

func TestSetStatus_RejectsIllegalTransitionsNamingTheStatus(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		withStatus := func(s ...casedesk.CaseStatus) *casedesk.Case {
			c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})
			for _, to := range s {
				if _, err := db.SetStatus(ctx, eng, c.ID, to, 0); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		tests := []struct {
			name    string
			actor   *casedesk.Actor
			from    []casedesk.CaseStatus
			to      casedesk.CaseStatus
			mention string
		}{
			{"closed cannot reopen", eng, []casedesk.CaseStatus{casedesk.StatusClosed}, casedesk.StatusOpen, "closed"},
			{"resolved cannot wait on the customer", eng, []casedesk.CaseStatus{casedesk.StatusResolved}, casedesk.StatusWaiting, "resolved"},
			{"closed cannot be resolved", eng, []casedesk.CaseStatus{casedesk.StatusResolved, casedesk.StatusClosed}, casedesk.StatusResolved, "closed"},
			{"nothing goes back to new", eng, []casedesk.CaseStatus{casedesk.StatusOpen}, casedesk.StatusNew, "new"},
			{"unknown status", eng, nil, "frozen", "frozen"},
			{"customer cannot set waiting", f.otherUser, nil, casedesk.StatusWaiting, "resolve, close or reopen"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := withStatus(tt.from...)
				before, _ := db.FindCase(ctx, eng, c.ID)
				_, err := db.SetStatus(ctx, tt.actor, c.ID, tt.to, 0)
				wantCode(t, err, casedesk.EINVALID)
				if casedesk.ErrorField(err) != "status" || !strings.Contains(casedesk.ErrorMessage(err), tt.mention) {
					t.Fatalf("error %v does not name the status field and %q", err, tt.mention)
				}
				after, _ := db.FindCase(ctx, eng, c.ID)
				if after.Status != before.Status || after.Rev != before.Rev {
					t.Fatalf("refused change altered the case: %s rev %d → %s rev %d", before.Status, before.Rev, after.Status, after.Rev)
				}
			})
		}
	})
}

func TestReply_ReopensResolvedCaseOnlyWithinTheWindow(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})
		t0 := db.now()
		if _, err := db.SetStatus(ctx, eng, c.ID, casedesk.StatusResolved, 0); err != nil {
			t.Fatal(err)
		}
		at(db, t0.Add(ReopenWindow-time.Hour))
		got, _, err := db.Reply(ctx, f.otherUser, c.ID, "It is back", false, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != casedesk.StatusOpen || got.ResolvedAt != nil {
			t.Fatalf("reply within the window: status %s, resolved at %v", got.Status, got.ResolvedAt)
		}
		t1 := db.now()
		if _, err := db.SetStatus(ctx, eng, c.ID, casedesk.StatusResolved, 0); err != nil {
			t.Fatal(err)
		}
		at(db, t1.Add(ReopenWindow+time.Minute))
		_, _, err = db.Reply(ctx, f.otherUser, c.ID, "It is back again", false, 0)
		wantCode(t, err, casedesk.ECONFLICT)
		_, err = db.SetStatus(ctx, f.otherUser, c.ID, casedesk.StatusOpen, 0)
		wantCode(t, err, casedesk.EINVALID)
		_, err = db.SetStatus(ctx, eng, c.ID, casedesk.StatusOpen, 0)
		wantCode(t, err, casedesk.EINVALID)
		got, _ = db.FindCase(ctx, f.otherUser, c.ID)
		if got.Status != casedesk.StatusResolved {
			t.Fatalf("status after refused reopen = %s", got.Status)
		}
		if _, err := db.SetStatus(ctx, f.otherUser, c.ID, casedesk.StatusClosed, 0); err != nil {
			t.Fatal(err)
		}
		_, _, err = db.Reply(ctx, f.otherUser, c.ID, "Hello?", false, 0)
		wantCode(t, err, casedesk.ECONFLICT)
	})
}

func TestCaseUpdates_RefuseAStaleRevision(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})
		stale := c.Rev
		fresh, err := db.SetStatus(ctx, eng, c.ID, casedesk.StatusOpen, stale)
		if err != nil {
			t.Fatalf("update at the current revision: %v", err)
		}
		if fresh.Rev <= stale {
			t.Fatalf("revision %d did not advance from %d", fresh.Rev, stale)
		}
		tests := []struct {
			name string
			op   func(rev int) error
		}{
			{"reply", func(rev int) error { _, _, err := db.Reply(ctx, f.otherUser, c.ID, "more", false, rev); return err }},
			{"status", func(rev int) error { _, err := db.SetStatus(ctx, eng, c.ID, casedesk.StatusWaiting, rev); return err }},
			{"priority", func(rev int) error { _, err := db.ChangePriority(ctx, eng, c.ID, "P1", "urgent", rev); return err }},
			{"assign", func(rev int) error { _, err := db.Assign(ctx, eng, c.ID, &eng.UserID, "", rev); return err }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, tt.op(stale), casedesk.EPRECONDITION)
				now, _ := db.FindCase(ctx, eng, c.ID)
				if now.Rev != fresh.Rev {
					t.Fatalf("a refused update changed the revision to %d", now.Rev)
				}
			})
		}
		if n := len(events(t, db, eng, c.ID)); n != 2 {
			t.Fatalf("thread has %d events, want created and status only", n)
		}
		if err := tests[0].op(fresh.Rev); err != nil {
			t.Fatalf("reply at the current revision: %v", err)
		}
	})
}

func TestMerge_ClosesDuplicateIntoTargetKeepingBothHistories(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		target := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID, Subject: "Backups fail"})
		dup := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID, Subject: "Backups fail again"})

		_, err := db.Merge(ctx, f.otherUser, dup.ID, target.ID)
		wantCode(t, err, casedesk.EFORBIDDEN)
		_, err = db.Merge(ctx, eng, dup.ID, dup.ID)
		wantCode(t, err, casedesk.EINVALID)

		merged, err := db.Merge(ctx, eng, dup.ID, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if merged.Status != casedesk.StatusClosed || merged.MergedInto == nil || *merged.MergedInto != target.ID || merged.ClosedAt == nil {
			t.Fatalf("duplicate after merge: status %s, merged into %v", merged.Status, merged.MergedInto)
		}
		if merged.DueAt != nil {
			t.Fatalf("a merged duplicate still owes a response at %v", merged.DueAt)
		}
		for _, id := range []int64{dup.ID, target.ID} {
			evs := events(t, db, f.otherUser, id)
			if !slices.Contains(eventKinds(evs), casedesk.EventMerge) || evs[0].Kind != casedesk.EventCreated {
				t.Fatalf("case %d history: %v", id, eventKinds(evs))
			}
		}
		got, _ := db.FindCase(ctx, eng, target.ID)
		if got.Status != casedesk.StatusNew || got.MergedInto != nil {
			t.Fatalf("target changed by the merge: %+v", got)
		}
		if got.Rev <= target.Rev || !got.UpdatedAt.After(target.UpdatedAt) {
			t.Fatalf("the target's thread grew but its revision stayed %d (was %d), updated %v (was %v)", got.Rev, target.Rev, got.UpdatedAt, target.UpdatedAt)
		}
		_, err = db.Merge(ctx, eng, dup.ID, target.ID)
		wantCode(t, err, casedesk.ECONFLICT)
		third := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})
		_, err = db.Merge(ctx, eng, third.ID, dup.ID)
		if casedesk.ErrorField(err) != "target_id" {
			t.Fatalf("merge into a merged case: %v", err)
		}

		elsewhere := open(t, db, f.servedUser, casedesk.Case{ProductID: p.ID})
		_, err = db.Merge(ctx, eng, elsewhere.ID, target.ID)
		wantCode(t, err, casedesk.EINVALID)
		if casedesk.ErrorField(err) != "target_id" || !strings.Contains(casedesk.ErrorMessage(err), "different organisations") {
			t.Fatalf("cross-organisation merge: %v", err)
		}
		if got, _ := db.FindCase(ctx, eng, elsewhere.ID); got.Status != casedesk.StatusNew || got.MergedInto != nil {
			t.Fatalf("refused merge changed the case: %+v", got)
		}
	})
}

func TestSplit_PartKeepsOrganisationContactProductContractAndLinks(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, k := deskFixture(t, db, f, "zmanda-premium")
		// A newer contract of the same organisation, with another contact:
		// the part must stay under the parent's, not the newest.
		second := addUser(t, db, f.other, "second@other.example", casedesk.RoleCustomerUser)
		addContract(t, db, &casedesk.Contract{OrgID: f.other.ID, PlanID: "zmanda-standard"}, second)
		eng := engineer(t, db, f, "eng@vendor.example")
		parent := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID, Subject: "Backups fail and the UI is slow", Impact: "high", Urgency: "high"})
		if parent.ContractID == nil || *parent.ContractID != k.ID {
			t.Fatalf("test premise: parent served under %v, want contract %d", parent.ContractID, k.ID)
		}

		_, err := db.Split(ctx, f.otherUser, parent.ID, "UI is slow", "Pages take 10 s")
		wantCode(t, err, casedesk.EFORBIDDEN)

		child, err := db.Split(ctx, eng, parent.ID, "UI is slow", "Pages take 10 s")
		if err != nil {
			t.Fatal(err)
		}
		if child.OrgID != f.other.ID || child.ContactID != f.otherUser.UserID || child.ProductID != p.ID ||
			child.ContractID == nil || *child.ContractID != k.ID || child.ParentID == nil || *child.ParentID != parent.ID {
			t.Fatalf("split part: org %d contact %d product %d contract %v parent %v", child.OrgID, child.ContactID, child.ProductID, child.ContractID, child.ParentID)
		}
		if child.Priority != parent.Priority || !child.Commitment || child.DueAt.Sub(child.CreatedAt) != parent.DueAt.Sub(parent.CreatedAt) {
			t.Fatalf("split part: priority %s (parent %s), commitment %v, due after %s (parent %s)", child.Priority, parent.Priority,
				child.Commitment, child.DueAt.Sub(child.CreatedAt), parent.DueAt.Sub(parent.CreatedAt))
		}
		var split *casedesk.CaseEvent
		for _, e := range events(t, db, f.otherUser, parent.ID) {
			if e.Kind == casedesk.EventSplit {
				split = e
			}
		}
		if split == nil || !strings.Contains(string(split.Data), fmt.Sprint(child.ID)) {
			t.Fatalf("parent has no split event naming case %d: %+v", child.ID, split)
		}
		if got, _ := db.FindCase(ctx, eng, parent.ID); got.Rev <= parent.Rev {
			t.Fatalf("the parent's thread grew but its revision stayed %d (was %d)", got.Rev, parent.Rev)
		}
		if _, err := db.FindCase(ctx, f.otherUser, child.ID); err != nil {
			t.Fatalf("the customer cannot see the split part: %v", err)
		}
	})
}

func TestRemoteAccess_GrantedByCustomerRevocableAndTimeLimited(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})

		_, err := db.GrantRemoteAccess(ctx, eng, c.ID, time.Hour, "let me in")
		wantCode(t, err, casedesk.EFORBIDDEN)
		_, err = db.GrantRemoteAccess(ctx, f.servedUser, c.ID, time.Hour, "")
		wantCode(t, err, casedesk.ENOTFOUND)
		for _, d := range []time.Duration{0, -time.Hour, MaxRemoteAccess + time.Hour} {
			_, err := db.GrantRemoteAccess(ctx, f.otherUser, c.ID, d, "")
			if casedesk.ErrorField(err) != "hours" {
				t.Fatalf("grant for %s: %v", d, err)
			}
		}

		revoked, err := db.GrantRemoteAccess(ctx, f.otherUser, c.ID, 2*time.Hour, "VPN account cd-support")
		if err != nil {
			t.Fatal(err)
		}
		expiring, err := db.GrantRemoteAccess(ctx, f.otherUser, c.ID, 4*time.Hour, "")
		if err != nil {
			t.Fatal(err)
		}
		active := func() map[int64]bool {
			gs, err := db.RemoteAccessGrants(ctx, eng, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]bool{}
			for _, g := range gs {
				out[g.ID] = g.Active
			}
			return out
		}
		if got := active(); !got[revoked.ID] || !got[expiring.ID] || len(got) != 2 {
			t.Fatalf("fresh grants: %v", got)
		}
		if err := db.RevokeRemoteAccess(ctx, eng, c.ID, revoked.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.RevokeRemoteAccess(ctx, f.otherUser, c.ID, revoked.ID), casedesk.ENOTFOUND)
		if got := active(); got[revoked.ID] || !got[expiring.ID] {
			t.Fatalf("after revoking %d: %v", revoked.ID, got)
		}
		at(db, expiring.EndsAt.Add(time.Second))
		if got := active(); got[expiring.ID] {
			t.Fatalf("after grant %d expired: %v", expiring.ID, got)
		}
		kinds := eventKinds(events(t, db, f.otherUser, c.ID))
		if n := len(slices.DeleteFunc(kinds, func(k string) bool { return k != casedesk.EventRemoteAccess })); n != 3 {
			t.Fatalf("remote access events = %d, want 2 grants and 1 revocation recorded", n)
		}
	})
}

func TestAttachments_SniffedStoredLimitedAndTenantScoped(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		c := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID})
		page := []byte("<html><body><script>alert(document.cookie)</script></body></html>")
		a, err := db.AddAttachment(ctx, f.otherUser, c.ID, `..\..\logs/report.png`, page)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(a.ContentType, "text/html") {
			t.Fatalf("content type = %q, want it sniffed as text/html whatever the name says", a.ContentType)
		}
		if a.Filename != "report.png" || a.Size != int64(len(page)) {
			t.Fatalf("stored as %q, %d bytes", a.Filename, a.Size)
		}
		got, err := db.Attachment(ctx, f.admin, c.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Data) != string(page) || got.SHA256 != a.SHA256 || got.ContentType != a.ContentType {
			t.Fatalf("read back %q (%s)", got.Data, got.ContentType)
		}

		_, err = db.Attachment(ctx, f.servedUser, c.ID, a.ID)
		wantCode(t, err, casedesk.ENOTFOUND)
		_, err = db.AddAttachment(ctx, f.servedUser, c.ID, "x.txt", []byte("x"))
		wantCode(t, err, casedesk.ENOTFOUND)
		mineCase := open(t, db, f.servedUser, casedesk.Case{ProductID: p.ID})
		_, err = db.Attachment(ctx, f.servedUser, mineCase.ID, a.ID)
		wantCode(t, err, casedesk.ENOTFOUND)

		for _, data := range [][]byte{nil, make([]byte, MaxAttachmentBytes+1)} {
			_, err := db.AddAttachment(ctx, f.otherUser, c.ID, "big.bin", data)
			if casedesk.ErrorField(err) != "file" {
				t.Fatalf("%d-byte upload: %v", len(data), err)
			}
		}
		if _, err := db.AddAttachment(ctx, f.otherUser, c.ID, "max.bin", make([]byte, MaxAttachmentBytes)); err != nil {
			t.Fatalf("upload of exactly the limit: %v", err)
		}
	})
}

func TestListCases_OrdersByPriorityThenPlanHandlingThenDue(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		// A Wednesday in EMEA business hours, so due times are plain.
		wed := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
		at(db, wed)
		f := newFixture(t, db)
		p := &casedesk.Product{Name: "ERP"}
		if err := db.CreateProduct(ctx, f.admin, p); err != nil {
			t.Fatal(err)
		}
		xOrg, xUser := addCustomer(t, db, "Xtreme Co")
		eOrg, eUser := addCustomer(t, db, "Elite Co")
		xContract := addContract(t, db, &casedesk.Contract{OrgID: xOrg.ID, PlanID: "infor-xtreme"}, xUser) // no priority handling
		addContract(t, db, &casedesk.Contract{OrgID: eOrg.ID, PlanID: "infor-xtreme-elite"}, eUser)        // rank 2
		openAt := func(offset time.Duration, u *casedesk.Actor, impact, urgency string) *casedesk.Case {
			at(db, wed.Add(offset))
			return open(t, db, u, casedesk.Case{ProductID: p.ID, Impact: impact, Urgency: urgency})
		}
		xEarly := openAt(0, xUser, "high", "medium")                           // P2, due 14:00
		xLate := openAt(time.Hour, xUser, "high", "medium")                    // P2, due 15:00
		elite := openAt(3*time.Hour, eUser, "high", "medium")                  // P2, due 15:00 but priority handling
		eliteLow := openAt(3*time.Hour, eUser, "low", "medium")                // P4
		xCritical := openAt(3*time.Hour+30*time.Minute, xUser, "high", "high") // P1, latest opened
		if !xEarly.DueAt.Before(*elite.DueAt) {
			t.Fatalf("test premise: xtreme case due %v, elite due %v", xEarly.DueAt, elite.DueAt)
		}
		want := []int64{xCritical.ID, elite.ID, xEarly.ID, xLate.ID, eliteLow.ID}
		if got := listAll(t, db, f.admin, CaseFilter{Open: true}); !slices.Equal(got, want) {
			t.Fatalf("queue = %v, want %v (P1, P2 elite, P2 xtreme by due, P4)", got, want)
		}
		if got := listAll(t, db, f.admin, CaseFilter{Priority: "P2"}); !slices.Equal(got, want[1:4]) {
			t.Fatalf("P2 queue = %v, want %v", got, want[1:4])
		}
		if got := listAll(t, db, f.admin, CaseFilter{OrgID: xOrg.ID}); !slices.Equal(got, []int64{xCritical.ID, xEarly.ID, xLate.ID}) {
			t.Fatalf("organisation filter = %v", got)
		}

		// An upgrade gives the open cases the new plan's place in the queue.
		elitePlan := "infor-xtreme-elite"
		if _, err := db.UpdateContract(ctx, f.admin, xContract.ID, ContractUpdate{PlanID: &elitePlan}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*casedesk.Case{xEarly, xLate, xCritical} {
			var rank int
			if err := db.queryRow(ctx, `SELECT plan_rank FROM cases WHERE id = ?`, c.ID).Scan(&rank); err != nil {
				t.Fatal(err)
			}
			if rank != -2 {
				t.Errorf("case %d after the upgrade to %s ranks %d in the queue, want the plan's -2", c.ID, elitePlan, rank)
			}
		}
	})
}

func TestListCases_CursorPagesReturnEveryCaseOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		_, stranger := addCustomer(t, db, "Stranger") // no contract: no due time
		levels := [][2]string{{"high", "high"}, {"high", "medium"}, {"medium", "medium"}, {"low", "low"}}
		start := db.now()
		total := 0
		for i := range 23 {
			// Several cases share an instant, so ties are broken by id.
			at(db, start.Add(time.Duration(i/4)*time.Minute))
			l := levels[i%len(levels)]
			u := f.otherUser
			if i%5 == 0 {
				u = stranger
			}
			open(t, db, u, casedesk.Case{ProductID: p.ID, Impact: l[0], Urgency: l[1]})
			total++
		}
		whole := listAll(t, db, f.admin, CaseFilter{})
		if len(whole) != total {
			t.Fatalf("one page holds %d cases, want %d", len(whole), total)
		}
		for _, size := range []int{1, 4, 7, total} {
			t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
				var got []int64
				cursor := ""
				for pages := 0; ; pages++ {
					if pages > total+1 {
						t.Fatal("pagination does not end")
					}
					page, err := db.ListCases(ctx, f.admin, CaseFilter{Cursor: cursor, Limit: size})
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range page.Cases {
						got = append(got, c.ID)
					}
					if page.Next == "" {
						break
					}
					if len(page.Cases) != size {
						t.Fatalf("a page before the last holds %d cases, want %d", len(page.Cases), size)
					}
					cursor = page.Next
				}
				if !slices.Equal(got, whole) {
					t.Fatalf("pages gave %v, want %v", got, whole)
				}
			})
		}
		for _, bad := range []string{"garbage!", base64.RawURLEncoding.EncodeToString([]byte(`{}`)), base64.RawURLEncoding.EncodeToString([]byte(`[1]`))} {
			_, err := db.ListCases(ctx, f.admin, CaseFilter{Cursor: bad})
			if casedesk.ErrorCode(err) != casedesk.EINVALID || casedesk.ErrorField(err) != "cursor" {
				t.Fatalf("cursor %q: %v", bad, err)
			}
		}
	})
}

func TestCases_TenancyOnFindListSearchAndEvents(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		addContract(t, db, &casedesk.Contract{OrgID: f.served.ID, PlanID: "zmanda-standard"}, f.servedUser) // partner-sold
		ours := open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID, Subject: "Quarantined volume"})
		served := open(t, db, f.servedUser, casedesk.Case{ProductID: p.ID, Subject: "Quarantined volume too"})
		if served.Queue != "partner" {
			t.Fatalf("partner-sold case in queue %q", served.Queue)
		}
		if _, _, err := db.Reply(ctx, eng, ours.ID, "Suspect firmware xylophone", true, 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Reply(ctx, eng, ours.ID, "Please send the logs", false, 0); err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name  string
			actor *casedesk.Actor
			sees  []int64
		}{
			{"staff see every case", eng, []int64{ours.ID, served.ID}},
			{"a customer sees its own cases only", f.otherUser, []int64{ours.ID}},
			{"another customer sees its own cases only", f.servedUser, []int64{served.ID}},
			{"a partner sees the cases of the customers it serves", f.partnerAgent, []int64{served.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, c := range []*casedesk.Case{ours, served} {
					want := slices.Contains(tt.sees, c.ID)
					_, err := db.FindCase(ctx, tt.actor, c.ID)
					_, evErr := db.CaseEvents(ctx, tt.actor, c.ID)
					if want && (err != nil || evErr != nil) {
						t.Fatalf("case %d: find %v, events %v", c.ID, err, evErr)
					}
					if !want && (casedesk.ErrorCode(err) != casedesk.ENOTFOUND || casedesk.ErrorCode(evErr) != casedesk.ENOTFOUND) {
						t.Fatalf("case %d of another tenant: find %v, events %v", c.ID, err, evErr)
					}
				}
				listed := listAll(t, db, tt.actor, CaseFilter{})
				slices.Sort(listed)
				if !slices.Equal(listed, tt.sees) {
					t.Fatalf("listed %v, want %v", listed, tt.sees)
				}
				found, err := db.SearchCases(ctx, tt.actor, "quarantined", 10)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, c := range found {
					ids = append(ids, c.ID)
				}
				slices.Sort(ids)
				if !slices.Equal(ids, tt.sees) {
					t.Fatalf("search found %v, want %v", ids, tt.sees)
				}
			})
		}

		for _, e := range events(t, db, f.otherUser, ours.ID) {
			if !e.Public || e.Kind == casedesk.EventNote || strings.Contains(e.Body, "xylophone") {
				t.Fatalf("customer sees an internal event: %+v", e)
			}
		}
		if found, _ := db.SearchCases(ctx, f.otherUser, "xylophone", 10); len(found) != 0 {
			t.Fatal("customer finds a case by its internal note")
		}
		staffKinds := eventKinds(events(t, db, eng, ours.ID))
		if !slices.Contains(staffKinds, casedesk.EventNote) {
			t.Fatalf("staff do not see the internal note: %v", staffKinds)
		}
	})
}

func TestCaseCounts_FollowStatusChanges(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		eng := engineer(t, db, f, "eng@vendor.example")
		var cs []*casedesk.Case
		for range 5 {
			cs = append(cs, open(t, db, f.otherUser, casedesk.Case{ProductID: p.ID}))
		}
		open(t, db, f.servedUser, casedesk.Case{ProductID: p.ID})
		type counts = map[casedesk.CaseStatus]int64
		check := func(actor *casedesk.Actor, want counts) {
			t.Helper()
			got, err := db.CaseCounts(ctx, actor)
			if err != nil {
				t.Fatal(err)
			}
			for s, n := range got {
				if n == 0 {
					delete(got, s)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("counts for %s = %v, want %v", actor.Email, got, want)
			}
		}
		check(f.otherUser, counts{casedesk.StatusNew: 5})
		check(eng, counts{casedesk.StatusNew: 6})
		check(f.servedUser, counts{casedesk.StatusNew: 1})

		step := func(c *casedesk.Case, to casedesk.CaseStatus) {
			t.Helper()
			if _, err := db.SetStatus(ctx, eng, c.ID, to, 0); err != nil {
				t.Fatal(err)
			}
		}
		step(cs[0], casedesk.StatusOpen)
		step(cs[1], casedesk.StatusWaiting)
		step(cs[2], casedesk.StatusResolved)
		step(cs[3], casedesk.StatusResolved)
		step(cs[3], casedesk.StatusClosed)
		step(cs[0], casedesk.StatusOpen) // no change
		check(f.otherUser, counts{casedesk.StatusNew: 1, casedesk.StatusOpen: 1, casedesk.StatusWaiting: 1, casedesk.StatusResolved: 1, casedesk.StatusClosed: 1})

		if _, _, err := db.Reply(ctx, f.otherUser, cs[1].ID, "answer", false, 0); err != nil { // waiting → open
			t.Fatal(err)
		}
		if _, _, err := db.Reply(ctx, f.otherUser, cs[2].ID, "still broken", false, 0); err != nil { // resolved → open
			t.Fatal(err)
		}
		if _, err := db.Merge(ctx, eng, cs[4].ID, cs[0].ID); err != nil { // new → closed
			t.Fatal(err)
		}
		_, err := db.SetStatus(ctx, eng, cs[3].ID, casedesk.StatusOpen, 0) // refused: no change
		wantCode(t, err, casedesk.EINVALID)
		check(f.otherUser, counts{casedesk.StatusOpen: 3, casedesk.StatusClosed: 2})
		check(eng, counts{casedesk.StatusNew: 1, casedesk.StatusOpen: 3, casedesk.StatusClosed: 2})
		check(f.partnerAgent, counts{casedesk.StatusNew: 1})
	})
}

func TestOpenCase_StoresEverythingThatGoesWithTheCase(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		var ids []int64
		for i, override := range []string{"", "P1"} {
			in := NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: fmt.Sprintf("Quokka restore %d", i), Desc: "The catalog is gone",
				Impact: "low", Urgency: "low"}, Priority: override, OverrideReason: "the auditors come tomorrow"}
			c, err := db.OpenCase(ctx, f.otherUser, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
			want := []string{casedesk.EventCreated}
			if override != "" {
				want = append(want, casedesk.EventPriority)
			}
			if got := eventKinds(events(t, db, f.otherUser, c.ID)); !slices.Equal(got, want) {
				t.Fatalf("case %d: events %v, want %v", c.ID, got, want)
			}
			stored, err := db.FindCase(ctx, f.otherUser, c.ID)
			if err != nil || stored.Subject != in.Case.Subject || stored.Priority != c.Priority || stored.Rev != 1 {
				t.Fatalf("case %d as stored: %v %+v", c.ID, err, stored)
			}
		}
		if ids[0] <= 0 || ids[1] <= ids[0] {
			t.Fatalf("case ids %v", ids)
		}
		counts, err := db.CaseCounts(ctx, f.otherUser)
		if err != nil || counts[casedesk.StatusNew] != 2 {
			t.Fatalf("counts %v (%v), want 2 new", counts, err)
		}
		found, err := db.SearchCases(ctx, f.otherUser, "quokka", 10)
		if err != nil || len(found) != 2 {
			t.Fatalf("search found %d (%v), want both cases", len(found), err)
		}
		msgs, err := db.PendingOutbox(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var hooked []int64
		for _, m := range msgs {
			var p struct {
				Event  string `json:"event"`
				CaseID int64  `json:"case_id"`
				OrgID  int64  `json:"org_id"`
			}
			if m.Kind != "webhook" || json.Unmarshal(m.Payload, &p) != nil || p.Event != "case.created" {
				continue
			}
			if p.OrgID != f.other.ID {
				t.Fatalf("webhook message %s: organisation %d, want %d", m.Payload, p.OrgID, f.other.ID)
			}
			hooked = append(hooked, p.CaseID)
		}
		if !slices.Equal(hooked, ids) {
			t.Fatalf("case.created messages for cases %v, want %v", hooked, ids)
		}
		audit, err := db.ListAudit(ctx, f.admin, casedesk.AuditFilter{Entity: "case"})
		if err != nil {
			t.Fatal(err)
		}
		var audited []int64
		for _, e := range audit {
			if e.Action == "create" && e.ActorID != nil && *e.ActorID == f.otherUser.UserID {
				audited = append(audited, e.EntityID)
			}
		}
		slices.Sort(audited)
		if !slices.Equal(audited, ids) {
			t.Fatalf("audited creations of cases %v, want %v", audited, ids)
		}
	})
}
