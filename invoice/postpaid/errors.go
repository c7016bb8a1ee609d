package postpaid

import (
	"errors"
	"fmt"
)

// ErrInvalidInput is matched by every error Close returns: a month, an
// interval, a metered charge or a coupon it cannot bill. See *InputError.
var ErrInvalidInput = errors.New("postpaid: invalid month-close input")

// InputError names the input at fault and the broken rule. It matches
// ErrInvalidInput and, through Err, the cause from another package
// (pricing.ErrInvalidRate, money.ErrCurrencyMismatch, …) when there is one.
type InputError struct {
	// Field locates the input: "Month", "Intervals[1].To", "Coupons[0]", ….
	Field string
	// Reason is the broken rule.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error names the field, the rule and the cause.
func (e *InputError) Error() string {
	msg := fmt.Sprintf("postpaid: invalid %s: %s", e.Field, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes an *InputError match ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Unwrap returns the underlying cause, or nil.
func (e *InputError) Unwrap() error { return e.Err }
