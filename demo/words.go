package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// subjectMatter is what customers of one product line write about.
type subjectMatter struct {
	components []string // what breaks, as written mid-sentence
	errors     []string // what the logs say
	configs    []string // the system configuration they report
	steps      []string // how to reproduce it
	hosts      []string
	asks       []string // what an engineer asks for first
	fixes      []string // what an engineer proposes
	defects    string   // the prefix of the vendor's defect numbers
}

// matter holds the word lists by product line.
var matter = map[string]subjectMatter{
	"backup": {
		components: []string{"nightly full backup", "incremental backup job", "restore to alternate location", "tape library inventory",
			"deduplication store", "backup to the S3 bucket", "VSS snapshot of the SQL Server volume", "catalog database",
			"Linux client agent", "backup verification", "retention cleanup", "Exchange mailbox restore"},
		errors: []string{"error 0x80070005 (access denied)", "VSS_E_WRITERERROR_TIMEOUT", "checksum mismatch on chunk 4411",
			"\"media not available\"", "HTTP 403 from the bucket endpoint", "\"catalog is locked by another process\"",
			"exit code 12", "\"no space left on device\""},
		configs: []string{"Windows Server 2022, 32 GB RAM, LTO-8 library with 2 drives", "RHEL 9.3, 16 GB RAM, 40 TB deduplication store on NFS",
			"Ubuntu 22.04 clients, backup server on Windows Server 2019", "Hyper-V cluster of 4 nodes, 210 protected VMs"},
		steps: []string{"1. Start the job from the console. 2. Wait for the data phase. 3. The job stops with the error above.",
			"Run `abackup --verify --job nightly` on the server; it fails every time.",
			"Restore any file from last week's backup set to \\\\fs02\\restore."},
		hosts: []string{"bkp-srv-01", "bkp-srv-02", "lnx-db-07", "fs02", "sql-prod-03"},
		asks: []string{"the job log and the output of `abackup --diag`", "the VSS writer status (`vssadmin list writers`) from the client",
			"the catalog service log from the last 24 hours"},
		fixes: []string{"apply hotfix BK-4411 and restart the backup service", "raise the VSS timeout to 600 s in the client profile",
			"rebuild the catalog index with `abackup catalog --reindex`", "move the staging area to a volume with at least 20 % free space"},
		defects: "BK",
	},
	"itsm": {
		components: []string{"incident form", "SLA escalation rule", "e-mail to ticket listener", "change approval workflow",
			"CMDB import", "self-service portal", "LDAP user sync", "scheduled report", "knowledge base search",
			"asset discovery", "problem record linking", "REST API for tickets"},
		errors: []string{"HTTP 500 on save", "\"ORA-01555 snapshot too old\"", "SQLSTATE 40001 deadlock", "a null reference exception",
			"\"invalid credentials\" from the LDAP server", "\"mailbox unavailable\"", "a blank page", "duplicate records"},
		configs: []string{"Two application servers behind F5, SQL Server 2019 Always On", "Single server, Oracle 19c, 8 CPU, 32 GB RAM",
			"SaaS tenant eu-2, 1,200 analysts, SSO through Entra ID", "Windows Server 2019, IIS 10, 2,000 users"},
		steps: []string{"1. Log in as an analyst. 2. Open any incident. 3. Change the category and save.",
			"Trigger the nightly import from Administration > CMDB > Run now.", "Send an e-mail to servicedesk@ from an external address."},
		hosts: []string{"itsm-app-01", "itsm-app-02", "itsm-db", "mail-gw-01"},
		asks: []string{"the application log from the time of the error", "a HAR capture of the failing request from the browser",
			"the import definition exported as XML"},
		fixes: []string{"install cumulative update 7 for your release", "rebuild the full-text index from the administration console",
			"set the listener to use OAuth instead of basic authentication", "raise the workflow engine's thread pool to 16"},
		defects: "SD",
	},
	"endpoint": {
		components: []string{"patch deployment", "agent check-in", "software distribution package", "inventory scan",
			"remote control session", "BitLocker policy", "OS deployment over PXE", "vulnerability scan",
			"agent on macOS", "Windows 11 feature update", "maintenance window", "agent self-update"},
		errors: []string{"error 1603 from msiexec", "\"certificate not trusted\"", "exit code 0x87D00324",
			"\"PXE-E32: TFTP open timeout\"", "agents showing as offline", "\"download failed, hash mismatch\"",
			"stale inventory data", "a blue screen on reboot"},
		configs: []string{"Core server on Windows Server 2022, 6,500 Windows 10/11 endpoints", "3 preferred servers, 14 sites, 9,000 devices",
			"Mixed fleet: 4,000 Windows, 600 macOS 14, cloud gateway", "Core on Windows Server 2019, SQL Server 2017, 2,500 devices"},
		steps: []string{"1. Create a task for the July patch bundle. 2. Target the pilot group. 3. Watch the task status.",
			"Reboot a device in the Finance OU and wait for check-in.", "PXE-boot a new laptop on the Milan site."},
		hosts: []string{"epm-core-01", "epm-ps-milan", "epm-ps-sydney", "WS-FIN-0412"},
		asks: []string{"the agent logs from one affected device (C:\\ProgramData\\Acme\\logs)", "the task history exported from the console",
			"the core server's event log for the last day"},
		fixes: []string{"re-sign the package with the core certificate and redeploy", "apply core server patch 12.0 SU3",
			"clear the agent's download cache and re-run the task", "open UDP 69 between the preferred server and the site"},
		defects: "EP",
	},
}

