package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/entitlement"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
)

// SeedTemplate describes the cases SeedCases makes up, for load tests.
type SeedTemplate struct {
	// ProductID is the product every case is about.
	ProductID int64
	// ContractIDs are the contracts whose technical contacts open the cases,
	// in turn; each must name at least one.
	ContractIDs []int64
	// Text returns the subject and description of the i-th case, from 0.
	Text func(i int) (subject, description string)
	// Span spreads the cases' creation over that long before now, oldest
	// first; zero means eight weeks.
	Span time.Duration
	// Seed makes the mix of priorities and statuses repeatable.
	Seed uint64
	// BatchSize is how many cases each transaction inserts; zero means 1000.
	BatchSize int
}

// seedSource is one contract's share of the seeded cases: who opens them
// and the terms they are served under, worked out once as OpenCase would.
type seedSource struct {
	orgID      int64
	contractID *int64
	contacts   []int64
	decision   entitlement.Decision
	terms      *sla.Terms
}

// seedCase is one made-up case, ready to insert.
type seedCase struct {
	id               int64
	src              *seedSource
	contactID        int64
	subject, desc    string
	impact, urgency  string
	level            priority.Level
	status           casedesk.CaseStatus
	commitment       bool
	state            string
	sum              slaSummary
	rev              int
	created, updated time.Time
	resolved, closed *time.Time
	createdEventData string
	sortDue          time.Time
}

// SeedCases inserts n cases made up from t, as if opened over the past
// weeks through OpenCase and since moved along their lifecycle: each row has
// a real SLA state evaluated at now, its "created" event, its search entry,
// and its place in case_counts. It writes no audit entries, webhooks or
// notifications, and gives the later lifecycle steps no thread events.
// Cases go in by batches, one transaction each, with multi-row prepared
// statements; progress, when not nil, hears the running total after each.
func (db *DB) SeedCases(ctx context.Context, t SeedTemplate, n int, progress func(done int)) error {
	if n <= 0 {
		return nil
	}
	if len(t.ContractIDs) == 0 || t.Text == nil {
		return errors.New("seed cases: the template needs contracts and a text")
	}
	if t.Span <= 0 {
		t.Span = 8 * 7 * 24 * time.Hour
	}
	if t.BatchSize <= 0 {
		t.BatchSize = 1000
	}
	now := db.now()
	product, err := db.Product(ctx, t.ProductID)
	if err != nil {
		return fmt.Errorf("seed cases: %w", err)
	}
	sources := make([]*seedSource, len(t.ContractIDs))
	for i, id := range t.ContractIDs {
		if sources[i], err = db.seedSource(ctx, id, product, now); err != nil {
			return fmt.Errorf("seed cases: contract %d: %w", id, err)
		}
	}
	stmts := newSeedStatements(db)
	defer stmts.close()
	rng := rand.New(rand.NewPCG(t.Seed, 0x5eed))
	start := now.Add(-t.Span)
	batch := make([]seedCase, 0, t.BatchSize)
	for done := 0; done < n; {
		batch = batch[:0]
		for i := done; i < n && len(batch) < t.BatchSize; i++ {
			// Creation times rise with i, as IDs do, a second apart at most
			// out of step.
			created := start.Add(time.Duration(float64(t.Span) * float64(i) / float64(n))).Add(-time.Duration(rng.IntN(1000)) * time.Millisecond)
			src := sources[i%len(sources)]
			c, err := makeSeedCase(rng, src, created.Truncate(time.Microsecond), now)
			if err != nil {
				return fmt.Errorf("seed cases: %w", err)
			}
			c.subject, c.desc = t.Text(i)
			batch = append(batch, c)
		}
		if err := db.inTx(ctx, func(tx *Tx) error { return tx.insertSeedBatch(ctx, stmts, t.ProductID, batch) }); err != nil {
			return fmt.Errorf("seed cases: %w", err)
		}
		done += len(batch)
		if progress != nil {
			progress(done)
		}
	}
	// A bulk load leaves PostgreSQL without statistics, which the planner
	// needs to judge full-text searches, and its rows unmarked as committed:
	// until autovacuum came by, the first read of each page would mark them
	// and so dirty the page, which then costs a write when it leaves the
	// buffer cache. A rare word's search at 1 000 000 cases reads a hundred
	// such pages; after this VACUUM the benchmark served 30 % more of them.
	// Vacuum also records the free space left in each page, where later
	// entries then go, spread out, as on a desk autovacuum has been through:
	// that made a common word's search after the benchmark's writes slower.
	if db.dialect == postgresDialect {
		if _, err := db.exec(ctx, `VACUUM (ANALYZE) cases, case_events, case_search`); err != nil {
			return fmt.Errorf("seed cases: vacuum: %w", err)
		}
	}
	return nil
}

