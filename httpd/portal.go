package httpd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/entitlement"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
	"github.com/casedesk/casedesk/store"
)

// portalRoutes registers the portal's pages: registration and verification
// for anyone, and for customers' (and partners') users their contracts, their
// organisation's cases, a case with its thread, and the new-case form.
func (s *Server) portalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /register", s.handleRegisterPage)
	mux.HandleFunc("POST /register", s.handleRegisterForm)
	mux.HandleFunc("GET /verify", s.handleVerifyPage)
	mux.HandleFunc("GET /reset", s.handleResetPage)

	mux.HandleFunc("GET /portal", s.portalPage(s.handlePortalHome))
	mux.HandleFunc("GET /portal/cases", s.portalPage(s.handlePortalCases))
	mux.HandleFunc("GET /portal/cases/new", s.portalPage(s.handlePortalNewCase))
	mux.HandleFunc("POST /portal/cases", s.portalPage(s.handlePortalCreateCase))
	mux.HandleFunc("GET /portal/priority", s.portalPage(s.handlePortalPriority))
	mux.HandleFunc("GET /portal/cases/{id}", s.portalPage(s.handlePortalCase))
	mux.HandleFunc("POST /portal/cases/{id}/replies", s.portalPage(s.handlePortalReply))
	mux.HandleFunc("POST /portal/cases/{id}/status", s.portalPage(s.handlePortalStatus))
}

// portalPage wraps a portal handler: it needs a logged-in user, and sends
// vendor staff to the console, where they work cases.
func (s *Server) portalPage(h func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User)) http.HandlerFunc {
	return s.requirePage(func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
		if a.IsStaff() {
			http.Redirect(w, r, "/console", http.StatusSeeOther)
			return
		}
		h(w, r, a, u)
	})
}

// portalFail shows a domain error as a page: not found, forbidden and
// conflicts get a page that says what happened in the user's language; any
// other error is the server's and answers as every failure does.
func (s *Server) portalFail(w http.ResponseWriter, r *http.Request, u *casedesk.User, err error) {
	key, status := "", 0
	switch casedesk.ErrorCode(err) {
	case casedesk.ENOTFOUND:
		key, status = "portal.error.not_found", http.StatusNotFound
	case casedesk.EFORBIDDEN:
		key, status = "portal.error.forbidden", http.StatusForbidden
	case casedesk.EPRECONDITION, casedesk.ECONFLICT:
		key, status = "portal.error.conflict", http.StatusConflict
	default:
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "portal_error", pageData{User: u, Error: key, Data: s.errorMessage(r, err)})
}

// fieldErrorKeys names, per field of a refused form, the message that tells
// the user what to fix; a field without one gets portal.error.invalid and the
// domain's own message.
var fieldErrorKeys = map[string]string{
	"subject":         "portal.error.subject",
	"description":     "portal.error.description",
	"product_id":      "portal.error.product",
	"version_id":      "portal.error.version",
	"impact":          "portal.error.impact",
	"urgency":         "portal.error.urgency",
	"priority":        "portal.error.priority",
	"override_reason": "portal.error.override_reason",
	"details.request": "portal.error.request",
	"file":            "portal.error.file",
	"body":            "portal.error.body",
	"status":          "portal.error.status",
	"email":           "portal.error.email",
	"name":            "portal.error.name",
	"password":        "portal.error.password",
	"locale":          "portal.error.locale",
	"time_zone":       "portal.error.time_zone",
}

// formError returns the message key for a refused form and the domain's
// message in the caller's language, for details.
func (s *Server) formError(r *http.Request, err error) (key, detail string) {
	if casedesk.ErrorCode(err) == casedesk.ECONFLICT && casedesk.ErrorField(err) == "email" {
		return "portal.error.email_taken", ""
	}
	if k, ok := fieldErrorKeys[casedesk.ErrorField(err)]; ok {
		return k, s.errorMessage(r, err)
	}
	return "portal.error.invalid", s.errorMessage(r, err)
}

