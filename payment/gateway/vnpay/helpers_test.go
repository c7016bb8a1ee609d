package vnpay_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

const (
	tmn    = "CLOUDB01"
	secret = "SECRETKEY0123456789SECRETKEY0123"
)

var (
	ctx = context.Background()
	// t0 is 10:00 in Ho Chi Minh City.
	t0 = time.Date(2024, 5, 1, 3, 0, 0, 0, time.UTC)
)

func newGateway(t testing.TB, apiURL string) *vnpay.Gateway {
	t.Helper()
	g, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: secret, APIURL: apiURL,
		ReturnURL: "https://shop.example/vnpay/return"})
	require.NoError(t, err)
	return g
}

func vnd(t testing.TB, n string) money.Amount {
	t.Helper()
	a, err := money.New(n, "VND")
	require.NoError(t, err)
	return a
}

func payReq(t testing.TB, id, amount string) gateway.PaymentRequest {
	return gateway.PaymentRequest{PaymentID: id, AccountID: "acc_1", Amount: vnd(t, amount),
		Description: "Thanh toán đơn hàng", CreatedAt: t0, ClientIP: "203.0.113.7"}
}

func mustTxnRef(t testing.TB, id string) string {
	t.Helper()
	ref, err := vnpay.TxnRef(id)
	require.NoError(t, err)
	return ref
}

// ipnParams are an IPN's fields for a payment of amount×100 with the codes.
func ipnParams(ref, amount100, rc, ts string) map[string]string {
	return map[string]string{
		"vnp_Amount": amount100, "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP14422574", "vnp_CardType": "ATM",
		"vnp_OrderInfo": "Thanh toan don hang", "vnp_PayDate": "20240501101530", "vnp_ResponseCode": rc,
		"vnp_TmnCode": tmn, "vnp_TransactionNo": "14422574", "vnp_TransactionStatus": ts, "vnp_TxnRef": ref,
	}
}

func ipnRequest(raw string) gateway.CallbackRequest {
	q, _ := url.ParseQuery(raw)
	return gateway.CallbackRequest{Method: "GET", Query: q, RawQuery: raw}
}

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }

// newFake starts the fake VNPay of package vnpaytest for this terminal,
// its clock at t0.
func newFake(t testing.TB) *vnpaytest.Server {
	t.Helper()
	f, err := vnpaytest.New(vnpaytest.Config{TmnCode: tmn, HashSecret: secret, Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	t.Cleanup(f.Close)
	return f
}
