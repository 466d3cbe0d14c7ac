// Package entitlement decides what a customer's contracts entitle a new case
// to: whether the submitter may open it at all, which contract serves it, and
// whether any SLA applies — with the reasons, in words the customer reads. It
// is pure: the caller gathers the facts, and no decision loses a case.
package entitlement

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// Facts are what the decision needs about a new case.
type Facts struct {
	Submitter *casedesk.User
	// Staff is true when vendor staff open the case on a customer's behalf;
	// the technical-contact rule does not bind them.
	Staff     bool
	Contracts []*casedesk.Contract // the organisation's, any status
	Product   *casedesk.Product
	Version   *casedesk.Version // nil when not given
	Request   string            // problem, installation, implementation
	Now       time.Time
	// ContactNames names the technical contacts, by user ID, for the refusal.
	ContactNames map[int64]string
}

// Decision is the outcome for an accepted case.
type Decision struct {
	Contract   *casedesk.Contract // nil: no contract serves the case
	Commitment bool
	Flags      []string
	Reasons    []string
	// Queue is "vendor", "partner" (partner-sold contract), or
	// "professional_services" for out-of-scope requests.
	Queue string
}

// CanOpenCase decides on a new case. It refuses (with an EFORBIDDEN error
// naming who can open cases) only a user who is not a technical contact of an
// organisation whose current contracts name technical contacts; every other
// case is accepted, if need be with no commitment and the reason why.
func CanOpenCase(f Facts) (Decision, error) {
	d := Decision{Queue: "vendor", Commitment: true}
	current := filter(f.Contracts, func(c *casedesk.Contract) bool { return c.Status == casedesk.ContractActive && !c.Expired })
	mine := filter(f.Contracts, func(c *casedesk.Contract) bool {
		return c.Status == casedesk.ContractActive && slices.Contains(c.Contacts, f.Submitter.ID)
	})
	// A contact of an expired contract only, where a current one names other
	// contacts, is not a technical contact any more.
	mineCurrent := filter(mine, func(c *casedesk.Contract) bool { return !c.Expired })
	if !f.Staff && len(mineCurrent) == 0 {
		if holders := contactsOf(current, f.ContactNames); len(holders) > 0 {
			list := strings.Join(holders, ", ")
			return Decision{}, casedesk.Errorf(casedesk.EFORBIDDEN,
				"only your organisation's technical contacts can open cases: %s. Ask one of them to open it, or to name you a technical contact.",
				list).WithKey("error.case.contacts_only", map[string]any{"Contacts": list})
		}
	}
	pool := mine
	if f.Staff || len(pool) == 0 {
		pool = filter(f.Contracts, func(c *casedesk.Contract) bool { return c.Status == casedesk.ContractActive })
	}
	// Prefer a current contract that covers the product, then any current one,
	// then the most recent expired one.
	pick := func(ok func(c *casedesk.Contract) bool) *casedesk.Contract {
		for _, c := range pool {
			if ok(c) {
				return c
			}
		}
		return nil
	}
	covers := func(c *casedesk.Contract) bool { return c.Covers(f.Product.ID, f.Product.Line) }
	d.Contract = pick(func(c *casedesk.Contract) bool { return !c.Expired && covers(c) })
	switch {
	case d.Contract != nil:
	case pick(func(c *casedesk.Contract) bool { return !c.Expired }) != nil:
		d.Contract = pick(func(c *casedesk.Contract) bool { return !c.Expired })
		d.noCommitment(casedesk.FlagProductNotCovered,
			fmt.Sprintf("Your support contract does not cover %s, so no response time is promised. Contact your account manager to add it.", f.Product.Name))
	case pick(func(*casedesk.Contract) bool { return true }) != nil:
		d.Contract = pick(func(*casedesk.Contract) bool { return true })
		d.noCommitment(casedesk.FlagContractExpired,
			fmt.Sprintf("Your support contract ended on %s, so no response time is promised. Renew it to restore your service levels.", d.Contract.EndsOn))
		d.Flags = append(d.Flags, casedesk.FlagRenewal)
	default:
		d.noCommitment(casedesk.FlagNoContract,
			"Your organisation has no support contract, so this case is handled on a best-effort basis with no response time promised. Contact us to buy support.")
		d.Flags = append(d.Flags, casedesk.FlagRenewal)
	}
	if f.Version != nil && f.Version.PastEndOfLife(f.Now) {
		d.noCommitment(casedesk.FlagUnsupportedVersion,
			fmt.Sprintf("%s %s reached its end of life on %s and is no longer supported, so no response time is promised. Please upgrade to a supported version.",
				f.Product.Name, f.Version.Name, f.Version.EndOfLife))
	}
	if f.Request == "installation" || f.Request == "implementation" {
		d.noCommitment(casedesk.FlagOutOfScope,
			"Installation and implementation requests are not covered by support; we have passed your request to our professional services team, who will contact you.")
		d.Queue = "professional_services"
	} else if d.Contract != nil && d.Contract.PartnerID != nil {
		d.Queue = "partner"
	}
	return d, nil
}

func (d *Decision) noCommitment(flag, reason string) {
	d.Commitment = false
	d.Flags = append(d.Flags, flag)
	d.Reasons = append(d.Reasons, reason)
}

func filter(cs []*casedesk.Contract, keep func(*casedesk.Contract) bool) []*casedesk.Contract {
	var out []*casedesk.Contract
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// contactsOf lists the technical contacts of cs by name, once each.
func contactsOf(cs []*casedesk.Contract, names map[int64]string) []string {
	var out []string
	for _, c := range cs {
		for _, id := range c.Contacts {
			n := names[id]
			if n == "" {
				n = fmt.Sprintf("user %d", id)
			}
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}
