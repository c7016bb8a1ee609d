package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
)

// The payload types below are the stable JSON bodies of events: fields are
// only ever added, never renamed or removed, and each kind's shape is pinned
// by a golden test. Decode an Event with its typed accessor (Provision,
// State, Resize, Payment, PaymentCredited, Invoice, Notice) or with Decode.

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

// ErrEventKind reports a typed accessor called on an event of another kind;
// the *EventKindError says which.
var ErrEventKind = errors.New("billing: event is not of the kind asked for")

// EventKindError reports an event of kind Got read as one of Want.
type EventKindError struct {
	Got  EventKind
	Want []EventKind
}

// Error names both kinds.
func (e *EventKindError) Error() string {
	return fmt.Sprintf("billing: event of kind %s read as %v", e.Got, e.Want)
}

// Is makes an *EventKindError match ErrEventKind.
func (e *EventKindError) Is(target error) bool { return target == ErrEventKind }

// decodeAs reads e's payload into a P when e is of one of kinds.
func decodeAs[P any](e Event, kinds ...EventKind) (P, error) {
	var p P
	for _, k := range kinds {
		if e.Kind == k {
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return p, fmt.Errorf("billing: event %s (%s): %w", e.ID, e.Kind, err)
			}
			return p, nil
		}
	}
	return p, &EventKindError{Got: e.Kind, Want: kinds}
}

// Provision returns the payload of an EventProvision event; any other kind
// is an *EventKindError.
func (e Event) Provision() (ProvisionPayload, error) {
	return decodeAs[ProvisionPayload](e, EventProvision)
}

// State returns the payload of a resource state event (EventRestrict,
// EventUnrestrict, EventSuspend, EventResume, EventRelease).
func (e Event) State() (StatePayload, error) {
	return decodeAs[StatePayload](e, EventRestrict, EventUnrestrict, EventSuspend, EventResume, EventRelease)
}

// Resize returns the payload of an EventResize event.
func (e Event) Resize() (ResizePayload, error) { return decodeAs[ResizePayload](e, EventResize) }

// Payment returns the payload of an EventPaymentSucceeded or
// EventPaymentFailed event.
func (e Event) Payment() (PaymentPayload, error) {
	return decodeAs[PaymentPayload](e, EventPaymentSucceeded, EventPaymentFailed)
}

// PaymentCredited returns the payload of an EventPaymentCredited event.
func (e Event) PaymentCredited() (PaymentCreditedPayload, error) {
	return decodeAs[PaymentCreditedPayload](e, EventPaymentCredited)
}

// Invoice returns the payload of an EventInvoiceIssued event.
func (e Event) Invoice() (InvoicePayload, error) {
	return decodeAs[InvoicePayload](e, EventInvoiceIssued)
}

// Notice returns the payload of an EventNotice event.
func (e Event) Notice() (NoticePayload, error) { return decodeAs[NoticePayload](e, EventNotice) }

// Collection returns the payload of an EventCollection event.
func (e Event) Collection() (CollectionPayload, error) {
	return decodeAs[CollectionPayload](e, EventCollection)
}

// UsageStop returns the payload of an EventUsageStop event.
func (e Event) UsageStop() (UsageStopPayload, error) {
	return decodeAs[UsageStopPayload](e, EventUsageStop)
}

// Decode returns e's payload as the typed value of its kind (a
// ProvisionPayload, StatePayload, … — never a pointer), for a type switch;
// an unknown kind is an *EventKindError.
func (e Event) Decode() (any, error) {
	switch e.Kind {
	case EventProvision:
		return e.Provision()
	case EventRestrict, EventUnrestrict, EventSuspend, EventResume, EventRelease:
		return e.State()
	case EventResize:
		return e.Resize()
	case EventPaymentSucceeded, EventPaymentFailed:
		return e.Payment()
	case EventPaymentCredited:
		return e.PaymentCredited()
	case EventInvoiceIssued:
		return e.Invoice()
	case EventNotice:
		return e.Notice()
	case EventCollection:
		return e.Collection()
	case EventUsageStop:
		return e.UsageStop()
	}
	return nil, &EventKindError{Got: e.Kind}
}

// systemKey is the context key under which a delivery carries its System.
type systemKey struct{}

// SystemFromContext returns the System delivering the event whose handler
// received ctx, so that a handler can act on the event (report
// provisioning, read the resource) without capturing the System before
// New returns it. It reports false for any other context.
func SystemFromContext(ctx context.Context) (*System, bool) {
	s, ok := ctx.Value(systemKey{}).(*System)
	return s, ok
}
