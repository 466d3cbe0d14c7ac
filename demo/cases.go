package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/store"
)

// How many cases the demo holds: opened by customers over the last months,
// opened by customers just now, opened again as duplicates and merged, and
// split off others by engineers.
const (
	openedCases    = 272
	pressingCases  = 8
	duplicateCases = 12
	splitCases     = 8
)

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

// Shares of the cases by final status, and by priority.
var (
	statuses        = []casedesk.CaseStatus{casedesk.StatusNew, casedesk.StatusOpen, casedesk.StatusWaiting, casedesk.StatusResolved, casedesk.StatusClosed}
	statusShares    = []int{12, 25, 13, 15, 35}
	priorities      = []string{"P1", "P2", "P3", "P4"}
	priorityShares  = []int{8, 22, 45, 25}
	firstResponseIn = map[string][2]time.Duration{"P1": {5 * minute, hour}, "P2": {15 * minute, 4 * hour}, "P3": {hour, 12 * hour}, "P4": {2 * hour, 2 * day}}
)

// ratings are the impact and urgency that give each priority in the matrix.
var ratings = map[string][][2]string{
	"P1": {{"high", "high"}},
	"P2": {{"medium", "high"}, {"high", "medium"}},
	"P3": {{"low", "high"}, {"medium", "medium"}, {"high", "low"}},
	"P4": {{"low", "medium"}, {"medium", "low"}, {"low", "low"}},
}

// quiet is how long a case that ends in each status has been quiet since the
// last thing that happened to it.
var quiet = map[casedesk.CaseStatus][2]time.Duration{
	casedesk.StatusNew:      {5 * minute, 2 * day},
	casedesk.StatusOpen:     {10 * minute, 3 * day},
	casedesk.StatusWaiting:  {hour, 10 * day},
	casedesk.StatusResolved: {hour, 12 * day},
	casedesk.StatusClosed:   {day, 100 * day},
}

// demoCase is a case being planned: who opens it, who serves it, and what
// it is about. Its ID is known once the step that opens it has run.
type demoCase struct {
	acct     *account
	contact  int64
	engineer int64
	// support serves the case: the partner's agent until a partner-sold
	// case is escalated, the engineer otherwise.
	support  int64
	priority string
	text     text
	open     store.NewCase
	start    time.Time // when it is opened
	id       int64
}

// move is one thing done to a case, some time after the move before it.
type move struct {
	gap time.Duration
	do  func(ctx context.Context) error
}

// step is a move at its time.
type step struct {
	at time.Time
	do func(ctx context.Context) error
}

// addCases plans every case's history, then plays all of it in time order
// with the store's clock set to each step's time, so that cases have the
// ages, due times and breaches their histories imply. Finally it sweeps
// the SLA clocks at the real time, as the scheduler would.
func (w *world) addCases(ctx context.Context) error {
	shares := make([]int, len(w.accounts))
	for i, a := range w.accounts {
		shares[i] = a.weight
	}
	var old []*demoCase // opened two days ago or more
	for range openedCases {
		c := w.newCase(w.accounts[weighted(w.rng, shares)], priorities[weighted(w.rng, priorityShares)], false)
		status := statuses[weighted(w.rng, statusShares)]
		h := w.history(c, status)
		age := w.logBetween(quiet[status][0], quiet[status][1])
		for _, m := range h {
			age += m.gap
		}
		c.start = w.now.Add(-min(age, c.acct.maxAge()))
		w.schedule(c.start, append([]move{{do: w.opening(c)}}, h...))
		if w.now.Sub(c.start) >= 2*day {
			old = append(old, c)
		}
	}
	for _, i := range w.rng.Perm(len(old))[:duplicateCases] {
		w.duplicate(old[i])
	}
	served := slices.DeleteFunc(old, func(c *demoCase) bool { return c.support == w.agent })
	for _, i := range w.rng.Perm(len(served))[:splitCases] {
		w.split(served[i])
	}
	if err := w.pressing(ctx); err != nil {
		return err
	}

	slices.SortStableFunc(w.steps, func(a, b step) int { return a.at.Compare(b.at) })
	clock := w.db.Now
	defer func() { w.db.Now = clock }()
	for _, s := range w.steps {
		at := s.at
		w.db.Now = func() time.Time { return at }
		if err := s.do(ctx); err != nil {
			return fmt.Errorf("demo cases at %s: %w", at.Format(time.RFC3339), err)
		}
	}
	w.db.Now = clock
	if _, err := w.db.SweepSLA(ctx, openedCases+pressingCases+duplicateCases+splitCases); err != nil {
		return fmt.Errorf("demo cases: %w", err)
	}
	return nil
}

