package billingtype

import (
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
}
