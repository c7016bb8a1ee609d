package period

import (
	"errors"
	"fmt"
	"time"
)

// ErrOutOfRange is matched (errors.Is) by the *RangeError returned when a
// term, a renewal or a chosen end would end after MaxEnd.
var ErrOutOfRange = errors.New("period: ends after the latest supported instant")

// MaxEnd returns the latest instant a term may end at: 9999-12-31 00:00 UTC.
// Every later step of billing writes ends as RFC 3339 text (JSON), which has
// four-digit years; ending no later than this keeps the year at 9999 in
// every time zone (UTC offsets stay within ±14 hours). A function, not a
// variable, so that the package keeps no state.
func MaxEnd() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }

// RangeError reports an end after MaxEnd. It unwraps to ErrOutOfRange.
type RangeError struct {
	// Start and Term are the term that was laid out; both zero when the
	// end was given directly (a chosen end time).
	Start time.Time
	Term  Term
	// End is where it would end.
	End time.Time
}

// Error names the end, the limit and, when there is one, the term.
func (e *RangeError) Error() string {
	limit := MaxEnd().Format(time.RFC3339)
	if e.Term == (Term{}) {
		return fmt.Sprintf("period: end %s is after %s", formatAnyYear(e.End), limit)
	}
	return fmt.Sprintf("period: a term of %s from %s ends %s, after %s", e.Term, formatAnyYear(e.Start), formatAnyYear(e.End), limit)
}

// Unwrap returns ErrOutOfRange so callers can match the class.
func (e *RangeError) Unwrap() error { return ErrOutOfRange }

// CheckEnd returns a *RangeError when end is after MaxEnd, and nil otherwise.
func CheckEnd(end time.Time) error {
	if end.After(MaxEnd()) {
		return &RangeError{End: end}
	}
	return nil
}

// formatAnyYear writes t in UTC like RFC 3339, also for years past 9999
// (where time.Format would still work but JSON encoding would not).
func formatAnyYear(t time.Time) string {
	u := t.UTC()
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", u.Year(), int(u.Month()), u.Day(), u.Hour(), u.Minute(), u.Second())
}
