package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
	"github.com/casedesk/casedesk/sla"
)

func init() {
	register("sla", "compute SLA due times and elapsed working time: 'sla due', 'sla elapsed'", runSLA)
	register("priority", "compute a priority from impact and urgency, with its definition", runPriority)
	register("plans", "list the support plan catalog, or export it as YAML", runPlans)
}

func runSLA(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "due":
			return runSLADue(args[1:], out, errOut)
		case "elapsed":
			return runSLAElapsed(args[1:], out, errOut)
		}
	}
	return &UsageError{Message: "usage: casedesk sla due|elapsed [flags]; run 'casedesk sla due -h' for the flags"}
}

func runSLADue(args []string, out, errOut io.Writer) error {
	fs := newFlagSet("sla due", errOut)
	// parseClockFlags reads --calendar and --opened.
	fs.String("calendar", "", "the contract's calendar: a built-in id ("+strings.Join(calendar.BuiltinIDs(), ", ")+") or a calendar JSON file (required)")
	fs.String("opened", "", "when the case was opened, RFC 3339 (required)")
	var (
		target   = fs.String("target", "", "working time to add, e.g. 90m or 1h30m; or use --plan and --priority")
		planID   = fs.String("plan", "", "a plan id: use its first-response target and coverage for --priority")
		level    = fs.String("priority", "", "the case's priority, P1–P4, with --plan")
		catalogF = fs.String("catalog", "", "a plan catalog file, YAML or JSON (default: the built-in catalog)")
		asJSON   = fs.Bool("json", false, "print JSON")
	)
	cal, start, err := parseClockFlags(fs, args, "opened")
	if err != nil {
		return err
	}
	res := dueResult{Opened: start.In(cal.Cal.Location()), Metric: string(sla.FirstResponse)}
	var e sla.Explanation
	switch {
	case *target != "" && *planID != "":
		return usageErrorf("target", "give either --target or --plan with --priority, not both")
	case *target != "":
		d, err := durationFlag("target", *target)
		if err != nil {
			return err
		}
		e = sla.Due(cal, start, d)
	case *planID != "":
		p, err := planFlag(*catalogF, *planID)
		if err != nil {
			return err
		}
		l, err := priority.ParseLevel(*level)
		if err != nil {
			return usageErrorf("priority", "%s", casedesk.ErrorMessage(err))
		}
		if e, err = planDue(p, l, cal, start); err != nil {
			return err
		}
		res.Plan, res.PlanVersion, res.Priority = p.ID, p.Version, l.String()
	default:
		return usageErrorf("target", "is required, unless --plan and --priority are given")
	}
	e = e.In(cal.Cal.Location())
	res.fill(e)
	if *asJSON {
		return writeJSON(out, res)
	}
	_, err = fmt.Fprintf(out, "%s\n%s\n", res.Due, e)
	return err
}

// planDue opens a case on plan p at start and reads its first-response
// clock, so the answer follows exactly the rules the desk applies.
func planDue(p *plan.Plan, l priority.Level, cal sla.Calendar, start time.Time) (sla.Explanation, error) {
	var s sla.State
	if _, err := s.Apply(sla.Event{Kind: sla.Opened, At: start, Priority: l, Terms: &sla.Terms{Plan: p, Calendar: cal}}); err != nil {
		return sla.Explanation{}, err
	}
	if s.Reason != "" {
		return sla.Explanation{}, usageErrorf("plan", "%s: %s", p.ID, sla.ReasonText[s.Reason])
	}
	cs := s.Clocks[sla.FirstResponse]
	if len(cs) == 0 {
		return sla.Explanation{}, usageErrorf("plan", "%s sets no first-response target for %v", p.ID, l)
	}
	// Reports list first response first, and this case has one cycle.
	return s.Explain(cs[0].Due).Clocks[0].Explanation, nil
}

// dueResult is the JSON answer of 'sla due'.
type dueResult struct {
	Due             string          `json:"due"`
	Opened          time.Time       `json:"opened"`
	Calendar        sla.CalendarRef `json:"calendar"`
	Coverage        string          `json:"coverage,omitempty"`
	Plan            string          `json:"plan,omitempty"`
	PlanVersion     int             `json:"plan_version,omitempty"`
	Priority        string          `json:"priority,omitempty"`
	Metric          string          `json:"metric"`
	Target          string          `json:"target"`
	TargetSeconds   int64           `json:"target_seconds"`
	BusinessSeconds int64           `json:"business_elapsed_seconds"`
	RealSeconds     int64           `json:"real_elapsed_seconds"`
	Explanation     string          `json:"explanation"`
}

