package gateway

import (
	"errors"
	"fmt"
)

// Sentinel errors of the Gateway contract. An adapter wraps one of them (with
// %w, or by returning a typed error below) so the library can decide without
// reading messages whether a call may be retried. Their meanings never change;
// new conditions are only ever added.
var (
	// ErrDeclined: the gateway gave a definite "no" (insufficient funds, a
	// blocked account, a refund window that has closed). Nothing was charged,
	// refunded or linked. Repeating the same request fails the same way, so the
	// library never retries it.
	ErrDeclined = errors.New("gateway: declined")

	// ErrTemporary: the gateway could not be reached or its answer was lost
	// (network error, timeout, 5xx, rate limit). The outcome is unknown: the
	// request may or may not have taken effect. The library may retry, always
	// with the same PaymentID, RefundID or LinkID, which is safe because every
	// adapter must make such retries idempotent.
	ErrTemporary = errors.New("gateway: temporary failure")

	// ErrInvalidRequest: the request can never succeed as given (a missing
	// field, an amount that is not whole minor units, an unsupported
	// currency, an unknown or revoked token). Nothing happened; the library
	// does not retry.
	ErrInvalidRequest = errors.New("gateway: invalid request")

	// ErrConflict: the PaymentID, RefundID or LinkID was already used for a
	// different request (another amount, account or token). Nothing
	// happened; the library does not retry, because it indicates a bug.
	ErrConflict = errors.New("gateway: id reused with a different request")

	// ErrNotFound: the gateway does not know the payment or reference named
	// by the request (a refund of an unknown GatewayRef). Final.
	ErrNotFound = errors.New("gateway: not found")

	// ErrUnsupported: the adapter does not offer this capability (a card
	// processor without account linking returns it from StartLink and
	// Charge). Final.
	ErrUnsupported = errors.New("gateway: not supported")
)

// Retryable reports whether the library may repeat a failed call with the
// same ids. It is false for nil and for errors matching ErrDeclined,
// ErrInvalidRequest, ErrConflict, ErrNotFound or ErrUnsupported, the final
// answers. Every other error, including ErrTemporary and errors an adapter
// forgot to classify, is retryable: an answer the library did not understand
// may hide a charge that happened, and a retry with the same id is the safe
// way to learn the outcome.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	for _, final := range [...]error{ErrDeclined, ErrInvalidRequest, ErrConflict, ErrNotFound, ErrUnsupported} {
		if errors.Is(err, final) {
			return false
		}
	}
	return true
}

// RequestError says which request field is unacceptable and why. It matches
// ErrInvalidRequest with errors.Is. Field is the Go field name
// ("Amount", "PaymentID"); Reason is fixed text that never quotes the value,
// so the error is safe to log even when the field holds a token.
type RequestError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *RequestError) Error() string {
	return fmt.Sprintf("gateway: invalid request: %s %s", e.Field, e.Reason)
}

// Is makes a *RequestError match ErrInvalidRequest.
func (e *RequestError) Is(target error) bool { return target == ErrInvalidRequest }

// DeclineError is a definite refusal with the gateway's reason. It matches
// ErrDeclined with errors.Is. Code is the gateway's own decline code if it
// has one ("insufficient_funds"); Reason is text fit to show the user.
type DeclineError struct {
	Code   string
	Reason string
}

// Error states the decline and its reason.
func (e *DeclineError) Error() string {
	switch {
	case e.Code != "" && e.Reason != "":
		return fmt.Sprintf("gateway: declined (%s): %s", e.Code, e.Reason)
	case e.Code != "":
		return fmt.Sprintf("gateway: declined (%s)", e.Code)
	case e.Reason != "":
		return "gateway: declined: " + e.Reason
	}
	return "gateway: declined"
}

// Is makes a *DeclineError match ErrDeclined.
func (e *DeclineError) Is(target error) bool { return target == ErrDeclined }
