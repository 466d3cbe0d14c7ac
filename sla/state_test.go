package sla

import (
	"strings"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

var rome = mustZone("Europe/Rome")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// office is a Rome calendar, Monday–Friday 08:00–17:00, with the given
// closure dates.
func office(t testing.TB, holidays ...string) Calendar {
	t.Helper()
	week := map[string][][2]string{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		week[d] = [][2]string{{"08:00", "17:00"}}
	}
	spec := calendar.Spec{Timezone: "Europe/Rome", Week: week}
	for _, h := range holidays {
		spec.Holidays = append(spec.Holidays, calendar.Holiday{Date: h})
	}
	c, err := calendar.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return Calendar{CalendarRef{ID: "office", Version: 3}, c}
}

// at returns a Rome time in December 2026: at(4, "16:30") is Friday 4th.
func at(day int, hhmm string) time.Time {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		panic(err)
	}
	return time.Date(2026, 12, day, t.Hour(), t.Minute(), 0, 0, rome)
}

func catalogPlan(t testing.TB, id string) *plan.Plan {
	t.Helper()
	p, ok := plan.Builtin().Plan(id)
	if !ok {
		t.Fatalf("no plan %s", id)
	}
	return p
}

func terms(t testing.TB, planID string, cal Calendar) *Terms {
	return &Terms{Contract: "C-1", Plan: catalogPlan(t, planID), Calendar: cal}
}

// run applies events in order and returns every alert.
func run(t testing.TB, s *State, events ...Event) []Alert {
	t.Helper()
	var all []Alert
	for _, e := range events {
		alerts, err := s.Apply(e)
		if err != nil {
			t.Fatalf("apply %s at %s: %v", e.Kind, e.At, err)
		}
		all = append(all, alerts...)
	}
	return all
}

func open(t testing.TB, when time.Time, l priority.Level, tm *Terms) Event {
	return Event{Kind: Opened, At: when, Priority: l, Terms: tm}
}

func ev(kind EventKind, when time.Time) Event { return Event{Kind: kind, At: when} }

func last(t testing.TB, s *State, m Metric) Cycle {
	t.Helper()
	cs := s.Clocks[m]
	if len(cs) == 0 {
		t.Fatalf("no %s clock", m)
	}
	return cs[len(cs)-1]
}

func TestOpened_FirstResponseDueInBusinessTime(t *testing.T) {
	tests := []struct {
		name     string
		cal      Calendar
		opened   time.Time
		level    priority.Level
		wantDue  time.Time
		planID   string
		coverage string
	}{
		{"Friday 16:30 + 1h is Monday 08:30", office(t), at(4, "16:30"), priority.P1, at(7, "08:30"), "zmanda-standard", "business"},
		{"the same before a holiday Monday is Tuesday 08:30", office(t, "2026-12-07"), at(4, "16:30"), priority.P1, at(8, "08:30"), "zmanda-standard", "business"},
		{"P2 3h", office(t), at(4, "16:30"), priority.P2, at(7, "10:30"), "zmanda-standard", "business"},
		{"premium P1 15m round the clock", office(t), at(4, "16:30"), priority.P1, at(4, "16:45"), "zmanda-premium", "24x7"},
		{"premium P4 8h round the clock", office(t), at(4, "16:30"), priority.P4, at(5, "00:30"), "zmanda-premium", "24x7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			run(t, &s, open(t, tt.opened, tt.level, terms(t, tt.planID, tt.cal)))
			c := last(t, &s, FirstResponse)
			if !c.Due.Equal(tt.wantDue) || c.Status != Running || c.Coverage != tt.coverage {
				t.Errorf("first response = %s due %s on %s; want running due %s on %s", c.Status, c.Due.In(rome), c.Coverage, tt.wantDue, tt.coverage)
			}
			if c.Plan != tt.planID || c.Version != 1 || c.Priority != tt.level {
				t.Errorf("recorded plan %s v%d %v", c.Plan, c.Version, c.Priority)
			}
		})
	}
}

