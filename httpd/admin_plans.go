package httpd

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/priority"
)

// adminTarget is one priority's commitment as the plan list shows it.
type adminTarget struct {
	Level                                 string
	Coverage                              string
	FirstResponse, NextUpdate, Resolution workTime // zero: no target
}

// adminPlanRow is a plan in the list.
type adminPlanRow struct {
	*plan.Plan
	Title   string
	Targets []adminTarget
}

func adminTargets(p *plan.Plan) []adminTarget {
	var out []adminTarget
	for _, l := range priority.Levels {
		c := p.Priorities.For(l)
		if c == nil {
			continue
		}
		first, next, resolution := c.Targets()
		out = append(out, adminTarget{Level: l.String(), Coverage: c.Coverage,
			FirstResponse: workTimeOf(first), NextUpdate: workTimeOf(next), Resolution: workTimeOf(resolution)})
	}
	return out
}

func (s *Server) handleAdminPlans(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	plans, err := s.DB.Plans(r.Context())
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	rows := make([]adminPlanRow, len(plans))
	for i, p := range plans {
		rows[i] = adminPlanRow{p, adminPlanName(p), adminTargets(p)}
	}
	s.render(w, r, http.StatusOK, "admin_plans", pageData{User: u, Data: struct {
		adminBase
		Plans []adminPlanRow
	}{s.adminBase(r, "/admin/plans"), rows}})
}

// adminInput is one input of a form: its name, id, value as typed, and the
// message when it is wrong.
type adminInput struct {
	Name, ID, Value string
	Err             *adminMsg
}

// adminPriorityForm is one priority's inputs in the plan form.
type adminPriorityForm struct {
	Level                                           string
	Coverage, FirstResponse, NextUpdate, Resolution adminInput
}

// adminPlanForm is the plan edit form.
type adminPlanForm struct {
	adminBase
	Plan       *plan.Plan
	Title      string
	Coverages  []string
	Contacts   adminInput
	Priorities []adminPriorityForm
	Errors     int
}

// adminCoverages are the choices of a priority's coverage.
func adminCoverages() []string {
	return append([]string{plan.Business}, calendar.BuiltinIDs()...)
}

// newAdminPlanForm fills the form from p.
func newAdminPlanForm(base adminBase, p *plan.Plan) *adminPlanForm {
	f := &adminPlanForm{adminBase: base, Plan: p, Title: adminPlanName(p), Coverages: adminCoverages(),
		Contacts: adminInput{Name: "technical_contacts", ID: "technical_contacts", Value: strconv.Itoa(p.TechnicalContacts.Value)}}
	for _, l := range priority.Levels {
		lv := l.String()
		pf := adminPriorityForm{Level: lv}
		pf.Coverage = adminInput{Name: lv + ".coverage", ID: lv + "-coverage", Value: plan.Business}
		pf.FirstResponse = adminInput{Name: lv + ".first_response", ID: lv + "-first_response"}
		pf.NextUpdate = adminInput{Name: lv + ".next_update", ID: lv + "-next_update"}
		pf.Resolution = adminInput{Name: lv + ".resolution", ID: lv + "-resolution"}
		if c := p.Priorities.For(l); c != nil {
			pf.Coverage.Value = c.Coverage
			pf.FirstResponse.Value = c.FirstResponse.Value.String()
			if c.NextUpdate != nil {
				pf.NextUpdate.Value = c.NextUpdate.Value.String()
			}
			if c.Resolution != nil {
				pf.Resolution.Value = c.Resolution.Value.String()
			}
		}
		f.Priorities = append(f.Priorities, pf)
	}
	return f
}

// inputs lists every input of the form, to attach errors by name.
func (f *adminPlanForm) inputs() []*adminInput {
	out := []*adminInput{&f.Contacts}
	for i := range f.Priorities {
		p := &f.Priorities[i]
		out = append(out, &p.Coverage, &p.FirstResponse, &p.NextUpdate, &p.Resolution)
	}
	return out
}

// fail attaches a message to the input named name, or to the form.
func (f *adminPlanForm) fail(name string, m *adminMsg) {
	f.Errors++
	for _, in := range f.inputs() {
		if in.Name == name {
			in.Err = m
			return
		}
	}
	if f.Err == nil {
		f.Err = m
	}
}