func (r *dueResult) fill(e sla.Explanation) {
	r.Due = e.Due.Format(time.RFC3339)
	r.Calendar, r.Coverage = e.Calendar, e.Coverage
	r.Target, r.TargetSeconds = plan.Duration(e.Target).String(), seconds(e.Target)
	r.BusinessSeconds, r.RealSeconds = seconds(e.Business), seconds(e.Real)
	r.Explanation = e.String()
}

func runSLAElapsed(args []string, out, errOut io.Writer) error {
	fs := newFlagSet("sla elapsed", errOut)
	// parseClockFlags reads --calendar and --from.
	fs.String("calendar", "", "a built-in calendar id or a calendar JSON file (required)")
	fs.String("from", "", "start, RFC 3339 (required)")
	var (
		toF    = fs.String("to", "", "end, RFC 3339 (required)")
		asJSON = fs.Bool("json", false, "print JSON")
	)
	cal, from, err := parseClockFlags(fs, args, "from")
	if err != nil {
		return err
	}
	to, err := timeFlag("to", *toF)
	if err != nil {
		return err
	}
	if to.Before(from) {
		return usageErrorf("to", "is before --from")
	}
	e := sla.Elapsed(cal, from, to)
	if *asJSON {
		return writeJSON(out, struct {
			ElapsedSeconds int64           `json:"elapsed_seconds"`
			Elapsed        string          `json:"elapsed"`
			RealSeconds    int64           `json:"real_elapsed_seconds"`
			From           time.Time       `json:"from"`
			To             time.Time       `json:"to"`
			Calendar       sla.CalendarRef `json:"calendar"`
		}{seconds(e.Business), plan.Duration(e.Business).String(), seconds(e.Real), e.CountFrom, e.At, e.Calendar})
	}
	_, err = fmt.Fprintf(out, "%s of working time (%s real) from %s to %s on calendar %s (%s)\n",
		plan.Duration(e.Business), plan.Duration(e.Real), e.CountFrom.Format(time.RFC3339), e.At.Format(time.RFC3339),
		e.Calendar.ID, e.Calendar.Description)
	return err
}

