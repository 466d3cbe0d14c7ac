package plan

import "time"

// Seed documents the built-in plans come from.
const (
	seedIvanti2018 = "seeds/003 Ivanti customer-support FAQ (2018)"
	seedIvanti     = "seeds/000, 001 Ivanti customer-support FAQ"
	seedInfor      = "seeds/002 Infor Xtreme Support plan features"
	seedZmanda     = "seeds/004 Zmanda support policy"
)

// Builtin returns the default catalog: the programs of the seeds, version 1
// each. The seeds give Zmanda's response targets, Ivanti 2018's contact limits
// and every plan's features and 24x7 coverage; every other figure is a casedesk
// default and is marked so. Ivanti plans carry no resolution target because
// Ivanti does not promise to resolve within any period. Each call returns a
// fresh catalog the caller may edit.
func Builtin() *Catalog {
	ivanti2018 := Features{UpdatesUpgrades: true, OnlineSubmission: true, PhoneBusinessHours: true}
	ivanti2018Enhanced := ivanti2018
	ivanti2018Enhanced.Phone24x7P1 = true
	ivanti2018Premium := ivanti2018Enhanced
	ivanti2018Premium.AssignedEngineer, ivanti2018Premium.AssignedSupportManager = true, true

	// The newer Ivanti FAQ says each level adds dedicated resources without a
	// table; which level gets which resource is a casedesk default.
	ivantiPremium := ivanti2018Enhanced
	ivantiEnterprise := ivanti2018Premium
	ivantiSquad := ivantiEnterprise
	ivantiSquad.DedicatedCSM = true

	xtreme := Features{
		CriticalSolutionNotices: true, UpdatesUpgrades: true, OnlineSubmission: true,
		PhoneBusinessHours: true, RemoteAccess: true, CriticalIncident24x5: true, RecordedBriefings: true,
	}
	xtremePremium := xtreme
	xtremePremium.CriticalIncident24x7, xtremePremium.InteractiveBriefings = true, true
	xtremePremium.PriorityHandlingRank = 1
	xtremeElite := xtremePremium
	xtremeElite.PriorityHandlingRank = 2
	xtremeElite.DedicatedCSM, xtremeElite.SupportActivityReviews, xtremeElite.EarlyAdopter = true, true, true
	xtremeElite.SeniorResources, xtremeElite.EducationDiscounts, xtremeElite.UpgradePlanning = true, true, true
	xtremeElite.SpecialEventWeekends = 1

	zmanda := Features{UpdatesUpgrades: true, OnlineSubmission: true, PhoneBusinessHours: true, RecordedTraining: true}
	zmandaPremium := zmanda
	zmandaPremium.Phone24x7P1, zmandaPremium.AccountManager, zmandaPremium.CustomTraining = true, true, true
	zmandaPremium.RecordedTraining = false

	// Default response ladders, business hours unless the seeds say 24x7.
	ivantiStandardTargets := ladder(Business, "2h", "4h", "8h", "16h")
	zmandaPremiumTargets := seedLadder(Full, "15m", "60m", "4h", "8h").withResolution()

	plans := []Plan{
		{ID: "ivanti-2018-standard", Name: "Standard", Program: "Ivanti (2018)", Source: seedIvanti2018,
			TechnicalContacts: Fig(4), Features: ivanti2018, Priorities: ivantiStandardTargets.build()},
		{ID: "ivanti-2018-enhanced", Name: "Enhanced", Program: "Ivanti (2018)", Source: seedIvanti2018,
			TechnicalContacts: Fig(8), Features: ivanti2018Enhanced,
			Priorities: ladder(Business, "1h", "4h", "8h", "16h").p1On(Full).build()},
		{ID: "ivanti-2018-premium", Name: "Premium", Program: "Ivanti (2018)", Source: seedIvanti2018,
			TechnicalContacts: Fig(10), Features: ivanti2018Premium,
			Priorities: ladder(Business, "30m", "2h", "4h", "8h").p1On(Full).build()},
		{ID: "ivanti-standard", Name: "Standard", Program: "Ivanti", Source: seedIvanti,
			TechnicalContacts: Def(4), Features: ivanti2018, Priorities: ivantiStandardTargets.build()},
		{ID: "ivanti-premium", Name: "Premium", Program: "Ivanti", Source: seedIvanti,
			TechnicalContacts: Def(8), Features: ivantiPremium,
			Priorities: ladder(Business, "1h", "4h", "8h", "16h").p1On(Full).build()},
		{ID: "ivanti-enterprise", Name: "Enterprise", Program: "Ivanti", Source: seedIvanti,
			TechnicalContacts: Def(10), Features: ivantiEnterprise,
			Priorities: ladder(Business, "30m", "2h", "4h", "8h").p1On(Full).build()},
		{ID: "ivanti-success-squad", Name: "Success Squad", Program: "Ivanti", Source: seedIvanti,
			TechnicalContacts: Def(12), Features: ivantiSquad,
			Priorities: ladder(Business, "15m", "1h", "2h", "4h").p1On(Full).build()},
		{ID: "infor-xtreme", Name: "Xtreme", Program: "Infor Xtreme Support", Source: seedInfor,
			TechnicalContacts: Def(4), Features: xtreme,
			Priorities: ladder(Business, "1h", "4h", "8h", "16h").p1On("24x5").withResolution().build()},
		{ID: "infor-xtreme-premium", Name: "Xtreme Premium", Program: "Infor Xtreme Support", Source: seedInfor,
			TechnicalContacts: Def(8), Features: xtremePremium,
			Priorities: ladder(Business, "1h", "4h", "8h", "16h").p1On(Full).withResolution().build()},
		{ID: "infor-xtreme-elite", Name: "Xtreme Elite", Program: "Infor Xtreme Support", Source: seedInfor,
			TechnicalContacts: Def(10), Features: xtremeElite,
			Priorities: ladder(Business, "30m", "2h", "4h", "8h").p1On(Full).withResolution().build()},
		{ID: "zmanda-standard", Name: "Standard", Program: "Zmanda", Source: seedZmanda,
			TechnicalContacts: Def(4), Features: zmanda,
			Priorities: seedLadder(Business, "1h", "3h", "8h", "24h").withResolution().build()},
		{ID: "zmanda-premium", Name: "Premium", Program: "Zmanda", Source: seedZmanda,
			TechnicalContacts: Def(8), Features: zmandaPremium, Priorities: zmandaPremiumTargets.build()},
		{ID: "community", Name: "Community", Program: "Community", Source: "PRODUCT §1; seeds/004: best effort, no phone",
			NoCommitment: true, Features: Features{EmailBestEffort: true}},
		{ID: "trial", Name: "Trial", Program: "Evaluation", Source: seedZmanda + ": Premium targets during the evaluation",
			EvaluationDays: Def(30), TechnicalContacts: Def(2),
			Features:   Features{UpdatesUpgrades: true, OnlineSubmission: true, PhoneBusinessHours: true},
			Priorities: zmandaPremiumTargets.build()},
	}
	for i := range plans {
		plans[i].Version = 1
	}
	return &Catalog{Plans: plans}
}

