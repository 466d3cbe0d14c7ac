package httpd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/i18n"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
	"github.com/casedesk/casedesk/store"
)

// consoleRoutes registers the console's pages: the queue with its live
// countdowns, a case with its thread and the actions on it, and the SLA
// dashboard. Staff only.
func (s *Server) consoleRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /console", s.requireStaffPage(s.handleConsoleQueue))
	mux.HandleFunc("GET /console/queue/rows", s.requireStaffPage(s.handleConsoleRows))
	mux.HandleFunc("GET /console/dashboard", s.requireStaffPage(s.handleConsoleDashboard))
	mux.HandleFunc("GET /console/cases/{id}", s.requireStaffPage(s.handleConsoleCase))
	mux.HandleFunc("POST /console/cases/{id}/reply", s.consoleAction("reply", s.consoleReply))
	mux.HandleFunc("POST /console/cases/{id}/status", s.consoleAction("status", s.consoleStatus))
	mux.HandleFunc("POST /console/cases/{id}/priority", s.consoleAction("priority", s.consolePriority))
	mux.HandleFunc("POST /console/cases/{id}/assign", s.consoleAction("assign", s.consoleAssign))
	mux.HandleFunc("POST /console/cases/{id}/split", s.consoleAction("split", s.consoleSplit))
	mux.HandleFunc("POST /console/cases/{id}/merge", s.consoleAction("merge", s.consoleMerge))
}

// consoleFlash is the session key of the message shown once after an action.
const consoleFlash = "console.flash"

// consoleNow is the console's clock: the store's, so that countdowns agree
// with the due times the store computed, and tests move both together.
func (s *Server) consoleNow() time.Time { return s.DB.Now().UTC() }

// requireStaffPage wraps a console page: anonymous visitors go to the login
// page (htmx requests are told to go there instead of swapping it into a
// table), and anyone who is not vendor staff gets a page pointing to the portal.
func (s *Server) requireStaffPage(h func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User)) http.HandlerFunc {
	page := s.requirePage(func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
		if !a.IsStaff() {
			s.render(w, r, http.StatusForbidden, "console_error", pageData{User: u, Error: "console.error.staff_only", Data: "/portal"})
			return
		}
		h(w, r, a, u)
	})
	return func(w http.ResponseWriter, r *http.Request) {
		if a := actorFrom(r); (a == nil || a.TokenID != 0) && r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", "/login?next="+url.QueryEscape("/console"))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		page(w, r)
	}
}

// consoleError renders err on the console's error page when it is one a
// person can act on (not found, forbidden), and as a failure otherwise.
func (s *Server) consoleError(w http.ResponseWriter, r *http.Request, u *casedesk.User, err error) {
	code := casedesk.ErrorCode(err)
	if code == casedesk.ENOTFOUND || code == casedesk.EFORBIDDEN || code == casedesk.EINVALID {
		s.render(w, r, statusOf[code], "console_error", pageData{User: u, Error: consoleErrorKey(err), Data: "/console"})
		return
	}
	s.fail(w, r, err)
}

// consoleErrorKey is the message key that tells a person what to fix.
func consoleErrorKey(err error) string {
	switch casedesk.ErrorCode(err) {
	case casedesk.EINVALID:
		if key := "console.error.field." + casedesk.ErrorField(err); i18n.Has(key) {
			return key
		}
		return "console.error.invalid"
	case casedesk.EPRECONDITION:
		return "console.error.precondition"
	case casedesk.ECONFLICT:
		return "console.error.conflict"
	case casedesk.ENOTFOUND:
		return "console.error.not_found"
	case casedesk.EFORBIDDEN:
		return "console.error.forbidden"
	case casedesk.ELIMIT:
		return "console.error.limit"
	}
	return ""
}

// Countdowns.

// consoleCountdown is a case's SLA state as the queue shows it: a class for the
// colour, a label that says the same in words, and the time left or overdue.
type consoleCountdown struct {
	Class string // on-time, at-risk, breached; "" when no clock runs
	Label string // message key of the state
	Text  string // "12 min 05 s left", in the reader's language
	Due   *time.Time
}