func runPriority(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("priority", errOut)
	var (
		impactF  = fs.String("impact", "", "impact on the business: high, medium or low (required)")
		urgencyF = fs.String("urgency", "", "urgency: high, medium or low (required)")
		lang     = fs.String("lang", priority.DefaultLanguage, "language of the definition: en, it or fr")
		asJSON   = fs.Bool("json", false, "print JSON")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	impact, err := priority.ParseImpact(*impactF)
	if err != nil {
		return usageErrorf("impact", "%s", casedesk.ErrorMessage(err))
	}
	urgency, err := priority.ParseUrgency(*urgencyF)
	if err != nil {
		return usageErrorf("urgency", "%s", casedesk.ErrorMessage(err))
	}
	if _, ok := priority.Definitions[*lang]; !ok {
		return usageErrorf("lang", "no definitions in %q; use en, it or fr", *lang)
	}
	l, err := priority.FromMatrix(impact, urgency)
	if err != nil {
		return err
	}
	d, _ := priority.Define(l, *lang)
	if *asJSON {
		return writeJSON(out, struct {
			Priority   string `json:"priority"`
			Impact     string `json:"impact"`
			Urgency    string `json:"urgency"`
			Lang       string `json:"lang"`
			Name       string `json:"name"`
			Title      string `json:"title"`
			Definition string `json:"definition"`
		}{l.String(), impact.String(), urgency.String(), *lang, d.Name, d.Title, d.Text})
	}
	_, err = fmt.Fprintf(out, "%s %s — %s\n%s\n", l, d.Name, d.Title, d.Text)
	return err
}

func runPlans(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlagSet("plans", errOut)
	var (
		catalogF = fs.String("catalog", "", "a plan catalog file, YAML or JSON (default: the built-in catalog)")
		asJSON   = fs.Bool("json", false, "print the newest version of each plan as JSON")
		export   = fs.Bool("export", false, "print the whole catalog, every version, as YAML that --catalog reads back")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := catalogFlag(*catalogF)
	if err != nil {
		return err
	}
	switch {
	case *export:
		doc, err := c.YAML()
		if err != nil {
			return err
		}
		_, err = out.Write(doc)
		return err
	case *asJSON:
		latest := c.Latest()
		plans := make([]plan.Plan, len(latest))
		for i, p := range latest {
			plans[i] = *p
		}
		return writeJSON(out, plan.Catalog{Plans: plans})
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tPROGRAM\tPLAN\tCONTACTS\tP1\tP2\tP3\tP4")
	for _, p := range c.Latest() {
		cols := []string{p.ID, fmt.Sprint(p.Version), p.Program, p.Name, fmt.Sprint(p.TechnicalContacts.Value) + star(p.TechnicalContacts.Default)}
		for _, l := range priority.Levels {
			col := "no commitment"
			if cm, ok := p.Commitment(l, ""); ok {
				col = cm.FirstResponse.Value.String() + star(cm.FirstResponse.Default) + " " + cm.Coverage
			}
			cols = append(cols, col)
		}
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, "P1–P4: first-response target and coverage calendar. * a casedesk default, not a figure from the vendor's documents.")
	return err
}

// parseClockFlags parses the flags of an 'sla' subcommand, then reads the
// two that every one of them needs: --calendar, the calendar the clock runs
// on, and the required time flag named start, when it starts.
func parseClockFlags(fs *flag.FlagSet, args []string, start string) (sla.Calendar, time.Time, error) {
	if err := parseFlags(fs, args); err != nil {
		return sla.Calendar{}, time.Time{}, err
	}
	cal, err := calendarFlag(fs.Lookup("calendar").Value.String())
	if err != nil {
		return sla.Calendar{}, time.Time{}, err
	}
	t, err := timeFlag(start, fs.Lookup(start).Value.String())
	return cal, t, err
}

// calendarFlag reads --calendar: a built-in id, or a calendar JSON file,
// which is named by its path and counted as version 1.
func calendarFlag(v string) (sla.Calendar, error) {
	if v == "" {
		return sla.Calendar{}, usageErrorf("calendar", "is required: a built-in id (%s) or a calendar JSON file", strings.Join(calendar.BuiltinIDs(), ", "))
	}
	if c, ok := sla.Builtin(v); ok {
		return c, nil
	}
	data, err := os.ReadFile(v)
	if err != nil {
		return sla.Calendar{}, usageErrorf("calendar", "%q is neither a built-in calendar (%s) nor a readable file: %v", v, strings.Join(calendar.BuiltinIDs(), ", "), err)
	}
	c, err := calendar.Parse(data)
	if err != nil {
		return sla.Calendar{}, usageErrorf("calendar", "%s: %v", v, err)
	}
	return sla.Calendar{CalendarRef: sla.CalendarRef{ID: v, Version: 1, Description: sla.Describe(c.Spec())}, Cal: c}, nil
}

func catalogFlag(path string) (*plan.Catalog, error) {
	if path == "" {
		return plan.Builtin(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("catalog", "%v", err)
	}
	c, err := plan.Load(data)
	if err != nil {
		return nil, usageErrorf("catalog", "%s: %v", path, err)
	}
	return c, nil
}

func planFlag(catalogPath, id string) (*plan.Plan, error) {
	c, err := catalogFlag(catalogPath)
	if err != nil {
		return nil, err
	}
	p, ok := c.Plan(id)
	if !ok {
		var ids []string
		for _, p := range c.Latest() {
			ids = append(ids, p.ID)
		}
		return nil, usageErrorf("plan", "no plan %q; one of %s", id, strings.Join(ids, ", "))
	}
	return p, nil
}

func timeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, usageErrorf(name, "is required, e.g. 2026-12-04T16:30:00+01:00")
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usageErrorf(name, "%q is not an RFC 3339 time such as 2026-12-04T16:30:00+01:00", v)
	}
	return t, nil
}

func durationFlag(name, v string) (time.Duration, error) {
	var d plan.Duration
	if err := d.UnmarshalText([]byte(v)); err != nil {
		return 0, usageErrorf(name, "%v", err)
	}
	if d <= 0 {
		return 0, usageErrorf(name, "must be longer than zero")
	}
	return time.Duration(d), nil
}

func star(isDefault bool) string {
	if isDefault {
		return "*"
	}
	return ""
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
