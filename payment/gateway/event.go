package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// MaxEventSize is the largest callback body DecodeEvent and VerifyAndDecode
// accept, in bytes. Real events are a few hundred bytes; the bound keeps a
// hostile sender from making the library hash or parse megabytes.
const MaxEventSize = 64 << 10

// Event is one authenticated callback from a provider. Which fields are set
// depends on Type (see DecodeEvent for the rules of this package's format).
type Event struct {
	// ID is the provider's unique id of the event. The library applies an
	// event at most once per (Gateway, ID): a redelivery keeps its ID.
	ID string
	// Gateway is the Name of the gateway that sent it.
	Gateway string
	// Type says what happened.
	Type EventType
	// PaymentID is the library's payment id, for payment and refund events.
	PaymentID string
	// LinkID is the library's link id, for link events.
	LinkID string
	// RefundID is the library's refund id, for refund events.
	RefundID string
	// GatewayRef is the provider's reference of the payment, link or refund.
	GatewayRef string
	// Amount is the amount paid or refunded; positive whole minor units when
	// set.
	Amount money.Amount
	// Token is the linked account's credential, for link.succeeded only.
	Token Token
	// Display is the masked name of a linked account ("MoMo •••• 4242"),
	// safe to show and log.
	Display string
	// FailureReason says why a payment or link failed, fit to show the user.
	FailureReason string
	// OccurredAt is when the provider says it happened (UTC after decoding).
	OccurredAt time.Time
}

// ErrMalformedEvent: a callback body is not a valid event of this package's
// format. Every *EventError matches it.
var ErrMalformedEvent = errors.New("gateway: malformed event")

// EventError says which field of an event was rejected and why. Field is the
// JSON name ("amount"), or "" for the body as a whole. Reason is fixed text
// that never quotes the input, so the error is safe to log. It matches
// ErrMalformedEvent with errors.Is.
type EventError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *EventError) Error() string {
	if e.Field == "" {
		return "gateway: malformed event: body " + e.Reason
	}
	return "gateway: malformed event: " + e.Field + " " + e.Reason
}

// Is makes an *EventError match ErrMalformedEvent.
func (e *EventError) Is(target error) bool { return target == ErrMalformedEvent }

// EncodeEvent returns ev in the callback format that DecodeEvent reads: one
// JSON object, fields in a fixed order, empty optional fields left out,
// Amount as a string ("150000 VND") and OccurredAt in RFC 3339 UTC. Unlike
// Token's own marshalling, the raw token is written, since delivering it is
// the purpose of a link.succeeded callback. An event DecodeEvent would
// reject is refused with the same *EventError, so what is encoded always
// decodes to an equal Event.
func EncodeEvent(ev Event) ([]byte, error) {
	if err := validateEvent(ev); err != nil {
		return nil, err
	}
	w := wireEvent{
		ID:            ev.ID,
		Gateway:       ev.Gateway,
		Type:          ev.Type.String(),
		PaymentID:     ev.PaymentID,
		LinkID:        ev.LinkID,
		RefundID:      ev.RefundID,
		GatewayRef:    ev.GatewayRef,
		Amount:        ev.Amount.String(),
		Token:         ev.Token.Reveal(),
		Display:       ev.Display,
		FailureReason: ev.FailureReason,
		OccurredAt:    ev.OccurredAt.UTC().Format(time.RFC3339Nano),
	}
	b, err := json.Marshal(w)
	if err != nil { // unreachable: wireEvent holds only strings
		return nil, fmt.Errorf("gateway: encode event: %w", err)
	}
	if len(b) > MaxEventSize {
		return nil, &EventError{Reason: "is larger than " + strconv.Itoa(MaxEventSize) + " bytes"}
	}
	return b, nil
}

// DecodeEvent reads one event in the callback format:
//
//	{
//	  "id":             "evt_000001",          required, the provider's event id
//	  "gateway":        "momo",                required, the gateway's Name
//	  "type":           "payment.succeeded",   required, an EventType wire name
//	  "payment_id":     "pay_1",
//	  "link_id":        "link_1",
//	  "refund_id":      "ref_1",
//	  "gateway_ref":    "MOMO-8812",
//	  "amount":         "150000 VND",          a string, never a JSON number
//	  "token":          "...",                 link.succeeded only
//	  "display":        "MoMo •••• 4242",
//	  "failure_reason": "insufficient funds",
//	  "occurred_at":    "2024-05-01T10:00:00Z" required, RFC 3339
//	}
//
// Each type requires its fields: payment.succeeded payment_id, gateway_ref
// and amount; payment.failed and payment.expired payment_id; link.succeeded
// link_id, token and display; link.failed link_id; refund.succeeded
// payment_id, refund_id and amount. A token on any other type is refused, so
// a credential cannot slip into a record that does not expect one.
//
// Decoding is strict: a body over MaxEventSize, anything but one JSON
// object, a field name not spelled exactly as above or given twice, a value
// that is not a JSON string (null included), a missing or unknown type, a missing id, an
// amount that is not a positive whole number of minor units ("150000 VND",
// "12.50 USD"), ids over MaxIDLen bytes, text over MaxTextLen bytes, control
// characters, or a timestamp that is not RFC 3339 all give an *EventError
// (matching ErrMalformedEvent) and the zero Event. DecodeEvent does not
// authenticate; use VerifyAndDecode for a callback.
func DecodeEvent(body []byte) (Event, error) {
	if len(body) > MaxEventSize {
		return Event{}, &EventError{Reason: "is larger than " + strconv.Itoa(MaxEventSize) + " bytes"}
	}
	w, err := decodeWire(body)
	if err != nil {
		return Event{}, err
	}
	ev := Event{
		ID:            w.ID,
		Gateway:       w.Gateway,
		PaymentID:     w.PaymentID,
		LinkID:        w.LinkID,
		RefundID:      w.RefundID,
		GatewayRef:    w.GatewayRef,
		Token:         NewToken(w.Token),
		Display:       w.Display,
		FailureReason: w.FailureReason,
	}
	if w.Type == "" {
		return Event{}, &EventError{Field: "type", Reason: "is missing"}
	}
	t, err := ParseEventType(w.Type)
	if err != nil {
		return Event{}, err
	}
	ev.Type = t
	if w.Amount != "" {
		a, err := money.Parse(w.Amount)
		if err != nil {
			return Event{}, &EventError{Field: "amount", Reason: `is not an amount such as "150000 VND"`}
		}
		ev.Amount = a
	}
	if w.OccurredAt == "" {
		return Event{}, &EventError{Field: "occurred_at", Reason: "is missing"}
	}
	at, err := time.Parse(time.RFC3339Nano, w.OccurredAt)
	if err != nil {
		return Event{}, &EventError{Field: "occurred_at", Reason: "is not an RFC 3339 time"}
	}
	ev.OccurredAt = at.UTC()
	if err := validateEvent(ev); err != nil {
		return Event{}, err
	}
	return ev, nil
}
