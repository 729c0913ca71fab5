package casework

import (
	"time"
	_ "time/tzdata" // the zone below must load on a machine without a zoneinfo database
)

// Stockholm is Lots' one time zone: Lots stores UTC, and shows times, counts days and months,
// plans meeting slots (Tuesday 15:00 stays 15:00 across summer time) and judges odd hours in
// Swedish local time.
var Stockholm = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil { // cannot happen with time/tzdata embedded
		panic(err)
	}
	return l
}()

// Today is the calendar day (in Stockholm) of t, as midnight in Stockholm.
func Today(t time.Time) time.Time {
	l := t.In(Stockholm)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, Stockholm)
}
