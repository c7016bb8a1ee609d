package billing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// lastCreate is the gateway's last CreatePayment call.
func lastCreate(t *testing.T, sim *gatewaysim.Gateway) gatewaysim.Call {
	t.Helper()
	calls := sim.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Method == gatewaysim.MethodCreatePayment {
			return calls[i]
		}
	}
	t.Fatal("no CreatePayment call")
	return gatewaysim.Call{}
}

// TestClientIPReachesTheGateway: the payer's address a host gives a
// top-up (203.0.113.7), a checkout (2001:db8::1) or a renewal
// (198.51.100.20) is handed to the gateway with the return URL; a retry
// with the same key from another address is the same request, not a
// conflict; an address that is not one (a host:port, a zone, a name) is
// refused before anything is stored.
func TestClientIPReachesTheGateway(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")

		top := billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 500_000), Gateway: "sim",
			ReturnURL: "https://console.example/wallet", ClientIP: "203.0.113.7"}
		p, err := e.sys.TopUp(ctx, "top-1", top)
		require.NoError(t, err)
		c := lastCreate(t, e.sim)
		assert.Equal(t, p.ID, c.PaymentID)
		assert.Equal(t, "203.0.113.7", c.ClientIP)
		assert.Equal(t, "https://console.example/wallet", c.ReturnURL)

		top.ClientIP = "203.0.113.99" // the customer's phone changed networks
		again, err := e.sys.TopUp(ctx, "top-1", top)
		require.NoError(t, err, "another address is the same request")
		assert.Equal(t, p.ID, again.ID)

		res, err := e.sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(),
			Method: payment.MethodGateway, Gateway: "sim", ClientIP: "2001:db8::1"})
		require.NoError(t, err)
		assert.Equal(t, res.Payment.ID, lastCreate(t, e.sim).PaymentID)
		assert.Equal(t, "2001:db8::1", lastCreate(t, e.sim).ClientIP)

		e.fund(t, "acme", 2_000_000)
		paid := e.buy(t, "acme", small, period.Months(1))
		rn, err := e.sys.Renew(ctx, "renew-1", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{paid.ID}, Term: period.Months(1),
			PaySpec: billing.PaySpec{Method: payment.MethodGateway, Gateway: "sim", ClientIP: "198.51.100.20"}})
		require.NoError(t, err)
		assert.Equal(t, rn.Payment.ID, lastCreate(t, e.sim).PaymentID)
		assert.Equal(t, "198.51.100.20", lastCreate(t, e.sim).ClientIP)

		before := len(e.sim.Calls())
		for _, bad := range []string{"not-an-ip", "203.0.113.7:443", "fe80::1%eth0", "256.1.1.1", " 203.0.113.7"} {
			_, err := e.sys.TopUp(ctx, "bad-"+bad, billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 10_000), Gateway: "sim", ClientIP: bad})
			var re *billing.RequestError
			require.ErrorAs(t, err, &re, bad)
			assert.Equal(t, "ClientIP", re.Field, bad)
			_, err = e.sys.Checkout(ctx, "bad-order-"+bad, billing.CheckoutRequest{AccountID: "acme", Items: seedItems(),
				Method: payment.MethodGateway, Gateway: "sim", ClientIP: bad})
			require.ErrorIs(t, err, billing.ErrInvalidRequest, bad)
		}
		assert.Len(t, e.sim.Calls(), before, "nothing reached the gateway")
	})
}