// ---- registration -------------------------------------------------------

// registerForm is what the registration form holds; the password is never
// sent back.
type registerForm struct {
	Name, Email, Locale, TimeZone string
	Detail                        string // the domain's message for an error
	Done                          bool   // registered: check your e-mail
}

func (s *Server) handleRegisterPage(w http.ResponseWriter, r *http.Request) {
	if actorFrom(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	lang := s.localizer(r, nil).Lang()
	s.render(w, r, http.StatusOK, "portal_register", pageData{Data: registerForm{Locale: lang, TimeZone: "UTC"}})
}

func (s *Server) handleRegisterForm(w http.ResponseWriter, r *http.Request) {
	f := registerForm{
		Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Locale: r.PostFormValue("locale"), TimeZone: strings.TrimSpace(r.PostFormValue("time_zone")),
	}
	refuse := func(status int, key, detail string) {
		f.Detail = detail
		s.render(w, r, status, "portal_register", pageData{Error: key, Data: f})
	}
	// Registration costs a password hash: limit it like a failed login.
	key := "register:" + clientIP(r)
	if ok, _ := s.LoginLimiter.Allow(key, s.now()); !ok {
		refuse(http.StatusTooManyRequests, "login.rate_limited", "")
		return
	}
	s.LoginLimiter.Failure(key, s.now())
	hash, err := s.hashNewPassword(r.PostFormValue("password"))
	if err == nil {
		u := &casedesk.User{Email: f.Email, Name: f.Name, Locale: f.Locale, TimeZone: f.TimeZone, PasswordHash: hash}
		_, err = s.DB.Register(r.Context(), u)
	}
	switch code := casedesk.ErrorCode(err); {
	case err == nil:
		s.render(w, r, http.StatusCreated, "portal_register", pageData{Data: registerForm{Done: true, Email: f.Email}})
	case code == casedesk.EINVALID || code == casedesk.ECONFLICT:
		k, detail := s.formError(r, err)
		refuse(http.StatusBadRequest, k, detail)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) handleVerifyPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		s.render(w, r, http.StatusBadRequest, "portal_verify", pageData{Error: "portal.verify.missing"})
		return
	}
	u, err := s.DB.VerifyEmail(r.Context(), token)
	switch {
	case err == nil:
		s.render(w, r, http.StatusOK, "portal_verify", pageData{Email: u.Email})
	case casedesk.ErrorCode(err) == casedesk.EINVALID:
		s.render(w, r, http.StatusBadRequest, "portal_verify", pageData{Error: "portal.verify.failed"})
	default:
		s.fail(w, r, err)
	}
}

// handleResetPage tells the user how to get a new password: self-service
// reset needs a mail flow that does not exist yet, so an administrator sets it.
func (s *Server) handleResetPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "portal_reset", pageData{})
}

// ---- home: the contracts ------------------------------------------------

// calendarView names a calendar for people: a translated name for the
// built-in ones, and the calendar's own description.
type calendarView struct {
	ID          string
	Description string
	Known       bool // portal.calendar.<ID> exists
}

// knownCalendars are the built-in calendars the catalogs name.
var knownCalendars = []string{"americas", "emea", "apac", "24x7", "24x5"}

func calendarOf(ref sla.CalendarRef) calendarView {
	return calendarView{ID: ref.ID, Description: ref.Description, Known: slices.Contains(knownCalendars, ref.ID)}
}

// targetRow is one priority of a plan's SLA targets; zero durations are
// targets the plan does not set.
type targetRow struct {
	Level                                 string
	Definition                            priority.Definition
	FirstResponse, NextUpdate, Resolution workTime
	Coverage                              calendarView
}

// featureView is one entitlement: its document name and, for counts, how many.
type featureView struct {
	Name  string
	Count int
}

type contractView struct {
	Contract     *casedesk.Contract
	Plan         *plan.Plan
	Starts, Ends time.Time
	NotStarted   bool
	Calendar     calendarView
	Targets      []targetRow
	Contacts     []string
	Features     []featureView
}