func TestVendorReply_MeetsFirstResponse(t *testing.T) {
	var s State
	run(t, &s, open(t, at(4, "16:30"), priority.P1, terms(t, "zmanda-standard", office(t))),
		ev(VendorReplied, at(7, "08:10")))
	c := last(t, &s, FirstResponse)
	if c.Status != Met || !c.EndedAt.Equal(at(7, "08:10")) {
		t.Errorf("first response = %s at %s, want met at Monday 08:10", c.Status, c.EndedAt)
	}
	// A reply exactly at the due time is in time.
	s = State{}
	run(t, &s, open(t, at(4, "16:30"), priority.P1, terms(t, "zmanda-standard", office(t))),
		ev(VendorReplied, at(7, "08:30")))
	if c := last(t, &s, FirstResponse); c.Status != Met {
		t.Errorf("reply at the due time: %s, want met", c.Status)
	}
}

func TestTick_WarnsOnceThenBreachesOnce(t *testing.T) {
	var s State
	run(t, &s, open(t, at(7, "08:00"), priority.P1, terms(t, "zmanda-standard", office(t))))
	steps := []struct {
		now  time.Time
		want []ClockEventKind
	}{
		{at(7, "08:44"), nil},
		{at(7, "08:50"), []ClockEventKind{EvWarned}},
		{at(7, "08:55"), nil},
		{at(7, "09:01"), []ClockEventKind{EvBreached}},
		{at(7, "10:00"), nil},
	}
	for _, st := range steps {
		alerts, err := s.Evaluate(st.now)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []ClockEventKind
		for _, a := range alerts {
			if a.Metric == FirstResponse {
				kinds = append(kinds, a.Kind)
			}
		}
		if strings.Join(toStrings(kinds), ",") != strings.Join(toStrings(st.want), ",") {
			t.Errorf("at %s: alerts %v, want %v", st.now.Format("15:04"), kinds, st.want)
		}
	}
	c := last(t, &s, FirstResponse)
	if c.Status != Breached || !c.EndedAt.Equal(at(7, "09:00")) || !c.WarnedAt.Equal(at(7, "08:45")) {
		t.Errorf("clock = %s ended %s warned %s", c.Status, c.EndedAt, c.WarnedAt)
	}
	// Met and breached are final.
	run(t, &s, ev(VendorReplied, at(7, "10:30")))
	if c := last(t, &s, FirstResponse); c.Status != Breached {
		t.Errorf("a late reply changed a breached clock to %s", c.Status)
	}
}

