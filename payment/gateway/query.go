package gateway

import (
	"context"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Querier is implemented by a Gateway that can say where a payment or a
// refund stands, without waiting for a callback. The library asks before
// it expires a payment whose callback never came (a lost IPN would
// otherwise leave the money at the gateway), and when a host asks to
// reconcile one payment. A gateway without a query API does not implement
// it; an adapter that has one query but not the other returns
// ErrUnsupported from the other.
//
// Answers follow the Gateway's error rules: a definite answer is a nil
// error; the payment being unknown to the provider is PaymentNotFound (not
// an error); a transport failure matches ErrTemporary.
type Querier interface {
	// QueryPayment reports the state of the payment q.PaymentID.
	QueryPayment(ctx context.Context, q PaymentQuery) (PaymentStatus, error)
	// QueryRefund reports the state of the refund q.RefundID.
	QueryRefund(ctx context.Context, q RefundQuery) (RefundStatus, error)
}

// LinkQuerier is implemented by a Gateway that can say where a link
// (a saved payment method being authorised) stands.
type LinkQuerier interface {
	// QueryLink reports the state of the link q.LinkID.
	QueryLink(ctx context.Context, q LinkQuery) (LinkStatus, error)
}

// PaymentQuery names a payment to look up. Gateways key their lookups
// differently (VNPay by order id and the payment's creation date, ZaloPay
// by an app_trans_id that starts with that date, Stripe by its own id), so
// everything the library knows of the payment is given.
type PaymentQuery struct {
	// PaymentID is the library's id of the payment, the one CreatePayment or
	// Charge was given.
	PaymentID string
	// AccountID is the paying account.
	AccountID string
	// GatewayRef is the provider's reference from CreatePayment or Charge;
	// empty when none was returned.
	GatewayRef string
	// Amount is what the payment asked for.
	Amount money.Amount
	// CreatedAt is the library's time when the payment was created, the
	// same value PaymentRequest.CreatedAt or ChargeRequest.CreatedAt carried.
	CreatedAt time.Time
	// Now is the library's current time, for gateways whose query request
	// carries a timestamp.
	Now time.Time
}

// PaymentState is a payment's state at the provider. The zero value is not
// a state; values are only appended.
type PaymentState uint8

// The payment states.
const (
	// PaymentPending: the provider has the payment and it is not paid yet.
	PaymentPending PaymentState = iota + 1
	// PaymentSucceeded: the money was taken.
	PaymentSucceeded
	// PaymentFailed: the provider declined or the payer cancelled.
	PaymentFailed
	// PaymentExpired: the payment page expired unpaid.
	PaymentExpired
	// PaymentNotFound: the provider has no such payment (the payer never
	// reached its page, or it was never created).
	PaymentNotFound
)

// String returns "pending", "succeeded", "failed", "expired" or
// "not_found", and "PaymentState(<n>)" for other values.
func (s PaymentState) String() string {
	switch s {
	case PaymentPending:
		return "pending"
	case PaymentSucceeded:
		return "succeeded"
	case PaymentFailed:
		return "failed"
	case PaymentExpired:
		return "expired"
	case PaymentNotFound:
		return "not_found"
	}
	return "PaymentState(" + strconv.Itoa(int(s)) + ")"
}

// Valid reports whether s is one of the defined states.
func (s PaymentState) Valid() bool { return s >= PaymentPending && s <= PaymentNotFound }

// PaymentStatus is a provider's answer to QueryPayment.
type PaymentStatus struct {
	// State is where the payment stands.
	State PaymentState
	// GatewayRef is the provider's reference of the payment (its
	// transaction number once paid).
	GatewayRef string
	// Amount is what the provider says was paid, for PaymentSucceeded; the
	// library compares it with the payment's and applies nothing when they
	// differ.
	Amount money.Amount
	// FailureReason says why a failed payment failed, fit to show the user.
	FailureReason string
	// OccurredAt is when the provider says the payment reached State; the
	// zero time when it does not say.
	OccurredAt time.Time
}

// RefundQuery names a refund to look up.
type RefundQuery struct {
	// PaymentID is the library's id of the refunded payment.
	PaymentID string
	// RefundID is the library's id of the refund, the one Refund was given.
	RefundID string
	// PaymentRef is the provider's reference of the refunded payment.
	PaymentRef string
	// GatewayRef is the provider's reference of the refund from
	// RefundResult; empty when none was returned.
	GatewayRef string
	// Amount is what the refund asked for.
	Amount money.Amount
	// CreatedAt is the library's time when the refund was requested
	// (RefundRequest.CreatedAt).
	CreatedAt time.Time
	// Now is the library's current time.
	Now time.Time
}

// RefundState is a refund's state at the provider. The zero value is not a
// state; values are only appended.
type RefundState uint8

// The refund states.
const (
	// RefundPending: accepted by the provider, not yet paid out.
	RefundPending RefundState = iota + 1
	// RefundSucceeded: the money was returned to the payer.
	RefundSucceeded
	// RefundFailed: the provider refused or gave up; nothing was returned.
	RefundFailed
	// RefundNotFound: the provider has no such refund.
	RefundNotFound
)

// String returns "pending", "succeeded", "failed" or "not_found", and
// "RefundState(<n>)" for other values.
func (s RefundState) String() string {
	switch s {
	case RefundPending:
		return "pending"
	case RefundSucceeded:
		return "succeeded"
	case RefundFailed:
		return "failed"
	case RefundNotFound:
		return "not_found"
	}
	return "RefundState(" + strconv.Itoa(int(s)) + ")"
}

// Valid reports whether s is one of the defined states.
func (s RefundState) Valid() bool { return s >= RefundPending && s <= RefundNotFound }

// RefundStatus is a provider's answer to QueryRefund.
type RefundStatus struct {
	// State is where the refund stands.
	State RefundState
	// GatewayRef is the provider's reference of the refund.
	GatewayRef string
	// Amount is what the provider says was refunded, for RefundSucceeded.
	Amount money.Amount
	// FailureReason says why a failed refund failed.
	FailureReason string
	// OccurredAt is when the provider says the refund reached State; the
	// zero time when it does not say.
	OccurredAt time.Time
}

// LinkQuery names a link to look up.
type LinkQuery struct {
	// LinkID is the library's id of the link, the one StartLink was given.
	LinkID string
	// AccountID is the account that started it.
	AccountID string
	// GatewayRef is the provider's reference from StartLink.
	GatewayRef string
	// Now is the library's current time.
	Now time.Time
}

// LinkStatus is a provider's answer to QueryLink. State uses the payment
// states: PaymentSucceeded once authorised (Token and Display set),
// PaymentPending, PaymentFailed, PaymentExpired or PaymentNotFound.
type LinkStatus struct {
	// State is where the link stands.
	State PaymentState
	// Token is the linked account's credential once authorised.
	Token Token
	// Display is the masked name of the linked account.
	Display string
	// FailureReason says why the link failed.
	FailureReason string
}
