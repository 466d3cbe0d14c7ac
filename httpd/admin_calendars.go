package httpd

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/sla"
)

// adminCalendarRow is a calendar in the list.
type adminCalendarRow struct {
	sla.Calendar
	Builtin bool
}

// adminCalendarIDs returns the built-in calendars' ids, then the stored ones.
func (s *Server) adminCalendarIDs(ctx context.Context, a *casedesk.Actor) ([]string, error) {
	stored, err := s.DB.CalendarIDs(ctx)
	if err != nil {
		return nil, err
	}
	return append(calendar.BuiltinIDs(), stored...), nil
}

// adminCalendarsPage is the calendar list with the form for a new one.
type adminCalendarsPage struct {
	adminBase
	Calendars []adminCalendarRow
	ID, Spec  string
}

// adminCalendarExample is the starting point of a new calendar.
const adminCalendarExample = `{
  "timezone": "Europe/Rome",
  "week": {
    "mon": [["08:00", "17:00"]],
    "tue": [["08:00", "17:00"]],
    "wed": [["08:00", "17:00"]],
    "thu": [["08:00", "17:00"]],
    "fri": [["08:00", "17:00"]]
  },
  "holidays": ["2026-08-14"],
  "holiday_countries": ["IT"]
}`

func (s *Server) adminCalendarsData(r *http.Request, a *casedesk.Actor) (*adminCalendarsPage, error) {
	ids, err := s.adminCalendarIDs(r.Context(), a)
	if err != nil {
		return nil, err
	}
	page := &adminCalendarsPage{adminBase: s.adminBase(r, "/admin/calendars"), Spec: adminCalendarExample}
	for _, id := range ids {
		c, err := s.DB.Calendar(r.Context(), id, 0)
		if err != nil {
			return nil, err
		}
		_, builtin := sla.Builtin(id)
		page.Calendars = append(page.Calendars, adminCalendarRow{c, builtin})
	}
	return page, nil
}

func (s *Server) handleAdminCalendars(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page, err := s.adminCalendarsData(r, a)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_calendars", pageData{User: u, Data: page})
}

func (s *Server) handleAdminNewCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, spec := strings.TrimSpace(r.PostFormValue("id")), r.PostFormValue("spec")
	if _, err := s.DB.Calendar(r.Context(), id, 0); err == nil {
		err = casedesk.FieldErrorf("id", "%q is taken: open it to change it, or choose another name", id).WithKey("error.calendar.taken", map[string]any{"Calendar": id})
		s.adminCalendarsAgain(w, r, a, u, id, spec, err)
		return
	}
	c, err := s.DB.SaveCalendar(r.Context(), a, id, []byte(spec))
	if err != nil {
		s.adminCalendarsAgain(w, r, a, u, id, spec, err)
		return
	}
	s.adminDone(w, r, "/admin/calendars/"+c.ID, "admin.calendars.saved", map[string]any{"Version": c.Version})
}

// adminCalendarsAgain shows the list again with the new calendar's form as
// typed and the error.
func (s *Server) adminCalendarsAgain(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User, id, spec string, err error) {
	m := s.adminFormError(r, "new", err)
	if m == nil {
		s.adminFail(w, r, u, err)
		return
	}
	page, lerr := s.adminCalendarsData(r, a)
	if lerr != nil {
		s.adminFail(w, r, u, lerr)
		return
	}
	page.ID, page.Spec, page.Err = id, spec, m
	s.render(w, r, adminStatus(err), "admin_calendars", pageData{User: u, Data: page})
}

// adminInterval is a working interval in the week view: its times as
// written, and where it sits on the SVG grid.
type adminInterval struct {
	From, To string
	X, Width int
}

// adminDay is one row of the week view.
type adminDay struct {
	Key       string // mon … sun
	Y, TextY  int
	Intervals []adminInterval
}

// adminHoliday is one holiday in the next year's list.
type adminHoliday struct {
	calendar.HolidayDay
	Day time.Time // noon of the date in the viewer's zone, for the date format
}