func toStrings(ks []ClockEventKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestWarnThresholdIsConfigurable(t *testing.T) {
	s := State{Rules: Rules{WarnAt: 0.5}}
	run(t, &s, open(t, at(7, "08:00"), priority.P1, terms(t, "zmanda-standard", office(t))))
	if c := last(t, &s, FirstResponse); !c.WarnAt.Equal(at(7, "08:30")) {
		t.Errorf("warn at %s, want 08:30", c.WarnAt.In(rome))
	}
}

func TestResolution_PausesWhileWaitingOnCustomer(t *testing.T) {
	var s State
	run(t, &s, open(t, at(7, "08:00"), priority.P1, terms(t, "zmanda-standard", office(t))))
	// 24h of business time on 9-hour days: Monday 9h, Tuesday 9h, Wednesday 6h.
	if c := last(t, &s, Resolution); !c.Due.Equal(at(9, "14:00")) {
		t.Fatalf("resolution due %s, want Wednesday 14:00", c.Due.In(rome))
	}
	run(t, &s, ev(VendorReplied, at(7, "09:00")), ev(WaitingOnCustomer, at(7, "10:00")))
	c := last(t, &s, Resolution)
	if c.Status != Paused || !c.Due.IsZero() {
		t.Errorf("while waiting: %s due %s, want paused with no due time", c.Status, c.Due)
	}
	if _, err := s.Evaluate(at(20, "10:00")); err != nil || last(t, &s, Resolution).Status != Paused {
		t.Errorf("a paused clock breached: %v", err)
	}
	run(t, &s, ev(CustomerReplied, at(21, "10:00")))
	// Paused Monday 7th 10:00 to Monday 21st 10:00; 22h left from 10:00.
	c = last(t, &s, Resolution)
	if c.Status != Running || !c.Due.Equal(at(23, "14:00")) {
		t.Errorf("after the reply: %s due %s, want running due Wednesday 23rd 14:00", c.Status, c.Due.In(rome))
	}
	e := s.Explain(at(21, "12:00")).Clocks
	var res Explanation
	for _, r := range e {
		if r.Metric == Resolution {
			res = r.Explanation
		}
	}
	if res.Business != 4*time.Hour || res.Real != 14*24*time.Hour+4*time.Hour || res.Paused != 14*24*time.Hour || len(res.Pauses) != 1 {
		t.Errorf("explanation: business %s real %s paused %s pauses %v", res.Business, res.Real, res.Paused, res.Pauses)
	}
	if res.Calendar.ID != "office" || res.Calendar.Version != 3 || !strings.Contains(res.Calendar.Description, "Mon–Fri 08:00–17:00") {
		t.Errorf("calendar = %+v", res.Calendar)
	}
}

func TestNextUpdate_StartsAtCustomerReplyAndIsMetByVendorReply(t *testing.T) {
	var s State
	run(t, &s, open(t, at(7, "08:00"), priority.P1, terms(t, "zmanda-standard", office(t))),
		ev(CustomerReplied, at(7, "08:10"))) // before the first response: that clock covers it
	if len(s.Clocks[NextUpdate]) != 0 {
		t.Fatal("next update started before the first response")
	}
	run(t, &s, ev(VendorReplied, at(7, "08:20")), ev(CustomerReplied, at(7, "09:00")))
	if c := last(t, &s, NextUpdate); c.N != 1 || c.Status != Running || !c.Due.Equal(at(7, "13:00")) {
		t.Errorf("cycle 1 = %d %s due %s, want running due 13:00 (4h)", c.N, c.Status, c.Due.In(rome))
	}
	run(t, &s, ev(CustomerReplied, at(7, "10:00"))) // the oldest unanswered reply counts
	if c := last(t, &s, NextUpdate); c.N != 1 || !c.Due.Equal(at(7, "13:00")) {
		t.Errorf("a second customer reply moved the clock: cycle %d due %s", c.N, c.Due.In(rome))
	}
	run(t, &s, ev(VendorReplied, at(7, "11:00")), ev(CustomerReplied, at(7, "15:00")))
	cs := s.Clocks[NextUpdate]
	if len(cs) != 2 || cs[0].Status != Met || cs[1].Status != Running || !cs[1].Start.Equal(at(7, "15:00")) {
		t.Errorf("cycles = %+v", cs)
	}
}

func TestRetarget(t *testing.T) {
	tests := []struct {
		name        string
		rules       Rules
		from, to    priority.Level
		change      time.Time
		wantStatus  Status
		wantDue     time.Time
		wantCountAt time.Time
	}{
		{"upgrade keeps the start", Rules{}, priority.P3, priority.P1, at(7, "08:30"), Running, at(7, "09:00"), at(7, "08:00")},
		{"upgrade past the new due breaches at once", Rules{}, priority.P3, priority.P1, at(7, "10:00"), Breached, at(7, "09:00"), at(7, "08:00")},
		{"upgrade with restart counts from the change", Rules{Upgrade: Restart}, priority.P3, priority.P1, at(7, "10:00"), Running, at(7, "11:00"), at(7, "10:00")},
		{"downgrade keeps the start", Rules{Upgrade: Restart}, priority.P1, priority.P3, at(7, "08:30"), Running, at(7, "16:00"), at(7, "08:00")},
		{"downgrade with restart", Rules{Downgrade: Restart}, priority.P1, priority.P3, at(7, "08:30"), Running, at(7, "16:30"), at(7, "08:30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Rules: tt.rules}
			alerts := run(t, &s, open(t, at(7, "08:00"), tt.from, terms(t, "zmanda-standard", office(t))),
				Event{Kind: PriorityChanged, At: tt.change, Priority: tt.to})
			c := last(t, &s, FirstResponse)
			if c.Status != tt.wantStatus || !c.Due.Equal(tt.wantDue) || !c.CountFrom.Equal(tt.wantCountAt) || !c.Start.Equal(at(7, "08:00")) {
				t.Errorf("clock = %s due %s counting from %s (start %s); want %s due %s from %s",
					c.Status, c.Due.In(rome), c.CountFrom.In(rome), c.Start.In(rome), tt.wantStatus, tt.wantDue, tt.wantCountAt)
			}
			if c.Priority != tt.to {
				t.Errorf("recorded priority %v, want %v", c.Priority, tt.to)
			}
			if tt.wantStatus == Breached && (len(alerts) == 0 || alerts[len(alerts)-1].Kind != EvBreached || !c.EndedAt.Equal(tt.change)) {
				t.Errorf("breach at once: alerts %v, ended %s", alerts, c.EndedAt)
			}
			kinds := []ClockEventKind{}
			for _, e := range c.Log {
				kinds = append(kinds, e.Kind)
			}
			if kinds[0] != EvStarted || kinds[1] != EvRetargeted {
				t.Errorf("log = %v", kinds)
			}
		})
	}
}

func TestRetarget_PausedClockKeepsPausing(t *testing.T) {
	var s State
	run(t, &s, open(t, at(7, "08:00"), priority.P2, terms(t, "zmanda-standard", office(t))),
		ev(VendorReplied, at(7, "08:30")), ev(WaitingOnCustomer, at(7, "09:00")),
		Event{Kind: PriorityChanged, At: at(8, "09:00"), Priority: priority.P1})
	c := last(t, &s, Resolution)
	if c.Status != Paused || c.Target != 24*time.Hour || c.Priority != priority.P1 {
		t.Errorf("resolution = %s target %s %v", c.Status, c.Target, c.Priority)
	}
	run(t, &s, ev(CustomerReplied, at(8, "10:00")))
	// 1h counted before the pause, 23h from Tuesday 10:00: Tue 7h, Wed 9h, Thu 7h.
	if c := last(t, &s, Resolution); !c.Due.Equal(at(10, "15:00")) {
		t.Errorf("due %s, want Thursday 15:00", c.Due.In(rome))
	}
}

func TestTermsChanged_RetargetsAndRecordsVersions(t *testing.T) {
	cat := plan.Builtin()
	std, _ := cat.Plan("zmanda-standard")
	var s State
	cal := office(t)
	run(t, &s, open(t, at(7, "08:00"), priority.P2, &Terms{Plan: std, Calendar: cal}))

	// Editing the plan makes a new version; the running clock keeps the old.
	edited := *std
	edited.Priorities.P2 = &plan.Commitment{Coverage: plan.Business, FirstResponse: plan.Fig(plan.Duration(2 * time.Hour))}
	v2, err := cat.Edit(edited)
	if err != nil {
		t.Fatal(err)
	}
	run(t, &s, ev(Tick, at(7, "09:00")))
	if c := last(t, &s, FirstResponse); c.Version != 1 || !c.Due.Equal(at(7, "11:00")) {
		t.Errorf("before re-target: v%d due %s, want v1 due 11:00", c.Version, c.Due.In(rome))
	}
	run(t, &s, Event{Kind: TermsChanged, At: at(7, "09:00"), Terms: &Terms{Plan: &v2, Calendar: cal}})
	if c := last(t, &s, FirstResponse); c.Version != 2 || !c.Due.Equal(at(7, "10:00")) {
		t.Errorf("after re-target: v%d due %s, want v2 due 10:00", c.Version, c.Due.In(rome))
	}
	if c := last(t, &s, Resolution); c.Status != Cancelled {
		t.Errorf("resolution = %s, want cancelled: version 2 has no resolution target", c.Status)
	}

	// Upgrading to Premium moves P2 to 60m round the clock.
	run(t, &s, Event{Kind: TermsChanged, At: at(7, "09:10"), Terms: terms(t, "zmanda-premium", cal)})
	c := last(t, &s, FirstResponse)
	if c.Plan != "zmanda-premium" || c.Coverage != "24x7" || c.Calendar.ID != "24x7" || c.Status != Breached {
		t.Errorf("after upgrade: %s %s %s %s", c.Plan, c.Coverage, c.Calendar.ID, c.Status)
	}
	if c := last(t, &s, Resolution); c.N != 2 || c.Status != Running || !c.Start.Equal(at(7, "09:10")) {
		t.Errorf("resolution cycle %d %s from %s; want a new cycle from the change", c.N, c.Status, c.Start)
	}
}

func TestNoCommitment(t *testing.T) {
	cal := office(t)
	opened := at(7, "08:00")
	tests := []struct {
		name  string
		terms Terms
		want  string
	}{
		{"no contract", Terms{}, NoContract},
		{"expired", Terms{Plan: catalogPlan(t, "zmanda-standard"), Calendar: cal, End: opened}, ContractExpired},
		{"not started", Terms{Plan: catalogPlan(t, "zmanda-standard"), Calendar: cal, Start: opened.Add(time.Hour)}, ContractNotStarted},
		{"community", Terms{Plan: catalogPlan(t, "community"), Calendar: cal}, PlanWithoutSLA},
		{"unsupported version", Terms{Plan: catalogPlan(t, "zmanda-standard"), Calendar: cal, UnsupportedVersion: true}, UnsupportedVersion},
		{"in force", Terms{Plan: catalogPlan(t, "zmanda-standard"), Calendar: cal, Start: opened, End: opened.AddDate(1, 0, 0)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			run(t, &s, open(t, opened, priority.P1, &tt.terms), ev(VendorReplied, at(7, "09:00")))
			r := s.Explain(at(7, "10:00"))
			if r.Reason != tt.want || (tt.want != "") != (r.ReasonText != "") {
				t.Errorf("reason = %q (%q), want %q", r.Reason, r.ReasonText, tt.want)
			}
			if (tt.want == "") != (len(r.Clocks) > 0) {
				t.Errorf("clocks = %d", len(r.Clocks))
			}
		})
	}
}

func TestTermsChanged_CommitmentComesAndGoes(t *testing.T) {
	var s State
	cal := office(t)
	run(t, &s, open(t, at(7, "08:00"), priority.P1, &Terms{}),
		Event{Kind: TermsChanged, At: at(8, "08:00"), Terms: terms(t, "zmanda-standard", cal)})
	c := last(t, &s, FirstResponse)
	if !c.Start.Equal(at(8, "08:00")) || c.Status != Running {
		t.Errorf("first response from %s %s; want running from the renewal", c.Start, c.Status)
	}
	run(t, &s, Event{Kind: TermsChanged, At: at(8, "08:30"), Terms: terms(t, "community", cal)})
	for _, m := range []Metric{FirstResponse, Resolution} {
		if c := last(t, &s, m); c.Status != Cancelled || !c.EndedAt.Equal(at(8, "08:30")) {
			t.Errorf("%s = %s at %s, want cancelled", m, c.Status, c.EndedAt)
		}
	}
	if s.Reason != PlanWithoutSLA {
		t.Errorf("reason = %q", s.Reason)
	}
}

func TestReopen_StartsANewResolutionCycle(t *testing.T) {
	var s State
	run(t, &s, open(t, at(7, "08:00"), priority.P1, terms(t, "zmanda-standard", office(t))),
		ev(Resolved, at(7, "08:20")), ev(Reopened, at(8, "09:00")))
	cs := s.Clocks[Resolution]
	if len(cs) != 2 || cs[0].Status != Met || cs[1].Status != Running || cs[1].N != 2 || !cs[1].Start.Equal(at(8, "09:00")) {
		t.Fatalf("resolution cycles = %+v", cs)
	}
	if fr := last(t, &s, FirstResponse); fr.Status != Met {
		t.Errorf("first response = %s, want met by the resolution", fr.Status)
	}
	if n := len(s.Explain(at(8, "10:00")).Clocks); n != 3 {
		t.Errorf("report shows %d cycles, want 3 (first response and both resolution cycles)", n)
	}
}

func TestHolidayRule(t *testing.T) {
	cal := office(t, "2026-12-08") // Tuesday 8th closed
	tests := []struct {
		name      string
		level     priority.Level
		wantDue   time.Time
		wantHolOf string
		planID    string
	}{
		{"P1 on a 24x7 plan works the holiday", priority.P1, at(8, "00:05"), "", "zmanda-premium"},
		{"P2 on 24x7 coverage skips the holiday", priority.P2, at(9, "00:50"), "office v3", "zmanda-premium"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			run(t, &s, open(t, at(7, "23:50"), tt.level, terms(t, tt.planID, cal)))
			c := last(t, &s, FirstResponse)
			if !c.Due.Equal(tt.wantDue) || c.Calendar.HolidaysOf != tt.wantHolOf {
				t.Errorf("due %s on %+v; want %s, holidays of %q", c.Due.In(rome), c.Calendar, tt.wantDue, tt.wantHolOf)
			}
		})
	}
}