// duplicate has another contact open target's case again a little later,
// and its engineer merge the two.
func (w *world) duplicate(target *demoCase) {
	dup := *target
	dup.contact = pick(w.rng, target.acct.contacts)
	dup.open.Case.Desc = "Opening this again because it is urgent for us. " + target.open.Case.Desc
	w.schedule(target.start.Add(w.between(15*minute, 4*hour)), []move{
		{do: w.opening(&dup)},
		{gap: w.between(10*minute, 2*hour), do: func(ctx context.Context) error {
			_, err := w.db.Merge(ctx, w.actors[target.engineer], dup.id, target.id)
			return err
		}},
	})
}

// split has parent's engineer split a second problem off it, which then
// lives its own life.
func (w *world) split(parent *demoCase) {
	part := *parent
	part.open.Case.Subject, part.open.Case.Desc, _ = part.text.problem(part.priority)
	start := parent.start.Add(w.between(hour, day))
	opening := func(ctx context.Context) error {
		got, err := w.db.Split(ctx, w.actors[parent.engineer], parent.id, part.open.Case.Subject, part.open.Case.Desc)
		if err != nil {
			return fmt.Errorf("split case %d: %w", parent.id, err)
		}
		part.id = got.ID
		return nil
	}
	status := statuses[1+weighted(w.rng, statusShares[1:])]
	w.schedule(start, append([]move{{do: opening}}, w.history(&part, status)...))
}

// pressing opens P1 cases moments ago on plans that answer P1 round the
// clock, holidays included, so that whenever the demo loads some cases are
// at risk (past the warning share of the first-response target) and some
// are due soon.
func (w *world) pressing(ctx context.Context) error {
	type candidate struct {
		acct   *account
		target time.Duration
	}
	var round []candidate
	for _, a := range w.accounts {
		if a.plan == "" || a.term == expired {
			continue
		}
		p, err := w.db.Plan(ctx, a.plan, 0)
		if err != nil {
			return fmt.Errorf("demo cases: %w", err)
		}
		if c, ok := p.Commitment(priority.P1, ""); ok && c.Coverage == plan.Full {
			round = append(round, candidate{a, time.Duration(c.FirstResponse.Value)})
		}
	}
	for i := range pressingCases {
		cand := pick(w.rng, round)
		c := w.newCase(cand.acct, "P1", true)
		share := 0.1 + 0.4*w.rng.Float64() // due soon
		if i%2 == 0 {
			share = 0.8 + 0.15*w.rng.Float64() // at risk
		}
		w.schedule(w.now.Add(-time.Duration(share*float64(cand.target))), []move{{do: w.opening(c)}})
	}
	return nil
}

// schedule places moves from start on, squeezing their gaps if need be so
// that the last comes before now.
func (w *world) schedule(start time.Time, moves []move) {
	var total time.Duration
	for _, m := range moves {
		total += m.gap
	}
	scale := 1.0
	if room := w.now.Sub(start) * 9 / 10; total > room {
		scale = float64(room) / float64(total)
	}
	at := start
	for _, m := range moves {
		at = at.Add(time.Duration(float64(m.gap) * scale))
		w.steps = append(w.steps, step{at, m.do})
	}
}

// newCase draws what a contact of a opens a case about. A case that must be
// committed is a problem about a covered product on a supported version.
func (w *world) newCase(a *account, priority string, committed bool) *demoCase {
	c := &demoCase{acct: a, contact: pick(w.rng, a.contacts), engineer: pick(w.rng, w.engineers), priority: priority}
	p := w.productFor(a, committed)
	v := w.versionOf(p, committed)
	c.text = text{rng: w.rng, product: p.Name, version: v.Name, matter: matter[p.Line]}
	r := pick(w.rng, ratings[priority])
	c.open = store.NewCase{Case: casedesk.Case{ProductID: p.ID, VersionID: &v.ID, Impact: r[0], Urgency: r[1]}}
	if !committed && w.rng.IntN(100) < 4 {
		c.open.Case.Subject, c.open.Case.Desc = c.text.installation()
		c.open.Case.Details.Request = pick(w.rng, []string{"installation", "implementation"})
	} else {
		var d detailsText
		c.open.Case.Subject, c.open.Case.Desc, d = c.text.problem(priority)
		c.open.Case.Details = casedesk.CaseDetails{Example: d.example, Context: d.context, Configuration: d.configuration, Steps: d.steps}
	}
	c.support = c.engineer
	if a.partner && c.open.Case.Details.Request == "" {
		c.support = w.agent
	}
	return c
}

