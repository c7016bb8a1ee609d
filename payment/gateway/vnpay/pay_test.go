package vnpay_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

// paymentQuery splits a payment URL into its parameters and checks its
// checksum independently: the query before "&vnp_SecureHash=" is what is
// signed.
func paymentQuery(t *testing.T, u string) url.Values {
	t.Helper()
	_, query, ok := strings.Cut(u, "?")
	require.True(t, ok)
	signed, hash, ok := strings.Cut(query, "&vnp_SecureHash=")
	require.True(t, ok, "the checksum comes last")
	assert.Equal(t, vnpaytest.Checksum(secret, signed), hash)
	q, err := url.ParseQuery(query)
	require.NoError(t, err)
	return q
}

func TestCreatePaymentBuildsTheSignedURL(t *testing.T) {
	g := newGateway(t, "")
	req := payReq(t, "pay_3k7q", "150000")
	req.ExpiresAt = t0.Add(30 * time.Minute)
	r, err := g.CreatePayment(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, "payZ5F3k7q", r.GatewayRef)
	q := paymentQuery(t, r.URL)
	want := map[string]string{
		"vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": tmn, "vnp_Amount": "15000000",
		"vnp_CurrCode": "VND", "vnp_TxnRef": "payZ5F3k7q", "vnp_OrderInfo": "Thanh toan don hang",
		"vnp_OrderType": "other", "vnp_Locale": "vn", "vnp_ReturnUrl": "https://shop.example/vnpay/return",
		"vnp_IpAddr": "203.0.113.7", "vnp_CreateDate": "20240501100000", "vnp_ExpireDate": "20240501103000",
	}
	for k, v := range want {
		assert.Equal(t, v, q.Get(k), k)
	}
	assert.Len(t, q, len(want)+1, "no other parameter, vnp_SecureHashType included")
	assert.Contains(t, r.URL, "vnp_OrderInfo=Thanh+toan+don+hang&", "spaces are '+'")
	assert.Contains(t, r.URL, "vnp_ReturnUrl=https%3A%2F%2Fshop.example%2Fvnpay%2Freturn&")

	again, err := g.CreatePayment(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, r, again, "a retry returns the same URL")
}

func TestCreatePaymentAmountIsTimes100(t *testing.T) {
	g := newGateway(t, "")
	for _, c := range []struct{ vnd, param string }{
		{"150000", "15000000"},
		{"1", "100"},
		{"10000", "1000000"},
		{"230000", "23000000"},
		{"9999999999", "999999999900"},
		{"150000.00", "15000000"},
	} {
		r, err := g.CreatePayment(ctx, payReq(t, "pay_1", c.vnd))
		require.NoError(t, err, c.vnd)
		assert.Equal(t, c.param, paymentQuery(t, r.URL).Get("vnp_Amount"), c.vnd+" VND")
	}
}

func TestCreatePaymentRefusals(t *testing.T) {
	g := newGateway(t, "")
	usd, err := money.New("10.00", "USD")
	require.NoError(t, err)
	cases := []struct {
		name  string
		edit  func(*gateway.PaymentRequest)
		field string
	}{
		{"USD", func(r *gateway.PaymentRequest) { r.Amount = usd }, "Amount"},
		{"half a dong", func(r *gateway.PaymentRequest) { r.Amount = vnd(t, "150000.5") }, "Amount"},
		{"10,000,000,000 VND (13 digits × 100)", func(r *gateway.PaymentRequest) { r.Amount = vnd(t, "10000000000") }, "Amount"},
		{"zero", func(r *gateway.PaymentRequest) { r.Amount = vnd(t, "0") }, "Amount"},
		{"no creation time", func(r *gateway.PaymentRequest) { r.CreatedAt = time.Time{} }, "CreatedAt"},
		{"expiry before creation", func(r *gateway.PaymentRequest) { r.ExpiresAt = t0.Add(-time.Minute) }, "ExpiresAt"},
		{"a client IP that is a name", func(r *gateway.PaymentRequest) { r.ClientIP = "example.com" }, "ClientIP"},
		{"a relative return URL", func(r *gateway.PaymentRequest) { r.ReturnURL = "/back/home" }, "ReturnURL"},
		{"a 256-byte id", func(r *gateway.PaymentRequest) { r.PaymentID = strings.Repeat("p", 256) }, "PaymentID"},
		{"an id that does not fit vnp_TxnRef", func(r *gateway.PaymentRequest) { r.PaymentID = strings.Repeat("_", 80) }, "PaymentID"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			req := payReq(t, "pay_1", "150000")
			c.edit(&req)
			_, err := g.CreatePayment(ctx, req)
			require.ErrorIs(t, err, gateway.ErrInvalidRequest)
			var re *gateway.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, c.field, re.Field)
			assert.False(t, gateway.Retryable(err))
		})
	}
}

func TestCreatePaymentDefaultsAndZone(t *testing.T) {
	g, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: secret, Locale: "en", PaymentTimeout: time.Hour,
		ServerIP: "198.51.100.1", OrderType: "billpayment"})
	require.NoError(t, err)
	req := payReq(t, "pay_1", "150000")
	req.ClientIP, req.Description, req.ReturnURL = "", "", "https://shop.example/back"
	// 23:30 UTC on April 30 is 06:30 on May 1 in Ho Chi Minh City.
	req.CreatedAt = time.Date(2024, 4, 30, 23, 30, 0, 0, time.UTC)
	r, err := g.CreatePayment(ctx, req)
	require.NoError(t, err)
	q := paymentQuery(t, r.URL)
	assert.Equal(t, "20240501063000", q.Get("vnp_CreateDate"))
	assert.Equal(t, "20240501073000", q.Get("vnp_ExpireDate"))
	assert.Equal(t, "198.51.100.1", q.Get("vnp_IpAddr"))
	assert.Equal(t, "Payment payZ5F1", q.Get("vnp_OrderInfo"))
	assert.Equal(t, "en", q.Get("vnp_Locale"))
	assert.Equal(t, "billpayment", q.Get("vnp_OrderType"))

	noReturn, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: secret})
	require.NoError(t, err)
	_, err = noReturn.CreatePayment(ctx, payReq(t, "pay_1", "150000"))
	var re *gateway.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "ReturnURL", re.Field)
}

func TestCreatePaymentOrderInfoHasNoSpecialCharacters(t *testing.T) {
	g := newGateway(t, "")
	for desc, want := range map[string]string{
		"Gia hạn vServer 2 vCPU/4 GB – 3 tháng": "Gia han vServer 2 vCPU 4 GB 3 thang",
		"ĐƠN HÀNG #42: nạp tiền":                "DON HANG #42: nap tien",
		"a&b=c?d%e":                             "a b c d e",
		strings.Repeat("x", 300):                strings.Repeat("x", 255),
		"★★★":                                   "Payment payZ5F1",
	} {
		req := payReq(t, "pay_1", "150000")
		req.Description = desc
		r, err := g.CreatePayment(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, want, paymentQuery(t, r.URL).Get("vnp_OrderInfo"), desc)
	}
}

func TestChargeLinkAndParseCallbackAreUnsupported(t *testing.T) {
	g := newGateway(t, "")
	_, err := g.Charge(ctx, gateway.ChargeRequest{})
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
	_, err = g.StartLink(ctx, gateway.LinkRequest{})
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
	_, err = g.ParseCallback(t0, nil, nil)
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
	assert.Equal(t, []string{"GET"}, g.CallbackMethods())
}