// targetLadder is a plan's four commitments while the catalog is built.
type targetLadder [4]Commitment

// ladder returns first-response targets that are casedesk defaults, with the
// default next-update targets.
func ladder(coverage Coverage, p1, p2, p3, p4 string) targetLadder {
	return newLadder(coverage, Def[Duration], p1, p2, p3, p4)
}

// seedLadder returns first-response targets taken from the seeds, with the
// default next-update targets.
func seedLadder(coverage Coverage, p1, p2, p3, p4 string) targetLadder {
	return newLadder(coverage, Fig[Duration], p1, p2, p3, p4)
}

// Default next-update targets: P1 every 4h, P2 every 8h, P3 every 24h of
// coverage time; P4 has none.
var defaultNextUpdate = [4]string{"4h", "8h", "24h", ""}

// Default resolution targets, for P1 and P2 only.
var defaultResolution = [4]string{"24h", "72h", "", ""}

func newLadder(coverage Coverage, fig func(Duration) Target, firsts ...string) targetLadder {
	var l targetLadder
	for i, first := range firsts {
		l[i] = Commitment{Coverage: coverage, FirstResponse: fig(mustDuration(first)), NextUpdate: defaultTarget(defaultNextUpdate[i])}
	}
	return l
}

// p1On runs P1 on another calendar, as the plans with 24x7 or 24x5 critical
// incident support do.
func (l targetLadder) p1On(coverage Coverage) targetLadder {
	l[0].Coverage = coverage
	return l
}

func (l targetLadder) withResolution() targetLadder {
	for i := range l {
		l[i].Resolution = defaultTarget(defaultResolution[i])
	}
	return l
}

// build returns fresh commitments, so plans sharing a ladder share no pointer.
func (l targetLadder) build() Priorities {
	c := l
	return Priorities{P1: &c[0], P2: &c[1], P3: &c[2], P4: &c[3]}.clone()
}

func defaultTarget(s string) *Target {
	if s == "" {
		return nil
	}
	t := Def(mustDuration(s))
	return &t
}

func mustDuration(s string) Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return Duration(d)
}