// consoleCountdownFor computes c's countdown at now. Under an hour it counts
// seconds, so each refresh of the queue shows time moving.
func consoleCountdownFor(loc *i18n.Localizer, c *casedesk.Case, now time.Time) consoleCountdown {
	switch {
	case !c.Commitment:
		return consoleCountdown{Label: "console.sla.no_commitment"}
	case c.DueAt == nil && c.Status == casedesk.StatusWaiting:
		return consoleCountdown{Label: "console.sla.paused"}
	case c.DueAt == nil:
		return consoleCountdown{Label: "console.sla.no_clock"}
	}
	left := c.DueAt.Sub(now)
	cd := consoleCountdown{Class: "on-time", Label: "console.sla.on_time", Due: c.DueAt}
	if c.AtRisk {
		cd.Class, cd.Label = "at-risk", "console.sla.at_risk"
	}
	if left < 0 || c.Breached {
		cd.Class, cd.Label = "breached", "console.sla.breached"
	}
	if left < 0 {
		cd.Text = loc.T("console.sla.overdue", map[string]string{"D": consoleClockText(loc, -left)})
	} else {
		cd.Text = loc.T("console.sla.left", map[string]string{"D": consoleClockText(loc, left)})
	}
	return cd
}

// consoleClockText writes d with seconds under an hour ("12 min 05 s"), as
// humanDuration does above it.
func consoleClockText(loc *i18n.Localizer, d time.Duration) string {
	if d >= time.Hour {
		return humanDuration(loc, d)
	}
	d = d.Truncate(time.Second)
	return loc.T("console.countdown.minutes_seconds", map[string]any{
		"M": int(d / time.Minute), "S": fmt.Sprintf("%02d", int(d%time.Minute/time.Second)),
	})
}

// The queue.

// consoleQueueForm is the queue's filter form, as the page echoes it back.
type consoleQueueForm struct {
	Status, Priority             string
	ProductID, OrgID, AssigneeID int64
	AtRisk, Breached             bool
	Cursor                       string
	Query                        string // the filters, encoded, without the cursor
	HasFilters                   bool
}

// parseConsoleQueue reads the filters from the query string, ignoring values
// that name nothing (a stale bookmark shows the whole queue, not an error).
func parseConsoleQueue(q url.Values) (consoleQueueForm, store.CaseFilter) {
	f := consoleQueueForm{Cursor: q.Get("cursor")}
	filter := store.CaseFilter{Open: true, Cursor: f.Cursor}
	keep := url.Values{}
	if st := casedesk.CaseStatus(q.Get("status")); st.IsOpen() {
		f.Status, filter.Status = string(st), st
		keep.Set("status", string(st))
	}
	if l, err := priority.ParseLevel(q.Get("priority")); err == nil && q.Get("priority") != "" {
		f.Priority, filter.Priority = l.String(), l.String()
		keep.Set("priority", l.String())
	}
	id := func(name string) int64 {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		keep.Set(name, strconv.FormatInt(n, 10))
		return n
	}
	f.ProductID, f.OrgID, f.AssigneeID = id("product"), id("organisation"), id("assignee")
	filter.ProductID, filter.OrgID, filter.AssigneeID = f.ProductID, f.OrgID, f.AssigneeID
	if q.Get("at_risk") != "" {
		f.AtRisk, filter.AtRisk = true, true
		keep.Set("at_risk", "1")
	}
	if q.Get("breached") != "" {
		f.Breached, filter.Breached = true, true
		keep.Set("breached", "1")
	}
	f.Query, f.HasFilters = keep.Encode(), len(keep) > 0
	return f, filter
}

// consoleRow is one case of a queue or list.
type consoleRow struct {
	Case                   *casedesk.Case
	Org, Product, Assignee string
	Countdown              consoleCountdown
}

// consoleQueueData is the queue page's.
type consoleQueueData struct {
	Form       consoleQueueForm
	Rows       []consoleRow
	Next       string // the next page's address; empty on the last page
	RowsURL    string // the fragment that refreshes the rows
	Statuses   []casedesk.CaseStatus
	Priorities []string
	Products   []*casedesk.Product
	Orgs       []*casedesk.Organisation
	Engineers  []*casedesk.User
}

// consoleNames resolves the names a list of cases shows, once per request.
type consoleNames struct {
	orgs     map[int64]string
	products map[int64]string
	users    map[int64]*casedesk.User
}