func TestBreach_NotifiesTheSupportManagerWhereThePlanHasOne(t *testing.T) {
	for _, tt := range []struct {
		plan string
		want bool
	}{{"ivanti-2018-premium", true}, {"ivanti-2018-standard", false}} {
		var s State
		alerts := run(t, &s, open(t, at(7, "08:00"), priority.P3, terms(t, tt.plan, office(t))), ev(Tick, at(14, "08:00")))
		var got bool
		for _, a := range alerts {
			if a.Kind == EvBreached {
				got = a.NotifySupportManager
			}
		}
		if got != tt.want {
			t.Errorf("%s: notify support manager = %v, want %v", tt.plan, got, tt.want)
		}
	}
}

func TestApply_RefusesBadEvents(t *testing.T) {
	cal := office(t)
	tests := []struct {
		name      string
		events    []Event
		wantCode  string
		wantField string
	}{
		{"not opened", []Event{ev(VendorReplied, at(7, "08:00"))}, casedesk.ECONFLICT, ""},
		{"opened twice", []Event{open(t, at(7, "08:00"), priority.P1, &Terms{}), open(t, at(7, "09:00"), priority.P1, &Terms{})}, casedesk.ECONFLICT, ""},
		{"out of order", []Event{open(t, at(7, "08:00"), priority.P1, &Terms{}), ev(Tick, at(7, "07:00"))}, casedesk.EINVALID, "at"},
		{"no time", []Event{open(t, time.Time{}, priority.P1, &Terms{})}, casedesk.EINVALID, "at"},
		{"no priority", []Event{open(t, at(7, "08:00"), 0, &Terms{})}, casedesk.EINVALID, "priority"},
		{"no terms", []Event{open(t, at(7, "08:00"), priority.P1, nil)}, casedesk.EINVALID, "terms"},
		{"no calendar", []Event{open(t, at(7, "08:00"), priority.P1, &Terms{Plan: catalogPlan(t, "zmanda-standard")})}, casedesk.EINVALID, "calendar"},
		{"unknown kind", []Event{open(t, at(7, "08:00"), priority.P1, terms(t, "zmanda-standard", cal)), ev("escalated", at(7, "09:00"))}, casedesk.EINVALID, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			var err error
			for _, e := range tt.events {
				if _, err = s.Apply(e); err != nil {
					break
				}
			}
			if casedesk.ErrorCode(err) != tt.wantCode || casedesk.ErrorField(err) != tt.wantField {
				t.Errorf("err = %v, want code %s field %q", err, tt.wantCode, tt.wantField)
			}
		})
	}
}

