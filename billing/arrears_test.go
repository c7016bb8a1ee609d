package billing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// TestPostpaidCheckoutIsBilledInArrears: a postpaid purchase of the small
// vServer (181,000 per 30 days + 10 % tax = 199,100 for a month) is not
// "paid": its order is billed_in_arrears with nothing due (0) and no
// payment, and its quote of 199,100 is labelled an estimate — in the
// preview, the checkout, its retry with the same key, the order read back
// and after provisioning. A prepaid checkout's quote is no estimate.
func TestPostpaidCheckoutIsBilledInArrears(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		req := billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}}
		q, err := e.sys.PreviewCheckout(ctx, req)
		require.NoError(t, err)
		require.True(t, q.Estimate, "a postpaid quote is an estimate")
		require.Equal(t, int64(199_100), minor(t, q.Total))

		req.ExpectedTotal = q.Total
		res, err := e.sys.Checkout(ctx, "buy-1", req)
		require.NoError(t, err)
		check := func(o billing.Order) {
			t.Helper()
			require.Equal(t, order.StatusBilledInArrears, o.Status)
			require.Equal(t, int64(0), minor(t, o.Total), "nothing is due on the order")
			require.Empty(t, o.PaymentID)
			require.True(t, o.Quote.Estimate)
			require.Equal(t, int64(199_100), minor(t, o.Quote.Total))
		}
		check(res.Order)
		require.Empty(t, res.Payment.ID, "no payment")
		again, err := e.sys.Checkout(ctx, "buy-1", req)
		require.NoError(t, err)
		require.Equal(t, res.Order.ID, again.Order.ID, "a retry replays the first order")
		check(again.Order)

		e.provisionAll(t, "acme", res)
		got, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		check(got)

		// Prepaid: charged exactly, no estimate, paid then completed.
		e.fund(t, "beta", 1_000_000)
		req.AccountID = "beta"
		pq, err := e.sys.PreviewCheckout(ctx, req)
		require.NoError(t, err)
		require.False(t, pq.Estimate)
		pre, err := e.sys.Checkout(ctx, "buy-2", req)
		require.NoError(t, err)
		require.Equal(t, order.StatusPaid, pre.Order.Status)
		require.Equal(t, int64(199_100), minor(t, pre.Order.Total))
		require.False(t, pre.Order.Quote.Estimate)
	})
}
