package billingtype

import (
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// QuoteChangedError reports a checkout whose price changed since the
// customer confirmed the quote.
type QuoteChangedError struct {
	Expected, Current money.Amount
}

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
	// currency, or the currency is one the System does not serve.
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
	// ErrPostpaidResource: the operation needs a paid term (renew,
	// recover, match end time, automatic renewal) and the resource is
	// postpaid, billed monthly in arrears with no term.
	ErrPostpaidResource = errors.New("billing: resource is postpaid")
	// ErrInvoiceNotFound: no such invoice in the account.
	ErrInvoiceNotFound = errors.New("billing: invoice not found")
	// ErrCouponExists: a different coupon already has this code.
	ErrCouponExists = errors.New("billing: a different coupon with this code exists")
	// ErrNotRefundable: the payment cannot be refunded (not succeeded, or
	// a top-up, which is credit already).
	ErrNotRefundable = errors.New("billing: payment not refundable")
	// ErrNotPayable: the order or invoice has nothing outstanding — it is
	// settled, failed, voided or expired (see *NotPayableError).
	ErrNotPayable = errors.New("billing: nothing outstanding to pay")
	// ErrAmountDue: the amount is not what the order or invoice accepts:
	// an order is paid exactly in full, an invoice up to what is
	// outstanding (see *AmountDueError).
	ErrAmountDue = errors.New("billing: amount does not match what is due")
)

// NotPayableError reports a payment, or a payment link, for an obligation
// with nothing outstanding.
type NotPayableError struct {
	// Kind is payment.PurposeOrder or payment.PurposeInvoice; ID its id.
	Kind payment.PurposeKind
	ID   string
	// Status is the obligation's status ("paid", "payment_failed", …).
	Status string
}

// Error names the obligation and its status.
func (e *NotPayableError) Error() string {
	return fmt.Sprintf("billing: %s %q is %s: nothing outstanding to pay", e.Kind, e.ID, e.Status)
}

// Is makes a *NotPayableError match ErrNotPayable.
func (e *NotPayableError) Is(target error) bool { return target == ErrNotPayable }

// AmountDueError reports an amount an obligation does not accept.
type AmountDueError struct {
	Kind payment.PurposeKind
	ID   string
	// Due is what is outstanding; Got what was offered.
	Due, Got money.Amount
	// Partial is true when part of Due may be paid (invoices).
	Partial bool
}

// Error says what is due and what was offered.
func (e *AmountDueError) Error() string {
	if e.Partial {
		return fmt.Sprintf("billing: %s %q has %s outstanding; %s is more than that", e.Kind, e.ID, e.Due, e.Got)
	}
	return fmt.Sprintf("billing: %s %q is paid exactly in full: %s is due, not %s", e.Kind, e.ID, e.Due, e.Got)
}

// Is makes an *AmountDueError match ErrAmountDue.
func (e *AmountDueError) Is(target error) bool { return target == ErrAmountDue }

// ConfigError says which Config field New rejected and why.
type ConfigError struct {
	Field  string
	Reason string
	// Err is the cause, when another package's typed error rejected the
	// value (an overdue or hold policy that does not validate); errors.Is
	// and errors.As reach it.
	Err error
}

// Error names the field and the reason.
func (e *ConfigError) Error() string { return fmt.Sprintf("billing: config %s %s", e.Field, e.Reason) }

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Unwrap returns the cause, if any.
func (e *ConfigError) Unwrap() error { return e.Err }

// RequestError says which request field was rejected and why.
type RequestError struct {
	Field  string
	Reason string
	// Err is the cause, when the request was refused because of another
	// package's typed error (a malformed term, a term the product does not
	// sell); errors.Is and errors.As reach it.
	Err error
}

// Error names the field and the reason.
func (e *RequestError) Error() string {
	return fmt.Sprintf("billing: invalid request: %s %s", e.Field, e.Reason)
}

// Is makes a *RequestError match ErrInvalidRequest.
func (e *RequestError) Is(target error) bool { return target == ErrInvalidRequest }

// Unwrap returns the cause, if any.
func (e *RequestError) Unwrap() error { return e.Err }

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

// ErrSameConfiguration: a resize to the configuration the resource has.
var ErrSameConfiguration = errors.New("billing: resize to the same configuration")
