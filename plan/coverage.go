package plan

import (
	"slices"

	"github.com/casedesk/casedesk/calendar"
)

// isCalendar reports whether id names a built-in calendar a plan may run on.
func isCalendar(id string) bool { return slices.Contains(calendar.BuiltinIDs(), id) }
