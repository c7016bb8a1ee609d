package stripe

import (
	"context"
	"encoding/json"
	"time"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// EventTypes returns the Stripe event types this adapter maps, the list to
// enable on the webhook endpoint (Stripe's enabled_events). Other types
// are answered 200 and ignored, so enabling more costs only traffic. The
// slice is new on each call.
func EventTypes() []string {
	return []string{
		"checkout.session.completed",
		"checkout.session.async_payment_succeeded",
		"checkout.session.async_payment_failed",
		"checkout.session.expired",
		"payment_intent.succeeded",
		"payment_intent.payment_failed",
		"payment_intent.canceled",
		"setup_intent.succeeded",
		"refund.created",
		"refund.updated",
		"refund.failed",
	}
}

// mapEvent turns an authentic Stripe event into the library's Event, or an
// *IgnoredEventError, or an *gateway.EventError for an event of ours that
// lacks what its type needs.
func (g *Gateway) mapEvent(ctx context.Context, se stripego.Event) (gateway.Event, error) {
	ev := gateway.Event{ID: se.ID, Gateway: g.cfg.Name, OccurredAt: time.Unix(se.Created, 0).UTC()}
	ignore := func(reason string) (gateway.Event, error) {
		return gateway.Event{}, &IgnoredEventError{EventID: se.ID, Type: string(se.Type), Reason: reason}
	}
	var (
		reason string
		err    error
	)
	switch t := string(se.Type); t {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded",
		"checkout.session.async_payment_failed", "checkout.session.expired":
		var s stripego.CheckoutSession
		if err := decodeObject(se, &s); err != nil {
			return gateway.Event{}, err
		}
		reason, err = checkoutEvent(t, &s, &ev)
	case "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled":
		var pi stripego.PaymentIntent
		if err := decodeObject(se, &pi); err != nil {
			return gateway.Event{}, err
		}
		reason, err = paymentIntentEvent(t, &pi, &ev)
	case "setup_intent.succeeded":
		var si stripego.SetupIntent
		if err := decodeObject(se, &si); err != nil {
			return gateway.Event{}, err
		}
		ev.LinkID = si.Metadata[MetaLinkID]
		if ev.LinkID == "" {
			return ignore("the SetupIntent was not created by this adapter")
		}
		account := si.Metadata[MetaAccountID]
		if account == "" {
			return gateway.Event{}, &gateway.EventError{Field: "metadata", Reason: "lacks the account id"}
		}
		ev.Type = gateway.EventLinkSucceeded
		ev.GatewayRef = si.ID
		ev.Token, ev.Display, err = g.linkedCard(ctx, &si, account)
	case "refund.created", "refund.updated", "refund.failed":
		var r stripego.Refund
		if err := decodeObject(se, &r); err != nil {
			return gateway.Event{}, err
		}
		reason, err = refundEvent(&r, &ev)
	case "charge.refunded":
		return ignore("refunds are reported by refund.* events, which carry the refund's metadata")
	default:
		return ignore("not an event type this adapter maps")
	}
	if reason != "" {
		return ignore(reason)
	}
	if err != nil {
		return gateway.Event{}, err
	}
	// EncodeEvent applies the gateway package's rules for each type
	// (required ids, lengths, amounts), so an event of ours that misses
	// something is refused here rather than half-applied.
	if _, err := gateway.EncodeEvent(ev); err != nil {
		return gateway.Event{}, err
	}
	return ev, nil
}

// decodeObject decodes the event's data.object into v.
func decodeObject(se stripego.Event, v any) error {
	if err := json.Unmarshal(se.Data.Raw, v); err != nil {
		return &gateway.EventError{Field: "data.object", Reason: "is not the object its type names"}
	}
	return nil
}

// checkoutEvent maps a Checkout Session event into ev, or returns why it is
// ignored.
func checkoutEvent(t string, s *stripego.CheckoutSession, ev *gateway.Event) (ignored string, err error) {
	if s.Mode == stripego.CheckoutSessionModeSetup {
		if t != "checkout.session.expired" {
			return "a setup session completes through setup_intent.succeeded", nil
		}
		ev.LinkID = s.Metadata[MetaLinkID]
		if ev.LinkID == "" {
			return "the Checkout Session was not created by this adapter", nil
		}
		ev.Type = gateway.EventLinkFailed
		ev.GatewayRef = s.ID
		ev.FailureReason = "The card was not saved before the page expired."
		return "", nil
	}
	ev.PaymentID = s.Metadata[MetaPaymentID]
	if s.Mode != stripego.CheckoutSessionModePayment || ev.PaymentID == "" {
		return "the Checkout Session was not created by this adapter", nil
	}
	ev.GatewayRef = s.ID
	switch t {
	case "checkout.session.expired":
		ev.Type = gateway.EventPaymentExpired
	case "checkout.session.async_payment_failed":
		ev.Type = gateway.EventPaymentFailed
		ev.FailureReason = "The payment did not go through."
	default:
		if s.PaymentStatus != stripego.CheckoutSessionPaymentStatusPaid {
			return "the session is complete but not paid yet; checkout.session.async_payment_succeeded or _failed follows", nil
		}
		amount, ok := fromStripe(s.AmountTotal, string(s.Currency))
		if !ok || !amount.IsPositive() {
			return "", &gateway.EventError{Field: "amount_total", Reason: "is not a positive amount of a known currency"}
		}
		ev.Type = gateway.EventPaymentSucceeded
		ev.Amount = amount
		if s.PaymentIntent != nil && s.PaymentIntent.ID != "" {
			ev.GatewayRef = s.PaymentIntent.ID
		}
	}
	return "", nil
}

// paymentIntentEvent maps a PaymentIntent event of a Charge into ev, or
// returns why it is ignored.
func paymentIntentEvent(t string, pi *stripego.PaymentIntent, ev *gateway.Event) (ignored string, err error) {
	ev.PaymentID = pi.Metadata[MetaPaymentID]
	if ev.PaymentID == "" {
		return "the PaymentIntent was not created by this adapter", nil
	}
	if pi.Metadata[MetaFlow] != flowCharge {
		return "the PaymentIntent belongs to a Checkout Session, whose events report it", nil
	}
	ev.GatewayRef = pi.ID
	switch t {
	case "payment_intent.succeeded":
		received := pi.AmountReceived
		if received == 0 {
			received = pi.Amount
		}
		amount, ok := fromStripe(received, string(pi.Currency))
		if !ok || !amount.IsPositive() {
			return "", &gateway.EventError{Field: "amount_received", Reason: "is not a positive amount of a known currency"}
		}
		ev.Type = gateway.EventPaymentSucceeded
		ev.Amount = amount
	case "payment_intent.canceled":
		ev.Type = gateway.EventPaymentFailed
		ev.FailureReason = "The payment was canceled."
	default:
		ev.Type = gateway.EventPaymentFailed
		ev.FailureReason = paymentErrorReason(pi.LastPaymentError)
	}
	return "", nil
}

// refundEvent maps a Refund event into ev once the refund is final, or
// returns why it is ignored.
func refundEvent(r *stripego.Refund, ev *gateway.Event) (ignored string, err error) {
	ev.RefundID = r.Metadata[MetaRefundID]
	if ev.RefundID == "" {
		return "the refund was not created by this adapter", nil
	}
	ev.PaymentID = r.Metadata[MetaPaymentID]
	ev.GatewayRef = r.ID
	state, reason := refundState(r)
	switch state {
	case gateway.RefundSucceeded:
		amount, ok := fromStripe(r.Amount, string(r.Currency))
		if !ok || !amount.IsPositive() {
			return "", &gateway.EventError{Field: "amount", Reason: "is not a positive amount of a known currency"}
		}
		ev.Type = gateway.EventRefundSucceeded
		ev.Amount = amount
	case gateway.RefundFailed:
		ev.Type = gateway.EventRefundFailed
		ev.FailureReason = reason
	default:
		return "the refund is still pending", nil
	}
	return "", nil
}