// adminCalendarPage is one calendar: its week, its next holidays and its
// edit form.
type adminCalendarPage struct {
	adminBase
	Calendar sla.Calendar
	Builtin  bool
	Timezone string
	Week     []adminDay
	Hours    []adminHourTick
	Holidays []adminHoliday
	Spec     string
}

// adminHourTick is an hour label of the week view.
type adminHourTick struct {
	Label string
	X     int
}

// The week view's geometry, in SVG user units.
const (
	adminWeekLabel  = 64 // the day names' column
	adminWeekHour   = 36 // one hour
	adminWeekRow    = 28
	adminWeekHeader = 24
)

// adminClock reads "HH:MM" as minutes after midnight; "24:00" is 1440.
func adminClock(s string) int {
	t, err := time.Parse("15:04", s)
	if s == "24:00" {
		return 24 * 60
	}
	if err != nil {
		return 0
	}
	return t.Hour()*60 + t.Minute()
}

// adminWeek lays out the week of spec for the week view, Monday first.
func adminWeek(spec calendar.Spec) []adminDay {
	keys := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	days := make([]adminDay, len(keys))
	for i, k := range keys {
		y := adminWeekHeader + i*adminWeekRow
		d := adminDay{Key: k, Y: y + 4, TextY: y + adminWeekRow/2 + 5}
		for _, iv := range spec.Week[k] {
			from, to := adminClock(iv[0]), adminClock(iv[1])
			d.Intervals = append(d.Intervals, adminInterval{From: iv[0], To: iv[1],
				X: adminWeekLabel + from*adminWeekHour/60, Width: max(1, (to-from)*adminWeekHour/60)})
		}
		days[i] = d
	}
	return days
}

func adminHourTicks() []adminHourTick {
	var out []adminHourTick
	for h := 0; h <= 24; h += 3 {
		out = append(out, adminHourTick{Label: time.Date(0, 1, 1, h%24, 0, 0, 0, time.UTC).Format("15:04"), X: adminWeekLabel + h*adminWeekHour})
	}
	out[len(out)-1].Label = "24:00"
	return out
}

func (s *Server) adminCalendarData(r *http.Request, u *casedesk.User, id string) (*adminCalendarPage, error) {
	c, err := s.DB.Calendar(r.Context(), id, 0)
	if err != nil {
		if casedesk.ErrorCode(err) == casedesk.EINVALID {
			err = casedesk.Errorf(casedesk.ENOTFOUND, "no calendar %q", id)
		}
		return nil, err
	}
	spec := c.Cal.Spec()
	doc, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, err
	}
	_, builtin := sla.Builtin(id)
	page := &adminCalendarPage{adminBase: s.adminBase(r, "/admin/calendars"), Calendar: c, Builtin: builtin,
		Timezone: spec.Timezone, Week: adminWeek(spec), Hours: adminHourTicks(), Spec: string(doc)}
	now := time.Now()
	zone := userZone(u)
	for _, h := range c.Cal.HolidaysBetween(now, now.AddDate(1, 0, 0)) {
		day, err := time.Parse("2006-01-02", h.Date)
		if err != nil {
			continue
		}
		page.Holidays = append(page.Holidays, adminHoliday{h, time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, zone)})
	}
	return page, nil
}

func (s *Server) handleAdminCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page, err := s.adminCalendarData(r, u, r.PathValue("id"))
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_calendar", pageData{User: u, Data: page})
}

func (s *Server) handleAdminSaveCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, spec := r.PathValue("id"), r.PostFormValue("spec")
	c, err := s.DB.SaveCalendar(r.Context(), a, id, []byte(spec))
	if err == nil {
		s.adminDone(w, r, "/admin/calendars/"+c.ID, "admin.calendars.saved", map[string]any{"Version": c.Version})
		return
	}
	m := s.adminFormError(r, "edit", err)
	if m == nil {
		s.adminFail(w, r, u, err)
		return
	}
	page, perr := s.adminCalendarData(r, u, id)
	if perr != nil {
		s.adminFail(w, r, u, perr)
		return
	}
	page.Spec, page.Err = spec, m
	s.render(w, r, adminStatus(err), "admin_calendar", pageData{User: u, Data: page})
}
