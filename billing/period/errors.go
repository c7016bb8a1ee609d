package period

import (
	"errors"
	"fmt"
)

// ErrInvalidTerm is matched (errors.Is) by every error about a term that is
// out of range or cannot be parsed; the concrete error is a *TermError.
var ErrInvalidTerm = errors.New("period: invalid term")

// ErrUnknownZone is matched (errors.Is) by the *ZoneError NewCalendar returns
// when the time zone name cannot be loaded.
var ErrUnknownZone = errors.New("period: unknown time zone")

// ErrUnknownBasis is returned (wrapped) by NewCalendar for a Basis value that
// is not one of the declared constants.
var ErrUnknownBasis = errors.New("period: unknown day-count basis")

// ErrInvalidSpan is returned (wrapped) by NewSpan when the end precedes the
// start.
var ErrInvalidSpan = errors.New("period: span ends before it starts")

// ErrOutsideSpan is returned (wrapped) by Span.Split when the split point
// lies outside the closed interval [Start, End].
var ErrOutsideSpan = errors.New("period: instant outside span")

// ErrInvalidAnchor is matched (errors.Is) by the *AnchorError
// Calendar.Renew returns for a zero current end or a billing anchor after
// it.
var ErrInvalidAnchor = errors.New("period: invalid billing anchor")

// TermError describes why a term was rejected. It unwraps to ErrInvalidTerm.
type TermError struct {
	// Term is the rejected term; zero when Input could not be parsed.
	Term Term
	// Input is the text given to ParseTerm; empty for Term.Validate.
	Input string
	// Reason says which rule was broken, e.g. "months must be 0..1200".
	Reason string
}

// Error reports the rejected term (or input text) and the broken rule.
func (e *TermError) Error() string {
	if e.Input != "" {
		return fmt.Sprintf("period: invalid term %q: %s", e.Input, e.Reason)
	}
	return fmt.Sprintf("period: invalid term (months=%d days=%d): %s", e.Term.Months, e.Term.Days, e.Reason)
}

// Unwrap returns ErrInvalidTerm so callers can match the whole class.
func (e *TermError) Unwrap() error { return ErrInvalidTerm }

// ZoneError reports a time zone name that could not be loaded. It matches
// ErrUnknownZone with errors.Is and unwraps to the loader's own error.
type ZoneError struct {
	// Zone is the name as given to NewCalendar.
	Zone string
	// Err is the underlying cause from the time zone database, if any.
	Err error
}

// Error reports the zone name and the underlying cause.
func (e *ZoneError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("period: unknown time zone %q", e.Zone)
	}
	return fmt.Sprintf("period: unknown time zone %q: %v", e.Zone, e.Err)
}

// Is reports whether target is ErrUnknownZone, so the class matches even
// though Unwrap exposes the loader's cause.
func (e *ZoneError) Is(target error) bool { return target == ErrUnknownZone }

// Unwrap returns the loader's error (for example a missing tzdata file).
func (e *ZoneError) Unwrap() error { return e.Err }
