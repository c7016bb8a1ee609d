package stripe

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// APIError is an error answer of Stripe's API, classified for the library:
// it matches exactly one of gateway.ErrTemporary, ErrInvalidRequest,
// ErrConflict, ErrNotFound or ErrDeclined with errors.Is. It keeps only
// what is safe to log: Stripe's error objects may embed a PaymentIntent
// or SetupIntent with its client secret, so the SDK's error is not kept.
type APIError struct {
	// Op is the request that failed ("create checkout session").
	Op string
	// Status is the HTTP status (402 for a card error, 404, 429, 500…).
	Status int
	// Type is Stripe's error type ("card_error", "invalid_request_error",
	// "idempotency_error", "api_error").
	Type string
	// Code is Stripe's error code ("resource_missing",
	// "amount_too_large"), if any.
	Code string
	// DeclineCode is the card issuer's reason for a card error
	// ("insufficient_funds"), if any.
	DeclineCode string
	// Message is Stripe's message for developers.
	Message string
	// RequestID is Stripe's id of the request, for its dashboard and
	// support.
	RequestID string
	// Class is the gateway sentinel the error matches.
	Class error
}

// Error states the class, Stripe's type, code and message.
func (e *APIError) Error() string {
	s := fmt.Sprintf("stripe: %s: %v: %d %s", e.Op, e.Class, e.Status, e.Type)
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " [" + e.RequestID + "]"
	}
	return s
}

// Unwrap returns Class, so errors.Is matches the gateway sentinel.
func (e *APIError) Unwrap() error { return e.Class }

// classify turns an error of the SDK into the gateway's terms. A
// *stripe.Error becomes an *APIError: 404 ErrNotFound; 400 with type
// idempotency_error ErrConflict (the id was used for another request);
// other 400s, 401 and 403 ErrInvalidRequest (the request, or the key, can
// never work as given); 402 ErrDeclined; 409 (a concurrent request with
// the same key), 429 and 5xx ErrTemporary. Anything else (a network
// error, a cancelled context, an answer that did not decode) is
// ErrTemporary, because the request may have taken effect. The secret key
// is removed from Stripe's message, which may quote the Authorization
// header it refused.
func (g *Gateway) classify(op string, err error) error {
	var se *stripego.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("stripe: %s: %w: %w", op, gateway.ErrTemporary, err)
	}
	ae := &APIError{
		Op:          op,
		Status:      se.HTTPStatusCode,
		Type:        string(se.Type),
		Code:        string(se.Code),
		DeclineCode: string(se.DeclineCode),
		Message:     strings.ReplaceAll(se.Msg, g.cfg.SecretKey, redacted),
		RequestID:   se.RequestID,
	}
	switch {
	case se.Type == stripego.ErrorTypeIdempotency:
		ae.Class = gateway.ErrConflict
	case se.HTTPStatusCode == http.StatusNotFound:
		ae.Class = gateway.ErrNotFound
	case se.HTTPStatusCode == http.StatusPaymentRequired || se.Type == stripego.ErrorTypeCard:
		ae.Class = gateway.ErrDeclined
	case se.HTTPStatusCode == http.StatusConflict || se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500:
		ae.Class = gateway.ErrTemporary
	case se.HTTPStatusCode >= 400:
		ae.Class = gateway.ErrInvalidRequest
	default:
		ae.Class = gateway.ErrTemporary
	}
	return ae
}

// IgnoredEventError is returned by ReadCallback and ParseCallback for an
// authentic event the library has nothing to do with: a type this adapter
// does not map, an object this adapter did not create (no Cloudbill
// metadata), a Checkout Session completed but not yet paid, or a
// PaymentIntent event of a checkout (its Checkout Session events report
// it). It matches gateway.ErrIgnoredEvent, so the library answers 200 and
// Stripe stops delivering it.
type IgnoredEventError struct {
	// EventID is Stripe's event id.
	EventID string
	// Type is Stripe's event type ("customer.created").
	Type string
	// Reason says why it was ignored.
	Reason string
}

// Error names the event and why it was ignored.
func (e *IgnoredEventError) Error() string {
	return fmt.Sprintf("stripe: event %s (%s) ignored: %s", e.EventID, e.Type, e.Reason)
}

// Is makes an *IgnoredEventError match gateway.ErrIgnoredEvent.
func (e *IgnoredEventError) Is(target error) bool { return target == gateway.ErrIgnoredEvent }
