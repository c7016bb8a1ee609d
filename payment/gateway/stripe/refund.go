package stripe

import (
	"context"
	"strings"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Refund creates a Stripe Refund of req.Amount for the payment
// req.GatewayRef: a PaymentIntent ("pi_…", what a payment.succeeded event
// and Charge return), a Charge ("ch_…") or the Checkout Session of
// CreatePayment ("cs_…", whose PaymentIntent is read first). The refund
// carries MetaRefundID, MetaPaymentID, MetaAccountID and MetaReason as
// metadata, and Idempotency-Key "cloudbill-refund-<RefundID>".
//
// Stripe refunds in the payment's own currency and has no currency
// parameter, so a request whose PaymentAmount is in another currency than
// Amount is refused before anything is sent. Refunding more than what is
// left of the payment is Stripe's 400, a gateway.ErrInvalidRequest.
//
// RefundResult.Status is Stripe's answer: succeeded is RefundSucceeded
// (cards usually answer so at once); pending and requires_action are
// RefundPending, settled later by a refund.updated webhook or QueryRefund;
// failed and canceled are RefundFailed.
func (g *Gateway) Refund(ctx context.Context, req gateway.RefundRequest) (gateway.RefundResult, error) {
	if err := req.Validate(); err != nil {
		return gateway.RefundResult{}, err
	}
	amount, _, err := toStripe("Amount", req.Amount)
	if err != nil {
		return gateway.RefundResult{}, err
	}
	if !req.PaymentAmount.Currency().IsZero() && req.PaymentAmount.Currency() != req.Amount.Currency() {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "Amount", Reason: "is not in the payment's currency"}
	}
	meta := map[string]string{MetaRefundID: req.RefundID, MetaPaymentID: req.PaymentID}
	if req.AccountID != "" {
		meta[MetaAccountID] = req.AccountID
	}
	if req.Reason != "" {
		meta[MetaReason] = clip(req.Reason)
	}
	params := &stripego.RefundCreateParams{Amount: stripego.Int64(amount), Metadata: meta}
	switch ref := req.GatewayRef; {
	case strings.HasPrefix(ref, "pi_"):
		params.PaymentIntent = stripego.String(ref)
	case strings.HasPrefix(ref, "ch_") || strings.HasPrefix(ref, "py_"):
		params.Charge = stripego.String(ref)
	case strings.HasPrefix(ref, "cs_"):
		pi, err := g.sessionPaymentIntent(ctx, ref)
		if err != nil {
			return gateway.RefundResult{}, err
		}
		params.PaymentIntent = stripego.String(pi)
	default:
		return gateway.RefundResult{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a Stripe PaymentIntent, Charge or Checkout Session id"}
	}
	params.SetIdempotencyKey(idempotencyKey("refund", req.RefundID))
	r, err := g.api.V1Refunds.Create(ctx, params)
	if err != nil {
		return gateway.RefundResult{}, g.classify("create refund", err)
	}
	if r.ID == "" {
		return gateway.RefundResult{}, incomplete("create refund")
	}
	state, reason := refundState(r)
	return gateway.RefundResult{GatewayRef: r.ID, Status: state, FailureReason: reason}, nil
}

// sessionPaymentIntent returns the PaymentIntent of a paid Checkout
// Session; an unpaid one has nothing to refund.
func (g *Gateway) sessionPaymentIntent(ctx context.Context, sessionID string) (string, error) {
	s, err := g.api.V1CheckoutSessions.Retrieve(ctx, sessionID, nil)
	if err != nil {
		return "", g.classify("retrieve checkout session", err)
	}
	if s.PaymentIntent == nil || s.PaymentIntent.ID == "" {
		return "", &gateway.RequestError{Field: "GatewayRef", Reason: "names a Checkout Session that was not paid"}
	}
	return s.PaymentIntent.ID, nil
}

// refundState maps a Stripe Refund's status to the library's, with a
// reason for a failed one.
func refundState(r *stripego.Refund) (gateway.RefundState, string) {
	switch r.Status {
	case stripego.RefundStatusSucceeded:
		return gateway.RefundSucceeded, ""
	case stripego.RefundStatusFailed:
		return gateway.RefundFailed, refundFailureReason(string(r.FailureReason))
	case stripego.RefundStatusCanceled:
		return gateway.RefundFailed, "The refund was canceled."
	}
	return gateway.RefundPending, ""
}

// refundFailureReason words Stripe's refund failure_reason for the user.
func refundFailureReason(code string) string {
	switch code {
	case "expired_or_canceled_card":
		return "The card was expired or canceled, so the refund could not reach it."
	case "lost_or_stolen_card":
		return "The card was reported lost or stolen, so the refund could not reach it."
	}
	return "The refund could not be paid to the original payment method."
}
