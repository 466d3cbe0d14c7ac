package plan

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/priority"
)

func TestBuiltin_IDsAndValid(t *testing.T) {
	c := Builtin()
	if err := c.Validate(); err != nil {
		t.Fatalf("built-in catalog is invalid: %v", err)
	}
	var ids []string
	for _, p := range c.Latest() {
		ids = append(ids, p.ID)
		if p.Version != 1 {
			t.Errorf("%s: version %d, want 1", p.ID, p.Version)
		}
	}
	want := []string{
		"ivanti-2018-standard", "ivanti-2018-enhanced", "ivanti-2018-premium",
		"ivanti-standard", "ivanti-premium", "ivanti-enterprise", "ivanti-success-squad",
		"infor-xtreme", "infor-xtreme-premium", "infor-xtreme-elite",
		"zmanda-standard", "zmanda-premium", "community", "trial",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("ids = %v\nwant %v", ids, want)
	}
}

func TestBuiltin_ZmandaTargetsAreTheSeeds(t *testing.T) {
	c := Builtin()
	tests := []struct {
		plan     string
		level    priority.Level
		coverage Coverage
		first    time.Duration
	}{
		{"zmanda-standard", priority.P1, Business, time.Hour},
		{"zmanda-standard", priority.P2, Business, 3 * time.Hour},
		{"zmanda-standard", priority.P3, Business, 8 * time.Hour},
		{"zmanda-standard", priority.P4, Business, 24 * time.Hour},
		{"zmanda-premium", priority.P1, Full, 15 * time.Minute},
		{"zmanda-premium", priority.P2, Full, 60 * time.Minute},
		{"zmanda-premium", priority.P3, Full, 4 * time.Hour},
		{"zmanda-premium", priority.P4, Full, 8 * time.Hour},
		{"trial", priority.P1, Full, 15 * time.Minute},
		{"trial", priority.P4, Full, 8 * time.Hour},
	}
	for _, tt := range tests {
		p, _ := c.Plan(tt.plan)
		got, ok := p.Commitment(tt.level, "")
		if !ok || got.Coverage != tt.coverage || time.Duration(got.FirstResponse.Value) != tt.first || got.FirstResponse.Default {
			t.Errorf("%s %v = %+v, %v; want %s first response %v from the seed", tt.plan, tt.level, got, ok, tt.coverage, tt.first)
		}
	}
}

func TestBuiltin_Coverage(t *testing.T) {
	c := Builtin()
	tests := []struct {
		plan string
		want [4]Coverage
	}{
		{"ivanti-2018-standard", [4]Coverage{Business, Business, Business, Business}},
		{"ivanti-2018-enhanced", [4]Coverage{Full, Business, Business, Business}},
		{"ivanti-premium", [4]Coverage{Full, Business, Business, Business}},
		{"infor-xtreme", [4]Coverage{"24x5", Business, Business, Business}},
		{"infor-xtreme-premium", [4]Coverage{Full, Business, Business, Business}},
		{"infor-xtreme-elite", [4]Coverage{Full, Business, Business, Business}},
		{"zmanda-premium", [4]Coverage{Full, Full, Full, Full}},
	}
	for _, tt := range tests {
		p, _ := c.Plan(tt.plan)
		for i, l := range priority.Levels {
			if got := p.Priorities.For(l).Coverage; got != tt.want[i] {
				t.Errorf("%s %v coverage = %s, want %s", tt.plan, l, got, tt.want[i])
			}
		}
	}
}

func TestBuiltin_TechnicalContacts(t *testing.T) {
	c := Builtin()
	tests := []struct {
		plan        string
		want        int
		wantDefault bool
	}{
		{"ivanti-2018-standard", 4, false},
		{"ivanti-2018-enhanced", 8, false},
		{"ivanti-2018-premium", 10, false},
		{"ivanti-premium", 8, true},
		{"zmanda-standard", 4, true},
	}
	for _, tt := range tests {
		p, _ := c.Plan(tt.plan)
		if p.TechnicalContacts != (Figure[int]{Value: tt.want, Default: tt.wantDefault}) {
			t.Errorf("%s technical contacts = %+v, want %d (default %v)", tt.plan, p.TechnicalContacts, tt.want, tt.wantDefault)
		}
	}
}

