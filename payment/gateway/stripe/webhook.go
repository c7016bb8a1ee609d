package stripe

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// SignatureHeader is the header Stripe signs webhooks in:
// "t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…]".
const SignatureHeader = "Stripe-Signature"

// maxSignatureHeader bounds the header this adapter parses.
const maxSignatureHeader = 4096

// CallbackMethods returns ["POST"]: Stripe POSTs every webhook.
func (g *Gateway) CallbackMethods() []string { return []string{http.MethodPost} }

// Reply is the answer Stripe expects. Stripe reads only the status: any
// 2xx ends the delivery, anything else is retried for up to three days,
// after which Stripe emails the account and may disable the endpoint. So
// every outcome that a redelivery cannot change is a 200 with an empty
// body (applied, duplicate, an unknown payment, a wrong amount, and an
// ignored event, which the library answers as a duplicate); a rejected
// delivery (bad signature, malformed, too old) is 400, so a wrong webhook
// secret shows up as failing deliveries in Stripe's dashboard instead of
// losing events silently; a failure to record, or any other outcome, is
// 500, which Stripe retries.
func (g *Gateway) Reply(outcome gateway.CallbackOutcome) gateway.CallbackReply {
	switch outcome {
	case gateway.CallbackApplied, gateway.CallbackDuplicate, gateway.CallbackUnknownPayment, gateway.CallbackWrongAmount, gateway.CallbackIgnored:
		return gateway.CallbackReply{Status: http.StatusOK}
	case gateway.CallbackRejected:
		return gateway.CallbackReply{Status: http.StatusBadRequest}
	}
	return gateway.CallbackReply{Status: http.StatusInternalServerError}
}

// ParseCallback is ReadCallback for a POST with header and body.
func (g *Gateway) ParseCallback(now time.Time, header http.Header, body []byte) (gateway.Event, error) {
	return g.ReadCallback(now, gateway.CallbackRequest{Method: http.MethodPost, Header: header, Body: body})
}

// ReadCallback is ReadCallbackContext bounded by Config.CallbackTimeout.
// The contract gives ReadCallback no context, and a link.succeeded event
// needs one API request (see ReadCallbackContext); a host that has the
// request's context should call ReadCallbackContext.
func (g *Gateway) ReadCallback(now time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	ctx, cancel := context.WithTimeout(context.Background(), g.cfg.CallbackTimeout)
	defer cancel()
	return g.ReadCallbackContext(ctx, now, req)
}

// ReadCallbackContext authenticates one webhook delivery and maps its event.
//
// Authentication: the Stripe-Signature header must carry exactly one
// timestamp and a v1 signature that the SDK's
// webhook.ConstructEventWithOptions verifies under one of
// Config.WebhookSecrets (HMAC-SHA256 of "<t>.<body>", constant-time). The
// SDK judges a timestamp's age by the system clock, so it is called with
// its tolerance disabled and the adapter judges the timestamp against now:
// more than Config.Tolerance before now is gateway.ErrTooOld, more than it
// after now gateway.ErrTooNew, each in a *gateway.SignatureError. The
// event's API version is not checked against the SDK's: the fields read
// here are the same in every version since 2022-11-15.
//
// Mapping (Event.ID is Stripe's event id, OccurredAt its creation time):
//
//	checkout.session.completed (paid),
//	checkout.session.async_payment_succeeded   payment.succeeded (GatewayRef the PaymentIntent)
//	checkout.session.async_payment_failed      payment.failed
//	checkout.session.expired                   payment.expired, or link.failed for a setup session
//	payment_intent.succeeded                   payment.succeeded   (Charge's PaymentIntents only)
//	payment_intent.payment_failed, .canceled   payment.failed      (Charge's PaymentIntents only)
//	setup_intent.succeeded                     link.succeeded (Token, Display "Visa •••• 4242")
//	refund.created, refund.updated,
//	refund.failed                              refund.succeeded or refund.failed, once final
//
// Everything else is an *IgnoredEventError (matching
// gateway.ErrIgnoredEvent), which the library answers with 200: other
// event types, objects without this adapter's metadata, a session not
// paid yet, a pending refund, the PaymentIntent events of a checkout (a
// card declined on the Checkout page is not a failed payment, the user
// may try again until the session expires), and charge.refunded, which
// names the charge rather than the refund (refund.* events carry the
// refund's own metadata).
//
// A setup_intent.succeeded event names its payment method without the
// card's brand and last digits, so mapping it reads the payment method
// from the API; if that fails the error matches gateway.ErrTemporary and
// the library answers 500, so Stripe delivers it again.
func (g *Gateway) ReadCallbackContext(ctx context.Context, now time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	if req.Method != "" && req.Method != http.MethodPost {
		return gateway.Event{}, &gateway.EventError{Reason: "was not delivered by POST"}
	}
	ev, err := g.verify(now, req.Header, req.Body)
	if err != nil {
		return gateway.Event{}, err
	}
	return g.mapEvent(ctx, ev)
}

