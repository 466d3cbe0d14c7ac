package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// customer is a demo customer organisation and its support contract.
type customer struct {
	name, domain, region string
	zone, locale         string // of its users
	// plan is the contract's plan; "" means the organisation has no contract.
	plan  string
	term  term
	lines []string // product lines the contract covers; none means every product
	// partner: Northwind Partners sold the contract and serves its cases first.
	partner bool
	weight  int // share of the demo cases
}

// term is where a contract stands in its dates.
type term int

const (
	current term = iota // a year's contract well under way
	expired             // ended weeks ago, not renewed
	trial               // a 30-day evaluation
)

var (
	itsmEndpoint = []string{"itsm", "endpoint"}
	backupOnly   = []string{"backup"}
)

// customers has an organisation on every built-in plan, one without any
// contract, and one whose contract expired.
var customers = []customer{
	{name: "Globex Corporation", domain: "globex.example", region: "americas", zone: "America/Chicago", weight: 3},
	{name: "Initech S.p.A.", domain: "initech.example", region: "emea", zone: "Europe/Rome", locale: "it",
		plan: "infor-xtreme", partner: true, weight: 8},
	{name: "Umbrella Pty Ltd", domain: "umbrella.example", region: "apac", zone: "Australia/Sydney",
		plan: "ivanti-2018-premium", lines: itsmEndpoint, weight: 7},
	{name: "Vandelay Industries", domain: "vandelay.example", region: "americas", zone: "America/New_York",
		plan: "ivanti-2018-standard", lines: itsmEndpoint, weight: 5},
	{name: "Kessler Logistik GmbH", domain: "kessler.example", region: "emea", zone: "Europe/Berlin",
		plan: "ivanti-2018-enhanced", lines: itsmEndpoint, weight: 6},
	{name: "Hooli Inc.", domain: "hooli.example", region: "americas", zone: "America/Los_Angeles",
		plan: "ivanti-standard", lines: itsmEndpoint, weight: 5},
	{name: "Nakatomi Trading K.K.", domain: "nakatomi.example", region: "apac", zone: "Asia/Tokyo",
		plan: "ivanti-premium", lines: itsmEndpoint, weight: 6},
	{name: "Massive Dynamic", domain: "massive.example", region: "americas", zone: "America/New_York",
		plan: "ivanti-enterprise", lines: itsmEndpoint, weight: 8},
	{name: "Tyrell Corporation", domain: "tyrell.example", region: "americas", zone: "America/Los_Angeles",
		plan: "ivanti-success-squad", weight: 9},
	{name: "Aperture Laboratoires SARL", domain: "aperture.example", region: "emea", zone: "Europe/Paris", locale: "fr",
		plan: "infor-xtreme-premium", weight: 7},
	{name: "Cyberdyne Systems", domain: "cyberdyne.example", region: "americas", zone: "America/Denver",
		plan: "infor-xtreme-elite", weight: 9},
	{name: "Wonka Confectionery Ltd", domain: "wonka.example", region: "emea", zone: "Europe/London",
		plan: "zmanda-standard", lines: backupOnly, weight: 6},
	{name: "Sirius Cybernetics", domain: "sirius.example", region: "emea", zone: "Europe/London",
		plan: "zmanda-premium", lines: backupOnly, weight: 8},
	{name: "Pied Piper", domain: "piedpiper.example", region: "americas", zone: "America/Los_Angeles",
		plan: "community", weight: 3},
	{name: "Weta Data Ltd", domain: "weta.example", region: "apac", zone: "Pacific/Auckland",
		plan: "trial", term: trial, weight: 3},
	{name: "Oceanic Freight Pty Ltd", domain: "oceanic.example", region: "apac", zone: "Australia/Perth",
		plan: "zmanda-standard", term: expired, lines: backupOnly, weight: 3},
}

// contactsPerContract is how many technical contacts each contract names.
const contactsPerContract = 2

// newContacts is how many contacts beyond Logins a customer gets.
func (c customer) newContacts() int {
	if c.plan == "" {
		return 0
	}
	n := contactsPerContract
	for _, l := range Logins {
		if l.Org == c.name && l.Role == casedesk.RoleCustomerContact {
			n--
		}
	}
	return n
}

// dates returns the contract's term, relative to now.
func (c customer) dates(now time.Time) (startsOn, endsOn string) {
	const day = "2006-01-02"
	switch c.term {
	case expired:
		return now.AddDate(-1, 0, -46).Format(day), now.AddDate(0, 0, -46).Format(day)
	case trial:
		start := now.AddDate(0, 0, -12)
		return start.Format(day), start.AddDate(0, 0, 29).Format(day)
	}
	start := now.AddDate(0, 0, -200)
	return start.Format(day), start.AddDate(1, 0, -1).Format(day)
}

// maxAge is how far back its cases go: none before its contract began, and
// an expired contract's cases all after it ended.
func (c customer) maxAge() time.Duration {
	switch c.term {
	case expired:
		return 40 * 24 * time.Hour
	case trial:
		return 11 * 24 * time.Hour
	}
	return 120 * 24 * time.Hour
}

// engineers are the vendor's support engineers beyond Logins.
var engineers = []string{"Priya Nair", "Marco Bianchi", "Sarah Okafor", "Kenji Watanabe"}

// MoreLogins returns how many demo accounts Load creates beyond Logins: more
// engineers and the other customers' technical contacts, all with Password.
func MoreLogins() int {
	n := len(engineers)
	for _, c := range customers {
		n += c.newContacts()
	}
	return n
}