// productFor picks a product the account's contract covers, now and then
// (unless covered) one it does not.
func (w *world) productFor(a *account, covered bool) *casedesk.Product {
	ok := slices.DeleteFunc(slices.Clone(w.products), func(p *casedesk.Product) bool {
		return len(a.lines) > 0 && !slices.Contains(a.lines, p.Line)
	})
	if !covered && w.rng.IntN(100) < 8 {
		return pick(w.rng, w.products)
	}
	return pick(w.rng, ok)
}

// versionOf picks a supported version, now and then (unless supported) one
// past its end of life.
func (w *world) versionOf(p *casedesk.Product, supported bool) *casedesk.Version {
	var live, ended []*casedesk.Version
	for _, v := range p.Versions {
		if v.PastEndOfLife(w.now) {
			ended = append(ended, v)
		} else {
			live = append(live, v)
		}
	}
	if !supported && len(ended) > 0 && w.rng.IntN(100) < 15 {
		return pick(w.rng, ended)
	}
	return pick(w.rng, live)
}

// opening opens the case as its contact.
func (w *world) opening(c *demoCase) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		got, err := w.db.OpenCase(ctx, w.actors[c.contact], c.open)
		if err != nil {
			return fmt.Errorf("open %q: %w", c.open.Case.Subject, err)
		}
		c.id = got.ID
		return nil
	}
}

// history plans what happens to a case after it is opened until it reaches
// status.
func (w *world) history(c *demoCase, status casedesk.CaseStatus) []move {
	var h []move
	if status != casedesk.StatusNew || w.rng.IntN(100) < 40 {
		h = append(h, w.assignment(c, w.between(2*minute, 40*minute)))
	}
	if status == casedesk.StatusNew {
		if w.rng.IntN(100) < 30 {
			h = append(h, w.note(c, w.between(10*minute, 2*hour)))
		}
		return h
	}
	first := w.between(firstResponseIn[c.priority][0], firstResponseIn[c.priority][1])
	if w.rng.IntN(100) < 15 {
		first *= 4 // late: the first-response clock breaches
	}
	h = append(h, w.reply(c, first, c.text.ask()))
	asked := true // the engineer's last reply asked the customer for something
	if c.support == w.agent && w.rng.IntN(2) == 0 {
		h = append(h, w.escalation(c, w.between(hour, day))...)
	}
	if w.rng.IntN(100) < 30 {
		h = append(h, w.note(c, w.between(30*minute, 6*hour)))
	}
	for range w.rng.IntN(3) {
		fix := c.text.fix()
		if !asked {
			fix = c.text.retry()
		}
		h = append(h, w.customerReply(c, w.between(30*minute, day), w.answer(asked)), w.reply(c, w.pace(c, hour, day), fix))
		asked = false
	}
	switch status {
	case casedesk.StatusOpen:
		if w.rng.IntN(2) == 0 {
			h = append(h, w.customerReply(c, w.between(30*minute, day), w.answer(asked)))
		}
	case casedesk.StatusWaiting:
		h = append(h, w.reply(c, w.pace(c, hour, day), c.text.more()), w.status(c, minute, c.support, casedesk.StatusWaiting))
	case casedesk.StatusResolved:
		h = append(h, w.resolution(c, asked)...)
	case casedesk.StatusClosed:
		if w.rng.IntN(100) < 20 {
			// The customer never answered.
			return append(h, w.reply(c, w.pace(c, hour, day), c.text.more()), w.status(c, minute, c.support, casedesk.StatusWaiting),
				w.reply(c, w.between(5*day, 10*day), "We have not heard back from you, so we are closing this case. Open a new one if you still need help."),
				w.status(c, minute, c.support, casedesk.StatusClosed))
		}
		h = append(h, w.resolution(c, asked)...)
		if w.rng.IntN(2) == 0 {
			h = append(h, w.status(c, w.between(hour, 5*day), c.contact, casedesk.StatusClosed))
		} else {
			h = append(h, w.status(c, w.between(7*day, 9*day), c.support, casedesk.StatusClosed))
		}
	}
	return h
}

