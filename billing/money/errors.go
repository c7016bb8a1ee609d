package money

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package matches exactly one of
// them with errors.Is, so callers can branch on the condition without parsing
// messages. The values are never reassigned.
var (
	// ErrUnknownCurrency reports a currency code that is not in the ISO 4217
	// table (see Currencies), including lower-case spellings.
	ErrUnknownCurrency = errors.New("money: unknown currency")
	// ErrCurrencyMismatch reports an operation on amounts of two currencies.
	ErrCurrencyMismatch = errors.New("money: currency mismatch")
	// ErrInvalidAmount reports text or a decimal that is not an acceptable amount.
	ErrInvalidAmount = errors.New("money: invalid amount")
	// ErrDivisionByZero reports a division by zero.
	ErrDivisionByZero = errors.New("money: division by zero")
	// ErrNotRounded reports an amount with more fractional digits than its
	// currency allows where whole minor units are required.
	ErrNotRounded = errors.New("money: amount is not rounded to the currency's minor unit")
	// ErrOverflow reports a result that does not fit the requested representation.
	ErrOverflow = errors.New("money: overflow")
	// ErrInvalidAllocation reports ratios or weights that cannot split an amount:
	// none given, a negative one, or a sum that is not positive.
	ErrInvalidAllocation = errors.New("money: invalid allocation")
	// ErrInvalidPlaces reports a number of decimal places outside
	// [-MaxPlaces, MaxPlaces].
	ErrInvalidPlaces = errors.New("money: decimal places out of range")
)

// UnknownCurrencyError carries the code that LookupCurrency did not find.
// It matches ErrUnknownCurrency with errors.Is.
type UnknownCurrencyError struct {
	Code string
}

// Error describes the unknown code, quoted so that odd input stays visible.
func (e *UnknownCurrencyError) Error() string {
	return fmt.Sprintf("money: unknown currency %q", clip(e.Code))
}

// Is reports whether target is ErrUnknownCurrency.
func (e *UnknownCurrencyError) Is(target error) bool { return target == ErrUnknownCurrency }

// CurrencyMismatchError carries the two currency codes of an operation that
// needs one currency: A is the receiver's (or Sum's declared) currency and B the
// other operand's. The zero Amount has the empty code "".
// It matches ErrCurrencyMismatch with errors.Is.
type CurrencyMismatchError struct {
	A, B string
}

// Error names both currencies.
func (e *CurrencyMismatchError) Error() string {
	return fmt.Sprintf("money: currency mismatch: %q and %q", e.A, e.B)
}

// Is reports whether target is ErrCurrencyMismatch.
func (e *CurrencyMismatchError) Is(target error) bool { return target == ErrCurrencyMismatch }

// ParseError reports text that is not an acceptable amount: Input is the text
// as given and Reason says which rule it broke.
// It matches ErrInvalidAmount with errors.Is.
type ParseError struct {
	Input  string
	Reason string
}

// Error quotes the input (shortened if long) and the reason.
func (e *ParseError) Error() string {
	return fmt.Sprintf("money: invalid amount %q: %s", clip(e.Input), e.Reason)
}

// Is reports whether target is ErrInvalidAmount.
func (e *ParseError) Is(target error) bool { return target == ErrInvalidAmount }

// clip shortens s for error messages so that hostile input cannot flood logs.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
