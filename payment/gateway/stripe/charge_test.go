package stripe_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// linkedToken is the token a link.succeeded event gives account acct_1 for
// customer cus_1's card pm_card_1.
func linkedToken(t *testing.T) gateway.Token {
	g, rec := newOfflineGateway(t)
	rec.answer("GET /v1/payment_methods/pm_card_1", 200, `{"id":"pm_card_1","object":"payment_method","type":"card","card":{"brand":"visa","last4":"4242"}}`)
	body := stripeEvent("evt_si", "setup_intent.succeeded", t0, map[string]any{
		"id": "seti_1", "object": "setup_intent", "status": "succeeded", "customer": "cus_1", "payment_method": "pm_card_1",
		"metadata": map[string]any{"cloudbill_link_id": "link_1", "cloudbill_account_id": "acct_1"},
	})
	ev, err := g.ReadCallback(t0, delivery(testSecret, t0, body))
	require.NoError(t, err)
	return ev.Token
}

func chargeRequest(t *testing.T) gateway.ChargeRequest {
	return gateway.ChargeRequest{PaymentID: "pay_2", AccountID: "acct_1", Token: linkedToken(t), Amount: amt(t, "10.50 USD"), CreatedAt: t0}
}

func TestChargeSendsAnOffSessionPaymentIntent(t *testing.T) {
	g, rec := newGateway(t)
	rec.patch("POST /v1/payment_intents", map[string]any{"status": "succeeded", "last_payment_error": nil})
	res, err := g.Charge(t.Context(), chargeRequest(t))
	require.NoError(t, err)
	require.Equal(t, gateway.ChargeSucceeded, res.Status)
	require.Regexp(t, `^pi_`, res.GatewayRef)

	s := only(t, rec, "POST", "/v1/payment_intents")
	require.Equal(t, "cloudbill-payment-pay_2", s.Key())
	for k, want := range map[string]string{
		"amount": "1050", "currency": "usd", "customer": "cus_1", "payment_method": "pm_card_1",
		"confirm": "true", "off_session": "true",
		"metadata[cloudbill_payment_id]": "pay_2", "metadata[cloudbill_account_id]": "acct_1", "metadata[cloudbill_flow]": "charge",
	} {
		require.Equal(t, want, s.Form.Get(k), k)
	}
}

func TestChargeMapsThePaymentIntentsStatus(t *testing.T) {
	for _, tc := range []struct {
		status string
		error  any
		want   gateway.ChargeStatus
		reason string
	}{
		{"succeeded", nil, gateway.ChargeSucceeded, ""},
		{"processing", nil, gateway.ChargePending, ""},
		{"requires_action", nil, gateway.ChargeFailed, "The card's bank asks the cardholder to approve this payment; pay it through checkout."},
		{"requires_payment_method", map[string]any{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"},
			gateway.ChargeFailed, "The card has insufficient funds."},
		{"canceled", nil, gateway.ChargeFailed, "The card was declined."},
	} {
		t.Run(tc.status, func(t *testing.T) {
			g, rec := newGateway(t)
			rec.patch("POST /v1/payment_intents", map[string]any{"status": tc.status, "last_payment_error": tc.error})
			res, err := g.Charge(t.Context(), chargeRequest(t))
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Status)
			require.Equal(t, tc.reason, res.FailureReason)
		})
	}
	t.Run("requires_capture is an unknown outcome", func(t *testing.T) {
		g, rec := newGateway(t)
		rec.patch("POST /v1/payment_intents", map[string]any{"status": "requires_capture"})
		_, err := g.Charge(t.Context(), chargeRequest(t))
		require.ErrorIs(t, err, gateway.ErrTemporary)
	})
}

func TestChargeDeclinesAreFailedChargesWithCustomerSafeReasons(t *testing.T) {
	for _, tc := range []struct{ code, decline, reason string }{
		{"card_declined", "insufficient_funds", "The card has insufficient funds."},
		{"expired_card", "", "The card has expired."},
		{"authentication_required", "authentication_required", "The card's bank asks the cardholder to approve this payment; pay it through checkout."},
		{"card_declined", "stolen_card", "The card was declined."},
		{"card_declined", "fraudulent", "The card was declined."},
		{"card_declined", "do_not_honor", "The card was declined."},
	} {
		t.Run(tc.code+"/"+tc.decline, func(t *testing.T) {
			g, rec := newOfflineGateway(t)
			rec.answer("POST /v1/payment_intents", 402, stripeError("card_error", tc.code, tc.decline,
				`"payment_intent":{"id":"pi_declined_1","status":"requires_payment_method","client_secret":"pi_declined_1_secret_x"}`))
			res, err := g.Charge(t.Context(), chargeRequest(t))
			require.NoError(t, err)
			require.Equal(t, gateway.ChargeResult{GatewayRef: "pi_declined_1", Status: gateway.ChargeFailed, FailureReason: tc.reason}, res)
		})
	}
}

func TestChargeRefusesTokensItCannotUseWithoutSending(t *testing.T) {
	g, rec := newOfflineGateway(t)
	for name, edit := range map[string]func(*gateway.ChargeRequest){
		"another account's token": func(r *gateway.ChargeRequest) { r.AccountID = "acct_2" },
		"another gateway's token": func(r *gateway.ChargeRequest) { r.Token = gateway.NewToken("momo-token-123") },
		"1.005 USD":               func(r *gateway.ChargeRequest) { r.Amount = amt(t, "1.005 USD") },
		"no token":                func(r *gateway.ChargeRequest) { r.Token = gateway.Token{} },
	} {
		req := chargeRequest(t)
		edit(&req)
		_, err := g.Charge(t.Context(), req)
		require.ErrorIs(t, err, gateway.ErrInvalidRequest, name)
		require.NotContains(t, err.Error(), "cus_1", name)
	}
	require.Empty(t, rec.sent())
}
