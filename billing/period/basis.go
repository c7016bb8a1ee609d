package period

import "strconv"

// Basis is the day-count convention used to turn a term's months into
// calendar dates. The zero value is ThirtyDayMonths, the provider's rule.
type Basis int

const (
	// ThirtyDayMonths counts every month of a term as exactly 30 calendar
	// days, so 12 months from 2023-04-05 ends on 2024-03-30. It is the
	// default because prices are quoted per 30 days.
	ThirtyDayMonths Basis = iota
	// CalendarMonths counts real calendar months from the anchor day,
	// clamped to the month's length: Jan 31 + 1 month is Feb 28 (Feb 29 in
	// leap years) and Jan 31 + 2 months is Mar 31. Each result is computed
	// from the anchor, never by chaining one month after another.
	CalendarMonths
)

// String returns "30-day months" or "calendar months"; any other value
// prints as "Basis(n)".
func (b Basis) String() string {
	switch b {
	case ThirtyDayMonths:
		return "30-day months"
	case CalendarMonths:
		return "calendar months"
	default:
		return "Basis(" + strconv.Itoa(int(b)) + ")"
	}
}

// valid reports whether b is one of the declared constants.
func (b Basis) valid() bool {
	return b == ThirtyDayMonths || b == CalendarMonths
}
