package vnpay_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

// One Gateway serves many goroutines at once: payment URLs, IPNs, queries
// and refunds, with every answer right (run with -race).
func TestConcurrentUse(t *testing.T) {
	f := newFake(t)
	g := newGateway(t, f.APIURL())
	const n = 16
	for i := range n {
		require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: mustTxnRef(t, "pay_"+strconv.Itoa(i)), CreatedAt: t0,
			Amount: 150000, TransactionNo: strconv.Itoa(1000 + i), Status: "00"}))
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "pay_" + strconv.Itoa(i)
			r, err := g.CreatePayment(ctx, payReq(t, id, "150000"))
			assert.NoError(t, err)
			ev, err := g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, ipnParams(r.GatewayRef, "15000000", "00", "00"))))
			assert.NoError(t, err)
			assert.Equal(t, id, ev.PaymentID)
			st, err := g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: id, CreatedAt: t0, Now: t0.Add(time.Minute)})
			assert.NoError(t, err)
			assert.Equal(t, gateway.PaymentSucceeded, st.State)
			assert.Equal(t, strconv.Itoa(1000+i), st.GatewayRef)
			req := refundReq(t, "rf_"+strconv.Itoa(i), "50000")
			req.PaymentID, req.GatewayRef = id, st.GatewayRef
			res, err := g.Refund(ctx, req)
			assert.NoError(t, err)
			assert.Equal(t, gateway.RefundPending, res.Status)
			_ = g.Reply(gateway.CallbackApplied)
		}()
	}
	wg.Wait()
}
