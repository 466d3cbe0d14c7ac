package entitlement

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

var (
	now      = time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC)
	orgID    = int64(7)
	partner  = int64(3)
	alice    = &casedesk.User{ID: 1, OrgID: &orgID, Name: "Alice", Email: "alice@example.com", Role: casedesk.RoleCustomerContact}
	bob      = &casedesk.User{ID: 2, OrgID: &orgID, Name: "Bob", Email: "bob@example.com", Role: casedesk.RoleCustomerUser}
	backup   = &casedesk.Product{ID: 10, Name: "Backup Server", Line: "backup"}
	database = &casedesk.Product{ID: 11, Name: "Database", Line: "db"}
	names    = map[int64]string{1: "Alice <alice@example.com>", 5: "Carol <carol@example.com>"}
)

// contract returns an active, current contract with the given contacts,
// covering the backup product line.
func contract(id int64, contacts ...int64) *casedesk.Contract {
	return &casedesk.Contract{ID: id, OrgID: orgID, PlanID: "zmanda-standard", Status: casedesk.ContractActive,
		StartsOn: "2025-01-01", EndsOn: "2025-12-31", ProductLines: []string{"backup"}, Contacts: contacts}
}

func expired(c *casedesk.Contract) *casedesk.Contract {
	c.StartsOn, c.EndsOn, c.Expired = "2023-01-01", "2023-12-31", true
	return c
}

func cancelled(c *casedesk.Contract) *casedesk.Contract {
	c.Status = casedesk.ContractCancelled
	return c
}

func partnerSold(c *casedesk.Contract) *casedesk.Contract {
	c.PartnerID = &partner
	return c
}

func version(eol string) *casedesk.Version {
	return &casedesk.Version{ID: 100, ProductID: backup.ID, Name: "4.2", EndOfLife: eol}
}

func TestCanOpenCase_AcceptsWithOrWithoutCommitment(t *testing.T) {
	tests := []struct {
		name       string
		facts      Facts
		contract   int64 // 0: no contract serves the case
		commitment bool
		flags      []string
		reason     string // a word the customer's reason must contain; "" when there is none
		queue      string
	}{
		{
			name:     "contact on a current contract covering the product gets a commitment",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup},
			contract: 1, commitment: true, queue: "vendor",
		},
		{
			name:     "staff open a case for a user who is not a contact",
			facts:    Facts{Submitter: bob, Staff: true, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup},
			contract: 1, commitment: true, queue: "vendor",
		},
		{
			name:     "product outside the contract",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: database},
			contract: 1, flags: []string{casedesk.FlagProductNotCovered}, reason: "does not cover Database", queue: "vendor",
		},
		{
			name:     "a contract covering the product is preferred to one that does not",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1), func() *casedesk.Contract { c := contract(2, 1); c.ProductLines = []string{"db"}; return c }()}, Product: database},
			contract: 2, commitment: true, queue: "vendor",
		},
		{
			name:     "only an expired contract",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{expired(contract(1, 1))}, Product: backup},
			contract: 1, flags: []string{casedesk.FlagContractExpired, casedesk.FlagRenewal}, reason: "ended on 2023-12-31", queue: "vendor",
		},
		{
			name:     "a non-contact with only an expired contract is accepted without commitment",
			facts:    Facts{Submitter: bob, Contracts: []*casedesk.Contract{expired(contract(1, 1))}, Product: backup},
			contract: 1, flags: []string{casedesk.FlagContractExpired, casedesk.FlagRenewal}, reason: "Renew", queue: "vendor",
		},
		{
			name:  "no contract at all",
			facts: Facts{Submitter: bob, Product: backup},
			flags: []string{casedesk.FlagNoContract, casedesk.FlagRenewal}, reason: "no support contract", queue: "vendor",
		},
		{
			name:  "cancelled contracts are ignored",
			facts: Facts{Submitter: alice, Contracts: []*casedesk.Contract{cancelled(contract(1, 1))}, Product: backup},
			flags: []string{casedesk.FlagNoContract, casedesk.FlagRenewal}, reason: "no support contract", queue: "vendor",
		},
		{
			name:     "a cancelled contract is passed over for an active one",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{cancelled(contract(1, 1)), contract(2, 1)}, Product: backup},
			contract: 2, commitment: true, queue: "vendor",
		},
		{
			name:     "the day after end of life the version is unsupported",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup, Version: version("2025-06-09")},
			contract: 1, flags: []string{casedesk.FlagUnsupportedVersion}, reason: "upgrade", queue: "vendor",
		},
		{
			name:     "on the end-of-life day itself the version is still supported",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup, Version: version("2025-06-10")},
			contract: 1, commitment: true, queue: "vendor",
		},
		{
			name:     "a version without an announced end of life is supported",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup, Version: version("")},
			contract: 1, commitment: true, queue: "vendor",
		},
		{
			name:     "installation goes to professional services",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup, Request: "installation"},
			contract: 1, flags: []string{casedesk.FlagOutOfScope}, reason: "professional services", queue: "professional_services",
		},
		{
			name:     "implementation goes to professional services even on a partner-sold contract",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{partnerSold(contract(1, 1))}, Product: backup, Request: "implementation"},
			contract: 1, flags: []string{casedesk.FlagOutOfScope}, reason: "professional services", queue: "professional_services",
		},
		{
			name:     "a problem is in scope",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{contract(1, 1)}, Product: backup, Request: "problem"},
			contract: 1, commitment: true, queue: "vendor",
		},
		{
			name:     "partner-sold contract routes to the partner with its commitment",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{partnerSold(contract(1, 1))}, Product: backup},
			contract: 1, commitment: true, queue: "partner",
		},
		{
			name:     "flags accumulate: expired contract and unsupported version",
			facts:    Facts{Submitter: alice, Contracts: []*casedesk.Contract{expired(contract(1, 1))}, Product: backup, Version: version("2024-01-01")},
			contract: 1, flags: []string{casedesk.FlagContractExpired, casedesk.FlagRenewal, casedesk.FlagUnsupportedVersion}, reason: "Renew", queue: "vendor",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.facts.Now, tt.facts.ContactNames = now, names
			d, err := CanOpenCase(tt.facts)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			var got int64
			if d.Contract != nil {
				got = d.Contract.ID
			}
			if got != tt.contract {
				t.Errorf("contract = %d, want %d", got, tt.contract)
			}
			if d.Commitment != tt.commitment {
				t.Errorf("commitment = %v, want %v", d.Commitment, tt.commitment)
			}
			if !slices.Equal(d.Flags, tt.flags) {
				t.Errorf("flags = %q, want %q", d.Flags, tt.flags)
			}
			if d.Queue != tt.queue {
				t.Errorf("queue = %q, want %q", d.Queue, tt.queue)
			}
			if tt.commitment && len(d.Reasons) != 0 {
				t.Errorf("reasons with a commitment: %q", d.Reasons)
			}
			if !tt.commitment {
				if len(d.Reasons) != len(d.Flags)-count(d.Flags, casedesk.FlagRenewal) {
					t.Errorf("reasons %q do not explain each flag of %q", d.Reasons, d.Flags)
				}
				if !strings.Contains(strings.Join(d.Reasons, " "), tt.reason) {
					t.Errorf("reasons %q do not mention %q", d.Reasons, tt.reason)
				}
			}
		})
	}
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

