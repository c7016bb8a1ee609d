package stripe_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func refundRequest(t *testing.T) gateway.RefundRequest {
	return gateway.RefundRequest{PaymentID: "pay_1", RefundID: "ref_1", GatewayRef: "pi_paid_1", Amount: amt(t, "500 JPY"),
		AccountID: "acct_1", PaymentAmount: amt(t, "1500 JPY"), CreatedAt: t0, Reason: "resource deleted"}
}

func TestRefundSendsTheAmountWithItsIDs(t *testing.T) {
	g, rec := newGateway(t)
	rec.patch("POST /v1/refunds", map[string]any{"status": "succeeded"})
	res, err := g.Refund(t.Context(), refundRequest(t))
	require.NoError(t, err)
	require.Equal(t, gateway.RefundSucceeded, res.Status)
	require.Regexp(t, `^re_`, res.GatewayRef)

	s := only(t, rec, "POST", "/v1/refunds")
	require.Equal(t, "cloudbill-refund-ref_1", s.Key())
	for k, want := range map[string]string{
		"payment_intent": "pi_paid_1", "amount": "500",
		"metadata[cloudbill_refund_id]": "ref_1", "metadata[cloudbill_payment_id]": "pay_1",
		"metadata[cloudbill_account_id]": "acct_1", "metadata[cloudbill_reason]": "resource deleted",
	} {
		require.Equal(t, want, s.Form.Get(k), k)
	}
}

func TestRefundStatusIsStripes(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   gateway.RefundState
		reason string
	}{
		{"succeeded", gateway.RefundSucceeded, ""},
		{"pending", gateway.RefundPending, ""},
		{"requires_action", gateway.RefundPending, ""},
		{"failed", gateway.RefundFailed, "The card was reported lost or stolen, so the refund could not reach it."},
		{"canceled", gateway.RefundFailed, "The refund was canceled."},
	} {
		t.Run(tc.status, func(t *testing.T) {
			g, rec := newGateway(t)
			rec.patch("POST /v1/refunds", map[string]any{"status": tc.status, "failure_reason": "lost_or_stolen_card"})
			res, err := g.Refund(t.Context(), refundRequest(t))
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Status)
			require.Equal(t, tc.reason, res.FailureReason)
		})
	}
}

func TestRefundOfACheckoutSessionRefundsItsPaymentIntent(t *testing.T) {
	g, rec := newGateway(t)
	rec.patch("GET /v1/checkout/sessions/cs_paid_1", map[string]any{"payment_intent": "pi_from_session"})
	req := refundRequest(t)
	req.GatewayRef = "cs_paid_1"
	_, err := g.Refund(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, "pi_from_session", only(t, rec, "POST", "/v1/refunds").Form.Get("payment_intent"))

	rec.patch("GET /v1/checkout/sessions/cs_paid_1", map[string]any{"payment_intent": nil})
	_, err = g.Refund(t.Context(), req)
	require.ErrorIs(t, err, gateway.ErrInvalidRequest, "an unpaid session has nothing to refund")
}

func TestRefundRefusesWhatStripeWouldMisreadWithoutSending(t *testing.T) {
	g, rec := newOfflineGateway(t)
	for name, edit := range map[string]func(*gateway.RefundRequest){
		"an amount in another currency than the payment": func(r *gateway.RefundRequest) { r.Amount = amt(t, "5 USD") },
		"a reference that is not Stripe's":               func(r *gateway.RefundRequest) { r.GatewayRef = "MOMO-1" },
		"0.5 JPY":                                        func(r *gateway.RefundRequest) { r.Amount = amt(t, "0.5 JPY") },
	} {
		req := refundRequest(t)
		edit(&req)
		_, err := g.Refund(t.Context(), req)
		require.ErrorIs(t, err, gateway.ErrInvalidRequest, name)
	}
	require.Empty(t, rec.sent())
	rec.answer("POST /v1/refunds", 400, stripeError("invalid_request_error", "charge_already_refunded", "", ""))
	_, err := g.Refund(t.Context(), refundRequest(t))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
}
