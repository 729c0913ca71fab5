package mapping

// Capacity: a SIG coordinator carries 8–10 young people at a time (the SKL booklet, sources
// 004); more and the group work suffers. The municipality sets its cap (default 10); Lots warns
// when a coordinator reaches it — the next young person would overload them — and when they
// are over it.

// DefaultCaseloadCap is the cap of active young people per coordinator when none is set.
const DefaultCaseloadCap = 10

// MaxCaseloadCap bounds the setting.
const MaxCaseloadCap = 50

// Load states.
const (
	LoadOK   = "ok"
	LoadFull = "full" // at the cap: the next young person overloads
	LoadOver = "over" // above the cap
)

// LoadState is a coordinator's state with n active young people under cap.
func LoadState(n, cap int) string {
	if cap <= 0 {
		cap = DefaultCaseloadCap
	}
	switch {
	case n > cap:
		return LoadOver
	case n == cap:
		return LoadFull
	}
	return LoadOK
}

// Caseload is one staff member's active young people: the open cases they coordinate.
type Caseload struct {
	UserID int64
	Name   string
	Active int
	State  string
}
