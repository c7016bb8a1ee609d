package vnpaytest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

// Paying sends an IPN the adapter authenticates: payment.succeeded for
// 150,000 VND with VNPay's transaction number, answered 00; the same IPN
// again is answered 02 and applied once; an altered one 97.
func TestPayDeliversAnIPNTheAdapterAccepts(t *testing.T) {
	w := newWorld(t)
	_, ref := w.checkout(t, "pay_1", "150000")
	w.clk.Advance(90 * time.Second)
	res, err := w.f.Pay(ctx, ref)
	require.NoError(t, err)
	assert.True(t, res.Delivered)
	assert.Equal(t, vnpaytest.Reply{HTTPStatus: 200, RspCode: "00", Message: "Confirm Success"}, res.Reply)
	assert.Equal(t, `{"RspCode":"00","Message":"Confirm Success"}`, res.Reply.String())
	assert.Equal(t, "14422574", res.TransactionNo)

	events, errs := w.m.seen()
	require.Empty(t, errs)
	require.Len(t, events, 1)
	ev := events[0]
	assert.Equal(t, gateway.EventPaymentSucceeded, ev.Type)
	assert.Equal(t, "pay_1", ev.PaymentID)
	assert.True(t, vnd(t, "150000").Equal(ev.Amount))
	assert.Equal(t, "14422574", ev.GatewayRef)
	assert.Equal(t, t0.Add(90*time.Second), ev.OccurredAt, "vnp_PayDate is the fake's clock, 10:01:30 GMT+7")

	r, err := w.g.VerifyReturn(returnQuery(t, res.ReturnURL))
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, r.State)

	again, err := w.f.DeliverIPN(ctx, res.IPNQuery)
	require.NoError(t, err)
	assert.Equal(t, "02", again.RspCode, "a replay is already confirmed")
	forged, err := w.f.DeliverIPN(ctx, strings.Replace(res.IPNQuery, "vnp_Amount=15000000", "vnp_Amount=1500000000", 1))
	require.NoError(t, err)
	assert.Equal(t, "97", forged.RspCode)
	events, errs = w.m.seen()
	assert.Len(t, events, 1, "applied once")
	assert.Len(t, errs, 1, "the forgery")

	tx, _ := w.f.Transaction(ref)
	assert.Equal(t, res.IPNQuery, tx.IPNQuery)
	_, err = w.f.Pay(ctx, ref)
	require.ErrorIs(t, err, vnpaytest.ErrNotPayable)
}

func TestCancelSendsAFailedPayment(t *testing.T) {
	w := newWorld(t)
	_, ref := w.checkout(t, "pay_1", "150000")
	res, err := w.f.Cancel(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, "00", res.Reply.RspCode)
	assert.Equal(t, "0", res.TransactionNo)
	events, _ := w.m.seen()
	require.Len(t, events, 1)
	assert.Equal(t, gateway.EventPaymentFailed, events[0].Type)
	assert.Equal(t, "the customer cancelled the payment (VNPay code 24)", events[0].FailureReason)
	r, err := w.g.VerifyReturn(returnQuery(t, res.ReturnURL))
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentFailed, r.State)
}

func TestPayRefusals(t *testing.T) {
	w := newWorld(t)
	_, err := w.f.Pay(ctx, "payZ5F1")
	require.ErrorIs(t, err, vnpaytest.ErrUnknownTransaction, "the page was never opened")
	_, ref := w.checkout(t, "pay_1", "150000")
	w.clk.Advance(15*time.Minute + time.Second)
	_, err = w.f.Pay(ctx, ref)
	require.ErrorIs(t, err, vnpaytest.ErrExpired, "10:15:01, the page expired at 10:15")
	tx, _ := w.f.Transaction(ref)
	assert.Equal(t, "01", tx.Status, "nothing changed")
	events, _ := w.m.seen()
	assert.Empty(t, events)
}

// A lost IPN never reaches the merchant, but the payment is made and
// querydr reports it.
func TestALostIPNIsFoundByQuerydr(t *testing.T) {
	w := newWorld(t)
	_, ref := w.checkout(t, "pay_1", "150000")
	w.f.LoseIPNs(ref)
	res, err := w.f.Pay(ctx, ref)
	require.NoError(t, err)
	assert.False(t, res.Delivered)
	events, _ := w.m.seen()
	assert.Empty(t, events)

	w.clk.Advance(20 * time.Minute)
	st, err := w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: w.clk.Now()})
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, st.State)
	assert.True(t, vnd(t, "150000").Equal(st.Amount))
	assert.Equal(t, "14422574", st.GatewayRef)
}

func TestDeliverIPNFailures(t *testing.T) {
	f, err := vnpaytest.New(vnpaytest.Config{TmnCode: tmn, HashSecret: secret})
	require.NoError(t, err)
	defer f.Close()
	_, err = f.DeliverIPN(ctx, "vnp_TxnRef=1")
	require.ErrorIs(t, err, vnpaytest.ErrIPNDelivery, "no IPN URL")

	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }))
	defer plain.Close()
	f2, err := vnpaytest.New(vnpaytest.Config{TmnCode: tmn, HashSecret: secret, IPNURL: plain.URL})
	require.NoError(t, err)
	defer f2.Close()
	r, err := f2.DeliverIPN(ctx, "vnp_TxnRef=1")
	require.ErrorIs(t, err, vnpaytest.ErrIPNDelivery, "an empty 200 is not VNPay's answer")
	assert.Equal(t, 200, r.HTTPStatus)
}

// VNPay's samples and the adapter agree with the fake's signing:
// lehuygiang28/vnpay's IPN vector (test/verify-ipn-call.test.ts), secret
// "test_secret".
func TestSignQueryReproducesThePublishedIPNVector(t *testing.T) {
	q := vnpaytest.SignQuery("test_secret", map[string]string{
		"vnp_Amount": "1000000", "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP14422574", "vnp_CardType": "ATM",
		"vnp_OrderInfo": "Thanh toan don hang 2024-05-21T02:17:31.249Z", "vnp_PayDate": "20240521091806",
		"vnp_ResponseCode": "00", "vnp_TmnCode": "TEST_TMN_CODE", "vnp_TransactionNo": "14422574",
		"vnp_TransactionStatus": "00", "vnp_TxnRef": "1716257871703", "other": "ignored",
	})
	assert.True(t, strings.HasSuffix(q, "&vnp_SecureHash=649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361dbf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895"), q)
	assert.NotContains(t, q, "other")
}
