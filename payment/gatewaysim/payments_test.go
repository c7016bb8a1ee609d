package gatewaysim_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

func payReq(t testing.TB, id, amount string) gateway.PaymentRequest {
	return gateway.PaymentRequest{PaymentID: id, AccountID: "acc_1", Amount: amt(t, amount),
		ReturnURL: "https://console.test/back", ExpiresAt: t0.Add(15 * time.Minute)}
}

func linkReq(id, account string) gateway.LinkRequest {
	return gateway.LinkRequest{LinkID: id, AccountID: account}
}

func TestRedirectPaymentOutcomes(t *testing.T) {
	cases := []struct {
		name    string
		outcome gatewaysim.Outcome
		typ     gateway.EventType
		reason  string
	}{
		{"Succeed completes with payment.succeeded", gatewaysim.Succeed(), gateway.EventPaymentSucceeded, ""},
		{"Decline completes with payment.failed and its reason", gatewaysim.Decline("insufficient funds"), gateway.EventPaymentFailed, "insufficient funds"},
		{"Pending completes with payment.succeeded", gatewaysim.Pending(), gateway.EventPaymentSucceeded, ""},
		{"LostResponse completes with payment.succeeded", gatewaysim.LostResponse(), gateway.EventPaymentSucceeded, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, clk := newSim(t)
			g.SetOutcome("pay_1", c.outcome)
			r, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
			require.NoError(t, err)
			assert.Equal(t, gateway.Redirect{URL: "https://sim.example/pay/pay_000001", GatewayRef: "pay_000001"}, r)
			assert.Empty(t, g.Pending(), "a redirect payment queues nothing until the user pays")

			clk.Advance(2 * time.Minute)
			cb, err := g.Complete("pay_1")
			require.NoError(t, err)
			want := gateway.Event{ID: "evt_000001", Gateway: "momo", Type: c.typ, PaymentID: "pay_1",
				GatewayRef: "pay_000001", Amount: amt(t, "150000 VND"), FailureReason: c.reason,
				OccurredAt: t0.Add(2 * time.Minute)}
			assert.Empty(t, cmp.Diff(want, cb.Event))

			got, err := g.ParseCallback(t0.Add(3*time.Minute), cb.Header, cb.Body)
			require.NoError(t, err, "the callback verifies with the simulator's secret")
			assert.Empty(t, cmp.Diff(cb.Event, got))
			require.NoError(t, verifier(t).Verify(t0.Add(3*time.Minute), cb.Header, cb.Body),
				"and with a plain gateway.Verifier holding the secret")

			_, err = g.Complete("pay_1")
			assert.ErrorIs(t, err, gatewaysim.ErrNotPending, "a settled payment cannot complete again")
			_, err = g.Expire("pay_1")
			assert.ErrorIs(t, err, gatewaysim.ErrNotPending)
		})
	}
}

func TestTimeoutProducesNoCallback(t *testing.T) {
	g, _ := newSim(t)
	g.SetDefaultOutcome(gatewaysim.Timeout())
	_, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err, "the payment page still opens")
	_, err = g.Complete("pay_1")
	require.ErrorIs(t, err, gatewaysim.ErrNoCallback)
	assert.Empty(t, g.Pending())

	cb, err := g.Expire("pay_1")
	require.NoError(t, err, "the host can still expire it")
	assert.Equal(t, gateway.EventPaymentExpired, cb.Event.Type)
	assert.Equal(t, "evt_000001", cb.Event.ID, "the refused Complete used no event id")
}

func TestExpire(t *testing.T) {
	g, _ := newSim(t)
	_, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	cb, err := g.Expire("pay_1")
	require.NoError(t, err)
	assert.Equal(t, gateway.EventPaymentExpired, cb.Event.Type)
	assert.Equal(t, "pay_1", cb.Event.PaymentID)
	_, err = g.Complete("pay_1")
	assert.ErrorIs(t, err, gatewaysim.ErrNotPending, "an expired payment cannot be paid")

	_, err = g.Complete("nope")
	assert.ErrorIs(t, err, gateway.ErrNotFound)
	_, err = g.Expire("nope")
	assert.ErrorIs(t, err, gateway.ErrNotFound)
}

