package gateway

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CallbackRequest is one callback delivery as the host's HTTP server
// received it. Gateways sign different parts of it: VNPay signs the query
// string of a GET, MoMo and ZaloPay a JSON body, Stripe the raw body with a
// header, so the whole request is handed over.
type CallbackRequest struct {
	// Method is the HTTP method ("GET", "POST").
	Method string
	// Query is the request URL's query string, decoded.
	Query url.Values
	// RawQuery is the query string as received, for gateways that sign its
	// exact bytes.
	RawQuery string
	// Header is the request's header.
	Header http.Header
	// Body is the request body, at most MaxEventSize bytes; empty for a GET.
	Body []byte
}

// CallbackOutcome is what the library made of one callback delivery. A
// gateway expects its own answer for each (VNPay's RspCode "00", "01",
// "02", "04", "97", "99"; MoMo's 204; ZaloPay's return_code), which
// WireFormat.Reply gives. The zero value is not an outcome; values are only
// appended.
type CallbackOutcome uint8

// The callback outcomes.
const (
	// CallbackApplied: the event was authentic and took effect now.
	CallbackApplied CallbackOutcome = iota + 1
	// CallbackDuplicate: the event, or the state it reports, was already
	// recorded; nothing changed. The gateway must stop retrying.
	CallbackDuplicate
	// CallbackUnknownPayment: the event names a payment, refund or link the
	// library does not have. Nothing changed.
	CallbackUnknownPayment
	// CallbackWrongAmount: the event's amount or currency differs from the
	// payment's. The mismatch was recorded and nothing was applied.
	CallbackWrongAmount
	// CallbackRejected: the delivery failed authentication or could not be
	// decoded (bad signature, malformed, too old). Nothing changed.
	CallbackRejected
	// CallbackFailed: the library could not record the event (storage
	// failure); the gateway should deliver it again.
	CallbackFailed
	// CallbackIgnored: the delivery was authentic but reports nothing to
	// apply (ErrIgnoredEvent: an event type the library does not act on;
	// ErrNotFinal: a payment the provider has not settled yet). Nothing
	// changed; the gateway should stop delivering it.
	CallbackIgnored
)

// String returns "applied", "duplicate", "unknown_payment", "wrong_amount",
// "rejected", "failed" or "ignored", and "CallbackOutcome(<n>)" for other values.
func (o CallbackOutcome) String() string {
	switch o {
	case CallbackApplied:
		return "applied"
	case CallbackDuplicate:
		return "duplicate"
	case CallbackUnknownPayment:
		return "unknown_payment"
	case CallbackWrongAmount:
		return "wrong_amount"
	case CallbackRejected:
		return "rejected"
	case CallbackFailed:
		return "failed"
	case CallbackIgnored:
		return "ignored"
	}
	return "CallbackOutcome(" + strconv.Itoa(int(o)) + ")"
}

// Valid reports whether o is one of the defined outcomes.
func (o CallbackOutcome) Valid() bool { return o >= CallbackApplied && o <= CallbackIgnored }

// CallbackReply is the HTTP answer a gateway expects to a callback.
type CallbackReply struct {
	// Status is the HTTP status code.
	Status int
	// ContentType is the body's media type; empty with an empty body.
	ContentType string
	// Body is the exact response body the gateway reads, if any.
	Body []byte
}

// WireFormat is implemented by a Gateway whose callbacks are not this
// package's signed POST of one JSON event: it owns the HTTP methods, where
// the signed data is and the answer the gateway expects. The library's
// callback handler uses ReadCallback instead of ParseCallback when a gateway
// implements it, and always answers with Reply.
type WireFormat interface {
	// CallbackMethods lists the HTTP methods the gateway delivers callbacks
	// with ("GET" for VNPay's IPN, "POST" for most). A delivery with another
	// method is answered 405 without calling ReadCallback.
	CallbackMethods() []string

	// ReadCallback authenticates and decodes one delivery, using now (the
	// library's clock) where the gateway's format has a timestamp. The
	// rules are ParseCallback's: a forged or malformed delivery is an error
	// and the zero Event; it must not keep req's slices or maps.
	ReadCallback(now time.Time, req CallbackRequest) (Event, error)

	// Reply is the answer the gateway expects for outcome. It never fails:
	// an outcome the gateway has no specific answer for gets its generic
	// error answer.
	Reply(outcome CallbackOutcome) CallbackReply
}

// DefaultReply is the answer to this package's callback format: 200 with an
// empty body for an applied, duplicate or ignored event, 400 for an unknown
// payment, a wrong amount or a rejected delivery, and 500 for a failure,
// which the sender retries.
func DefaultReply(outcome CallbackOutcome) CallbackReply {
	switch outcome {
	case CallbackApplied, CallbackDuplicate, CallbackIgnored:
		return CallbackReply{Status: http.StatusOK}
	case CallbackUnknownPayment, CallbackWrongAmount, CallbackRejected:
		return CallbackReply{Status: http.StatusBadRequest}
	}
	return CallbackReply{Status: http.StatusInternalServerError}
}
