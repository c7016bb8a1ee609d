package stripe_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

var ourPayment = map[string]any{"cloudbill_payment_id": "pay_1", "cloudbill_account_id": "acct_1", "cloudbill_flow": "checkout"}

func paymentQuery(ref string) gateway.PaymentQuery {
	return gateway.PaymentQuery{PaymentID: "pay_1", AccountID: "acct_1", GatewayRef: ref, CreatedAt: t0, Now: t0}
}

func TestQueryPaymentByCheckoutSession(t *testing.T) {
	for _, tc := range []struct {
		name  string
		patch map[string]any
		want  gateway.PaymentStatus
	}{
		{"open is pending", map[string]any{"status": "open", "payment_status": "unpaid"},
			gateway.PaymentStatus{State: gateway.PaymentPending, GatewayRef: "cs_q_1"}},
		{"complete and paid is succeeded with the amount and the PaymentIntent", map[string]any{"status": "complete", "payment_status": "paid",
			"amount_total": 150000, "currency": "vnd", "payment_intent": "pi_q_1"},
			gateway.PaymentStatus{State: gateway.PaymentSucceeded, GatewayRef: "pi_q_1", Amount: amtNoT("150000 VND")}},
		{"complete but unpaid (a bank debit) is pending", map[string]any{"status": "complete", "payment_status": "unpaid"},
			gateway.PaymentStatus{State: gateway.PaymentPending, GatewayRef: "cs_q_1"}},
		{"expired is expired", map[string]any{"status": "expired", "payment_status": "unpaid"},
			gateway.PaymentStatus{State: gateway.PaymentExpired, GatewayRef: "cs_q_1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, rec := newGateway(t)
			tc.patch["id"] = "cs_q_1"
			tc.patch["metadata"] = ourPayment
			rec.patch("GET /v1/checkout/sessions/cs_q_1", tc.patch)
			got, err := g.QueryPayment(t.Context(), paymentQuery("cs_q_1"))
			require.NoError(t, err)
			require.Equal(t, tc.want.State, got.State)
			require.Equal(t, tc.want.GatewayRef, got.GatewayRef)
			require.True(t, tc.want.Amount.Equal(got.Amount), "amount %s", got.Amount)
		})
	}
}

func TestQueryPaymentRefusesAnotherPaymentsObject(t *testing.T) {
	g, _ := newGateway(t) // stripe-mock's fixture has no metadata of ours
	_, err := g.QueryPayment(t.Context(), paymentQuery("cs_q_1"))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
}

func TestQueryPaymentByPaymentIntent(t *testing.T) {
	charge := map[string]any{"cloudbill_payment_id": "pay_1", "cloudbill_flow": "charge"}
	for _, tc := range []struct {
		name  string
		patch map[string]any
		want  gateway.PaymentState
	}{
		{"succeeded", map[string]any{"status": "succeeded", "amount_received": 1050, "currency": "usd", "metadata": charge}, gateway.PaymentSucceeded},
		{"processing is pending", map[string]any{"status": "processing", "metadata": charge}, gateway.PaymentPending},
		{"a declined charge is failed", map[string]any{"status": "requires_payment_method", "metadata": charge}, gateway.PaymentFailed},
		{"a checkout's declined card is pending (the user may retry)", map[string]any{"status": "requires_payment_method", "metadata": ourPayment}, gateway.PaymentPending},
		{"canceled is failed", map[string]any{"status": "canceled", "metadata": charge}, gateway.PaymentFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, rec := newGateway(t)
			rec.patch("GET /v1/payment_intents/pi_q_1", tc.patch)
			got, err := g.QueryPayment(t.Context(), paymentQuery("pi_q_1"))
			require.NoError(t, err)
			require.Equal(t, tc.want, got.State)
		})
	}
}

func TestQueryPaymentWithoutReferenceSearchesByMetadata(t *testing.T) {
	g, rec := newGateway(t)
	rec.patch("GET /v1/payment_intents/search", map[string]any{"has_more": false, "data": []any{map[string]any{
		"id": "pi_found", "object": "payment_intent", "status": "succeeded", "amount": 500, "amount_received": 500,
		"currency": "jpy", "metadata": ourPayment}}})
	got, err := g.QueryPayment(t.Context(), paymentQuery(""))
	require.NoError(t, err)
	require.Equal(t, gateway.PaymentSucceeded, got.State)
	require.Equal(t, "pi_found", got.GatewayRef)
	require.True(t, got.Amount.Equal(amtNoT("500 JPY")))
	require.Equal(t, `metadata['cloudbill_payment_id']:"pay_1"`, only(t, rec, "GET", "/v1/payment_intents/search").Form.Get("query"))

	rec.patch("GET /v1/payment_intents/search", map[string]any{"has_more": false, "data": []any{}})
	got, err = g.QueryPayment(t.Context(), paymentQuery(""))
	require.NoError(t, err)
	require.Equal(t, gateway.PaymentNotFound, got.State)
}