// seedSource works out, once, what OpenCase would decide for a case opened
// now under the contract by its first technical contact.
func (db *DB) seedSource(ctx context.Context, contractID int64, product *casedesk.Product, now time.Time) (*seedSource, error) {
	k, err := scanContract(db.queryRow(ctx, `SELECT `+contractColumns+` FROM contracts WHERE id = ?`, contractID))
	if err != nil {
		return nil, err
	}
	if err := db.fill(ctx, db.sql, k); err != nil {
		return nil, err
	}
	if len(k.Contacts) == 0 {
		return nil, errors.New("names no technical contact")
	}
	contact, err := db.user(ctx, k.Contacts[0])
	if err != nil {
		return nil, err
	}
	contracts, err := db.contractsOf(ctx, k.OrgID)
	if err != nil {
		return nil, err
	}
	d, err := entitlement.CanOpenCase(entitlement.Facts{
		Submitter: contact, Contracts: contracts, Product: product, Request: "problem", Now: now,
	})
	if err != nil {
		return nil, err
	}
	terms, err := db.caseTerms(ctx, db.sql, d.Contract, product, nil, d.Commitment, now)
	if err != nil {
		return nil, err
	}
	if d.Flags == nil {
		d.Flags = []string{}
	}
	src := &seedSource{orgID: k.OrgID, contacts: k.Contacts, decision: d, terms: terms}
	if d.Contract != nil {
		src.contractID = &d.Contract.ID
	}
	return src, nil
}

// seedRatings weighs impact and urgency toward the low end, as real queues are.
var seedRatings = []struct {
	r      priority.Rating
	weight int
}{{priority.High, 15}, {priority.Medium, 35}, {priority.Low, 50}}

func pickRating(rng *rand.Rand) priority.Rating {
	n := rng.IntN(100)
	for _, w := range seedRatings {
		if n < w.weight {
			return w.r
		}
		n -= w.weight
	}
	return priority.Low
}

// pickStatus draws where a case of the given age is now: young cases are
// mostly still being worked, old ones mostly closed.
func pickStatus(rng *rand.Rand, age time.Duration) casedesk.CaseStatus {
	var weights [5]int // new, open, waiting, resolved, closed
	switch {
	case age < 2*24*time.Hour:
		weights = [5]int{35, 35, 15, 15, 0}
	case age < 14*24*time.Hour:
		weights = [5]int{3, 15, 12, 30, 40}
	default:
		weights = [5]int{1, 4, 5, 5, 85}
	}
	statuses := [5]casedesk.CaseStatus{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed}
	n := rng.IntN(100)
	for i, w := range weights {
		if n < w {
			return statuses[i]
		}
		n -= w
	}
	return casedesk.StatusClosed
}