func TestCreatePaymentIsIdempotent(t *testing.T) {
	g, _ := newSim(t)
	first, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	again, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	assert.Equal(t, first, again, "a retry returns the same redirect")

	_, err = g.CreatePayment(ctx, payReq(t, "pay_1", "150001 VND"))
	assert.ErrorIs(t, err, gateway.ErrConflict, "the same id with another amount")
	other := payReq(t, "pay_1", "150000 VND")
	other.AccountID = "acc_2"
	_, err = g.CreatePayment(ctx, other)
	assert.ErrorIs(t, err, gateway.ErrConflict, "the same id for another account")

	calls := g.Calls()
	require.Len(t, calls, 4)
	assert.Equal(t, 1, applied(calls, gatewaysim.MethodCreatePayment))
	assert.Equal(t, []int{1, 2, 3, 4}, []int{calls[0].Seq, calls[1].Seq, calls[2].Seq, calls[3].Seq})
	assert.ErrorIs(t, calls[2].Err, gateway.ErrConflict, "the call records what it returned")
}

func TestCreatePaymentRejectsBadRequests(t *testing.T) {
	g, _ := newSim(t)
	_, err := g.CreatePayment(ctx, payReq(t, "pay_1", "7.5 VND"))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
	_, err = g.CreatePayment(ctx, payReq(t, "", "1 VND"))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = g.CreatePayment(cancelled, payReq(t, "pay_1", "1 VND"))
	require.ErrorIs(t, err, gateway.ErrTemporary)
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, gateway.Retryable(err))
	_, err = g.Complete("pay_1")
	assert.ErrorIs(t, err, gateway.ErrNotFound, "a cancelled call records no payment")
	assert.Equal(t, 0, applied(g.Calls(), gatewaysim.MethodCreatePayment))
}

func TestChargeOutcomes(t *testing.T) {
	cases := []struct {
		name      string
		outcome   gatewaysim.Outcome
		status    gateway.ChargeStatus
		reason    string
		temporary bool
		queued    []string
		applied   int
	}{
		{"Succeed charges at once and queues payment.succeeded", gatewaysim.Succeed(),
			gateway.ChargeSucceeded, "", false, []string{"payment.succeeded pay_1"}, 1},
		{"Decline fails at once and queues payment.failed", gatewaysim.Decline("card expired"),
			gateway.ChargeFailed, "card expired", false, []string{"payment.failed pay_1"}, 1},
		{"Pending answers pending and queues nothing", gatewaysim.Pending(),
			gateway.ChargePending, "", false, []string{}, 1},
		{"Timeout is a temporary error with no effect and no callback", gatewaysim.Timeout(),
			0, "", true, []string{}, 0},
		{"LostResponse charges and queues but answers a temporary error", gatewaysim.LostResponse(),
			0, "", true, []string{"payment.succeeded pay_1"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, _ := newSim(t)
			tok := linked(t, g, "link_1", "acc_1")
			g.SetOutcome("pay_1", c.outcome)
			res, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
			if c.temporary {
				require.ErrorIs(t, err, gateway.ErrTemporary)
				assert.True(t, gateway.Retryable(err))
				assert.Equal(t, gateway.ChargeResult{}, res)
			} else {
				require.NoError(t, err)
				assert.Equal(t, c.status, res.Status)
				assert.Equal(t, c.reason, res.FailureReason)
				assert.Equal(t, "pay_000001", res.GatewayRef)
			}
			assert.Equal(t, c.queued, types(g.Pending()))
			assert.Equal(t, c.applied, applied(g.Calls(), gatewaysim.MethodCharge))
			for _, cb := range g.Pending() {
				require.NoError(t, verifier(t).Verify(t0, cb.Header, cb.Body))
				assert.True(t, cb.Event.Amount.Equal(amt(t, "150000 VND")))
			}
		})
	}
}

