package casedesk

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// CaseStatus is where a case is in its lifecycle.
type CaseStatus string

// The lifecycle: new → open → waiting on customer ↔ open → resolved → closed,
// with reopening of a resolved case allowed within a window.
const (
	StatusNew      CaseStatus = "new"
	StatusOpen     CaseStatus = "open"
	StatusWaiting  CaseStatus = "waiting_on_customer"
	StatusResolved CaseStatus = "resolved"
	StatusClosed   CaseStatus = "closed"
)

// caseTransitions lists, for each status, the statuses a case may move to.
var caseTransitions = map[CaseStatus][]CaseStatus{
	StatusNew:      {StatusOpen, StatusWaiting, StatusResolved, StatusClosed},
	StatusOpen:     {StatusWaiting, StatusResolved, StatusClosed},
	StatusWaiting:  {StatusOpen, StatusResolved, StatusClosed},
	StatusResolved: {StatusOpen, StatusClosed},
	StatusClosed:   {},
}

// CanMoveTo reports whether the lifecycle allows from → to.
func (from CaseStatus) CanMoveTo(to CaseStatus) bool {
	return slices.Contains(caseTransitions[from], to)
}

// IsOpen reports whether work is owed on the case (it stays in the queue).
func (s CaseStatus) IsOpen() bool {
	return s == StatusNew || s == StatusOpen || s == StatusWaiting
}

// ParseCaseStatus checks s names a status.
func ParseCaseStatus(s string) (CaseStatus, error) {
	if _, ok := caseTransitions[CaseStatus(s)]; ok {
		return CaseStatus(s), nil
	}
	return "", FieldErrorf("status", "unknown status %q; one of new, open, waiting_on_customer, resolved, closed", s).WithKey("error.case.status_unknown", map[string]any{"Status": s})
}

// Flags a case can carry; each is explained to the customer.
const (
	FlagNoContract         = "no_contract"
	FlagContractExpired    = "contract_expired"
	FlagProductNotCovered  = "product_not_covered"
	FlagUnsupportedVersion = "unsupported_version"
	FlagOutOfScope         = "out_of_scope"
	FlagRenewal            = "renewal_needed"
)

// CaseDetails are what the seeds ask a customer to provide with a case.
type CaseDetails struct {
	Example       string `json:"example,omitempty"`
	Context       string `json:"context,omitempty"`
	Configuration string `json:"system_configuration,omitempty"`
	Steps         string `json:"steps_to_reproduce,omitempty"`
	// Request says what kind of help is asked: "problem" (default),
	// "installation" or "implementation" — the last two are out of scope.
	Request string `json:"request,omitempty"`
}

// Case is one support issue.
type Case struct {
	ID         int64       `json:"id"`
	OrgID      int64       `json:"org_id"`
	ContractID *int64      `json:"contract_id,omitempty"`
	ContactID  int64       `json:"contact_id"`
	ProductID  int64       `json:"product_id"`
	VersionID  *int64      `json:"version_id,omitempty"`
	Subject    string      `json:"subject"`
	Desc       string      `json:"description"`
	Details    CaseDetails `json:"details"`
	Impact     string      `json:"impact"`
	Urgency    string      `json:"urgency"`
	Priority   string      `json:"priority"`
	Language   string      `json:"language"`
	Status     CaseStatus  `json:"status"`
	AssigneeID *int64      `json:"assignee_id,omitempty"`
	// Queue is "vendor", or "partner" when the customer's partner serves it first.
	Queue string `json:"queue"`
	// Commitment is false when no SLA applies; Flags and Reasons say why.
	Commitment bool            `json:"commitment"`
	Flags      []string        `json:"flags"`
	Reasons    []string        `json:"reasons,omitempty"`
	DueAt      *time.Time      `json:"due_at,omitempty"`
	AtRisk     bool            `json:"at_risk"`
	Breached   bool            `json:"breached"`
	SLA        json.RawMessage `json:"sla,omitempty"`
	ParentID   *int64          `json:"parent_id,omitempty"`
	MergedInto *int64          `json:"merged_into,omitempty"`
	Rev        int             `json:"rev"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	ResolvedAt *time.Time      `json:"resolved_at,omitempty"`
	ClosedAt   *time.Time      `json:"closed_at,omitempty"`
}

// Validate checks what the submitter wrote.
func (c *Case) Validate() error {
	c.Subject = strings.TrimSpace(c.Subject)
	if c.Subject == "" || len(c.Subject) > 300 {
		return FieldErrorf("subject", "must be 1 to 300 characters").WithKey("error.length.range", map[string]any{"Min": 1, "Max": 300})
	}
	c.Desc = strings.TrimSpace(c.Desc)
	if c.Desc == "" {
		return FieldErrorf("description", "describe the problem").WithKey("error.case.description_empty", nil)
	}
	if len(c.Desc) > 100_000 {
		return FieldErrorf("description", "must be at most 100000 characters; attach long logs instead").WithKey("error.text.too_long", map[string]any{"Max": 100000})
	}
	if c.ProductID == 0 {
		return FieldErrorf("product_id", "name the product the case is about").WithKey("error.case.product_missing", nil)
	}
	if c.Language == "" {
		c.Language = "en"
	}
	switch c.Details.Request {
	case "":
		c.Details.Request = "problem"
	case "problem", "installation", "implementation":
	default:
		return FieldErrorf("details.request", "must be problem, installation or implementation").WithKey("error.case.request_kind", nil)
	}
	return nil
}

// CaseEvent is one entry of a case's thread and history: a public reply, an
// internal note, or a change of status, priority, assignment or terms.
type CaseEvent struct {
	ID      int64           `json:"id"`
	CaseID  int64           `json:"case_id"`
	At      time.Time       `json:"at"`
	ActorID *int64          `json:"actor_id,omitempty"`
	Kind    string          `json:"kind"`
	Public  bool            `json:"public"`
	Body    string          `json:"body,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Case event kinds.
const (
	EventCreated         = "created"
	EventReply           = "reply"
	EventNote            = "note"
	EventStatus          = "status"
	EventPriority        = "priority"
	EventAssign          = "assign"
	EventSplit           = "split"
	EventMerge           = "merge"
	EventRemoteAccess    = "remote_access"
	EventSLA             = "sla"
	EventEscalate        = "escalate"
	EventContractChanged = "contract_changed"
)
