package coupon

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Sentinel errors. Every error this package returns matches one of them with
// errors.Is; the typed errors below carry the details. The values are never
// reassigned.
var (
	// ErrRejected: a coupon entered for an order cannot be applied. The
	// error is a *Rejection saying which code and why.
	ErrRejected = errors.New("coupon: rejected")

	// ErrMalformedCode: text is not a well-formed coupon code. See
	// *CodeError. A malformed code entered for an order is also a
	// *Rejection with ReasonMalformedCode, which matches both sentinels.
	ErrMalformedCode = errors.New("coupon: malformed code")

	// ErrInvalidCoupon: a coupon definition breaks a rule of Validate. It is
	// the host's configuration that is wrong, not the customer's entry. See
	// *DefinitionError.
	ErrInvalidCoupon = errors.New("coupon: invalid coupon definition")

	// ErrInvalidRequest: an evaluation request is incomplete or
	// inconsistent (no lines, a line in another currency, a negative
	// count, ...). See *RequestError.
	ErrInvalidRequest = errors.New("coupon: invalid request")

	// ErrIllegalTransition: the redemption state table has no row for this
	// status and event. See *TransitionError.
	ErrIllegalTransition = errors.New("coupon: illegal redemption transition")
)

// Rejection reports a coupon that cannot be applied to an order. It matches
// ErrRejected with errors.Is, and its Error text is meant to be shown to the
// customer ("coupon SPRING20 expired at 2026-03-31"). Only the fields named
// for its Reason are set.
type Rejection struct {
	// Code is the normalised code, or for ReasonMalformedCode the text as
	// entered.
	Code string
	// Reason says why; its value is stable and may be stored or sent.
	Reason Reason
	// At is the coupon's ValidFrom (ReasonNotYetValid) or ValidUntil
	// (ReasonExpired).
	At time.Time
	// Products lists the products the coupon applies to
	// (ReasonNotApplicableProduct). It is a copy.
	Products []string
	// Action is the order's action and Actions the ones the coupon allows
	// (ReasonNotApplicableAction). Actions is a copy.
	Action  Action
	Actions []Action
	// Minimum is the coupon's minimum spend and Subtotal the order's
	// eligible subtotal that fell short of it (ReasonMinimumNotMet).
	Minimum  money.Amount
	Subtotal money.Amount
	// Limit is the limit that was reached (ReasonTotalLimitReached,
	// ReasonAccountLimitReached).
	Limit int
	// Currency is the coupon's currency and OrderCurrency the order's
	// (ReasonCurrencyMismatch).
	Currency      string
	OrderCurrency string
	// Err is the *CodeError of a malformed code (ReasonMalformedCode).
	Err error
}

// Error is Message with the package's prefix, as every error of the
// package has: "coupon: coupon WINTER25 does not exist".
func (e *Rejection) Error() string { return "coupon: " + e.Message() }

// Message says why the coupon was rejected, in words a customer can read
// ("coupon WINTER25 does not exist"), for showing beside the code field.
func (e *Rejection) Message() string {
	c := e.Code
	switch e.Reason {
	case ReasonMalformedCode:
		why := "is not a valid coupon code"
		var ce *CodeError
		if errors.As(e.Err, &ce) {
			why += ": " + ce.Reason
		}
		return "coupon " + strconv.Quote(clip(c)) + " " + why
	case ReasonDuplicateCode:
		return "coupon " + c + " was entered more than once"
	case ReasonUnknownCode:
		return "coupon " + c + " does not exist"
	case ReasonNotYetValid:
		return "coupon " + c + " is not valid until " + formatTime(e.At)
	case ReasonExpired:
		return "coupon " + c + " expired at " + formatTime(e.At)
	case ReasonCurrencyMismatch:
		return "coupon " + c + " is in " + e.Currency + ", the order is in " + e.OrderCurrency
	case ReasonNotApplicableAction:
		return "coupon " + c + " does not apply to " + string(e.Action) + " (only " + joinActions(e.Actions) + ")"
	case ReasonNotApplicableProduct:
		return "coupon " + c + " applies only to " + strings.Join(e.Products, ", ")
	case ReasonFirstOrderOnly:
		return "coupon " + c + " is valid only on a first order"
	case ReasonMinimumNotMet:
		return "coupon " + c + " needs a spend of at least " + e.Minimum.String() +
			" on eligible products (this order has " + e.Subtotal.String() + ")"
	case ReasonTotalLimitReached:
		return "coupon " + c + " has been fully redeemed (limit " + strconv.Itoa(e.Limit) + ")"
	case ReasonAccountLimitReached:
		return "coupon " + c + " has already been used by this account as often as allowed (limit " +
			strconv.Itoa(e.Limit) + ")"
	case ReasonNotStackable:
		return "coupon " + c + " cannot be combined with other coupons"
	}
	return "coupon " + c + " rejected: " + string(e.Reason)
}

