package casedesk

import (
	"slices"
	"strings"
	"time"
)

// ContractStatus is where a contract stands; Expired is also derived from its dates.
type ContractStatus string

// Contract statuses.
const (
	ContractActive    ContractStatus = "active"
	ContractCancelled ContractStatus = "cancelled"
)

// Contract is a customer's support agreement: a plan over a term, on a
// calendar, for some products, with named technical contacts.
type Contract struct {
	ID     int64  `json:"id"`
	OrgID  int64  `json:"org_id"`
	PlanID string `json:"plan_id"`
	// CalendarID is the coverage calendar for the plan's "business" hours: a
	// region's built-in (americas, emea, apac) or a calendar defined by an administrator.
	CalendarID string `json:"calendar_id"`
	// StartsOn and EndsOn are dates (YYYY-MM-DD); the contract covers
	// StartsOn 00:00 to the end of EndsOn, in the calendar's zone.
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	// Products and ProductLines list what the contract covers; both empty
	// means every product.
	Products     []int64        `json:"products"`
	ProductLines []string       `json:"product_lines"`
	Status       ContractStatus `json:"status"`
	// PartnerID is set when a partner sold the contract: its cases go to the
	// partner's queue first.
	PartnerID *int64 `json:"partner_id,omitempty"`
	// SupportManagerID is the assigned support manager for escalations, on
	// plans that include one.
	SupportManagerID *int64    `json:"support_manager_id,omitempty"`
	Contacts         []int64   `json:"technical_contacts"`
	Expired          bool      `json:"expired"`
	ContactLimit     int       `json:"technical_contact_limit"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Validate checks a contract's own fields; the plan and calendar are checked
// against the catalog by the store.
func (c *Contract) Validate() error {
	c.PlanID, c.CalendarID = strings.TrimSpace(c.PlanID), strings.TrimSpace(c.CalendarID)
	if c.PlanID == "" {
		return FieldErrorf("plan_id", "name a plan from the catalog").WithKey("error.contract.plan_missing", nil)
	}
	if c.CalendarID == "" {
		return FieldErrorf("calendar_id", "name a calendar (americas, emea, apac, or one of yours)").WithKey("error.contract.calendar_missing", nil)
	}
	start, err := ParseDate("starts_on", c.StartsOn)
	if err != nil {
		return err
	}
	if c.EndsOn == "" {
		// Annual by default.
		c.EndsOn = start.AddDate(1, 0, -1).Format(dateLayout)
	}
	end, err := ParseDate("ends_on", c.EndsOn)
	if err != nil {
		return err
	}
	if end.Before(start) {
		return FieldErrorf("ends_on", "must not be before starts_on").WithKey("error.contract.ends_before_start", nil)
	}
	switch c.Status {
	case "":
		c.Status = ContractActive
	case ContractActive, ContractCancelled:
	default:
		return FieldErrorf("status", "must be active or cancelled").WithKey("error.contract.status", nil)
	}
	if c.Products == nil {
		c.Products = []int64{}
	}
	if c.ProductLines == nil {
		c.ProductLines = []string{}
	}
	return nil
}

// Covers reports whether the contract covers a product on productLine.
func (c *Contract) Covers(productID int64, productLine string) bool {
	if len(c.Products) == 0 && len(c.ProductLines) == 0 {
		return true
	}
	return slices.Contains(c.Products, productID) || (productLine != "" && slices.Contains(c.ProductLines, productLine))
}