func TestCanOpenCase_RefusesNonContactNamingTheContacts(t *testing.T) {
	tests := []struct {
		name      string
		contracts []*casedesk.Contract
		mention   []string
	}{
		{"one contract", []*casedesk.Contract{contract(1, 1)}, []string{"Alice <alice@example.com>"}},
		{"contacts of every current contract, once each", []*casedesk.Contract{contract(1, 1, 5), contract(2, 1)}, []string{"Alice <alice@example.com>", "Carol <carol@example.com>"}},
		{"a contact without a known name is named by ID", []*casedesk.Contract{contract(1, 9)}, []string{"user 9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CanOpenCase(Facts{Submitter: bob, Contracts: tt.contracts, Product: backup, Now: now, ContactNames: names})
			if casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
				t.Fatalf("error = %v, want %s", err, casedesk.EFORBIDDEN)
			}
			msg := casedesk.ErrorMessage(err)
			for _, m := range tt.mention {
				if strings.Count(msg, m) != 1 {
					t.Errorf("message %q names %q %d times, want once", msg, m, strings.Count(msg, m))
				}
			}
		})
	}
}

func TestCanOpenCase_ContactOfAnExpiredContractOnlyIsRefusedWhenACurrentOneNamesOthers(t *testing.T) {
	// alice (1) was a contact on the expired contract; bob (2) is the contact now.
	_, err := CanOpenCase(Facts{
		Submitter:    alice,
		Contracts:    []*casedesk.Contract{expired(contract(1, 1)), contract(2, 2)},
		Product:      backup,
		ContactNames: map[int64]string{2: "Bob <bob@example.com>"},
	})
	if casedesk.ErrorCode(err) != casedesk.EFORBIDDEN || !strings.Contains(err.Error(), "Bob <bob@example.com>") {
		t.Fatalf("former contact: %v", err)
	}
}