type homeData struct {
	Contracts []contractView
	Open      int
	Refusal   *refusalView // why the user cannot open cases, if so
}

func (s *Server) handlePortalHome(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	ctx := r.Context()
	lang := s.localizer(r, u).Lang()
	var data homeData
	if a.OrgKind == casedesk.OrgCustomer {
		contracts, err := s.DB.ListContracts(ctx, a, a.OrgID)
		if err != nil {
			s.portalFail(w, r, u, err)
			return
		}
		names := s.userNames(ctx, a)
		for _, c := range contracts {
			v, err := s.contractView(ctx, c, names, lang, userZone(u))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			data.Contracts = append(data.Contracts, v)
		}
	}
	if counts, err := s.DB.CaseCounts(ctx, a); err == nil {
		for st, n := range counts {
			if st.IsOpen() {
				data.Open += int(n)
			}
		}
	}
	data.Refusal = s.refusal(r, a, u)
	s.render(w, r, http.StatusOK, "portal_home", pageData{User: u, Data: data})
}

// contractView gathers what the home page shows of one contract.
func (s *Server) contractView(ctx context.Context, c *casedesk.Contract, names map[int64]string, lang string, zone *time.Location) (contractView, error) {
	v := contractView{Contract: c}
	p, err := s.DB.Plan(ctx, c.PlanID, 0)
	if err != nil {
		return v, err
	}
	v.Plan = p
	// Dates are days, not instants: read them in the zone they are shown in.
	v.Starts, _ = time.ParseInLocation("2006-01-02", c.StartsOn, zone)
	v.Ends, _ = time.ParseInLocation("2006-01-02", c.EndsOn, zone)
	cal, err := s.DB.Calendar(ctx, c.CalendarID, 0)
	if err != nil {
		return v, err
	}
	v.Calendar = calendarOf(cal.CalendarRef)
	v.NotStarted = s.now().In(cal.Cal.Location()).Format("2006-01-02") < c.StartsOn
	for _, l := range priority.Levels {
		cm, ok := p.Commitment(l, "")
		if !ok {
			continue
		}
		def, _ := priority.Define(l, lang)
		first, next, resolution := cm.Targets()
		row := targetRow{Level: l.String(), Definition: def, Coverage: v.Calendar,
			FirstResponse: workTimeOf(first), NextUpdate: workTimeOf(next), Resolution: workTimeOf(resolution)}
		if cm.Coverage != plan.Business {
			if cc, err := s.DB.Calendar(ctx, cm.Coverage, 0); err == nil {
				row.Coverage = calendarOf(cc.CalendarRef)
			} else {
				row.Coverage = calendarView{ID: cm.Coverage, Description: cm.Coverage}
			}
		}
		v.Targets = append(v.Targets, row)
	}
	for _, id := range c.Contacts {
		n := names[id]
		if n == "" {
			n = "#" + strconv.FormatInt(id, 10)
		}
		v.Contacts = append(v.Contacts, n)
	}
	for _, e := range p.Features.List() {
		f := featureView{Name: e.Name}
		if n, ok := e.Value.(int); ok && e.Name != "priority_handling_rank" {
			f.Count = n
		}
		v.Features = append(v.Features, f)
	}
	return v, nil
}

// userNames maps the IDs of the users the actor can see in its own
// organisation to their names.
func (s *Server) userNames(ctx context.Context, a *casedesk.Actor) map[int64]string {
	names := map[int64]string{}
	if a.OrgID == 0 {
		return names
	}
	users, err := s.DB.ListUsers(ctx, a, a.OrgID)
	if err != nil {
		return names
	}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names
}

// refusalView says why a user cannot open cases and who can.
type refusalView struct {
	Community bool     // not a customer's user at all
	Contacts  []string // the technical contacts who can
	Detail    string   // the domain's message, in the user's language
}

