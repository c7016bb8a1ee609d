package billingtype

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
)

// ProvisionPayload is the body of an EventProvision event: create the
// resource with this configuration, then report the outcome with
// ProvisioningSucceeded or ProvisioningFailed.
type ProvisionPayload struct {
	ResourceID    string                `json:"resource_id"`
	ProductID     string                `json:"product_id"`
	Configuration pricing.Configuration `json:"configuration"`
	// Term is the term bought, as period.Term's String gives it ("1 month",
	// "60 days").
	Term string `json:"term"`
}

// StatePayload is the body of the resource state events EventRestrict,
// EventUnrestrict, EventSuspend, EventResume and EventRelease: the resource
// moved From one state To another; PeriodEnd is its paid term's end.
type StatePayload struct {
	ResourceID string          `json:"resource_id"`
	From       lifecycle.State `json:"from"`
	To         lifecycle.State `json:"to"`
	PeriodEnd  time.Time       `json:"period_end"`
}

// ResizePayload is the body of an EventResize event: apply the new
// configuration To the resource (From is what it had).
type ResizePayload struct {
	ResourceID string                `json:"resource_id"`
	From       pricing.Configuration `json:"from"`
	To         pricing.Configuration `json:"to"`
}

// PaymentPayload is the body of EventPaymentSucceeded and
// EventPaymentFailed.
type PaymentPayload struct {
	PaymentID string `json:"payment_id"`
	// Purpose and Ref say what the payment is for (an order, an invoice, a
	// top-up, a payment link).
	Purpose payment.PurposeKind `json:"purpose"`
	Ref     string              `json:"ref"`
	Method  payment.Method      `json:"method"`
	Status  payment.Status      `json:"status"`
	Amount  money.Amount        `json:"amount"`
	// Reason says why a payment failed; empty otherwise.
	Reason string `json:"reason,omitempty"`
}

// PaymentCreditedPayload is the body of an EventPaymentCredited event.
type PaymentCreditedPayload struct {
	PaymentID string `json:"payment_id"`
	// Purpose and Ref say what the payment was meant for.
	Purpose payment.PurposeKind `json:"purpose"`
	Ref     string              `json:"ref"`
	// Amount is what went to the wallet as cash.
	Amount money.Amount `json:"amount"`
	// Reason says why the payment could not settle its purpose.
	Reason string `json:"reason"`
}

// InvoicePayload is the body of an EventInvoiceIssued event (an invoice or
// a credit note).
type InvoicePayload struct {
	InvoiceID string `json:"invoice_id"`
	// Number is the display number, e.g. "INV-2026-000001".
	Number     string       `json:"number"`
	ResourceID string       `json:"resource_id"`
	Total      money.Amount `json:"total"`
	// Status is the document's status (invoice.StatusPaid, StatusIssued, …).
	Status invoice.Status `json:"status"`
	// DueAt is when an unpaid invoice (a postpaid bill) must be paid;
	// omitted for documents issued paid.
	DueAt time.Time `json:"due_at,omitzero"`
}

// NoticePayload is the body of an EventNotice event: something to tell the
// customer (a reminder, a renewal's outcome, a grace or suspension
// warning), which the host sends by e-mail or otherwise.
type NoticePayload struct {
	Notice     NoticeKind      `json:"notice"`
	ResourceID string          `json:"resource_id"`
	ProductID  string          `json:"product_id"`
	State      lifecycle.State `json:"state"`
	PeriodEnd  time.Time       `json:"period_end"`
	// Status is the billing status for display, when there is one.
	Status lifecycle.BillingStatus `json:"billing_status,omitempty"`
	// Detail is a short explanation (a failure reason, an amount).
	Detail string `json:"detail,omitempty"`
}