func (s *Server) handleAdminPlan(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	p, err := s.DB.Plan(r.Context(), r.PathValue("id"), 0)
	if err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID {
			err = casedesk.Errorf(casedesk.ENOTFOUND, "no plan %q", r.PathValue("id"))
		}
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_plan", pageData{User: u, Data: newAdminPlanForm(s.adminBase(r, "/admin/plans"), p)})
}

// adminTargetValue reads a target as typed: ok is false when it is not a
// positive duration; an empty optional target is nil.
func adminTargetValue(typed string, old *plan.Target, required bool) (t *plan.Target, key string) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		if required {
			return nil, "admin.plans.required"
		}
		return nil, ""
	}
	var d plan.Duration
	if err := d.UnmarshalText([]byte(typed)); err != nil {
		return nil, "admin.plans.bad_duration"
	}
	if d <= 0 {
		return nil, "admin.plans.not_positive"
	}
	// An unchanged figure keeps its mark as a casedesk default.
	if old != nil && old.Value == d {
		v := *old
		return &v, ""
	}
	v := plan.Fig(d)
	return &v, ""
}

func (s *Server) handleAdminEditPlan(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	old, err := s.DB.Plan(r.Context(), r.PathValue("id"), 0)
	if err != nil {
		s.adminFail(w, r, u, casedesk.Errorf(casedesk.ENOTFOUND, "no plan %q", r.PathValue("id")))
		return
	}
	form := newAdminPlanForm(s.adminBase(r, "/admin/plans"), old)
	for _, in := range form.inputs() {
		in.Value = strings.TrimSpace(r.PostFormValue(in.Name))
	}
	next := *old
	if n, err := strconv.Atoi(form.Contacts.Value); err != nil || n < 0 {
		form.fail(form.Contacts.Name, &adminMsg{Key: "admin.plans.bad_count"})
	} else if n != old.TechnicalContacts.Value {
		next.TechnicalContacts = plan.Fig(n)
	}
	if !old.NoCommitment {
		var ps plan.Priorities
		for i, l := range priority.Levels {
			pf := &form.Priorities[i]
			prev := old.Priorities.For(l)
			if prev == nil {
				prev = &plan.Commitment{}
			}
			c := &plan.Commitment{Coverage: pf.Coverage.Value}
			if !slices.Contains(form.Coverages, c.Coverage) {
				form.fail(pf.Coverage.Name, &adminMsg{Key: "admin.plans.bad_coverage"})
			}
			if t, key := adminTargetValue(pf.FirstResponse.Value, &prev.FirstResponse, true); key != "" {
				form.fail(pf.FirstResponse.Name, &adminMsg{Key: key})
			} else {
				c.FirstResponse = *t
			}
			var key string
			if c.NextUpdate, key = adminTargetValue(pf.NextUpdate.Value, prev.NextUpdate, false); key != "" {
				form.fail(pf.NextUpdate.Name, &adminMsg{Key: key})
			}
			if c.Resolution, key = adminTargetValue(pf.Resolution.Value, prev.Resolution, false); key != "" {
				form.fail(pf.Resolution.Name, &adminMsg{Key: key})
			}
			switch l {
			case priority.P1:
				ps.P1 = c
			case priority.P2:
				ps.P2 = c
			case priority.P3:
				ps.P3 = c
			case priority.P4:
				ps.P4 = c
			}
		}
		next.Priorities = ps
	}
	if form.Errors == 0 {
		saved, err := s.DB.EditPlan(r.Context(), a, next)
		if err == nil {
			s.adminDone(w, r, "/admin/plans/"+saved.ID, "admin.plans.saved", map[string]any{"Version": saved.Version})
			return
		}
		for _, e := range adminFieldErrors(err) {
			m := s.adminFormError(r, "plan", e)
			if m == nil {
				s.adminFail(w, r, u, err)
				return
			}
			field := strings.TrimPrefix(strings.TrimPrefix(m.Field, "plan."), "priorities.")
			form.fail(field, m)
		}
	}
	s.render(w, r, http.StatusBadRequest, "admin_plan", pageData{User: u, Data: form})
}

// adminFieldErrors lists the errors joined in err (errors.Join), or err alone.
func adminFieldErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