// verify authenticates a delivery and decodes its event.
func (g *Gateway) verify(now time.Time, header http.Header, body []byte) (stripego.Event, error) {
	value := header.Get(SignatureHeader)
	if value == "" {
		return stripego.Event{}, &gateway.SignatureError{Err: gateway.ErrNotSigned, Reason: "no " + SignatureHeader + " header"}
	}
	signedAt, n, err := parseSignatureHeader(value)
	if err != nil {
		return stripego.Event{}, err
	}
	if len(body) > gateway.MaxEventSize {
		return stripego.Event{}, &gateway.EventError{Reason: "is larger than " + strconv.Itoa(gateway.MaxEventSize) + " bytes"}
	}
	opts := webhook.ConstructEventOptions{IgnoreTolerance: true, IgnoreAPIVersionMismatch: true}
	var ev stripego.Event
	verified := false
	for _, secret := range g.cfg.WebhookSecrets {
		ev, err = webhook.ConstructEventWithOptions(body, value, secret, opts)
		if errors.Is(err, webhook.ErrNoValidSignature) {
			continue
		}
		if errors.Is(err, webhook.ErrInvalidHeader) || errors.Is(err, webhook.ErrNotSigned) {
			return stripego.Event{}, &gateway.SignatureError{Err: gateway.ErrMalformedSignature, Reason: "the SDK cannot parse the header", SignedAt: signedAt, Signatures: n}
		}
		verified = true
		break
	}
	if !verified {
		return stripego.Event{}, &gateway.SignatureError{Err: gateway.ErrBadSignature, Reason: "no v1 signature matches the body under any webhook secret", SignedAt: signedAt, Signatures: n}
	}
	switch {
	case now.Sub(signedAt) > g.cfg.Tolerance:
		return stripego.Event{}, &gateway.SignatureError{Err: gateway.ErrTooOld, Reason: "signed more than " + g.cfg.Tolerance.String() + " before now", SignedAt: signedAt, Signatures: n}
	case signedAt.Sub(now) > g.cfg.Tolerance:
		return stripego.Event{}, &gateway.SignatureError{Err: gateway.ErrTooNew, Reason: "signed more than " + g.cfg.Tolerance.String() + " after now", SignedAt: signedAt, Signatures: n}
	}
	if err != nil { // authentic, but not an event
		return stripego.Event{}, &gateway.EventError{Reason: "is not a Stripe event"}
	}
	if ev.ID == "" || ev.Type == "" || ev.Data == nil {
		return stripego.Event{}, &gateway.EventError{Reason: "is not a Stripe event"}
	}
	return ev, nil
}

// parseSignatureHeader reads the timestamp of a Stripe-Signature header
// and counts its v1 signatures. It is stricter than the SDK, which takes
// the last of several timestamps: a header with no or several
// timestamps, a timestamp that is not decimal seconds, or no v1
// signature is gateway.ErrMalformedSignature, so the time judged here is
// always the time the SDK verified.
func parseSignatureHeader(value string) (time.Time, int, error) {
	malformed := func(reason string) error {
		return &gateway.SignatureError{Err: gateway.ErrMalformedSignature, Reason: reason}
	}
	if len(value) > maxSignatureHeader {
		return time.Time{}, 0, malformed("header is longer than " + strconv.Itoa(maxSignatureHeader) + " bytes")
	}
	var ts string
	timestamps, signatures := 0, 0
	for _, pair := range strings.Split(value, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return time.Time{}, 0, malformed("a part is not key=value")
		}
		switch k {
		case "t":
			ts = v
			timestamps++
		case "v1":
			signatures++
		}
	}
	if timestamps != 1 {
		return time.Time{}, 0, malformed("header must carry exactly one timestamp")
	}
	if ts == "" || len(ts) > 12 || strings.Trim(ts, "0123456789") != "" {
		return time.Time{}, 0, malformed("timestamp is not decimal seconds")
	}
	if signatures == 0 {
		return time.Time{}, 0, malformed("header has no v1 signature")
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, 0, malformed("timestamp is not decimal seconds")
	}
	return time.Unix(unix, 0).UTC(), signatures, nil
}
