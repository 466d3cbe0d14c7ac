package httpd

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/store"
)

// adminOrgRow is an organisation in the list.
type adminOrgRow struct {
	*casedesk.Organisation
	Partner string
}

// adminOrgsPage lists the organisations, with the form for a new one.
type adminOrgsPage struct {
	adminBase
	Orgs     []adminOrgRow
	Partners []*casedesk.Organisation
	Kinds    []casedesk.OrgKind
	Regions  []string
}

var adminRegions = []string{"americas", "emea", "apac"}

// adminPartners returns the partner organisations among orgs.
func adminPartners(orgs []*casedesk.Organisation) []*casedesk.Organisation {
	var out []*casedesk.Organisation
	for _, o := range orgs {
		if o.Kind == casedesk.OrgPartner {
			out = append(out, o)
		}
	}
	return out
}

func (s *Server) adminOrgsData(r *http.Request, a *casedesk.Actor) (*adminOrgsPage, error) {
	orgs, err := s.DB.ListOrganisations(r.Context(), a)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	page := &adminOrgsPage{adminBase: s.adminBase(r, "/admin/organisations"), Partners: adminPartners(orgs),
		Kinds: []casedesk.OrgKind{casedesk.OrgCustomer, casedesk.OrgPartner, casedesk.OrgVendor}, Regions: adminRegions}
	for _, o := range orgs {
		row := adminOrgRow{Organisation: o}
		if o.PartnerID != nil {
			row.Partner = names[*o.PartnerID]
		}
		page.Orgs = append(page.Orgs, row)
	}
	return page, nil
}

func (s *Server) handleAdminOrganisations(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page, err := s.adminOrgsData(r, a)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_orgs", pageData{User: u, Data: page})
}

