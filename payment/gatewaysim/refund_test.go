package gatewaysim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// paid returns a simulator with pay_1 paid 150000 VND by redirect.
func paid(t *testing.T) *gatewaysim.Gateway {
	g, _ := newSim(t)
	_, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	_, err = g.Complete("pay_1")
	require.NoError(t, err)
	return g
}

func refundReq(t testing.TB, refundID, amount string) gateway.RefundRequest {
	return gateway.RefundRequest{PaymentID: "pay_1", RefundID: refundID, GatewayRef: "pay_000001", Amount: amt(t, amount)}
}

func TestRefundsNeverExceedWhatWasPaid(t *testing.T) {
	g := paid(t)
	steps := []struct {
		name   string
		req    gateway.RefundRequest
		want   error
		wantID string
	}{
		{"refund 100000 of 150000 paid", refundReq(t, "re_a", "100000 VND"), nil, "re_000001"},
		{"refund 50001 more would exceed 150000", refundReq(t, "re_b", "50001 VND"), gateway.ErrInvalidRequest, ""},
		{"refund the remaining 50000", refundReq(t, "re_c", "50000 VND"), nil, "re_000002"},
		{"refund 1 more would exceed 150000", refundReq(t, "re_d", "1 VND"), gateway.ErrInvalidRequest, ""},
		{"a retry of the first refund returns its result", refundReq(t, "re_a", "100000 VND"), nil, "re_000001"},
		{"the first refund id with another amount conflicts", refundReq(t, "re_a", "1 VND"), gateway.ErrConflict, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			res, err := g.Refund(ctx, s.req)
			if s.want != nil {
				require.ErrorIs(t, err, s.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, s.wantID, res.GatewayRef)
		})
	}
	assert.Equal(t, 2, applied(g.Calls(), gatewaysim.MethodRefund))
	q := g.Drain()
	require.Len(t, q, 2)
	for i, want := range []struct{ id, amount string }{{"re_a", "100000 VND"}, {"re_c", "50000 VND"}} {
		assert.Equal(t, gateway.EventRefundSucceeded, q[i].Event.Type)
		assert.Equal(t, want.id, q[i].Event.RefundID)
		assert.True(t, q[i].Event.Amount.Equal(amt(t, want.amount)))
		require.NoError(t, verifier(t).Verify(t0, q[i].Header, q[i].Body))
	}
}

func TestRefundRejects(t *testing.T) {
	g := paid(t)
	_, err := g.CreatePayment(ctx, payReq(t, "pay_unpaid", "1000 VND"))
	require.NoError(t, err)
	cases := []struct {
		name string
		req  gateway.RefundRequest
		want error
	}{
		{"an unknown payment", gateway.RefundRequest{PaymentID: "nope", RefundID: "r", GatewayRef: "pay_000001", Amount: amt(t, "1 VND")}, gateway.ErrNotFound},
		{"a reference of another payment", gateway.RefundRequest{PaymentID: "pay_1", RefundID: "r", GatewayRef: "pay_000002", Amount: amt(t, "1 VND")}, gateway.ErrNotFound},
		{"an unpaid payment", gateway.RefundRequest{PaymentID: "pay_unpaid", RefundID: "r", GatewayRef: "pay_000002", Amount: amt(t, "1 VND")}, gateway.ErrInvalidRequest},
		{"another currency", refundReq(t, "r", "1 USD"), gateway.ErrInvalidRequest},
		{"more than was paid", refundReq(t, "r", "150001 VND"), gateway.ErrInvalidRequest},
		{"a negative amount", refundReq(t, "r", "-1 VND"), gateway.ErrInvalidRequest},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			_, err := g.Refund(ctx, c.req)
			require.ErrorIs(t, err, c.want)
		})
	}
	assert.Equal(t, 0, applied(g.Calls(), gatewaysim.MethodRefund))
	assert.Empty(t, g.Pending())
}

func TestRefundOutcomes(t *testing.T) {
	t.Run("Timeout refunds nothing and answers a temporary error", func(t *testing.T) {
		g := paid(t)
		g.SetOutcome("re_1", gatewaysim.Timeout())
		_, err := g.Refund(ctx, refundReq(t, "re_1", "150000 VND"))
		require.ErrorIs(t, err, gateway.ErrTemporary)
		assert.Empty(t, g.Pending())
		g.SetOutcome("re_1", gatewaysim.Succeed())
		_, err = g.Refund(ctx, refundReq(t, "re_1", "150000 VND"))
		require.NoError(t, err, "the retry goes through once the gateway answers")
	})
	t.Run("Decline is a *gateway.DeclineError with the reason", func(t *testing.T) {
		g := paid(t)
		g.SetOutcome("re_1", gatewaysim.Decline("refund window closed"))
		_, err := g.Refund(ctx, refundReq(t, "re_1", "1 VND"))
		var de *gateway.DeclineError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "refund window closed", de.Reason)
		assert.False(t, gateway.Retryable(err))
	})
	t.Run("LostResponse refunds once although the first answer is an error", func(t *testing.T) {
		g := paid(t)
		g.SetOutcome("re_1", gatewaysim.LostResponse())
		_, err := g.Refund(ctx, refundReq(t, "re_1", "150000 VND"))
		require.ErrorIs(t, err, gateway.ErrTemporary)
		res, err := g.Refund(ctx, refundReq(t, "re_1", "150000 VND"))
		require.NoError(t, err)
		assert.Equal(t, "re_000001", res.GatewayRef)
		assert.Equal(t, 1, applied(g.Calls(), gatewaysim.MethodRefund))
		assert.Len(t, g.Pending(), 1)
	})
	t.Run("the default outcome does not apply to refunds", func(t *testing.T) {
		g := paid(t)
		g.SetDefaultOutcome(gatewaysim.Timeout())
		_, err := g.Refund(ctx, refundReq(t, "re_1", "1 VND"))
		require.NoError(t, err)
	})
}

func TestRefundOfACharge(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	res, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "12.50 USD"))
	require.NoError(t, err)
	_, err = g.Refund(ctx, gateway.RefundRequest{PaymentID: "pay_1", RefundID: "re_1", GatewayRef: res.GatewayRef, Amount: amt(t, "12.50 USD")})
	require.NoError(t, err)
	_, err = g.Refund(ctx, gateway.RefundRequest{PaymentID: "pay_1", RefundID: "re_2", GatewayRef: res.GatewayRef, Amount: amt(t, "0.01 USD")})
	require.ErrorIs(t, err, gateway.ErrInvalidRequest, "12.50 USD is fully refunded")
}
