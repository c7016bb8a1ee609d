package period

import (
	"fmt"
	"time"
)

// Renewal is the outcome of laying a term on a resource's billing schedule
// (Calendar.Renew): the period the term buys and the billing anchor to keep
// for the next renewal.
type Renewal struct {
	// Span is the period bought: from the current end to the new end,
	// Start expressed in the calendar's zone.
	Span Span
	// Anchor is the billing anchor to store with the new end. It is the
	// anchor that was passed in while the new end is one of its
	// boundaries, and the new end itself once the schedule was left (see
	// Calendar.Renew).
	Anchor time.Time
}

// Renew lays term t after a resource's current end and returns the period
// it buys and the anchor to store for the next time. anchor is the
// resource's billing anchor: the start of its first term, or whatever the
// previous Renew or Reanchor returned. A first purchase is
// Renew(start, start, t).
//
// The anchor's boundaries are the instants AddMonths(anchor, k) for k ≥ 0:
// under CalendarMonths the anchor's day of month, clamped to short months
// (bought on Jan 31: Feb 29 in 2028, then Mar 31, Apr 30, May 31), under
// ThirtyDayMonths every 30 days; always at the anchor's local wall-clock
// time, so a boundary that fell into a DST gap does not move later ones.
// The rule:
//
//   - When end is the k-th boundary of anchor, the months of t are counted
//     from the anchor: the new end is boundary k + t.Months, computed
//     directly from the anchor (never by chaining month after month, and
//     never with time.AddDate), then t.Days calendar days later, at the
//     anchor's wall-clock time (as AddTerm lays a term from the anchor).
//   - Otherwise (end was set by a days term, by matching end times, or by
//     hand) the schedule restarts at end: the new end is AddTerm(end, t).
//   - A days-only term has no anchor: it always extends from end, to
//     AddTerm(end, t); its end usually is not a boundary, so the schedule
//     restarts there.
//
// The returned Anchor is the anchor used when the new end is one of its
// boundaries, and the new end otherwise: store it with the new end and pass
// both to the next Renew. A zero anchor means "none stored" and behaves as
// an anchor at end, which makes Renew exactly AddTerm(end, t).
//
// Errors: an invalid t (a *TermError matching ErrInvalidTerm); a zero end,
// or an anchor a second or more after end (an *AnchorError matching
// ErrInvalidAnchor); a new end after MaxEnd (a *RangeError matching
// ErrOutOfRange).
func (c Calendar) Renew(anchor, end time.Time, t Term) (Renewal, error) {
	if err := t.Validate(); err != nil {
		return Renewal{}, err
	}
	if end.IsZero() {
		return Renewal{}, &AnchorError{Anchor: anchor, End: end, Reason: "the current end is the zero time"}
	}
	if anchor.IsZero() {
		anchor = end
	}
	if !sameSecond(anchor, end) && anchor.After(end) {
		return Renewal{}, &AnchorError{Anchor: anchor, End: end, Reason: "the anchor is after the current end"}
	}
	k, ok := c.BoundaryIndex(anchor, end)
	if !ok {
		anchor, k = end, 0
	}
	var newEnd time.Time
	switch {
	case t.Months == 0:
		newEnd = c.AddDays(end, t.Days)
	case c.basis == CalendarMonths:
		newEnd = c.AddDays(c.AddMonths(anchor, k+t.Months), t.Days)
	default:
		newEnd = c.AddDays(anchor, 30*(k+t.Months)+t.Days)
	}
	if newEnd.After(MaxEnd()) {
		return Renewal{}, &RangeError{Start: end, Term: t, End: newEnd}
	}
	return Renewal{
		Span:   Span{Start: end.In(c.Location()), End: newEnd},
		Anchor: c.Reanchor(anchor, newEnd),
	}, nil
}

// Reanchor returns the anchor to store for a resource whose period now
// ends at end: anchor itself when end is one of its boundaries (see
// BoundaryIndex), otherwise end. Call it whenever an end changes other than
// by Renew, for example after matching end times: a resource extended to a
// boundary of its own schedule keeps its anchor, any other end starts a new
// schedule there. A zero anchor, or one a second or more after end, also
// yields end.
func (c Calendar) Reanchor(anchor, end time.Time) time.Time {
	if anchor.IsZero() || (!sameSecond(anchor, end) && anchor.After(end)) {
		return end
	}
	if _, ok := c.BoundaryIndex(anchor, end); ok {
		return anchor
	}
	return end
}

// BoundaryIndex reports whether t is one of anchor's boundaries, the
// instants AddMonths(anchor, k) for k ≥ 0 (months counted under the
// calendar's basis, so 30-day blocks under ThirtyDayMonths), and which k.
// The anchor itself is boundary 0. t matches a boundary when they are less
// than a second apart, so an anchor and an end kept at different
// sub-second precisions (nanoseconds in JSON, microseconds in PostgreSQL,
// whole seconds in some databases) still match; billing counts whole
// minutes, so nothing is charged differently.
func (c Calendar) BoundaryIndex(anchor, t time.Time) (k int, ok bool) {
	if anchor.IsZero() {
		return 0, false
	}
	loc := c.Location()
	a, e := anchor.In(loc), t.In(loc)
	var guess int
	if c.basis == CalendarMonths {
		guess = monthIndex(e) - monthIndex(a)
	} else {
		guess = floorDiv(civilDay(e)-civilDay(a), 30)
	}
	// A boundary whose wall-clock time fell into a DST gap is later than
	// its date, by at most a day, possibly into the next month or block,
	// so the guess may be one too high; a t kept with less precision than
	// a boundary at midnight is on the day before, one too low.
	for _, k := range [...]int{guess, guess - 1, guess + 1} {
		if k >= 0 && sameSecond(c.AddMonths(a, k), t) {
			return k, true
		}
	}
	return 0, false
}

// sameSecond reports whether a and b are less than a second apart.
func sameSecond(a, b time.Time) bool {
	d := a.Sub(b)
	return -time.Second < d && d < time.Second
}

// monthIndex counts months since January of year 0 for t's date.
func monthIndex(t time.Time) int {
	y, m, _ := t.Date()
	return y*12 + int(m) - 1
}

// civilDay counts days since 1970-01-01 for t's local date.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(floorDiv64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400))
}

// floorDiv64 divides rounding toward negative infinity.
func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// AnchorError reports a billing anchor and current end that Renew cannot
// use. It unwraps to ErrInvalidAnchor.
type AnchorError struct {
	// Anchor and End are the instants given.
	Anchor, End time.Time
	// Reason names the broken rule.
	Reason string
}

// Error names the rule and both instants.
func (e *AnchorError) Error() string {
	return fmt.Sprintf("period: invalid billing anchor %s for end %s: %s", formatAnyYear(e.Anchor), formatAnyYear(e.End), e.Reason)
}

// Unwrap returns ErrInvalidAnchor so callers can match the class.
func (e *AnchorError) Unwrap() error { return ErrInvalidAnchor }