// resolution: the customer sends what was asked for, if anything, and the
// engineer proposes a fix that works; now and then the problem comes back
// once.
func (w *world) resolution(c *demoCase, asked bool) []move {
	var h []move
	if asked {
		h = append(h, w.customerReply(c, w.between(30*minute, day), w.answer(true)), w.reply(c, w.pace(c, 2*hour, 2*day), c.text.fix()))
	}
	h = append(h, w.resolve(c)...)
	if w.rng.IntN(100) < 10 {
		h = append(h, w.customerReply(c, w.between(day, 4*day), pick(w.rng, reopenings)), w.reply(c, w.pace(c, 2*hour, 2*day), c.text.retry()))
		h = append(h, w.resolve(c)...)
	}
	return h
}

// resolve: the customer confirms the fix works and the engineer resolves
// the case.
func (w *world) resolve(c *demoCase) []move {
	return []move{
		w.customerReply(c, w.between(hour, 2*day), pick(w.rng, confirmations)),
		w.reply(c, w.between(10*minute, 4*hour), resolution),
		w.status(c, minute, c.support, casedesk.StatusResolved),
	}
}

// answer is what a customer replies: the files asked for, or that the
// proposed fix did not help.
func (w *world) answer(asked bool) string {
	if asked {
		return pick(w.rng, uploads)
	}
	return pick(w.rng, stillFailing)
}

// paces scale how quickly engineers follow up on a case of each priority.
var paces = map[string]float64{"P1": 0.2, "P2": 0.5, "P3": 1, "P4": 1.5}

// pace returns how long the engineer takes to follow up on c, drawn from
// [lo, hi) and scaled by its priority.
func (w *world) pace(c *demoCase, lo, hi time.Duration) time.Duration {
	return time.Duration(float64(w.between(lo, hi)) * paces[c.priority])
}

// assignment: the manager gives the case to its engineer, or the partner's
// agent takes it.
func (w *world) assignment(c *demoCase, gap time.Duration) move {
	by, to := w.manager, c.engineer
	if c.support == w.agent {
		by, to = w.agent, w.agent
	}
	return move{gap, func(ctx context.Context) error {
		_, err := w.db.Assign(ctx, w.actors[by], c.id, &to, "", 0)
		return err
	}}
}

// escalation: the partner's agent hands the case to the vendor, whose
// manager gives it to an engineer, who serves it from then on.
func (w *world) escalation(c *demoCase, gap time.Duration) []move {
	h := []move{
		w.note(c, gap),
		{minute, func(ctx context.Context) error {
			_, err := w.db.Assign(ctx, w.actors[w.agent], c.id, nil, "vendor", 0)
			return err
		}},
	}
	c.support = c.engineer
	return append(h, w.assignment(c, w.between(10*minute, 2*hour)))
}

// reply is a public reply from whoever serves the case.
func (w *world) reply(c *demoCase, gap time.Duration, body string) move {
	by := c.support
	return move{gap, func(ctx context.Context) error {
		_, _, err := w.db.Reply(ctx, w.actors[by], c.id, body, false, 0)
		return err
	}}
}

// note is an internal note from whoever serves the case.
func (w *world) note(c *demoCase, gap time.Duration) move {
	by, body := c.support, c.text.note()
	return move{gap, func(ctx context.Context) error {
		_, _, err := w.db.Reply(ctx, w.actors[by], c.id, body, true, 0)
		return err
	}}
}

// customerReply is a public reply from the case's contact.
func (w *world) customerReply(c *demoCase, gap time.Duration, body string) move {
	return move{gap, func(ctx context.Context) error {
		_, _, err := w.db.Reply(ctx, w.actors[c.contact], c.id, body, false, 0)
		return err
	}}
}

// status moves the case to status to, as by.
func (w *world) status(c *demoCase, gap time.Duration, by int64, to casedesk.CaseStatus) move {
	return move{gap, func(ctx context.Context) error {
		_, err := w.db.SetStatus(ctx, w.actors[by], c.id, to, 0)
		return err
	}}
}

// weighted returns an index into shares, drawn in proportion to them.
func weighted(rng *rand.Rand, shares []int) int {
	total := 0
	for _, s := range shares {
		total += s
	}
	n := rng.IntN(total)
	for i, s := range shares {
		if n < s {
			return i
		}
		n -= s
	}
	panic("unreachable")
}

// between returns a duration drawn evenly from [lo, hi).
func (w *world) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(w.rng.Int64N(int64(hi-lo)))
}

// logBetween returns a duration in [lo, hi) drawn so that short ones are as
// likely as long ones at every scale: many recent cases, a few old ones.
func (w *world) logBetween(lo, hi time.Duration) time.Duration {
	l, h := math.Log(float64(lo)), math.Log(float64(hi))
	return time.Duration(math.Exp(l + w.rng.Float64()*(h-l)))
}