func TestBuiltin_CommunityAndTrial(t *testing.T) {
	c := Builtin()
	community, _ := c.Plan("community")
	if _, ok := community.Commitment(priority.P1, ""); ok {
		t.Error("community plan promises a commitment")
	}
	if community.Features.PhoneBusinessHours || community.Features.Phone24x7P1 {
		t.Error("community plan gives phone support")
	}
	trial, _ := c.Plan("trial")
	if trial.EvaluationDays != Def(30) {
		t.Errorf("trial evaluation = %+v, want a default of 30 days", trial.EvaluationDays)
	}
}

func TestCoversHolidays(t *testing.T) {
	c := Builtin()
	tests := []struct {
		plan  string
		level priority.Level
		want  bool
	}{
		{"ivanti-2018-standard", priority.P1, false},
		{"ivanti-2018-enhanced", priority.P1, true},
		{"ivanti-premium", priority.P1, true},
		{"ivanti-premium", priority.P2, false},
		{"infor-xtreme", priority.P1, false}, // 24x5 is not 24x7
		{"infor-xtreme-premium", priority.P1, true},
		{"zmanda-premium", priority.P1, true},
		{"zmanda-premium", priority.P3, false},
		{"zmanda-standard", priority.P1, false},
		{"community", priority.P1, false},
	}
	for _, tt := range tests {
		p, _ := c.Plan(tt.plan)
		if got := p.CoversHolidays(tt.level); got != tt.want {
			t.Errorf("%s.CoversHolidays(%v) = %v, want %v", tt.plan, tt.level, got, tt.want)
		}
	}
}

func TestCatalog_RoundTrip(t *testing.T) {
	c := Builtin()
	p, _ := c.Plan("infor-xtreme")
	edited := *p
	edited.ProductLines = map[string]Priorities{"ln": {P1: &Commitment{Coverage: Business, FirstResponse: Def(Duration(90 * time.Minute))}}}
	edited.ProductTypes = map[string][]string{"cloud": {"critical_incident_24x5"}}
	if _, err := c.Edit(edited); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			export := c.YAML
			if format == "json" {
				export = c.JSON
			}
			doc, err := export()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Load(doc)
			if err != nil {
				t.Fatalf("load exported catalog: %v\n%s", err, doc)
			}
			if !reflect.DeepEqual(back, c) {
				t.Errorf("round trip changed the catalog:\n%s", doc)
			}
		})
	}
}

func TestCatalog_YAMLShowsDefaults(t *testing.T) {
	doc, err := Builtin().YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"first_response: 15m\n", "first_response:\n", "default: true", "technical_contacts: 4\n"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("export lacks %q", want)
		}
	}
}

const validPlan = `
plans:
  - id: gold
    version: 1
    name: Gold
    technical_contacts: 5
    priorities:
      P1: {coverage: 24x7, first_response: 15m, resolution: {value: 8h, default: true}}
      P2: {coverage: business, first_response: 1h30m}
      P3: {coverage: business, first_response: 4h}
      P4: {coverage: business, first_response: 8h}
`

func TestLoad_Valid(t *testing.T) {
	c, err := Load([]byte(validPlan))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Plan("gold")
	got, _ := p.Commitment(priority.P2, "")
	if got.FirstResponse != Fig(Duration(90*time.Minute)) {
		t.Errorf("P2 first response = %+v", got.FirstResponse)
	}
	p1, _ := p.Commitment(priority.P1, "")
	if *p1.Resolution != Def(Duration(8*time.Hour)) {
		t.Errorf("P1 resolution = %+v", *p1.Resolution)
	}
}