func (s *Server) consoleLoadNames(ctx context.Context, a *casedesk.Actor) (*consoleNames, []*casedesk.Organisation, []*casedesk.Product, []*casedesk.User, error) {
	n := &consoleNames{orgs: map[int64]string{}, products: map[int64]string{}, users: map[int64]*casedesk.User{}}
	orgs, err := s.DB.ListOrganisations(ctx, a)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var customers []*casedesk.Organisation
	for _, o := range orgs {
		n.orgs[o.ID] = o.Name
		if o.Kind == casedesk.OrgCustomer {
			customers = append(customers, o)
		}
	}
	products, err := s.DB.ListProducts(ctx)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, p := range products {
		n.products[p.ID] = p.Name
	}
	users, err := s.DB.ListUsers(ctx, a, 0)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var staff []*casedesk.User
	for _, u := range users {
		n.users[u.ID] = u
		if u.Role.IsStaff() && !u.Disabled {
			staff = append(staff, u)
		}
	}
	return n, customers, products, staff, nil
}

func (n *consoleNames) row(loc *i18n.Localizer, c *casedesk.Case, now time.Time) consoleRow {
	r := consoleRow{Case: c, Org: n.orgs[c.OrgID], Product: n.products[c.ProductID], Countdown: consoleCountdownFor(loc, c, now)}
	if c.AssigneeID != nil {
		if u := n.users[*c.AssigneeID]; u != nil {
			r.Assignee = u.Name
		}
	}
	return r
}

// consoleQueue loads one page of the queue the request's filters select.
func (s *Server) consoleQueue(r *http.Request, a *casedesk.Actor, u *casedesk.User) (*consoleQueueData, error) {
	form, filter := parseConsoleQueue(r.URL.Query())
	page, err := s.DB.ListCases(r.Context(), a, filter)
	if err != nil {
		return nil, err
	}
	names, orgs, products, staff, err := s.consoleLoadNames(r.Context(), a)
	if err != nil {
		return nil, err
	}
	loc, now := s.localizer(r, u), s.consoleNow()
	d := &consoleQueueData{
		Form: form, Statuses: []casedesk.CaseStatus{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting},
		Priorities: consoleLevels(), Products: products, Orgs: orgs, Engineers: staff,
	}
	for _, c := range page.Cases {
		d.Rows = append(d.Rows, names.row(loc, c, now))
	}
	rows := url.Values{}
	if form.Query != "" {
		rows, _ = url.ParseQuery(form.Query)
	}
	if form.Cursor != "" {
		rows.Set("cursor", form.Cursor)
	}
	d.RowsURL = "/console/queue/rows"
	if len(rows) > 0 {
		d.RowsURL += "?" + rows.Encode()
	}
	if page.Next != "" {
		next, _ := url.ParseQuery(form.Query)
		next.Set("cursor", page.Next)
		d.Next = "/console?" + next.Encode()
	}
	return d, nil
}

func consoleLevels() []string {
	out := make([]string, len(priority.Levels))
	for i, l := range priority.Levels {
		out[i] = l.String()
	}
	return out
}

