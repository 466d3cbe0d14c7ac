package calendar

import (
	"testing"
	"time"
)

func TestAdd_FarPastAndFarFuture(t *testing.T) {
	c := mustParse(t, office+`,"holiday_countries":["IT","JP","AU-NSW","US"]}`)
	for _, at := range []time.Time{{}, time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC), time.Unix(1<<40, 0)} {
		due := c.Add(at, 5*time.Hour)
		if due.IsZero() || c.Elapsed(at, due) != 5*time.Hour {
			t.Errorf("Add(%s, 5h) = %s, Elapsed %s", at, due, c.Elapsed(at, due))
		}
		if !c.IsOpen(c.NextOpen(at)) {
			t.Errorf("NextOpen(%s) = %s is closed", at, c.NextOpen(at))
		}
	}
}