// refusal returns why the user may not open cases, or nil when they may. It
// asks the same rule OpenCase applies, so that the form is not offered to
// someone whose case would be refused.
func (s *Server) refusal(r *http.Request, a *casedesk.Actor, u *casedesk.User) *refusalView {
	ctx := r.Context()
	if a.OrgKind != casedesk.OrgCustomer {
		return &refusalView{Community: true}
	}
	contracts, err := s.DB.ListContracts(ctx, a, a.OrgID)
	if err != nil {
		return nil // OpenCase will decide
	}
	names := s.userNames(ctx, a)
	_, err = entitlement.CanOpenCase(entitlement.Facts{
		Submitter: u, Contracts: contracts, Product: &casedesk.Product{}, Request: "problem", Now: s.now(), ContactNames: names,
	})
	if casedesk.ErrorCode(err) != casedesk.EFORBIDDEN {
		return nil
	}
	v := &refusalView{Detail: s.errorMessage(r, err)}
	for _, c := range contracts {
		if c.Status != casedesk.ContractActive || c.Expired {
			continue
		}
		for _, id := range c.Contacts {
			if n := names[id]; n != "" && !slices.Contains(v.Contacts, n) {
				v.Contacts = append(v.Contacts, n)
			}
		}
	}
	return v
}

// ---- my organisation's cases --------------------------------------------

// slaLine is one SLA clock as the customer reads it: which target, and
// where it stands.
type slaLine struct {
	Metric   string // first_response, next_update, resolution
	State    string // due, at_risk, breached, paused, met, cancelled
	Due      time.Time
	Target   workTime
	Calendar calendarView
}

// slaLines returns the current cycle of each clock of a report, in metric order.
func slaLines(rep sla.Report) []slaLine {
	last := map[sla.Metric]sla.ClockReport{}
	for _, c := range rep.Clocks {
		last[c.Metric] = c
	}
	var out []slaLine
	for _, m := range sla.Metrics {
		c, ok := last[m]
		if !ok {
			continue
		}
		l := slaLine{Metric: string(m), Due: c.Explanation.Due, Target: workTimeOf(c.Explanation.Target), Calendar: calendarOf(c.Explanation.Calendar)}
		switch c.Status {
		case sla.Running:
			l.State = "due"
		case sla.Warning:
			l.State = "at_risk"
		case sla.Breached:
			l.State = "breached"
		case sla.Paused:
			l.State = "paused"
		case sla.Met:
			l.State = "met"
		default:
			l.State = "cancelled"
		}
		out = append(out, l)
	}
	return out
}

// nextDeadline is the one line the case list shows: the earliest running
// clock, else a missed one, else a paused one; State "none" when nothing is
// owed and "no_commitment" when no SLA applies.
func nextDeadline(c *casedesk.Case, lines []slaLine) slaLine {
	switch {
	case !c.Commitment:
		return slaLine{State: "no_commitment"}
	case !c.Status.IsOpen():
		return slaLine{State: "none"}
	}
	var next *slaLine
	for i, l := range lines {
		if (l.State == "due" || l.State == "at_risk") && !l.Due.IsZero() && (next == nil || l.Due.Before(next.Due)) {
			next = &lines[i]
		}
	}
	if next != nil {
		return *next
	}
	for _, want := range []string{"breached", "paused"} {
		for _, l := range lines {
			if l.State == want {
				return l
			}
		}
	}
	return slaLine{State: "none"}
}

type caseRow struct {
	Case    *casedesk.Case
	Product string
	Next    slaLine
}

type casesData struct {
	Cases []caseRow
	All   bool   // closed and resolved cases too
	Next  string // the next page's URL, if any
}