var (
	firstNames = []string{"Anna", "Ben", "Chiara", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
		"Kavya", "Liam", "Mei", "Nora", "Omar", "Paula", "Quentin", "Rosa", "Sven", "Tara"}
	lastNames = []string{"Adler", "Brennan", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito",
		"Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Oliveira", "Petrov", "Quinn", "Rossi", "Schmidt",
		"Tanaka", "Ueda", "Vargas", "Walsh"}
)

// person returns the n-th demo person's name; 20 and 23 are coprime, so
// the first 460 names are all different.
func person(n int) string {
	return firstNames[n%len(firstNames)] + " " + lastNames[n%len(lastNames)]
}

// emailOf makes an address at domain from a person's name.
func emailOf(name, domain string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + domain
}

// account is a customer as loaded: its organisation and the users who open
// its cases.
type account struct {
	customer
	org      *casedesk.Organisation
	contacts []int64
}

// addOrganisations creates the vendor, the partner and the customers.
func (w *world) addOrganisations(ctx context.Context) error {
	add := func(o *casedesk.Organisation) error {
		if err := w.db.CreateOrganisation(ctx, casedesk.SystemActor, o); err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.Name, err)
		}
		w.orgs[o.Name] = o
		return nil
	}
	if err := add(&casedesk.Organisation{Kind: casedesk.OrgVendor, Name: "Acme Software", Domains: []string{"vendor.example"}}); err != nil {
		return err
	}
	partner := &casedesk.Organisation{Kind: casedesk.OrgPartner, Name: "Northwind Partners", Region: "emea", Domains: []string{"partner.example"}}
	if err := add(partner); err != nil {
		return err
	}
	for _, c := range customers {
		o := &casedesk.Organisation{Kind: casedesk.OrgCustomer, Name: c.name, Region: c.region, Domains: []string{c.domain}}
		if c.partner {
			o.PartnerID = &partner.ID
		}
		if err := add(o); err != nil {
			return err
		}
		w.accounts = append(w.accounts, &account{customer: c, org: o})
	}
	return nil
}

// addUsers creates the accounts of Logins, more engineers, and the customers'
// contacts.
func (w *world) addUsers(ctx context.Context) error {
	for _, l := range Logins {
		if _, err := w.user(ctx, &casedesk.User{OrgID: &w.orgs[l.Org].ID, Email: l.Email, Name: l.Name, Role: l.Role}); err != nil {
			return err
		}
	}
	vendor := w.orgs["Acme Software"]
	w.engineers = []int64{w.userIDs["engineer@vendor.example"]}
	for _, name := range engineers {
		id, err := w.user(ctx, &casedesk.User{OrgID: &vendor.ID, Email: emailOf(name, "vendor.example"), Name: name, Role: casedesk.RoleSupportEngineer})
		if err != nil {
			return err
		}
		w.engineers = append(w.engineers, id)
	}
	w.manager, w.agent = w.userIDs["manager@vendor.example"], w.userIDs["agent@partner.example"]
	people := 0
	for _, a := range w.accounts {
		for _, l := range Logins {
			if l.Org == a.name && (a.plan == "" || l.Role == casedesk.RoleCustomerContact) {
				a.contacts = append(a.contacts, w.userIDs[l.Email])
			}
		}
		for range a.newContacts() {
			name := person(people)
			people++
			locale := a.locale
			if locale == "" {
				locale = "en"
			}
			id, err := w.user(ctx, &casedesk.User{OrgID: &a.org.ID, Email: emailOf(name, a.domain), Name: name,
				Role: casedesk.RoleCustomerContact, Locale: locale, TimeZone: a.zone})
			if err != nil {
				return err
			}
			a.contacts = append(a.contacts, id)
		}
	}
	return nil
}

// user creates u with the demo password and keeps the actor it acts as.
func (w *world) user(ctx context.Context, u *casedesk.User) (int64, error) {
	u.PasswordHash = w.hash
	if err := w.db.CreateUser(ctx, casedesk.SystemActor, u); err != nil {
		return 0, fmt.Errorf("demo user %s: %w", u.Email, err)
	}
	a, err := w.db.ActorForUser(ctx, u.ID)
	if err != nil {
		return 0, fmt.Errorf("demo user %s: %w", u.Email, err)
	}
	w.userIDs[u.Email], w.actors[u.ID] = u.ID, a
	return u.ID, nil
}

// addContracts gives every customer with a plan its contract, on its region's
// calendar, and names its technical contacts.
func (w *world) addContracts(ctx context.Context) error {
	for _, a := range w.accounts {
		if a.plan == "" {
			continue
		}
		p, err := w.db.Plan(ctx, a.plan, 0)
		if err != nil {
			return fmt.Errorf("demo contract of %s: %w", a.name, err)
		}
		k := &casedesk.Contract{OrgID: a.org.ID, PlanID: a.plan, CalendarID: a.region, ProductLines: a.lines}
		k.StartsOn, k.EndsOn = a.dates(w.now)
		if p.Features.AssignedSupportManager {
			k.SupportManagerID = &w.manager
		}
		if err := w.db.CreateContract(ctx, casedesk.SystemActor, k); err != nil {
			return fmt.Errorf("demo contract of %s: %w", a.name, err)
		}
		for _, id := range a.contacts {
			if _, err := w.db.AddContact(ctx, casedesk.SystemActor, k.ID, id); err != nil {
				return fmt.Errorf("demo contract of %s: contact %d: %w", a.name, id, err)
			}
		}
	}
	return nil
}