func TestQueryPaymentOfAnUnknownObjectIsNotFound(t *testing.T) {
	g, rec := newOfflineGateway(t)
	rec.answer("GET /v1/checkout/sessions/cs_gone", 404, stripeError("invalid_request_error", "resource_missing", "", ""))
	got, err := g.QueryPayment(t.Context(), paymentQuery("cs_gone"))
	require.NoError(t, err)
	require.Equal(t, gateway.PaymentNotFound, got.State)
	rec.answer("GET /v1/checkout/sessions/cs_gone", 503, stripeError("api_error", "", "", ""))
	_, err = g.QueryPayment(t.Context(), paymentQuery("cs_gone"))
	require.ErrorIs(t, err, gateway.ErrTemporary)
}

func TestQueryRefund(t *testing.T) {
	ours := map[string]any{"cloudbill_refund_id": "ref_1", "cloudbill_payment_id": "pay_1"}
	q := gateway.RefundQuery{PaymentID: "pay_1", RefundID: "ref_1", PaymentRef: "pi_paid_1", Now: t0}

	t.Run("by its id", func(t *testing.T) {
		g, rec := newGateway(t)
		rec.patch("GET /v1/refunds/re_q_1", map[string]any{"id": "re_q_1", "status": "succeeded", "amount": 1050, "currency": "usd", "metadata": ours})
		q := q
		q.GatewayRef = "re_q_1"
		got, err := g.QueryRefund(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, gateway.RefundSucceeded, got.State)
		require.True(t, got.Amount.Equal(amtNoT("10.50 USD")))
	})
	t.Run("without its id, among the payment's refunds", func(t *testing.T) {
		g, rec := newGateway(t)
		rec.patch("GET /v1/refunds", map[string]any{"has_more": false, "data": []any{
			map[string]any{"id": "re_other", "object": "refund", "status": "succeeded", "amount": 100, "currency": "usd", "metadata": map[string]any{"cloudbill_refund_id": "ref_0"}},
			map[string]any{"id": "re_mine", "object": "refund", "status": "pending", "amount": 1050, "currency": "usd", "metadata": ours},
		}})
		got, err := g.QueryRefund(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, gateway.RefundPending, got.State)
		require.Equal(t, "re_mine", got.GatewayRef)
		require.Equal(t, "pi_paid_1", only(t, rec, "GET", "/v1/refunds").Form.Get("payment_intent"))
	})
	t.Run("not among them is not found", func(t *testing.T) {
		g, rec := newGateway(t)
		rec.patch("GET /v1/refunds", map[string]any{"has_more": false, "data": []any{}})
		got, err := g.QueryRefund(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, gateway.RefundNotFound, got.State)
	})
}

func TestQueryLink(t *testing.T) {
	linkMeta := map[string]any{"cloudbill_link_id": "link_1", "cloudbill_account_id": "acct_1"}
	q := gateway.LinkQuery{LinkID: "link_1", AccountID: "acct_1", GatewayRef: "cs_link_1", Now: t0}
	t.Run("a completed setup is succeeded with token and display", func(t *testing.T) {
		g, rec := newGateway(t)
		rec.patch("GET /v1/checkout/sessions/cs_link_1", map[string]any{"status": "complete", "mode": "setup", "metadata": linkMeta,
			"setup_intent": map[string]any{"id": "seti_1", "object": "setup_intent", "status": "succeeded", "customer": "cus_1",
				"payment_method": map[string]any{"id": "pm_card_1", "object": "payment_method", "type": "card", "card": map[string]any{"brand": "visa", "last4": "4242"}}}})
		got, err := g.QueryLink(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, gateway.PaymentSucceeded, got.State)
		require.Equal(t, "Visa •••• 4242", got.Display)
		require.True(t, got.Token.Equal(linkedToken(t)), "the token equals the webhook's")
		require.Equal(t, "setup_intent.payment_method", only(t, rec, "GET", "/v1/checkout/sessions/cs_link_1").Form.Get("expand[0]"))
	})
	t.Run("open is pending, expired is expired", func(t *testing.T) {
		g, rec := newGateway(t)
		rec.patch("GET /v1/checkout/sessions/cs_link_1", map[string]any{"status": "open", "metadata": linkMeta})
		got, err := g.QueryLink(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, gateway.PaymentPending, got.State)
		rec.patch("GET /v1/checkout/sessions/cs_link_1", map[string]any{"status": "expired", "metadata": linkMeta})
		got, err = g.QueryLink(t.Context(), q)
		require.NoError(t, err)
		require.Equal(t, gateway.PaymentExpired, got.State)
	})
}