// makeSeedCase opens a case at created and plays its lifecycle up to its
// drawn status through the SLA engine, then evaluates the clocks at now.
func makeSeedCase(rng *rand.Rand, src *seedSource, created, now time.Time) (seedCase, error) {
	impact, urgency := pickRating(rng), pickRating(rng)
	level, err := priority.FromMatrix(impact, urgency)
	if err != nil {
		return seedCase{}, err
	}
	c := seedCase{
		src: src, contactID: src.contacts[rng.IntN(len(src.contacts))],
		impact: impact.String(), urgency: urgency.String(), level: level,
		status: pickStatus(rng, now.Sub(created)), rev: 1, created: created,
	}
	// next is a while after t, never past now.
	next := func(t time.Time) time.Time {
		step := time.Duration(15+rng.IntN(8*60)) * time.Minute
		if half := now.Sub(t) / 2; step > half {
			step = half
		}
		return t.Add(step).Truncate(time.Microsecond)
	}
	st := &sla.State{}
	apply := func(kind sla.EventKind, at time.Time) error {
		_, err := st.Apply(sla.Event{Kind: kind, At: at, Priority: level, Terms: src.terms})
		return err
	}
	if err := apply(sla.Opened, created); err != nil {
		return c, err
	}
	at := created
	if c.status != casedesk.StatusNew {
		at = next(at)
		if err := apply(sla.VendorReplied, at); err != nil {
			return c, err
		}
		c.rev++
	}
	switch c.status {
	case casedesk.StatusWaiting:
		at = next(at)
		err = apply(sla.WaitingOnCustomer, at)
		c.rev++
	case casedesk.StatusResolved, casedesk.StatusClosed:
		at = next(at)
		err = apply(sla.Resolved, at)
		resolved := at
		c.resolved = &resolved
		c.rev++
		if c.status == casedesk.StatusClosed {
			at = next(at)
			closed := at
			c.closed = &closed
			c.rev++
		}
	}
	if err != nil {
		return c, err
	}
	c.updated = at
	// The scheduler would have looked at the clocks since.
	if err := apply(sla.Tick, now); err != nil {
		return c, err
	}
	c.commitment = src.decision.Commitment && st.Reason == ""
	if c.state, err = marshalState(st); err != nil {
		return c, err
	}
	c.sum = summarize(st, now)
	c.sortDue = farFuture
	if c.sum.due != nil && c.status.IsOpen() {
		c.sortDue = *c.sum.due
	}
	data, err := json.Marshal(map[string]any{
		"priority": level.String(), "impact": c.impact, "urgency": c.urgency, "flags": src.decision.Flags, "reasons": src.decision.Reasons,
	})
	c.createdEventData = string(data)
	return c, err
}

// seedStatements prepares each multi-row insert once per row count.
type seedStatements struct {
	db    *DB
	stmts map[string]*sql.Stmt
}

func newSeedStatements(db *DB) *seedStatements {
	return &seedStatements{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns, for use in tx, the statement head followed by rows copies of
// the row tuple, then tail.
func (s *seedStatements) get(ctx context.Context, tx *Tx, head, row, tail string, rows int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s|%d", head, rows)
	st, ok := s.stmts[key]
	if !ok {
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(" VALUES ")
		for i := range rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
		}
		b.WriteString(tail)
		var err error
		if st, err = s.db.sql.PrepareContext(ctx, s.db.dialect.rebind(b.String())); err != nil {
			return nil, err
		}
		s.stmts[key] = st
	}
	return tx.tx.StmtContext(ctx, st), nil
}

func (s *seedStatements) close() {
	for _, st := range s.stmts {
		st.Close()
	}
}

// maxParams keeps every statement under SQLite's and PostgreSQL's limits on
// bound parameters (32766 and 65535).
const maxParams = 30000

// execRows inserts rows of width values each, as few statements as the
// parameter limit allows.
func (s *seedStatements) execRows(ctx context.Context, tx *Tx, head, row, tail string, width int, args []any) error {
	per := maxParams / width
	for len(args) > 0 {
		n := min(len(args)/width, per)
		st, err := s.get(ctx, tx, head, row, tail, n)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args[:n*width]...); err != nil {
			return err
		}
		args = args[n*width:]
	}
	return nil
}

