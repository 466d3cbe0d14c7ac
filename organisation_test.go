package casedesk

import (
	"slices"
	"strings"
	"testing"
)

func TestOrganisationValidate_NamesTheFieldAtFault(t *testing.T) {
	partner := int64(20)
	tests := []struct {
		name      string
		org       Organisation
		wantField string // "" means valid
	}{
		{"customer with region, partner and domains", Organisation{Kind: OrgCustomer, Name: "Acme", Region: "emea", PartnerID: &partner, Domains: []string{"acme.example"}}, ""},
		{"vendor without region", Organisation{Kind: OrgVendor, Name: "Support"}, ""},
		{"partner in apac", Organisation{Kind: OrgPartner, Name: "Resell", Region: "apac"}, ""},
		{"name of 200 characters", Organisation{Kind: OrgCustomer, Name: strings.Repeat("a", 200)}, ""},
		{"missing kind", Organisation{Name: "Acme"}, "kind"},
		{"unknown kind", Organisation{Kind: "supplier", Name: "Acme"}, "kind"},
		{"kind in upper case", Organisation{Kind: "Customer", Name: "Acme"}, "kind"},
		{"empty name", Organisation{Kind: OrgCustomer}, "name"},
		{"blank name", Organisation{Kind: OrgCustomer, Name: " \t "}, "name"},
		{"name of 201 characters", Organisation{Kind: OrgCustomer, Name: strings.Repeat("a", 201)}, "name"},
		{"unknown region", Organisation{Kind: OrgCustomer, Name: "Acme", Region: "europe"}, "region"},
		{"partner serving a partner", Organisation{Kind: OrgPartner, Name: "Resell", PartnerID: &partner}, "partner_id"},
		{"partner serving the vendor", Organisation{Kind: OrgVendor, Name: "Support", PartnerID: &partner}, "partner_id"},
		{"empty domain", Organisation{Kind: OrgCustomer, Name: "Acme", Domains: []string{"acme.example", " "}}, "domains"},
		{"domain without a dot", Organisation{Kind: OrgCustomer, Name: "Acme", Domains: []string{"localhost"}}, "domains"},
		{"address instead of domain", Organisation{Kind: OrgCustomer, Name: "Acme", Domains: []string{"it@acme.example"}}, "domains"},
		{"domain with a space", Organisation{Kind: OrgCustomer, Name: "Acme", Domains: []string{"acme .example"}}, "domains"},
		{"URL instead of domain", Organisation{Kind: OrgCustomer, Name: "Acme", Domains: []string{"acme.example/it"}}, "domains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFieldError(t, tt.org.Validate(), tt.wantField)
		})
	}
}

func TestOrganisationValidate_TrimsNameAndLowerCasesDomains(t *testing.T) {
	o := Organisation{Kind: OrgCustomer, Name: "  Acme Corp ", Domains: []string{" Acme.EXAMPLE", "acme.example.org "}}
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if o.Name != "Acme Corp" {
		t.Errorf("Name = %q, want %q", o.Name, "Acme Corp")
	}
	if want := []string{"acme.example", "acme.example.org"}; !slices.Equal(o.Domains, want) {
		t.Errorf("Domains = %q, want %q", o.Domains, want)
	}
}

func TestParseOrgKind_AcceptsOnlyTheThreeKinds(t *testing.T) {
	for _, k := range []OrgKind{OrgVendor, OrgCustomer, OrgPartner} {
		if got, err := ParseOrgKind(string(k)); err != nil || got != k {
			t.Errorf("ParseOrgKind(%q) = %q, %v; want %q, nil", k, got, err, k)
		}
	}
	for _, s := range []string{"", "Vendor", "reseller"} {
		if _, err := ParseOrgKind(s); ErrorField(err) != "kind" {
			t.Errorf("ParseOrgKind(%q) error = %v, want one naming field kind", s, err)
		}
	}
}