func TestLoad_ErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		wantField string
	}{
		{"bad duration", "first_response: 1h30m", "first_response: 3d", "plans[0].priorities.P2.first_response"},
		{"zero duration", "first_response: 4h}", "first_response: 0s}", "plans[0].priorities.P3.first_response"},
		{"bad default figure", "value: 8h", "value: soon", "plans[0].priorities.P1.resolution"},
		{"unknown coverage", "coverage: 24x7", "coverage: 24x6", "plans[0].priorities.P1.coverage"},
		{"missing priority", "      P4: {coverage: business, first_response: 8h}\n", "", "plans[0].priorities.P4"},
		{"negative contacts", "technical_contacts: 5", "technical_contacts: -1", "plans[0].technical_contacts"},
		{"contacts not a number", "technical_contacts: 5", "technical_contacts: five", "plans[0].technical_contacts"},
		{"bad id", "id: gold", "id: Gold Plan", "plans[0].id"},
		{"no version", "version: 1", "version: 0", "plans[0].version"},
		{"no name", "name: Gold", "name: \"\"", "plans[0].name"},
		{"targets without commitment", "name: Gold", "name: Gold\n    no_commitment: true", "plans[0].priorities"},
		{"unknown feature", "technical_contacts: 5", "technical_contacts: 5\n    product_types: {cloud: [teleportation]}", "plans[0].product_types.cloud[0]"},
		{"product line override", "technical_contacts: 5", "technical_contacts: 5\n    product_lines: {ln: {P2: {coverage: business, first_response: x}}}", "plans[0].product_lines.ln.P2.first_response"},
		{"unknown key", "technical_contacts: 5", "technical_contact: 5", "plans"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(validPlan, tt.old, tt.new, 1)
			if doc == validPlan {
				t.Fatalf("test does not change the document")
			}
			_, err := Load([]byte(doc))
			if f := casedesk.ErrorField(err); f != tt.wantField {
				t.Fatalf("err = %v (field %q), want field %q", err, f, tt.wantField)
			}
		})
	}
}

func TestLoad_DuplicateVersion(t *testing.T) {
	doc := validPlan + strings.Replace(validPlan, "plans:\n", "", 1)
	_, err := Load([]byte(doc))
	if f := casedesk.ErrorField(err); f != "plans[1].version" {
		t.Errorf("err = %v, want field plans[1].version", err)
	}
}

func TestLoad_JSONErrorsNameTheField(t *testing.T) {
	doc := `{"plans":[{"id":"x","version":1,"name":"X","technical_contacts":1,"priorities":{
		"P1":{"coverage":"business","first_response":"1h"},"P2":{"coverage":"business","first_response":"2h"},
		"P3":{"coverage":"business","first_response":{"value":"8 hours","default":true}},"P4":{"coverage":"business","first_response":"1h"}}}]}`
	_, err := Load([]byte(doc))
	if f := casedesk.ErrorField(err); f != "plans[0].priorities.P3.first_response" {
		t.Errorf("err = %v, want field plans[0].priorities.P3.first_response", err)
	}
}

func TestValidate_ReportsEveryField(t *testing.T) {
	doc := strings.Replace(strings.Replace(validPlan, "name: Gold", "name: \"\"", 1), "version: 1", "version: 0", 1)
	_, err := Load([]byte(doc))
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *casedesk.Error
		if errors.As(e, &ce) {
			fields = append(fields, ce.Field)
		}
	}
	if !slices.Equal(fields, []string{"plans[0].version", "plans[0].name"}) {
		t.Errorf("fields = %v", fields)
	}
}

