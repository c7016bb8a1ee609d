package vnpay_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// One Gateway serves many goroutines at once: payment URLs, IPNs, queries
// and refunds, with every answer right (run with -race).
func TestConcurrentUse(t *testing.T) {
	f := newFake(t)
	g := newGateway(t, f.srv.URL)
	const n = 16
	for i := range n {
		f.add(mustTxnRef(t, "pay_"+strconv.Itoa(i)), fakeTxn{createDate: "20240501100000", amount: 15000000,
			no: strconv.Itoa(1000 + i), status: "00"})
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "pay_" + strconv.Itoa(i)
			r, err := g.CreatePayment(ctx, payReq(t, id, "150000"))
			assert.NoError(t, err)
			ev, err := g.ReadCallback(t0, ipnRequest(signIPN(secret, ipnParams(r.GatewayRef, "15000000", "00", "00"))))
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
