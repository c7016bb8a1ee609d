package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

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

// PaymentMismatch returns the payload of an EventPaymentMismatch event.
func (e Event) PaymentMismatch() (PaymentMismatchPayload, error) {
	return decodeAs[PaymentMismatchPayload](e, EventPaymentMismatch)
}

// Refund returns the payload of an EventRefundRequested,
// EventRefundSucceeded or EventRefundFailed event.
func (e Event) Refund() (RefundPayload, error) {
	return decodeAs[RefundPayload](e, EventRefundRequested, EventRefundSucceeded, EventRefundFailed)
}

// EInvoice returns the payload of an EventEInvoiceIssued or
// EventEInvoiceStatus event.
func (e Event) EInvoice() (EInvoicePayload, error) {
	return decodeAs[EInvoicePayload](e, EventEInvoiceIssued, EventEInvoiceStatus)
}

// EInvoiceFailed returns the payload of an EventEInvoiceFailed event.
func (e Event) EInvoiceFailed() (EInvoiceFailedPayload, error) {
	return decodeAs[EInvoiceFailedPayload](e, EventEInvoiceFailed)
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
	case EventPaymentMismatch:
		return e.PaymentMismatch()
	case EventRefundRequested, EventRefundSucceeded, EventRefundFailed:
		return e.Refund()
	case EventEInvoiceIssued, EventEInvoiceStatus:
		return e.EInvoice()
	case EventEInvoiceFailed:
		return e.EInvoiceFailed()
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
