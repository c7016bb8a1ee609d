package vnpay_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

func TestNewRejectsBadConfig(t *testing.T) {
	ok := vnpay.Config{TmnCode: tmn, HashSecret: secret}
	with := func(f func(*vnpay.Config)) vnpay.Config { c := ok; f(&c); return c }
	cases := []struct {
		name  string
		cfg   vnpay.Config
		field string
	}{
		{"no terminal", with(func(c *vnpay.Config) { c.TmnCode = "" }), "TmnCode"},
		{"a 7-character terminal", with(func(c *vnpay.Config) { c.TmnCode = "CLOUDB0" }), "TmnCode"},
		{"a terminal with '_'", with(func(c *vnpay.Config) { c.TmnCode = "CLOUD_01" }), "TmnCode"},
		{"no secret", with(func(c *vnpay.Config) { c.HashSecret = "" }), "HashSecret"},
		{"a relative payment URL", with(func(c *vnpay.Config) { c.PaymentURL = "/vpcpay.html" }), "PaymentURL"},
		{"a payment URL with a query", with(func(c *vnpay.Config) { c.PaymentURL = "https://x.test/p?a=1" }), "PaymentURL"},
		{"an ftp API URL", with(func(c *vnpay.Config) { c.APIURL = "ftp://x.test/api" }), "APIURL"},
		{"a relative return URL", with(func(c *vnpay.Config) { c.ReturnURL = "/return/here" }), "ReturnURL"},
		{"a locale of fr", with(func(c *vnpay.Config) { c.Locale = "fr" }), "Locale"},
		{"an order type with a space", with(func(c *vnpay.Config) { c.OrderType = "top up" }), "OrderType"},
		{"a negative timeout", with(func(c *vnpay.Config) { c.PaymentTimeout = -1 }), "PaymentTimeout"},
		{"a server IP that is a name", with(func(c *vnpay.Config) { c.ServerIP = "localhost" }), "ServerIP"},
		{"a refund creator with '|'", with(func(c *vnpay.Config) { c.RefundCreatedBy = "a|b" }), "RefundCreatedBy"},
		{"a name with a newline", with(func(c *vnpay.Config) { c.Name = "vn\npay" }), "Name"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			g, err := vnpay.New(c.cfg)
			assert.Nil(t, g)
			require.ErrorIs(t, err, vnpay.ErrInvalidConfig)
			var ce *vnpay.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, c.field, ce.Field)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestNewDefaults(t *testing.T) {
	g, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: secret, ReturnURL: "https://shop.example/r"})
	require.NoError(t, err)
	assert.Equal(t, "vnpay", g.Name())
	r, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000"))
	require.NoError(t, err)
	assert.Contains(t, r.URL, vnpay.SandboxPaymentURL+"?")
	assert.Contains(t, r.URL, "vnp_Locale=vn&")
	assert.Contains(t, r.URL, "vnp_OrderType=other&")
	assert.Contains(t, r.URL, "vnp_ExpireDate=20240501101500&", "15 minutes after 10:00 GMT+7")
}

func TestSecretNeverPrints(t *testing.T) {
	cfg := vnpay.Config{TmnCode: tmn, HashSecret: secret}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, cfg)
		assert.NotContains(t, out, secret, verb)
		assert.NotContains(t, out, fmt.Sprintf("%x", secret), verb)
	}
	b, err := json.Marshal(struct{ HashSecret vnpay.Secret }{cfg.HashSecret})
	require.NoError(t, err)
	assert.NotContains(t, string(b), secret)
	assert.Contains(t, string(b), `"HashSecret":"[REDACTED]"`)
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "cfg", cfg, "secret", cfg.HashSecret)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", cfg, "secret", cfg.HashSecret)
	assert.NotContains(t, logs.String(), secret)
	assert.Equal(t, "", vnpay.Secret("").String(), "an empty secret shows as empty")

	g, err := vnpay.New(cfg)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.Equal(t, `vnpay.Gateway("vnpay")`, fmt.Sprintf(verb, g), verb)
	}
	var none *vnpay.Gateway
	assert.Equal(t, "vnpay.Gateway(nil)", fmt.Sprint(none))
}

func TestNewCopiesTheSecret(t *testing.T) {
	s := []byte(secret)
	g, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: vnpay.Secret(s), ReturnURL: "https://shop.example/r"})
	require.NoError(t, err)
	s[0] = 'X'
	ref := mustTxnRef(t, "pay_1")
	_, err = g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", "00", "00"))))
	require.NoError(t, err, "verified with the secret as given to New")
}
