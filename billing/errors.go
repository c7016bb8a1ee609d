package billing

import (
	"errors"
	"fmt"
)

// Sentinel errors of the billing entry point. Each typed error below matches
// one of them with errors.Is. Their meanings never change.
var (
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("billing: invalid config")
	// ErrInvalidRequest: a request field is missing, malformed or absurd.
	ErrInvalidRequest = errors.New("billing: invalid request")
	// ErrInvalidIdempotencyKey: the key is empty, longer than 255 bytes or
	// contains control characters.
	ErrInvalidIdempotencyKey = errors.New("billing: invalid idempotency key")
	// ErrIdempotencyConflict: the key was first used for a different request.
	ErrIdempotencyConflict = errors.New("billing: idempotency key reused with a different request")
	// ErrAccountNotFound: no such account (tenants never see each other).
	ErrAccountNotFound = errors.New("billing: account not found")
	// ErrAccountExists: an account with that id already exists.
	ErrAccountExists = errors.New("billing: account already exists")
	// ErrCurrencyMismatch: the request's money is not in the account's
	// currency (or the catalog's).
	ErrCurrencyMismatch = errors.New("billing: currency mismatch")
	// ErrUnknownGateway: no configured gateway has that name.
	ErrUnknownGateway = errors.New("billing: unknown gateway")
	// ErrGatewayUnavailable: the gateway could not be reached or gave no
	// definite answer; the payment is kept and a retry with the same
	// idempotency key tries the gateway again with the same payment id.
	ErrGatewayUnavailable = errors.New("billing: gateway unavailable, retry with the same idempotency key")
	// ErrPaymentNotFound: no such payment in the account.
	ErrPaymentNotFound = errors.New("billing: payment not found")
	// ErrLinkedAccountNotFound: no such active linked account in the
	// account (or the account has no default one).
	ErrLinkedAccountNotFound = errors.New("billing: linked account not found")
	// ErrPaymentLinkNotFound: no payment link has that token.
	ErrPaymentLinkNotFound = errors.New("billing: payment link not found")
	// ErrCallbackRejected: a gateway callback failed verification or does
	// not match what it claims to settle; nothing was applied.
	ErrCallbackRejected = errors.New("billing: gateway callback rejected")
	// ErrQuoteChanged: the order's price changed since the quote the
	// customer confirmed (see CheckoutRequest.ExpectedTotal).
	ErrQuoteChanged = errors.New("billing: quote changed")
	// ErrOrderNotFound: no such order in the account.
	ErrOrderNotFound = errors.New("billing: order not found")
	// ErrResourceNotFound: no such resource in the account.
	ErrResourceNotFound = errors.New("billing: resource not found")
	// ErrInvoiceNotFound: no such invoice in the account.
	ErrInvoiceNotFound = errors.New("billing: invoice not found")
	// ErrCouponExists: a different coupon already has this code.
	ErrCouponExists = errors.New("billing: a different coupon with this code exists")
	// ErrNotRefundable: the payment cannot be refunded (not succeeded, or
	// a top-up, which is credit already).
	ErrNotRefundable = errors.New("billing: payment not refundable")
)

// ConfigError says which Config field New rejected and why.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the reason.
func (e *ConfigError) Error() string { return fmt.Sprintf("billing: config %s %s", e.Field, e.Reason) }

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// RequestError says which request field was rejected and why.
type RequestError struct {
	Field  string
	Reason string
}

// Error names the field and the reason.
func (e *RequestError) Error() string {
	return fmt.Sprintf("billing: invalid request: %s %s", e.Field, e.Reason)
}

// Is makes a *RequestError match ErrInvalidRequest.
func (e *RequestError) Is(target error) bool { return target == ErrInvalidRequest }

// IdempotencyConflictError reports a key first used by another request.
type IdempotencyConflictError struct {
	AccountID string
	Key       string
	// FirstOperation is the operation the key was first used for.
	FirstOperation string
	// Operation is the operation of the rejected call.
	Operation string
}

// Error names the key and both operations.
func (e *IdempotencyConflictError) Error() string {
	return fmt.Sprintf("billing: idempotency key %q of account %q was used for a different %s request (now %s)",
		e.Key, e.AccountID, e.FirstOperation, e.Operation)
}

// Is makes an *IdempotencyConflictError match ErrIdempotencyConflict.
func (e *IdempotencyConflictError) Is(target error) bool { return target == ErrIdempotencyConflict }
