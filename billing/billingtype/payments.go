package billingtype

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// CallbackResult says what a gateway callback did.
type CallbackResult struct {
	EventID string            `json:"event_id"`
	Type    gateway.EventType `json:"type"`
	// Duplicate is true when the event was applied before (a retried,
	// duplicated or replayed delivery): nothing changed this time.
	Duplicate bool `json:"duplicate"`
	// PaymentID or LinkID names what the event settled.
	PaymentID string `json:"payment_id,omitempty"`
	LinkID    string `json:"link_id,omitempty"`
	// LateCredit is true when money arrived for a payment that had already
	// failed or expired: it was credited to the wallet as cash instead of
	// being lost.
	LateCredit bool `json:"late_credit"`
	// Outcome is what the library made of the delivery (applied,
	// duplicate, unknown_payment, wrong_amount, rejected, failed), the
	// value a gateway's WireFormat turns into its answer. It is set on
	// errors too.
	Outcome gateway.CallbackOutcome `json:"outcome"`
	// RefundID names the refund a refund event settled.
	RefundID string `json:"refund_id,omitempty"`
}

// Payment is a payment as the portal and the host see it.
type Payment struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	Purpose   payment.Purpose `json:"purpose"`
	Method    payment.Method  `json:"method"`
	Status    payment.Status  `json:"status"`
	// Amount = FromCredit + FromGateway.
	Amount      money.Amount `json:"amount"`
	FromCredit  money.Amount `json:"from_credit"`
	FromGateway money.Amount `json:"from_gateway"`
	Refunded    money.Amount `json:"refunded"`
	Gateway     string       `json:"gateway,omitempty"`
	GatewayRef  string       `json:"gateway_ref,omitempty"`
	// RedirectURL is where to send the customer to finish a pending
	// redirect payment.
	RedirectURL     string    `json:"redirect_url,omitempty"`
	LinkedAccountID string    `json:"linked_account_id,omitempty"`
	FailureReason   string    `json:"failure_reason,omitempty"`
	Description     string    `json:"description,omitempty"`
	ExpiresAt       time.Time `json:"expires_at"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	// TimeZone is the account's billing time zone (an IANA name), in
	// which the payment's times are shown; they are instants either way.
	TimeZone string `json:"time_zone"`
}
