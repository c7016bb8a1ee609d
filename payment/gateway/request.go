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
}

// Validate reports the first unacceptable field as a *RequestError.
func (r RefundRequest) Validate() error {
	return firstError(
		checkID("PaymentID", r.PaymentID),
		checkID("RefundID", r.RefundID),
		checkID("GatewayRef", r.GatewayRef),
		checkAmount("Amount", r.Amount),
	)
}

// RefundResult is a provider's acceptance of a Refund.
type RefundResult struct {
	// GatewayRef is the provider's reference for the refund.
	GatewayRef string
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