func (s *Server) handlePortalCases(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	ctx := r.Context()
	q := r.URL.Query()
	all := q.Get("show") == "all"
	page, err := s.DB.ListCases(ctx, a, store.CaseFilter{Open: !all, Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID { // a stale cursor: start again
			http.Redirect(w, r, "/portal/cases", http.StatusSeeOther)
			return
		}
		s.portalFail(w, r, u, err)
		return
	}
	products := s.productNames(ctx)
	data := casesData{All: all}
	for _, c := range page.Cases {
		row := caseRow{Case: c, Product: products[c.ProductID]}
		if _, rep, err := s.DB.CaseSLA(ctx, a, c.ID); err == nil {
			row.Next = nextDeadline(c, slaLines(rep))
		} else {
			row.Next = nextDeadline(c, nil)
		}
		data.Cases = append(data.Cases, row)
	}
	if page.Next != "" {
		v := url.Values{"cursor": {page.Next}}
		if all {
			v.Set("show", "all")
		}
		data.Next = "/portal/cases?" + v.Encode()
	}
	s.render(w, r, http.StatusOK, "portal_cases", pageData{User: u, Data: data})
}

func (s *Server) productNames(ctx context.Context) map[int64]string {
	names := map[int64]string{}
	if ps, err := s.DB.ListProducts(ctx); err == nil {
		for _, p := range ps {
			names[p.ID] = p.Name
		}
	}
	return names
}

// ---- new case -------------------------------------------------------------

// caseForm is what the new-case form holds, kept to show again on an error.
type caseForm struct {
	ProductID, VersionID                   int64
	Impact, Urgency, Priority, Reason      string
	Subject, Description                   string
	Example, Context, Configuration, Steps string
	Request, Language                      string
}

// priorityView is the priority the matrix gives, with its definition.
type priorityView struct {
	Level      string
	Definition priority.Definition
	Valid      bool
}

type newCaseData struct {
	Form     caseForm
	Products []*casedesk.Product // with versions
	Computed priorityView
	Levels   []string
	Ratings  []string // impact and urgency, highest first
	Requests []string // kinds of request
	Detail   string
}

// computedPriority applies the matrix to what the form says, in lang.
func computedPriority(impact, urgency, lang string) priorityView {
	i, err1 := priority.ParseImpact(impact)
	u, err2 := priority.ParseUrgency(urgency)
	if err1 != nil || err2 != nil {
		return priorityView{}
	}
	l, err := priority.FromMatrix(i, u)
	if err != nil {
		return priorityView{}
	}
	def, _ := priority.Define(l, lang)
	return priorityView{Level: l.String(), Definition: def, Valid: true}
}

func (s *Server) renderNewCase(w http.ResponseWriter, r *http.Request, u *casedesk.User, status int, f caseForm, errKey, detail string) {
	ctx := r.Context()
	list, err := s.DB.ListProducts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	products := make([]*casedesk.Product, 0, len(list))
	for _, p := range list {
		full, err := s.DB.Product(ctx, p.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		products = append(products, full)
	}
	lang := s.localizer(r, u).Lang()
	levels := make([]string, len(priority.Levels))
	for i, l := range priority.Levels {
		levels[i] = l.String()
	}
	data := newCaseData{Form: f, Products: products, Computed: computedPriority(f.Impact, f.Urgency, lang), Levels: levels, Detail: detail,
		Ratings: []string{"high", "medium", "low"}, Requests: []string{"problem", "installation", "implementation"}}
	s.render(w, r, status, "portal_new", pageData{User: u, Error: errKey, Data: data})
}

func (s *Server) renderRefusal(w http.ResponseWriter, r *http.Request, u *casedesk.User, v *refusalView) {
	s.render(w, r, http.StatusForbidden, "portal_refused", pageData{User: u, Data: v})
}

func (s *Server) handlePortalNewCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	if v := s.refusal(r, a, u); v != nil {
		s.renderRefusal(w, r, u, v)
		return
	}
	lang := s.localizer(r, u).Lang()
	f := caseForm{Impact: "medium", Urgency: "medium", Request: "problem", Language: lang}
	if id, err := strconv.ParseInt(r.URL.Query().Get("product"), 10, 64); err == nil {
		f.ProductID = id
	}
	s.renderNewCase(w, r, u, http.StatusOK, f, "", "")
}

// handlePortalPriority answers the new-case form's live priority: the
// fragment for the impact and urgency chosen, in the user's language.
func (s *Server) handlePortalPriority(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	q := r.URL.Query()
	loc := s.localizer(r, u)
	t, err := pages["portal_priority"].Clone()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t.Funcs(formatFuncs(loc, userZone(u)))
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "prioritybox", computedPriority(q.Get("impact"), q.Get("urgency"), loc.Lang())); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

// maxCaseFormBytes bounds the new-case form: the attachment and the text.
const maxCaseFormBytes = store.MaxAttachmentBytes + 2<<20

func (s *Server) handlePortalCreateCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxCaseFormBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		s.renderNewCase(w, r, u, http.StatusBadRequest, caseForm{Impact: "medium", Urgency: "medium"}, "portal.error.file", "")
		return
	}
	f := caseForm{
		Impact: r.FormValue("impact"), Urgency: r.FormValue("urgency"), Priority: r.FormValue("priority"),
		Reason: r.FormValue("override_reason"), Subject: r.FormValue("subject"), Description: r.FormValue("description"),
		Example: r.FormValue("example"), Context: r.FormValue("context"), Configuration: r.FormValue("configuration"),
		Steps: r.FormValue("steps"), Request: r.FormValue("request"), Language: r.FormValue("language"),
	}
	f.ProductID, _ = strconv.ParseInt(r.FormValue("product_id"), 10, 64)
	f.VersionID, _ = strconv.ParseInt(r.FormValue("version_id"), 10, 64)

	// Read the attachment before opening the case, so that a file too large
	// is refused with the form rather than after the case exists.
	var file []byte
	var filename string
	if fh, hdr, err := r.FormFile("file"); err == nil {
		defer fh.Close()
		if hdr.Size > store.MaxAttachmentBytes {
			s.renderNewCase(w, r, u, http.StatusBadRequest, f, "portal.error.file", "")
			return
		}
		if file, err = io.ReadAll(fh); err != nil {
			s.renderNewCase(w, r, u, http.StatusBadRequest, f, "portal.error.file", "")
			return
		}
		filename = hdr.Filename
	}

	in := store.NewCase{Case: casedesk.Case{
		ProductID: f.ProductID, Subject: f.Subject, Desc: f.Description,
		Impact: f.Impact, Urgency: f.Urgency, Language: f.Language,
		Details: casedesk.CaseDetails{Example: f.Example, Context: f.Context, Configuration: f.Configuration, Steps: f.Steps, Request: f.Request},
	}, Priority: f.Priority, OverrideReason: f.Reason}
	if f.VersionID != 0 {
		in.Case.VersionID = &f.VersionID
	}
	if f.Language != "" && casedesk.ValidateLocale("language", f.Language) != nil {
		s.renderNewCase(w, r, u, http.StatusBadRequest, f, "portal.error.invalid", "")
		return
	}
	c, err := s.DB.OpenCase(ctx, a, in)
	switch code := casedesk.ErrorCode(err); {
	case err == nil:
	case code == casedesk.EFORBIDDEN:
		v := s.refusal(r, a, u)
		if v == nil {
			v = &refusalView{}
		}
		v.Detail = s.errorMessage(r, err)
		s.renderRefusal(w, r, u, v)
		return
	case code == casedesk.EINVALID:
		key, detail := s.formError(r, err)
		s.renderNewCase(w, r, u, http.StatusBadRequest, f, key, detail)
		return
	default:
		s.portalFail(w, r, u, err)
		return
	}
	to := fmt.Sprintf("/portal/cases/%d?opened=1", c.ID)
	if len(file) > 0 || filename != "" {
		if _, err := s.DB.AddAttachment(ctx, a, c.ID, filename, file); err != nil {
			s.Logger.WarnContext(ctx, "portal attachment refused", "case", c.ID, "err", err)
			to += "&attachment=failed"
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// ---- one case -------------------------------------------------------------

// eventView is one entry of a case's public thread.
type eventView struct {
	Kind       string // a kind the catalogs name, or "other"
	At         time.Time
	Author     string
	Support    bool // written by the vendor or partner, not the customer
	Body       string
	Lines      []string // Body, line by line
	From, To   string   // statuses, for status changes
	Level      string   // the new priority, for priority changes
	Attachment int64
}

// eventKinds are the kinds of event the thread names.
var eventKinds = []string{
	casedesk.EventCreated, casedesk.EventReply, casedesk.EventStatus, casedesk.EventPriority, casedesk.EventAssign,
	casedesk.EventSplit, casedesk.EventMerge, casedesk.EventRemoteAccess, casedesk.EventSLA, casedesk.EventEscalate,
	casedesk.EventContractChanged, "attachment",
}

// caseStatuses are the statuses the catalogs name.
var caseStatuses = []casedesk.CaseStatus{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed}

// caseFlags are the flags the catalogs explain.
var caseFlags = []string{
	casedesk.FlagNoContract, casedesk.FlagContractExpired, casedesk.FlagProductNotCovered,
	casedesk.FlagUnsupportedVersion, casedesk.FlagOutOfScope, casedesk.FlagRenewal,
}

type caseData struct {
	Case                  *casedesk.Case
	Product, Version      string
	Events                []eventView
	Details               []detailView
	SLA                   []slaLine
	Next                  slaLine
	Flags                 []string
	Opened, AttachmentBad bool
	CanReply              bool
	Actions               []string // statuses the customer may move the case to
	Reply                 string
	Detail                string
}

func (s *Server) handlePortalCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	q := r.URL.Query()
	s.renderCase(w, r, a, u, http.StatusOK, caseData{Opened: q.Get("opened") == "1", AttachmentBad: q.Get("attachment") == "failed"}, "")
}

// renderCase shows the case of the request's path, with extra (the reply
// being written, flags from the redirect) and errKey.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User, status int, d caseData, errKey string) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		s.portalFail(w, r, u, casedesk.Errorf(casedesk.ENOTFOUND, "no such case").WithKey("error.case.no_such", nil))
		return
	}
	c, rep, err := s.DB.CaseSLA(ctx, a, id)
	if err != nil {
		s.portalFail(w, r, u, err)
		return
	}
	events, err := s.DB.CaseEvents(ctx, a, id)
	if err != nil {
		s.portalFail(w, r, u, err)
		return
	}
	d.Case = c
	if p, err := s.DB.Product(ctx, c.ProductID); err == nil {
		d.Product = p.Name
		for _, v := range p.Versions {
			if c.VersionID != nil && v.ID == *c.VersionID {
				d.Version = v.Name
			}
		}
	}
	d.SLA = slaLines(rep)
	d.Next = nextDeadline(c, d.SLA)
	for _, f := range c.Flags {
		if slices.Contains(caseFlags, f) {
			d.Flags = append(d.Flags, f)
		}
	}
	d.Events = s.thread(ctx, a, events)
	for _, dv := range []detailView{
		{"portal.new.example", textLines(c.Details.Example)}, {"portal.new.context", textLines(c.Details.Context)},
		{"portal.new.configuration", textLines(c.Details.Configuration)}, {"portal.new.steps", textLines(c.Details.Steps)},
	} {
		if len(dv.Lines) > 0 {
			d.Details = append(d.Details, dv)
		}
	}
	d.CanReply = c.Status != casedesk.StatusClosed
	switch {
	case c.Status.IsOpen():
		d.Actions = []string{string(casedesk.StatusResolved)}
	case c.Status == casedesk.StatusResolved:
		d.Actions = []string{string(casedesk.StatusOpen), string(casedesk.StatusClosed)}
	}
	s.render(w, r, status, "portal_case", pageData{User: u, Error: errKey, Data: d})
}