func (s *Server) handleConsoleQueue(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	d, err := s.consoleQueue(r, a, u)
	if err != nil {
		s.consoleError(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "console_queue", pageData{User: u, Data: d})
}

// handleConsoleRows answers the queue page's refresh: only the table's rows.
func (s *Server) handleConsoleRows(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	d, err := s.consoleQueue(r, a, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderConsoleFragment(w, r, "console_queue", "console-rows", pageData{User: u, Data: d})
}

// renderConsoleFragment writes one template of a page, without the layout, for htmx.
func (s *Server) renderConsoleFragment(w http.ResponseWriter, r *http.Request, page, name string, data pageData) {
	loc := s.localizer(r, data.User)
	data.Lang, data.Languages = loc.Lang(), casedesk.Locales
	t, err := pages[page].Clone()
	if err == nil {
		t.Funcs(formatFuncs(loc, userZone(data.User)))
		var buf bytes.Buffer
		if err = t.ExecuteTemplate(&buf, name, data); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			buf.WriteTo(w)
			return
		}
	}
	s.fail(w, r, err)
}

// The case page.

// consoleThreadEntry is one event of a case's thread, ready to show.
type consoleThreadEntry struct {
	Event    *casedesk.CaseEvent
	Author   string
	Class    string // vendor, internal, or "" for the customer
	Summary  string // what changed, in the reader's language; empty for replies
	Body     string // the text written, shown as written
	Link     string // a case or file the event refers to
	LinkText string
}

// consoleContractPanel is what the side panel shows of the customer's contract.
type consoleContractPanel struct {
	Contract *casedesk.Contract
	Plan     *plan.Plan
	Calendar sla.CalendarRef
	Targets  []consoleTarget
	Contacts []*casedesk.User
	Features []consoleFeature
}

type consoleTarget struct {
	Priority                              string
	Coverage                              string // a calendar id, or "business"
	FirstResponse, NextUpdate, Resolution time.Duration
	Committed                             bool
}

type consoleFeature struct {
	Key   string // message key of the feature's name
	Count int    // for counted features; 0 for a plain yes
}

// consoleCaseData is the case page's.
type consoleCaseData struct {
	Case       *casedesk.Case
	Org        string
	Contact    *casedesk.User
	Product    *casedesk.Product
	Version    string
	Assignee   string
	AssigneeID int64 // 0 when nobody has the case
	Countdown  consoleCountdown
	Thread     []consoleThreadEntry
	Statuses   []casedesk.CaseStatus // where the case may move
	Priorities []string
	Engineers  []*casedesk.User
	Queues     []string
	Contract   *consoleContractPanel
	SLA        sla.Report
	ClockClass map[string]string // the colour of each clock status
	Flash      string            // message key of the last action's result
	ErrorForm  string            // the form whose submission failed
	Form       map[string]string // what that form held, to fill it again
}

// consoleCase loads everything the case page shows.
func (s *Server) consoleCase(r *http.Request, a *casedesk.Actor, u *casedesk.User, id int64) (*consoleCaseData, error) {
	ctx := r.Context()
	c, report, err := s.DB.CaseSLA(ctx, a, id)
	if err != nil {
		return nil, err
	}
	events, err := s.DB.CaseEvents(ctx, a, id)
	if err != nil {
		return nil, err
	}
	names, _, _, staff, err := s.consoleLoadNames(ctx, a)
	if err != nil {
		return nil, err
	}
	loc, now := s.localizer(r, u), s.consoleNow()
	d := &consoleCaseData{
		Case: c, Org: names.orgs[c.OrgID], Contact: names.users[c.ContactID], SLA: report,
		Countdown: consoleCountdownFor(loc, c, now), Priorities: consoleLevels(), Engineers: staff,
		Queues: []string{"vendor", "partner", "professional_services"}, Form: map[string]string{},
		ClockClass: map[string]string{string(sla.Running): "on-time", string(sla.Met): "on-time", string(sla.Warning): "at-risk", string(sla.Breached): "breached"},
	}
	if c.AssigneeID != nil {
		d.AssigneeID = *c.AssigneeID
		if u := names.users[*c.AssigneeID]; u != nil {
			d.Assignee = u.Name
		}
	}
	for _, st := range []casedesk.CaseStatus{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed} {
		if c.Status.CanMoveTo(st) {
			d.Statuses = append(d.Statuses, st)
		}
	}
	if d.Product, err = s.DB.Product(ctx, c.ProductID); err != nil {
		return nil, err
	}
	for _, v := range d.Product.Versions {
		if c.VersionID != nil && v.ID == *c.VersionID {
			d.Version = v.Name
		}
	}
	for _, e := range events {
		d.Thread = append(d.Thread, consoleThreadEntryFor(loc, names, c, e))
	}
	if c.ContractID != nil {
		if d.Contract, err = s.consoleContractPanel(ctx, a, names, *c.ContractID, d.Product); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (s *Server) consoleContractPanel(ctx context.Context, a *casedesk.Actor, names *consoleNames, id int64, product *casedesk.Product) (*consoleContractPanel, error) {
	k, err := s.DB.FindContract(ctx, a, id)
	if err != nil {
		return nil, err
	}
	p := &consoleContractPanel{Contract: k}
	if p.Plan, err = s.DB.Plan(ctx, k.PlanID, 0); err != nil {
		return nil, err
	}
	if cal, err := s.DB.Calendar(ctx, k.CalendarID, 0); err == nil {
		p.Calendar = cal.CalendarRef
	} else {
		p.Calendar = sla.CalendarRef{ID: k.CalendarID}
	}
	for _, l := range priority.Levels {
		row := consoleTarget{Priority: l.String()}
		if cm, ok := p.Plan.Commitment(l, product.Line); ok {
			row.Committed, row.Coverage = true, cm.Coverage
			row.FirstResponse, row.NextUpdate, row.Resolution = cm.Targets()
		}
		p.Targets = append(p.Targets, row)
	}
	for _, uid := range k.Contacts {
		if u := names.users[uid]; u != nil {
			p.Contacts = append(p.Contacts, u)
		}
	}
	for _, f := range p.Plan.FeaturesFor(product.Type).List() {
		row := consoleFeature{Key: "console.feature." + f.Name}
		if n, ok := f.Value.(int); ok {
			row.Count = n
		}
		p.Features = append(p.Features, row)
	}
	return p, nil
}

// consoleThreadEntryFor turns an event into what the thread shows: replies and
// notes as written, changes as a sentence in the reader's language.
func consoleThreadEntryFor(loc *i18n.Localizer, names *consoleNames, c *casedesk.Case, e *casedesk.CaseEvent) consoleThreadEntry {
	te := consoleThreadEntry{Event: e}
	if e.ActorID != nil {
		if u := names.users[*e.ActorID]; u != nil {
			te.Author = u.Name
			if u.Role.IsStaff() {
				te.Class = "vendor"
			}
		}
	}
	var data map[string]any
	if len(e.Data) > 0 {
		json.Unmarshal(e.Data, &data)
	}
	str := func(k string) string {
		if v, ok := data[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	num := func(k string) int64 {
		if v, ok := data[k].(float64); ok {
			return int64(v)
		}
		return 0
	}
	statusName := func(s string) string { return loc.T("console.status." + s) }
	body := true
	switch e.Kind {
	case casedesk.EventReply:
	case casedesk.EventNote:
		te.Class, te.Summary = "internal", loc.T("console.event.note")
	case casedesk.EventCreated:
		te.Summary = loc.T("console.event.created")
	case casedesk.EventStatus:
		te.Summary = loc.T("console.event.status", map[string]string{"From": statusName(str("from")), "To": statusName(str("to"))})
	case casedesk.EventPriority:
		te.Summary = loc.T("console.event.priority", map[string]string{"From": str("from"), "To": str("to")})
	case casedesk.EventAssign, casedesk.EventEscalate:
		who := loc.T("console.unassigned")
		if id := num("assignee_id"); id != 0 && names.users[id] != nil {
			who = names.users[id].Name
		}
		key := "console.event.assign"
		if e.Kind == casedesk.EventEscalate {
			key = "console.event.escalate"
		}
		te.Summary = loc.T(key, map[string]string{"Assignee": who, "Queue": loc.T("console.queue." + str("queue"))})
	case casedesk.EventMerge:
		body = false
		if id := num("into"); id != 0 {
			te.Summary = loc.T("console.event.merged_into", map[string]int64{"ID": id})
			te.Link, te.LinkText = fmt.Sprintf("/console/cases/%d", id), fmt.Sprintf("#%d", id)
		} else {
			te.Summary = loc.T("console.event.merged_from", map[string]int64{"ID": num("from")})
			te.Link, te.LinkText = fmt.Sprintf("/console/cases/%d", num("from")), fmt.Sprintf("#%d", num("from"))
		}
	case casedesk.EventSplit:
		body = false
		te.Summary = loc.T("console.event.split", map[string]int64{"ID": num("child")})
		te.Link, te.LinkText = fmt.Sprintf("/console/cases/%d", num("child")), fmt.Sprintf("#%d", num("child"))
	case casedesk.EventRemoteAccess:
		if num("revoked") != 0 {
			te.Summary = loc.T("console.event.remote_access_revoked")
		} else {
			te.Summary = loc.T("console.event.remote_access_granted")
		}
	case casedesk.EventContractChanged:
		te.Summary = loc.T("console.event.contract_changed", map[string]string{"Plan": str("plan")})
	case "attachment":
		body = false
		te.Summary = loc.T("console.event.attachment")
		te.Link = fmt.Sprintf("/api/v1/cases/%d/attachments/%d", c.ID, num("attachment"))
		te.LinkText = e.Body
	default:
		te.Summary = loc.T("console.event.other", map[string]string{"Kind": e.Kind})
	}
	if !e.Public {
		te.Class = "internal"
	}
	if body {
		te.Body = e.Body
	}
	return te
}

func consoleCaseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, casedesk.Errorf(casedesk.ENOTFOUND, "case %q not found", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) handleConsoleCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := consoleCaseID(r)
	if err != nil {
		s.consoleError(w, r, u, err)
		return
	}
	d, err := s.consoleCase(r, a, u, id)
	if err != nil {
		s.consoleError(w, r, u, err)
		return
	}
	d.Flash = s.sessions.PopString(r.Context(), consoleFlash)
	s.render(w, r, http.StatusOK, "console_case", pageData{User: u, Data: d})
}

// consoleAction wraps a form post on a case. The action returns the case to
// show next and a message key for it; on an error a person can fix, the
// case page is shown again with the message and the form as it was sent.
func (s *Server) consoleAction(form string, act func(r *http.Request, a *casedesk.Actor, id int64) (next int64, done string, err error)) http.HandlerFunc {
	return s.requireStaffPage(func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
		id, err := consoleCaseID(r)
		if err != nil {
			s.consoleError(w, r, u, err)
			return
		}
		next, done, err := act(r, a, id)
		if err == nil {
			s.sessions.Put(r.Context(), consoleFlash, done)
			http.Redirect(w, r, fmt.Sprintf("/console/cases/%d", next), http.StatusSeeOther)
			return
		}
		key := consoleErrorKey(err)
		if key == "" || casedesk.ErrorCode(err) == casedesk.ENOTFOUND && casedesk.ErrorField(err) == "" {
			s.consoleError(w, r, u, err)
			return
		}
		d, lerr := s.consoleCase(r, a, u, id)
		if lerr != nil {
			s.consoleError(w, r, u, lerr)
			return
		}
		d.ErrorForm = form
		for k, v := range r.PostForm {
			if k != "csrf_token" && len(v) > 0 {
				d.Form[k] = v[0]
			}
		}
		s.render(w, r, statusOf[casedesk.ErrorCode(err)], "console_case", pageData{User: u, Error: key, Data: d})
	})
}

// consoleRev reads the revision the form was made from; 0 skips the check.
func consoleRev(r *http.Request) int {
	n, _ := strconv.Atoi(r.PostFormValue("rev"))
	return n
}

func (s *Server) consoleReply(r *http.Request, a *casedesk.Actor, id int64) (int64, string, error) {
	internal := r.PostFormValue("internal") != ""
	// Replies do not conflict with one another: no revision check.
	if _, _, err := s.DB.Reply(r.Context(), a, id, r.PostFormValue("body"), internal, 0); err != nil {
		return 0, "", err
	}
	if internal {
		return id, "console.done.note", nil
	}
	return id, "console.done.reply", nil
}

func (s *Server) consoleStatus(r *http.Request, a *casedesk.Actor, id int64) (int64, string, error) {
	_, err := s.DB.SetStatus(r.Context(), a, id, casedesk.CaseStatus(r.PostFormValue("status")), consoleRev(r))
	return id, "console.done.status", err
}

func (s *Server) consolePriority(r *http.Request, a *casedesk.Actor, id int64) (int64, string, error) {
	_, err := s.DB.ChangePriority(r.Context(), a, id, r.PostFormValue("priority"), r.PostFormValue("reason"), consoleRev(r))
	return id, "console.done.priority", err
}

func (s *Server) consoleAssign(r *http.Request, a *casedesk.Actor, id int64) (int64, string, error) {
	var assignee *int64
	if v := r.PostFormValue("assignee"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, "", casedesk.FieldErrorf("assignee_id", "choose an engineer from the list")
		}
		assignee = &n
	}
	_, err := s.DB.Assign(r.Context(), a, id, assignee, r.PostFormValue("queue"), consoleRev(r))
	return id, "console.done.assign", err
}

func (s *Server) consoleSplit(r *http.Request, a *casedesk.Actor, id int64) (int64, string, error) {
	child, err := s.DB.Split(r.Context(), a, id, r.PostFormValue("subject"), r.PostFormValue("description"))
	if err != nil {
		return 0, "", err
	}
	return child.ID, "console.done.split", nil
}

func (s *Server) consoleMerge(r *http.Request, a *casedesk.Actor, id int64) (int64, string, error) {
	target, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("target")), "#"), 10, 64)
	if err != nil || target <= 0 {
		return 0, "", casedesk.FieldErrorf("target_id", "write the number of the case to merge into")
	}
	if _, err := s.DB.Merge(r.Context(), a, id, target); err != nil {
		return 0, "", err
	}
	return target, "console.done.merge", nil
}

