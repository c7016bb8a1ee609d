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
	// TimeZone is the account's billing time zone (an IANA name such as
	// "Asia/Ho_Chi_Minh"), in which the payload's times are shown; the
	// times are instants either way. Empty in events stored by builds
	// before it was added.
	TimeZone string `json:"time_zone,omitempty"`
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
	// TimeZone is the account's billing time zone (an IANA name such as
	// "Asia/Ho_Chi_Minh"), in which the payload's times are shown; the
	// times are instants either way. Empty in events stored by builds
	// before it was added.
	TimeZone string `json:"time_zone,omitempty"`
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
	// TimeZone is the account's billing time zone (an IANA name such as
	// "Asia/Ho_Chi_Minh"), in which the payload's times are shown; the
	// times are instants either way. Empty in events stored by builds
	// before it was added.
	TimeZone string `json:"time_zone,omitempty"`
}

// EventKind names an event the host must act on. The values are stored and
// never change.
type EventKind string

// The events written to the outbox.
const (
	// EventProvision: create the resource; report the outcome with
	// ProvisioningSucceeded or ProvisioningFailed.
	EventProvision EventKind = "resource.provision"
	// EventRestrict: the term ended; the resource keeps running, restricted.
	EventRestrict EventKind = "resource.restrict"
	// EventUnrestrict: a restricted resource was renewed.
	EventUnrestrict EventKind = "resource.unrestrict"
	// EventSuspend: stop the resource; keep its data.
	EventSuspend EventKind = "resource.suspend"
	// EventResume: start a suspended resource again.
	EventResume EventKind = "resource.resume"
	// EventRelease: delete the resource and its data.
	EventRelease EventKind = "resource.release"
	// EventResize: apply the resource's new configuration.
	EventResize EventKind = "resource.resize"
	// EventPaymentSucceeded and EventPaymentFailed report a payment's
	// outcome (for receipts and notices).
	EventPaymentSucceeded EventKind = "payment.succeeded"
	EventPaymentFailed    EventKind = "payment.failed"
	// EventPaymentCredited: money arrived for something no longer payable
	// (an order paid meanwhile another way, a payment that had already
	// failed or expired, a link paid twice) and went to the account's cash
	// credit; the payload is a PaymentCreditedPayload.
	EventPaymentCredited EventKind = "payment.credited"
	// EventInvoiceIssued: an invoice or credit note was issued.
	EventInvoiceIssued EventKind = "invoice.issued"
	// EventNotice: send the customer a notice (reminder, renewal result).
	EventNotice EventKind = "notice"
	// EventCollection: automatic invoice payment paid open invoices from
	// the account's credit (CollectionPayload), for the host's e-mail.
	EventCollection EventKind = "invoice.collected"
	// EventUsageStop: a prepaid account's credit fell short of its usage
	// hold too many days in a row; the host must stop its metered services
	// (UsageStopPayload).
	EventUsageStop EventKind = "usage.stop"
)

// CollectedInvoice is one invoice an automatic payment paid (part of).
type CollectedInvoice struct {
	InvoiceID string `json:"invoice_id"`
	// PaymentID is the credit payment made; it is in the payment history
	// and recorded on the invoice.
	PaymentID string       `json:"payment_id"`
	Amount    money.Amount `json:"amount"`
	// Full says the invoice is now paid; otherwise it is partially paid.
	Full bool `json:"full"`
}

// CollectionPayload is the body of an EventCollection event: what one run
// of automatic invoice payment paid from the account's credit, for the
// host's e-mail.
type CollectionPayload struct {
	// Available is the spendable credit before the run.
	Available money.Amount `json:"available"`
	// Paid lists the invoices paid, in payment order (oldest first, then
	// the smaller amount).
	Paid []CollectedInvoice `json:"paid"`
	// Outstanding is what the account still owes on open invoices after
	// the run.
	Outstanding money.Amount `json:"outstanding"`
}

// RefUsageHold is the reference type of the journal entries of a prepaid
// account's credit hold for metered usage: the hold, its release and the
// payment of the usage from it.
const RefUsageHold payment.ReferenceType = "usage_hold"

// UsageStopPayload is the body of an EventUsageStop event: a prepaid
// account's credit fell short of its usage hold on StopAfterShortDays days
// in a row, so the host must stop its metered services (the resources
// listed). The usage so far was settled from the hold when the event was
// written.
type UsageStopPayload struct {
	// ResourceIDs are the account's prepaid resources with metered usage
	// this period.
	ResourceIDs []string `json:"resource_ids"`
	// ShortDays is the streak of short days that stopped the services.
	ShortDays int `json:"short_days"`
	// Shortage is what the last day's hold lacked.
	Shortage money.Amount `json:"shortage"`
}