// thread turns a case's public events into what the thread shows, naming
// each author: customers see their colleagues' names and "support" for the
// vendor's and partner's people.
func (s *Server) thread(ctx context.Context, a *casedesk.Actor, events []*casedesk.CaseEvent) []eventView {
	type author struct {
		name    string
		support bool
	}
	authors := map[int64]author{}
	who := func(id *int64) author {
		if id == nil {
			return author{support: true}
		}
		if au, ok := authors[*id]; ok {
			return au
		}
		au := author{support: true}
		if usr, err := s.DB.FindUser(ctx, a, *id); err == nil && usr.OrgID != nil && a.OrgKind == casedesk.OrgCustomer && *usr.OrgID == a.OrgID {
			au = author{name: usr.Name}
		}
		authors[*id] = au
		return au
	}
	var out []eventView
	for _, e := range events {
		if !e.Public {
			continue
		}
		au := who(e.ActorID)
		v := eventView{Kind: e.Kind, At: e.At, Author: au.name, Support: au.support, Body: e.Body, Lines: textLines(e.Body)}
		if !slices.Contains(eventKinds, v.Kind) {
			v.Kind = "other"
		}
		switch e.Kind {
		case casedesk.EventStatus:
			var d struct{ From, To string }
			json.Unmarshal(e.Data, &d)
			if !slices.Contains(caseStatuses, casedesk.CaseStatus(d.From)) || !slices.Contains(caseStatuses, casedesk.CaseStatus(d.To)) {
				v.Kind = "other"
			}
			v.From, v.To = d.From, d.To
		case casedesk.EventPriority:
			var d struct {
				To string `json:"to"`
			}
			json.Unmarshal(e.Data, &d)
			v.Level = d.To
			if _, err := priority.ParseLevel(d.To); err != nil {
				v.Level = ""
			}
		case "attachment":
			var d struct {
				Attachment int64 `json:"attachment"`
			}
			json.Unmarshal(e.Data, &d)
			v.Attachment = d.Attachment
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) handlePortalReply(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.portalFail(w, r, u, casedesk.Errorf(casedesk.ENOTFOUND, "no such case").WithKey("error.case.no_such", nil))
		return
	}
	body := r.PostFormValue("body")
	_, _, err = s.DB.Reply(r.Context(), a, id, body, false, 0)
	s.afterCaseChange(w, r, a, u, id, err, caseData{Reply: body})
}

func (s *Server) handlePortalStatus(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := pathID(r, "id")
	if err != nil {
		s.portalFail(w, r, u, casedesk.Errorf(casedesk.ENOTFOUND, "no such case").WithKey("error.case.no_such", nil))
		return
	}
	rev, _ := strconv.Atoi(r.PostFormValue("rev"))
	_, err = s.DB.SetStatus(r.Context(), a, id, casedesk.CaseStatus(r.PostFormValue("status")), rev)
	s.afterCaseChange(w, r, a, u, id, err, caseData{})
}

// afterCaseChange sends the user back to the case, or shows it again with
// what went wrong and what they wrote.
func (s *Server) afterCaseChange(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User, id int64, err error, d caseData) {
	switch code := casedesk.ErrorCode(err); {
	case err == nil:
		http.Redirect(w, r, fmt.Sprintf("/portal/cases/%d#thread", id), http.StatusSeeOther)
	case code == casedesk.EINVALID:
		key, detail := s.formError(r, err)
		d.Detail = detail
		s.renderCase(w, r, a, u, http.StatusBadRequest, d, key)
	case code == casedesk.ECONFLICT || code == casedesk.EPRECONDITION:
		d.Detail = s.errorMessage(r, err)
		s.renderCase(w, r, a, u, http.StatusConflict, d, "portal.error.conflict")
	default:
		s.portalFail(w, r, u, err)
	}
}

// detailView is one of the details the submitter gave, under its label's key.
type detailView struct {
	Key   string
	Lines []string
}

// textLines splits what someone wrote into lines, so that a page keeps its
// line breaks without trusting it as markup; nil for blank text.
func textLines(s string) []string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