// The dashboard.

// consoleDays is the dashboard's window.
const consoleDays = 30

// Chart geometry, in SVG user units.
const (
	consoleChartWidth  = 420
	consoleChartLabelW = 40
	consoleChartBarW   = 280
	consoleChartRowH   = 30
	consoleChartBarH   = 20
	consoleChartTop    = 10
)

// consoleChart is one plan's bar chart: a bar per priority, met then breached.
type consoleChart struct {
	ID, Name string
	Height   int
	LegendY  int
	Bars     []consoleBar
	// The geometry, for the template.
	Width, BarX, BarW, BarH, TextX int
	Legend                         struct{ MetText, Breached, BreachedText, TextY int }
}

type consoleBar struct {
	store.AttainmentRow
	Y, TextY                   int
	MetW, BreachedX, BreachedW int
	Percent                    int
}

// consoleDashboard is the dashboard's.
type consoleDashboard struct {
	Since    time.Time
	Days     int
	Rows     []consoleAttainment
	Charts   []consoleChart
	Breaches []consoleRow
	Next     string
}

type consoleAttainment struct {
	store.AttainmentRow
	PlanName string
	Percent  int
}

func (s *Server) handleConsoleDashboard(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	ctx := r.Context()
	now := s.consoleNow()
	since := now.AddDate(0, 0, -consoleDays)
	rows, err := s.DB.SLAAttainment(ctx, a, since)
	if err != nil {
		s.consoleError(w, r, u, err)
		return
	}
	breaches, err := s.DB.ListCases(ctx, a, store.CaseFilter{Breached: true, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.consoleError(w, r, u, err)
		return
	}
	names, _, _, _, err := s.consoleLoadNames(ctx, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r, u)
	d := &consoleDashboard{Since: since, Days: consoleDays}
	planNames := map[string]string{}
	for _, row := range rows {
		name, ok := planNames[row.Plan]
		if !ok {
			name = row.Plan
			if p, err := s.DB.Plan(ctx, row.Plan, 0); err == nil && p.Name != "" {
				name = p.Name
				if p.Program != "" {
					name += " (" + p.Program + ")"
				}
			}
			planNames[row.Plan] = name
		}
		d.Rows = append(d.Rows, consoleAttainment{AttainmentRow: row, PlanName: name, Percent: consolePercent(row)})
	}
	d.Charts = consoleCharts(d.Rows)
	for _, c := range breaches.Cases {
		d.Breaches = append(d.Breaches, names.row(loc, c, now))
	}
	if breaches.Next != "" {
		d.Next = "/console/dashboard?cursor=" + url.QueryEscape(breaches.Next)
	}
	s.render(w, r, http.StatusOK, "console_dashboard", pageData{User: u, Data: d})
}

func consolePercent(r store.AttainmentRow) int {
	return int(r.Attainment()*100 + 0.5)
}

// consoleCharts lays out one chart per plan. A bar's full width is the
// clocks decided; its green part those met, its red part those breached.
func consoleCharts(rows []consoleAttainment) []consoleChart {
	var charts []consoleChart
	for _, row := range rows {
		if len(charts) == 0 || charts[len(charts)-1].ID != row.Plan {
			charts = append(charts, consoleChart{ID: row.Plan, Name: row.PlanName,
				Width: consoleChartWidth, BarX: consoleChartLabelW, BarW: consoleChartBarW, BarH: consoleChartBarH, TextX: consoleChartLabelW + consoleChartBarW + 8})
		}
		ch := &charts[len(charts)-1]
		y := consoleChartTop + len(ch.Bars)*consoleChartRowH
		b := consoleBar{AttainmentRow: row.AttainmentRow, Y: y, TextY: y + consoleChartBarH - 5, Percent: row.Percent}
		if n := row.Decided(); n > 0 {
			b.MetW = consoleChartBarW * row.Met / n
			b.BreachedX, b.BreachedW = consoleChartLabelW+b.MetW, consoleChartBarW-b.MetW
		}
		ch.Bars = append(ch.Bars, b)
	}
	for i := range charts {
		charts[i].LegendY = consoleChartTop + len(charts[i].Bars)*consoleChartRowH + 4
		charts[i].Height = charts[i].LegendY + 24
		lg := &charts[i].Legend
		lg.MetText, lg.Breached, lg.BreachedText = consoleChartLabelW+20, consoleChartLabelW+140, consoleChartLabelW+160
		lg.TextY = charts[i].LegendY + 12
	}
	return charts
}