// symptoms complete a component into a subject.
var symptoms = []string{
	"fails with {err}", "fails with {err}", "hangs at {pct}%", "stopped working",
	"is very slow", "fails intermittently with {err}", "reports {err}", "times out after 30 minutes",
}

var (
	openings = []string{"Since this morning", "Since yesterday evening", "For about a week", "Since we moved to {ver}",
		"After last night's maintenance window", "Over the last few days"}
	impacts = map[string][]string{
		"P1": {"Production is down and nobody can work.", "This blocks our month-end close; we need help now."},
		"P2": {"A large part of our users is affected.", "We have a workaround but it does not scale."},
		"P3": {"A few users are affected.", "It is annoying but we can live with it for a few days."},
		"P4": {"No business impact; we would like to understand it.", "Cosmetic, but users keep asking about it."},
	}
	tried = []string{"We restarted the service, with no change.", "We checked the disk space and the permissions.",
		"The same setup works on our test system.", "Nothing changed on our side as far as we know."}
	uploads = []string{"Here are the files you asked for; it happened again at 02:14 last night.",
		"Uploaded. Let us know if you need anything else.", "Attached. Nothing changed on our side, except Windows updates.",
		"Any news? Our management is asking for an update. The files are attached."}
	stillFailing = []string{"We tried that, but nothing changed.", "It worked on the test server, but production still fails.",
		"Better for a day, then the same error again. New logs attached."}
	reopenings    = []string{"Unfortunately the problem came back this morning.", "It happened again after the weekend, same error."}
	confirmations = []string{"Confirmed fixed, thank you. You can close the case.", "All good since the fix, please close.",
		"Works now. Thanks for the quick help."}
	resolution = "You confirmed the fix works, so we are resolving the case. Reply within two weeks if the problem comes back."
	notes      = []string{"Looks like known defect {defect}; linked it.", "Customer is two cumulative updates behind; suggest upgrading first.",
		"Asked development on the L3 channel, they are checking the code path.", "Reproduced in the lab with the customer's configuration.",
		"Customer sounds frustrated; keep updates frequent."}
	installs = []string{"Please install {product} {ver} on our new server", "Help with implementing {product} for a new site",
		"Request: upgrade our {product} to {ver}", "Migrate {product} to new hardware"}
)

// text fills a case's subject, description and details from the word lists.
type text struct {
	rng     *rand.Rand
	product string
	version string
	matter  subjectMatter
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// fill replaces the placeholders of s.
func (t text) fill(s string) string {
	return strings.NewReplacer(
		"{err}", pick(t.rng, t.matter.errors),
		"{pct}", fmt.Sprint(10+t.rng.IntN(85)),
		"{ver}", t.version,
		"{product}", t.product,
		"{defect}", fmt.Sprintf("%s-%d", t.matter.defects, 1000+t.rng.IntN(9000)),
	).Replace(s)
}

// problem writes a problem report: subject, description and details.
func (t text) problem(priority string) (subject, desc string, d detailsText) {
	component := pick(t.rng, t.matter.components)
	symptom := t.fill(pick(t.rng, symptoms))
	host := pick(t.rng, t.matter.hosts)
	subject = strings.ToUpper(component[:1]) + component[1:] + " " + symptom
	impact := pick(t.rng, impacts[priority])
	desc = fmt.Sprintf("%s the %s on %s %s. %s %s",
		t.fill(pick(t.rng, openings)), component, host, symptom, impact, pick(t.rng, tried))
	return subject, desc, detailsText{
		example:       fmt.Sprintf("%s on %s, %s", component, host, t.fill("{err}")),
		context:       impact,
		configuration: pick(t.rng, t.matter.configs),
		steps:         pick(t.rng, t.matter.steps),
	}
}

// installation writes a request that support does not cover.
func (t text) installation() (subject, desc string) {
	subject = t.fill(pick(t.rng, installs))
	return subject, fmt.Sprintf("%s. We are opening a new office and would like your team to do it for us. Configuration: %s.",
		subject, pick(t.rng, t.matter.configs))
}

// detailsText are the requested details of a problem report.
type detailsText struct{ example, context, configuration, steps string }

func (t text) ask() string {
	return fmt.Sprintf("Thank you for the details. To find the cause, could you upload %s? %s",
		pick(t.rng, t.matter.asks), "Please also tell us whether anything changed on the system recently.")
}

func (t text) more() string {
	return fmt.Sprintf("Thanks. One more thing before we go further: could you upload %s?", pick(t.rng, t.matter.asks))
}

func (t text) fix() string {
	return fmt.Sprintf("The files show the cause. Please %s, then let us know whether the problem is gone.", pick(t.rng, t.matter.fixes))
}

func (t text) retry() string {
	return fmt.Sprintf("Thanks for trying. Let us go one step further: please %s, and send us the logs if it still fails.", pick(t.rng, t.matter.fixes))
}

func (t text) note() string { return t.fill(pick(t.rng, notes)) }