// reserveCaseIDs takes n case IDs no other writer will use: from the
// sequence on PostgreSQL; past the highest ever given on SQLite, whose write
// transaction holds the database.
func (tx *Tx) reserveCaseIDs(ctx context.Context, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if tx.db.dialect == postgresDialect {
		rows, err := tx.query(ctx, `SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, ?)`, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var last int64
	if err := tx.queryRow(ctx, `SELECT max(coalesce((SELECT max(id) FROM cases), 0),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'cases'), 0))`).Scan(&last); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// insertSeedBatch writes a batch of made-up cases about productID with their
// created events, search entries and counts.
func (tx *Tx) insertSeedBatch(ctx context.Context, stmts *seedStatements, productID int64, batch []seedCase) error {
	ids, err := tx.reserveCaseIDs(ctx, len(batch))
	if err != nil {
		return fmt.Errorf("reserve case IDs: %w", err)
	}
	const details = `{"request":"problem"}`
	cases := make([]any, 0, len(batch)*seedCaseWidth)
	events := make([]any, 0, len(batch)*7)
	var search []any
	type countKey struct {
		org    int64
		status casedesk.CaseStatus
	}
	counts := map[countKey]int64{}
	pg := tx.db.dialect == postgresDialect
	for i := range batch {
		c := &batch[i]
		c.id = ids[i]
		src := c.src
		cases = append(cases, c.id, src.orgID, src.contractID, c.contactID, productID, c.subject, c.desc, details,
			c.impact, c.urgency, c.level.String(), "en", c.status, src.decision.Queue, c.commitment, joinList(src.decision.Flags), queueRank(src.terms),
			c.state, c.sum.due, c.sortDue, c.status.IsOpen(), c.sum.check, c.sum.atRisk, c.sum.breached,
			c.rev, c.created, c.updated, c.resolved, c.closed)
		events = append(events, c.id, c.created, c.contactID, casedesk.EventCreated, true, c.desc, c.createdEventData)
		text := c.subject + "\n" + c.desc
		if pg {
			search = append(search, c.id, searchConfig("en"), true, searchConfig("en"), text)
		} else {
			search = append(search, text, c.id, true)
		}
		counts[countKey{src.orgID, c.status}]++
	}
	if err := stmts.execRows(ctx, tx, `INSERT INTO cases (id, org_id, contract_id, contact_id, product_id, subject, description, details,
		impact, urgency, priority, language, status, queue, commitment, flags, plan_rank, sla, due_at, sort_due, is_open,
		check_at, at_risk, breached, rev, created_at, updated_at, resolved_at, closed_at)`,
		"("+strings.TrimSuffix(strings.Repeat("?, ", seedCaseWidth), ", ")+")", "", seedCaseWidth, cases); err != nil {
		return fmt.Errorf("insert cases: %w", err)
	}
	if err := stmts.execRows(ctx, tx, `INSERT INTO case_events (case_id, at, actor_id, kind, public, body, data)`,
		`(?, ?, ?, ?, ?, ?, ?)`, "", 7, events); err != nil {
		return fmt.Errorf("insert case events: %w", err)
	}
	if pg {
		err = stmts.execRows(ctx, tx, `INSERT INTO case_search (case_id, config, public, tsv)`,
			`(?, ?::regconfig, ?, to_tsvector(?::regconfig, ?))`, "", 5, search)
	} else {
		err = stmts.execRows(ctx, tx, `INSERT INTO case_search (body, case_id, public)`, `(?, ?, ?)`, "", 3, search)
	}
	if err != nil {
		return fmt.Errorf("index cases: %w", err)
	}
	countArgs := make([]any, 0, len(counts)*3)
	for k, n := range counts {
		countArgs = append(countArgs, k.org, k.status, n)
	}
	if err := stmts.execRows(ctx, tx, `INSERT INTO case_counts (org_id, status, n)`, `(?, ?, ?)`,
		` ON CONFLICT (org_id, status) DO UPDATE SET n = case_counts.n + excluded.n`, 3, countArgs); err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	return nil
}

// seedCaseWidth is how many values insertSeedBatch binds per case.
const seedCaseWidth = 29
