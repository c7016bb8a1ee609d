package gateway

import (
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Limits on request and event text. Ids and references are opaque to the
// library but are stored, logged and sent to providers, so they are bounded
// and free of control characters.
const (
	// MaxIDLen is the longest id, reference or token, in bytes.
	MaxIDLen = 255
	// MaxTextLen is the longest description, display name, URL or failure
	// reason, in bytes.
	MaxTextLen = 2048
)

// PaymentRequest asks for a redirect payment.
type PaymentRequest struct {
	// PaymentID is the library's id of the payment; the adapter's
	// idempotency key.
	PaymentID string
	// AccountID is the paying account, for the provider's records.
	AccountID string
	// Amount is positive and whole minor units of its currency.
	Amount money.Amount
	// Description is shown to the user by the provider; optional.
	Description string
	// ReturnURL is where the provider sends the user back; optional when
	// the adapter has a fixed one.
	ReturnURL string
	// ExpiresAt is when the payment page stops accepting payment; the zero
	// time means the provider's default.
	ExpiresAt time.Time
	// CreatedAt is the library's time when it created the payment. Adapters
	// use it, never their own clock, where the provider wants a creation
	// time (VNPay's vnp_CreateDate, ZaloPay's app_time), and the library
	// hands the same value back in PaymentQuery.CreatedAt.
	CreatedAt time.Time
	// ClientIP is the payer's IP address as the host saw it, for providers
	// that require one (VNPay's vnp_IpAddr); optional.
	ClientIP string
}

// Validate reports the first unacceptable field as a *RequestError: missing
// or overlong ids, an amount that is not positive whole minor units, or
// overlong text.
func (r PaymentRequest) Validate() error {
	return firstError(
		checkID("PaymentID", r.PaymentID),
		checkID("AccountID", r.AccountID),
		checkAmount("Amount", r.Amount),
		checkText("Description", r.Description),
		checkText("ReturnURL", r.ReturnURL),
		checkText("ClientIP", r.ClientIP),
	)
}

// Redirect is where the user must go to finish a payment or a link.
type Redirect struct {
	// URL is the provider's page for the user.
	URL string
	// GatewayRef is the provider's reference for the payment or link.
	GatewayRef string
}

// ChargeRequest asks to charge a linked account's token without redirect.
type ChargeRequest struct {
	// PaymentID is the library's id of the payment; the adapter's
	// idempotency key.
	PaymentID string
	// AccountID is the account that owns Token; an adapter should refuse a
	// token linked by another account.
	AccountID string
	// Token is the linked account's token from a link.succeeded event.
	Token Token
	// Amount is positive and whole minor units of its currency.
	Amount money.Amount
	// CreatedAt is the library's time when it created the payment (see
	// PaymentRequest.CreatedAt).
	CreatedAt time.Time
}

// Validate reports the first unacceptable field as a *RequestError; the
// token itself never appears in the error.
func (r ChargeRequest) Validate() error {
	return firstError(
		checkID("PaymentID", r.PaymentID),
		checkID("AccountID", r.AccountID),
		checkID("Token", r.Token.Reveal()),
		checkAmount("Amount", r.Amount),
	)
}

// ChargeStatus is the state of a charge as the provider reports it. The zero
// value is not a status. Values are stored by the library and never change
// meaning; new ones are only appended.
type ChargeStatus uint8

// The charge statuses.
const (
	// ChargeSucceeded: the money was taken.
	ChargeSucceeded ChargeStatus = iota + 1
	// ChargePending: the provider has not decided; a callback settles it.
	ChargePending
	// ChargeFailed: the provider declined; nothing was taken.
	ChargeFailed
)

// String returns "succeeded", "pending" or "failed", and
// "ChargeStatus(<n>)" for other values.
func (s ChargeStatus) String() string {
	switch s {
	case ChargeSucceeded:
		return "succeeded"
	case ChargePending:
		return "pending"
	case ChargeFailed:
		return "failed"
	}
	return "ChargeStatus(" + strconv.Itoa(int(s)) + ")"
}

// Valid reports whether s is one of the defined statuses.
func (s ChargeStatus) Valid() bool { return s >= ChargeSucceeded && s <= ChargeFailed }

// ChargeResult is a provider's answer to a Charge.
type ChargeResult struct {
	// GatewayRef is the provider's reference for the charge.
	GatewayRef string
	// Status is the charge's state.
	Status ChargeStatus
	// FailureReason says why a ChargeFailed charge failed, fit to show the
	// user; empty otherwise.
	FailureReason string
}

// RefundRequest asks to refund part or all of a paid payment.
type RefundRequest struct {
	// PaymentID is the library's id of the refunded payment.
	PaymentID string
	// RefundID is the library's id of this refund; the adapter's
	// idempotency key.
	RefundID string
	// GatewayRef is the provider's reference of the paid payment.
	GatewayRef string
	// Amount is positive, whole minor units, in the payment's currency.
	Amount money.Amount
	// AccountID is the account that paid; optional.
	AccountID string
	// PaymentAmount is what the refunded payment paid, so an adapter can
	// tell a full refund from a partial one (VNPay's vnp_TransactionType 02
	// or 03); optional.
	PaymentAmount money.Amount
	// PaymentCreatedAt is the library's time when the refunded payment was
	// created (PaymentRequest.CreatedAt); optional.
	PaymentCreatedAt time.Time
	// CreatedAt is the library's time when it requested this refund; the
	// library hands it back in RefundQuery.CreatedAt.
	CreatedAt time.Time
	// Reason is why the money goes back, for the provider's records;
	// optional, free text.
	Reason string
}

// Validate reports the first unacceptable field as a *RequestError.
func (r RefundRequest) Validate() error {
	return firstError(
		checkID("PaymentID", r.PaymentID),
		checkID("RefundID", r.RefundID),
		checkID("GatewayRef", r.GatewayRef),
		checkAmount("Amount", r.Amount),
		checkText("Reason", r.Reason),
	)
}

// RefundResult is a provider's acceptance of a Refund.
type RefundResult struct {
	// GatewayRef is the provider's reference for the refund.
	GatewayRef string
	// Status is the refund's state when the provider answers at once
	// (RefundSucceeded or RefundFailed); RefundPending, or the zero value
	// from adapters that do not say, means a refund.succeeded or
	// refund.failed callback, or a QueryRefund, will settle it.
	Status RefundState
	// FailureReason says why a RefundFailed refund failed.
	FailureReason string
}

// LinkRequest asks to start linking a user's account at the provider.
type LinkRequest struct {
	// LinkID is the library's id of the link; the adapter's idempotency key.
	LinkID string
	// AccountID is the account that will own the token.
	AccountID string
	// ReturnURL is where the provider sends the user back; optional.
	ReturnURL string
}

// Validate reports the first unacceptable field as a *RequestError.
func (r LinkRequest) Validate() error {
	return firstError(
		checkID("LinkID", r.LinkID),
		checkID("AccountID", r.AccountID),
		checkText("ReturnURL", r.ReturnURL),
	)
}