func TestEdit_MakesANewVersionAndKeepsTheOld(t *testing.T) {
	c := Builtin()
	old, _ := c.Plan("zmanda-standard")
	edited := *old
	edited.Name = "Standard (2027)"
	edited.Priorities = old.Priorities.clone()
	edited.Priorities.P1.FirstResponse = Fig(Duration(30 * time.Minute))
	stored, err := c.Edit(edited)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Version != 2 {
		t.Errorf("version = %d, want 2", stored.Version)
	}
	stored.Priorities.P1.FirstResponse = Fig(Duration(time.Minute)) // must not reach the catalog
	v1, _ := c.PlanVersion("zmanda-standard", 1)
	v2, _ := c.Plan("zmanda-standard")
	if v1.Name != "Standard" || v1.Priorities.P1.FirstResponse.Value != Duration(time.Hour) {
		t.Errorf("version 1 changed: %+v", v1)
	}
	if v2.Version != 2 || v2.Priorities.P1.FirstResponse.Value != Duration(30*time.Minute) {
		t.Errorf("latest = v%d %+v", v2.Version, v2.Priorities.P1.FirstResponse)
	}
	if len(c.Latest()) != len(Builtin().Latest()) {
		t.Error("Latest lists a plan twice")
	}
	edited.Name = ""
	if _, err := c.Edit(edited); casedesk.ErrorField(err) != "plan.name" {
		t.Errorf("invalid edit: err = %v, want field plan.name", err)
	}
	if p, _ := c.Plan("zmanda-standard"); p.Version != 2 {
		t.Errorf("an invalid edit was stored as version %d", p.Version)
	}
}

func TestProductLinesAndTypes(t *testing.T) {
	c := Builtin()
	p, _ := c.Plan("infor-xtreme-premium")
	p.ProductLines = map[string]Priorities{"ln": {P2: &Commitment{Coverage: Full, FirstResponse: Fig(Duration(time.Hour))}}}
	p.ProductTypes = map[string][]string{"cloud": {"critical_incident_24x7", "interactive_briefings"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Commitment(priority.P2, "ln"); got.Coverage != Full {
		t.Errorf("P2 on ln = %+v, want the product line's commitment", got)
	}
	if got, _ := p.Commitment(priority.P3, "ln"); got.Coverage != Business {
		t.Errorf("P3 on ln = %+v, want the plan's commitment", got)
	}
	if got, _ := p.Commitment(priority.P2, "other"); got.Coverage != Business {
		t.Errorf("P2 elsewhere = %+v, want the plan's commitment", got)
	}
	f := p.FeaturesFor("cloud")
	if f.CriticalIncident24x7 || f.InteractiveBriefings || !f.CriticalIncident24x5 {
		t.Errorf("features on cloud = %+v", f)
	}
	if !p.FeaturesFor("").CriticalIncident24x7 {
		t.Error("features elsewhere lost critical_incident_24x7")
	}
}

func TestFeatures_List(t *testing.T) {
	got := Features{UpdatesUpgrades: true, SpecialEventWeekends: 1}.List()
	want := []Entitlement{{"updates_upgrades", true}, {"special_event_weekends", 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	if n := FeatureNames(); len(n) != reflect.TypeFor[Features]().NumField() || slices.Contains(n, "") {
		t.Errorf("FeatureNames = %v", n)
	}
}

func TestDuration_String(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{15 * time.Minute, "15m"},
		{4 * time.Hour, "4h"},
		{90 * time.Minute, "1h30m"},
		{24 * time.Hour, "24h"},
		{time.Hour + 30*time.Second, "1h0m30s"},
		{45 * time.Second, "45s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d).String(); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.d, got, tt.want)
		}
		var back Duration
		if err := back.UnmarshalText([]byte(tt.want)); err != nil || back != Duration(tt.d) {
			t.Errorf("parse %q = %v, %v", tt.want, back, err)
		}
	}
}

func TestCommitmentTargets_ZeroForTargetsNotSet(t *testing.T) {
	p, _ := Builtin().Plan("zmanda-premium")
	c, ok := p.Commitment(priority.P1, "")
	if !ok {
		t.Fatal("zmanda-premium promises nothing for P1")
	}
	first, _, _ := c.Targets()
	if first != 15*time.Minute {
		t.Errorf("first response = %s, want 15m", first)
	}
	c.NextUpdate, c.Resolution = nil, nil
	if _, next, res := c.Targets(); next != 0 || res != 0 {
		t.Errorf("unset targets = %s, %s, want zero", next, res)
	}
}