func TestChargeRetryNeverChargesTwice(t *testing.T) {
	t.Run("a retry after a lost response returns the stored success", func(t *testing.T) {
		g, _ := newSim(t)
		tok := linked(t, g, "link_1", "acc_1")
		g.SetOutcome("pay_1", gatewaysim.LostResponse())
		_, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
		require.ErrorIs(t, err, gateway.ErrTemporary)
		res, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
		require.NoError(t, err)
		assert.Equal(t, gateway.ChargeResult{GatewayRef: "pay_000001", Status: gateway.ChargeSucceeded}, res)
		assert.Equal(t, 1, applied(g.Calls(), gatewaysim.MethodCharge))
		assert.Len(t, g.Pending(), 1, "one callback, not two")
	})
	t.Run("a retry after a timeout charges once the gateway answers", func(t *testing.T) {
		g, _ := newSim(t)
		tok := linked(t, g, "link_1", "acc_1")
		g.SetOutcome("pay_1", gatewaysim.Timeout())
		_, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
		require.ErrorIs(t, err, gateway.ErrTemporary)
		g.SetOutcome("pay_1", gatewaysim.Succeed())
		for range 3 {
			res, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
			require.NoError(t, err)
			assert.Equal(t, gateway.ChargeSucceeded, res.Status)
		}
		calls := g.Calls()
		assert.Len(t, calls, 5, "1 StartLink + 4 Charge calls are recorded")
		assert.Equal(t, 1, applied(calls, gatewaysim.MethodCharge), "exactly one took effect")
		assert.Len(t, g.Pending(), 1)
	})
	t.Run("a pending charge reports its settled state on retry", func(t *testing.T) {
		g, _ := newSim(t)
		tok := linked(t, g, "link_1", "acc_1")
		g.SetOutcome("pay_1", gatewaysim.Pending())
		res, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
		require.NoError(t, err)
		require.Equal(t, gateway.ChargePending, res.Status)

		g.SetOutcome("pay_1", gatewaysim.Decline("insufficient funds"))
		cb, err := g.Complete("pay_1")
		require.NoError(t, err)
		assert.Equal(t, gateway.EventPaymentFailed, cb.Event.Type)
		assert.Empty(t, g.Pending(), "Complete returns its callback and does not queue it")

		res, err = g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
		require.NoError(t, err)
		assert.Equal(t, gateway.ChargeResult{GatewayRef: "pay_000001", Status: gateway.ChargeFailed,
			FailureReason: "insufficient funds"}, res)
	})
}

func TestChargeRejects(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	otherTok := linked(t, g, "link_2", "acc_2")
	secondTok := linked(t, g, "link_3", "acc_1")
	_, err := g.CreatePayment(ctx, payReq(t, "pay_redirect", "1 VND"))
	require.NoError(t, err)
	_, err = g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
	require.NoError(t, err)

	cases := []struct {
		name string
		req  gateway.ChargeRequest
		want error
	}{
		{"a token the simulator never issued", chargeReq(t, "pay_2", "acc_1", gateway.NewToken("tok_forged"), "1 VND"), gateway.ErrInvalidRequest},
		{"another account's token", chargeReq(t, "pay_2", "acc_1", otherTok, "1 VND"), gateway.ErrInvalidRequest},
		{"a zero amount", chargeReq(t, "pay_2", "acc_1", tok, "0 VND"), gateway.ErrInvalidRequest},
		{"no token", chargeReq(t, "pay_2", "acc_1", gateway.Token{}, "1 VND"), gateway.ErrInvalidRequest},
		{"the id of a redirect payment", chargeReq(t, "pay_redirect", "acc_1", tok, "1 VND"), gateway.ErrConflict},
		{"a charged id with another amount", chargeReq(t, "pay_1", "acc_1", tok, "150001 VND"), gateway.ErrConflict},
		{"a charged id in another currency", chargeReq(t, "pay_1", "acc_1", tok, "150000 USD"), gateway.ErrConflict},
		{"a charged id with the account's other token", chargeReq(t, "pay_1", "acc_1", secondTok, "150000 VND"), gateway.ErrConflict},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			_, err := g.Charge(ctx, c.req)
			require.ErrorIs(t, err, c.want)
			assert.False(t, gateway.Retryable(err))
			assert.NotContains(t, err.Error(), tok.Reveal(), "errors never quote a token")
		})
	}
	t.Run("a retry with the token rebuilt from its raw value is the same charge", func(t *testing.T) {
		_, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", gateway.NewToken(tok.Reveal()), "150000 VND"))
		require.NoError(t, err, "tokens compare by value, not by identity")
	})
	assert.Equal(t, 1, applied(g.Calls(), gatewaysim.MethodCharge))
	assert.Len(t, g.Pending(), 1)
}