// adminPartnerID reads the partner select: nil for none.
func adminPartnerID(r *http.Request) *int64 {
	id, err := strconv.ParseInt(r.PostFormValue("partner_id"), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}

func (s *Server) handleAdminCreateOrganisation(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	o := &casedesk.Organisation{Kind: casedesk.OrgKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"),
		Region: r.PostFormValue("region"), PartnerID: adminPartnerID(r), Domains: adminList(r.PostFormValue("domains"))}
	err := s.DB.CreateOrganisation(r.Context(), a, o)
	if err == nil {
		s.adminDone(w, r, "/admin/organisations/"+strconv.FormatInt(o.ID, 10), "admin.orgs.created", map[string]any{"Name": o.Name})
		return
	}
	m := s.adminFormError(r, "org", err)
	if m == nil {
		s.adminFail(w, r, u, err)
		return
	}
	page, perr := s.adminOrgsData(r, a)
	if perr != nil {
		s.adminFail(w, r, u, perr)
		return
	}
	page.again(r, m)
	s.render(w, r, adminStatus(err), "admin_orgs", pageData{User: u, Data: page})
}

// adminContractRow is a contract on its organisation's page.
type adminContractRow struct {
	*casedesk.Contract
	PlanName   string
	Holders    []*casedesk.User // its technical contacts
	Candidates []*casedesk.User // the organisation's users who could become one
	Full       bool
}

// adminOrgPage is one organisation: its details, users and contracts.
type adminOrgPage struct {
	adminBase
	Org       *casedesk.Organisation
	Partners  []*casedesk.Organisation
	PartnerID int64 // the organisation's partner, 0 for none
	Regions   []string
	Users     []*casedesk.User
	Roles     []casedesk.Role
	Locales   []string
	Contracts []adminContractRow
	Plans     []*plan.Plan
	Calendars []string
	Statuses  []casedesk.ContractStatus
	Today     string
}

func (s *Server) adminOrgData(r *http.Request, a *casedesk.Actor, id int64) (*adminOrgPage, error) {
	ctx := r.Context()
	o, err := s.DB.FindOrganisation(ctx, a, id)
	if err != nil {
		return nil, err
	}
	orgs, err := s.DB.ListOrganisations(ctx, a)
	if err != nil {
		return nil, err
	}
	users, err := s.DB.ListUsers(ctx, a, id)
	if err != nil {
		return nil, err
	}
	page := &adminOrgPage{adminBase: s.adminBase(r, "/admin/organisations"), Org: o, Partners: adminPartners(orgs),
		Regions: adminRegions, Users: users, Locales: casedesk.Locales, Today: time.Now().Format("2006-01-02"),
		Statuses: []casedesk.ContractStatus{casedesk.ContractActive, casedesk.ContractCancelled}}
	if o.PartnerID != nil {
		page.PartnerID = *o.PartnerID
	}
	for _, role := range casedesk.Roles {
		if role.OrgKind() == o.Kind {
			page.Roles = append(page.Roles, role)
		}
	}
	if o.Kind != casedesk.OrgCustomer {
		return page, nil
	}
	if page.Plans, err = s.DB.Plans(ctx); err != nil {
		return nil, err
	}
	if page.Calendars, err = s.adminCalendarIDs(ctx, a); err != nil {
		return nil, err
	}
	contracts, err := s.DB.ListContracts(ctx, a, id)
	if err != nil {
		return nil, err
	}
	for _, c := range contracts {
		row := adminContractRow{Contract: c, PlanName: c.PlanID, Full: c.ContactLimit > 0 && len(c.Contacts) >= c.ContactLimit}
		for _, p := range page.Plans {
			if p.ID == c.PlanID {
				row.PlanName = adminPlanName(p)
			}
		}
		for _, u := range users {
			switch {
			case slices.Contains(c.Contacts, u.ID):
				row.Holders = append(row.Holders, u)
			case !u.Disabled:
				row.Candidates = append(row.Candidates, u)
			}
		}
		page.Contracts = append(page.Contracts, row)
	}
	return page, nil
}

func (s *Server) handleAdminOrganisation(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	var page *adminOrgPage
	if err == nil {
		page, err = s.adminOrgData(r, a, id)
	}
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_org", pageData{User: u, Data: page})
}

// adminOrgAgain shows an organisation's page again after err, with the
// message by the form that failed.
func (s *Server) adminOrgAgain(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User, orgID int64, m *adminMsg, err error) {
	if m == nil {
		s.adminFail(w, r, u, err)
		return
	}
	page, perr := s.adminOrgData(r, a, orgID)
	if perr != nil {
		s.adminFail(w, r, u, perr)
		return
	}
	page.again(r, m)
	s.render(w, r, adminStatus(err), "admin_org", pageData{User: u, Data: page})
}

// adminPlanName names a plan with its program, since programs share names
// such as Standard and Premium.
func adminPlanName(p *plan.Plan) string {
	if p.Program == "" || p.Program == p.Name {
		return p.Name
	}
	return p.Program + " " + p.Name
}

// adminOrgURL is the page of organisation id, at anchor.
func adminOrgURL(id int64, anchor string) string {
	u := "/admin/organisations/" + strconv.FormatInt(id, 10)
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

func (s *Server) handleAdminUpdateOrganisation(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	name, region, domains := r.PostFormValue("name"), r.PostFormValue("region"), adminList(r.PostFormValue("domains"))
	upd := casedesk.OrganisationUpdate{Name: &name, Region: &region, Domains: &domains, PartnerID: adminPartnerID(r)}
	o, err := s.DB.UpdateOrganisation(r.Context(), a, id, upd)
	if err != nil {
		s.adminOrgAgain(w, r, a, u, id, s.adminFormError(r, "org", err), err)
		return
	}
	s.adminDone(w, r, adminOrgURL(o.ID, ""), "admin.orgs.saved", map[string]any{"Name": o.Name})
}

func (s *Server) handleAdminCreateUser(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	nu := &casedesk.User{OrgID: &id, Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: casedesk.Role(r.PostFormValue("role")), Locale: r.PostFormValue("locale"), TimeZone: strings.TrimSpace(r.PostFormValue("time_zone"))}
	if err := s.DB.CreateUser(r.Context(), a, nu); err != nil {
		s.adminOrgAgain(w, r, a, u, id, s.adminFormError(r, "user", err), err)
		return
	}
	s.adminDone(w, r, adminOrgURL(id, "users"), "admin.users.created", map[string]any{"Name": nu.Name})
}

func (s *Server) handleAdminSetUserDisabled(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	disabled := r.PostFormValue("disabled") == "true"
	target, err := s.DB.UpdateUser(r.Context(), a, id, casedesk.UserUpdate{Disabled: &disabled})
	if err != nil || target.OrgID == nil {
		if err == nil {
			err = casedesk.Errorf(casedesk.ENOTFOUND, "no organisation")
		}
		s.adminFail(w, r, u, err)
		return
	}
	key := "admin.users.enabled"
	if disabled {
		key = "admin.users.disabled"
	}
	s.adminDone(w, r, adminOrgURL(*target.OrgID, "users"), key, map[string]any{"Name": target.Name})
}

func (s *Server) handleAdminCreateContract(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	c := &casedesk.Contract{OrgID: id, PlanID: r.PostFormValue("plan_id"), CalendarID: r.PostFormValue("calendar_id"),
		StartsOn: strings.TrimSpace(r.PostFormValue("starts_on")), EndsOn: strings.TrimSpace(r.PostFormValue("ends_on"))}
	if err := s.DB.CreateContract(r.Context(), a, c); err != nil {
		s.adminOrgAgain(w, r, a, u, id, s.adminFormError(r, "contract", err), err)
		return
	}
	s.adminDone(w, r, adminOrgURL(id, "contract-"+strconv.FormatInt(c.ID, 10)), "admin.contracts.created", map[string]any{"ID": c.ID})
}

// adminContract finds the contract named by the path, for its organisation.
func (s *Server) adminContract(r *http.Request, a *casedesk.Actor) (*casedesk.Contract, error) {
	id, err := adminID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.DB.FindContract(r.Context(), a, id)
}

func (s *Server) handleAdminUpdateContract(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	c, err := s.adminContract(r, a)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	planID, calendarID := r.PostFormValue("plan_id"), r.PostFormValue("calendar_id")
	endsOn, status := strings.TrimSpace(r.PostFormValue("ends_on")), casedesk.ContractStatus(r.PostFormValue("status"))
	upd := store.ContractUpdate{PlanID: &planID, CalendarID: &calendarID, EndsOn: &endsOn, Status: &status}
	form := "contract-" + strconv.FormatInt(c.ID, 10)
	if _, err := s.DB.UpdateContract(r.Context(), a, c.ID, upd); err != nil {
		s.adminOrgAgain(w, r, a, u, c.OrgID, s.adminFormError(r, form, err), err)
		return
	}
	s.adminDone(w, r, adminOrgURL(c.OrgID, form), "admin.contracts.saved", map[string]any{"ID": c.ID})
}

func (s *Server) handleAdminAddContact(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	c, err := s.adminContract(r, a)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	form := "contacts-" + strconv.FormatInt(c.ID, 10)
	userID, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if _, err := s.DB.AddContact(r.Context(), a, c.ID, userID); err != nil {
		m := s.adminFormError(r, form, err)
		if casedesk.ErrorCode(err) == casedesk.ELIMIT {
			// Say it in the reader's language; the seat holders are listed
			// right above the form.
			name := c.PlanID
			if p, perr := s.DB.Plan(r.Context(), c.PlanID, 0); perr == nil {
				name = adminPlanName(p)
			}
			m = &adminMsg{Form: form, Field: "user_id", Key: "admin.contracts.limit", Args: map[string]any{"Plan": name, "Limit": c.ContactLimit}}
		}
		s.adminOrgAgain(w, r, a, u, c.OrgID, m, err)
		return
	}
	s.adminDone(w, r, adminOrgURL(c.OrgID, "contract-"+strconv.FormatInt(c.ID, 10)), "admin.contracts.contact_added", nil)
}

func (s *Server) handleAdminRemoveContact(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	c, err := s.adminContract(r, a)
	var userID int64
	if err == nil {
		userID, err = adminID(r, "user")
	}
	if err == nil {
		err = s.DB.RemoveContact(r.Context(), a, c.ID, userID)
	}
	if err != nil {
		if c == nil {
			s.adminFail(w, r, u, err)
			return
		}
		s.adminOrgAgain(w, r, a, u, c.OrgID, s.adminFormError(r, "contacts-"+strconv.FormatInt(c.ID, 10), err), err)
		return
	}
	s.adminDone(w, r, adminOrgURL(c.OrgID, "contract-"+strconv.FormatInt(c.ID, 10)), "admin.contracts.contact_removed", nil)
}
