package stripe_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// One Gateway is shared by every goroutine of a host: calls of all kinds at
// once each send their own request with their own idempotency key.
func TestOneGatewayServesConcurrentCalls(t *testing.T) {
	g, rec := newGateway(t)
	rec.patch("POST /v1/payment_intents", map[string]any{"status": "succeeded", "last_payment_error": nil})
	token := linkedToken(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i := range n {
		id := strconv.Itoa(i)
		wg.Go(func() {
			req := paymentRequest(t)
			req.PaymentID = "pay_race_" + id
			_, err := g.CreatePayment(t.Context(), req)
			errs <- err
		})
		wg.Go(func() {
			_, err := g.Charge(t.Context(), gateway.ChargeRequest{PaymentID: "chg_race_" + id, AccountID: "acct_1", Token: token, Amount: amt(t, "1 USD")})
			errs <- err
		})
		wg.Go(func() {
			body := stripeEvent("evt_race_"+id, "checkout.session.completed", t0, paidSession())
			_, err := g.ReadCallback(t0, delivery(testSecret, t0, body))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	keys := map[string]bool{}
	for _, s := range rec.sent() {
		require.False(t, keys[s.Key()], "key %s sent twice", s.Key())
		keys[s.Key()] = true
	}
	require.Len(t, keys, 2*n)
}