// Is makes a *Rejection match ErrRejected.
func (e *Rejection) Is(target error) bool { return target == ErrRejected }

// Unwrap returns the underlying *CodeError of a malformed code, so such a
// rejection also matches ErrMalformedCode.
func (e *Rejection) Unwrap() error { return e.Err }

// CodeError reports text that is not a well-formed coupon code: Input is the
// text as given and Reason the rule it broke. It matches ErrMalformedCode.
type CodeError struct {
	Input  string
	Reason string
}

// Error quotes the input (shortened if long) and the reason.
func (e *CodeError) Error() string {
	return fmt.Sprintf("coupon: malformed code %q: %s", clip(e.Input), e.Reason)
}

// Is makes a *CodeError match ErrMalformedCode.
func (e *CodeError) Is(target error) bool { return target == ErrMalformedCode }

// DefinitionError reports a coupon definition that breaks a rule: Code is
// the definition's code as given, Field the field at fault and Reason the
// rule. Err, if set, is the underlying error (a *CodeError, a money error).
// It matches ErrInvalidCoupon.
type DefinitionError struct {
	Code   string
	Field  string
	Reason string
	Err    error
}

// Error names the coupon, the field and the rule.
func (e *DefinitionError) Error() string {
	s := fmt.Sprintf("coupon: invalid coupon %q: %s: %s", clip(e.Code), e.Field, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes a *DefinitionError match ErrInvalidCoupon.
func (e *DefinitionError) Is(target error) bool { return target == ErrInvalidCoupon }

// Unwrap returns the underlying error, if any.
func (e *DefinitionError) Unwrap() error { return e.Err }

// RequestError reports an evaluation request that is incomplete or
// inconsistent: Field names the field at fault ("lines[2].amount") and
// Reason the rule. Err, if set, is the underlying error. It matches
// ErrInvalidRequest.
type RequestError struct {
	Field  string
	Reason string
	Err    error
}

// Error names the field and the rule.
func (e *RequestError) Error() string {
	s := "coupon: invalid request: " + e.Field + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes a *RequestError match ErrInvalidRequest.
func (e *RequestError) Is(target error) bool { return target == ErrInvalidRequest }

// Unwrap returns the underlying error, if any.
func (e *RequestError) Unwrap() error { return e.Err }

// TransitionError reports an event the redemption state table does not
// allow in the From status. It matches ErrIllegalTransition.
type TransitionError struct {
	From  RedemptionStatus
	Event RedemptionEvent
}

// Error names the status and the event.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("coupon: illegal redemption transition: %q on %q",
		clip(string(e.Event)), clip(string(e.From)))
}

// Is makes a *TransitionError match ErrIllegalTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// formatTime shows an instant as a date when it is midnight in its own
// location, the usual way validity windows are configured, and in RFC 3339
// otherwise, so that a message never hides the time of day that matters.
func formatTime(t time.Time) string {
	if h, m, s := t.Clock(); h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

func joinActions(as []Action) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// quote quotes s, shortened if long, so that odd input stays visible.
func quote(s string) string { return strconv.Quote(clip(s)) }

// clip shortens s for error messages so that hostile input cannot flood logs.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