func TestDueAndElapsed_Explain(t *testing.T) {
	cal := office(t)
	e := Due(cal, at(4, "16:30"), time.Hour)
	if !e.Due.Equal(at(7, "08:30")) || e.Business != time.Hour || e.Real != 64*time.Hour {
		t.Errorf("Due = %+v", e)
	}
	for _, want := range []string{"due 2026-12-07T08:30:00+01:00", "target 1h", "calendar office v3", "64h of real time"} {
		if !strings.Contains(e.String(), want) {
			t.Errorf("%q lacks %q", e.String(), want)
		}
	}
	if el := Elapsed(cal, at(4, "16:30"), at(7, "08:30")); el.Business != time.Hour || el.Real != 64*time.Hour {
		t.Errorf("Elapsed = %+v", el)
	}
}

func TestDescribe(t *testing.T) {
	c, _ := Builtin("24x5")
	if want := "UTC; Mon–Thu 00:00–24:00; Fri 00:00–22:00; Sun 22:00–24:00"; c.Description != want {
		t.Errorf("24x5 = %q, want %q", c.Description, want)
	}
	spec := calendar.Spec{Timezone: "Europe/Rome", Week: map[string][][2]string{
		"mon": {{"08:00", "12:30"}, {"13:30", "17:00"}}, "tue": {{"08:00", "12:30"}, {"13:30", "17:00"}},
	}, HolidayCountries: []string{"IT"}, Holidays: []calendar.Holiday{{Date: "2026-12-24", From: "13:00"}}}
	if got, want := Describe(spec), "Europe/Rome; Mon–Tue 08:00–12:30, 13:30–17:00; holidays: IT, 1 closure date"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}
