package stripe_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/stripe"
)

func paymentRequest(t *testing.T) gateway.PaymentRequest {
	return gateway.PaymentRequest{
		PaymentID: "pay_1", AccountID: "acct_1", Amount: amt(t, "10.50 USD"),
		Description: "vServer 2 vCPU / 4 GB, 1 month", CreatedAt: t0, ExpiresAt: t0.Add(2 * time.Hour),
	}
}

func TestCreatePaymentSendsACheckoutSessionForTheExactAmount(t *testing.T) {
	g, rec := newGateway(t)
	r, err := g.CreatePayment(t.Context(), paymentRequest(t))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(r.GatewayRef, "cs_"), r.GatewayRef)
	require.True(t, strings.HasPrefix(r.URL, "https://"), r.URL)

	s := only(t, rec, "POST", "/v1/checkout/sessions")
	require.Equal(t, "cloudbill-payment-pay_1", s.Key())
	for k, want := range map[string]string{
		"mode":                                                "payment",
		"line_items[0][quantity]":                             "1",
		"line_items[0][price_data][unit_amount]":              "1050",
		"line_items[0][price_data][currency]":                 "usd",
		"line_items[0][price_data][product_data][name]":       "vServer 2 vCPU / 4 GB, 1 month",
		"metadata[cloudbill_payment_id]":                      "pay_1",
		"metadata[cloudbill_account_id]":                      "acct_1",
		"payment_intent_data[metadata][cloudbill_payment_id]": "pay_1",
		"payment_intent_data[metadata][cloudbill_account_id]": "acct_1",
		"payment_intent_data[metadata][cloudbill_flow]":       "checkout",
		"client_reference_id":                                 "pay_1",
		"success_url":                                         "https://portal.example/payments/return",
		"expires_at":                                          strconv.FormatInt(t0.Add(2*time.Hour).Unix(), 10),
	} {
		require.Equal(t, want, s.Form.Get(k), k)
	}
	require.NotContains(t, s.Header.Get("Authorization"), "sk_live")
}

func TestCreatePaymentSendsZeroDecimalCurrenciesInWholeUnits(t *testing.T) {
	g, rec := newGateway(t)
	for i, tc := range []struct{ amount, unit, currency string }{
		{"500 JPY", "500", "jpy"},
		{"150000 VND", "150000", "vnd"},
	} {
		req := paymentRequest(t)
		req.PaymentID = "pay_zero_" + strconv.Itoa(i)
		req.Amount = amt(t, tc.amount)
		_, err := g.CreatePayment(t.Context(), req)
		require.NoError(t, err)
		s := rec.sent()[len(rec.sent())-1]
		require.Equal(t, tc.unit, s.Form.Get("line_items[0][price_data][unit_amount]"), tc.amount)
		require.Equal(t, tc.currency, s.Form.Get("line_items[0][price_data][currency]"), tc.amount)
	}
}

func TestCreatePaymentClampsExpiryIntoStripesBounds(t *testing.T) {
	g, rec := newGateway(t)
	for i, tc := range []struct {
		name  string
		asked time.Duration
		sent  time.Duration // 0: no expires_at
	}{
		{"10 minutes asked, 35 sent (Stripe's minimum is 30)", 10 * time.Minute, 35 * time.Minute},
		{"2 hours asked, 2 hours sent", 2 * time.Hour, 2 * time.Hour},
		{"3 days asked, 23h55m sent (Stripe's maximum is 24h)", 72 * time.Hour, 23*time.Hour + 55*time.Minute},
		{"no expiry asked, none sent (Stripe's 24h default)", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := paymentRequest(t)
			req.PaymentID = "pay_exp_" + strconv.Itoa(i)
			req.ExpiresAt = time.Time{}
			if tc.asked > 0 {
				req.ExpiresAt = t0.Add(tc.asked)
			}
			_, err := g.CreatePayment(t.Context(), req)
			require.NoError(t, err)
			s := rec.sent()[len(rec.sent())-1]
			if tc.sent == 0 {
				require.False(t, s.Form.Has("expires_at"))
				return
			}
			require.Equal(t, strconv.FormatInt(t0.Add(tc.sent).Unix(), 10), s.Form.Get("expires_at"))
		})
	}
}

func TestCreatePaymentRefusesWhatStripeCannotTakeWithoutSending(t *testing.T) {
	g, rec := newGateway(t)
	for _, tc := range []struct {
		name  string
		edit  func(*gateway.PaymentRequest)
		field string
	}{
		{"1.005 USD is finer than a cent", func(r *gateway.PaymentRequest) { r.Amount = amt(t, "1.005 USD") }, "Amount"},
		{"an expiry before creation", func(r *gateway.PaymentRequest) { r.ExpiresAt = t0.Add(-time.Minute) }, "ExpiresAt"},
		{"an expiry without a creation time", func(r *gateway.PaymentRequest) { r.CreatedAt = time.Time{} }, "CreatedAt"},
		{"a relative return URL", func(r *gateway.PaymentRequest) { r.ReturnURL = "/back" }, "ReturnURL"},
		{"no payment id", func(r *gateway.PaymentRequest) { r.PaymentID = "" }, "PaymentID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := paymentRequest(t)
			tc.edit(&req)
			_, err := g.CreatePayment(t.Context(), req)
			var re *gateway.RequestError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.field, re.Field)
		})
	}
	require.Empty(t, rec.sent())

	noURL, err := stripe.New(stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testSecret}, APIURL: "http://stripe.invalid"})
	require.NoError(t, err)
	_, err = noURL.CreatePayment(t.Context(), paymentRequest(t))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
}

func TestStripeErrorsAreClassifiedForRetry(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		class     error
		retryable bool
	}{
		{"an idempotency key reused with another request is a conflict", 400, stripeError("idempotency_error", "", "", ""), gateway.ErrConflict, false},
		{"a bad parameter is an invalid request", 400, stripeError("invalid_request_error", "parameter_invalid_integer", "", ""), gateway.ErrInvalidRequest, false},
		{"a wrong key is an invalid request", 401, stripeError("invalid_request_error", "", "", ""), gateway.ErrInvalidRequest, false},
		{"an unknown object is not found", 404, stripeError("invalid_request_error", "resource_missing", "", ""), gateway.ErrNotFound, false},
		{"a concurrent request with the same key is temporary", 409, stripeError("invalid_request_error", "lock_timeout", "", ""), gateway.ErrTemporary, true},
		{"rate limiting is temporary", 429, stripeError("invalid_request_error", "rate_limit", "", ""), gateway.ErrTemporary, true},
		{"Stripe's 500 is temporary", 500, stripeError("api_error", "", "", ""), gateway.ErrTemporary, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, rec := newOfflineGateway(t)
			rec.answer("POST /v1/checkout/sessions", tc.status, tc.body)
			_, err := g.CreatePayment(t.Context(), paymentRequest(t))
			require.ErrorIs(t, err, tc.class)
			require.Equal(t, tc.retryable, gateway.Retryable(err))
			var ae *stripe.APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tc.status, ae.Status)
			require.NotContains(t, err.Error(), testKey)
		})
	}
	t.Run("a network failure is temporary", func(t *testing.T) {
		g, _ := newOfflineGateway(t) // no canned answer: the transport fails
		_, err := g.CreatePayment(t.Context(), paymentRequest(t))
		require.ErrorIs(t, err, gateway.ErrTemporary)
		require.True(t, gateway.Retryable(err))
	})
	t.Run("a cancelled context is temporary", func(t *testing.T) {
		g, rec := newOfflineGateway(t)
		rec.answer("POST /v1/checkout/sessions", 200, `{"id":"cs_1","url":"https://checkout.stripe.com/x"}`)
		ctx, cancel := contextCancelled(t)
		defer cancel()
		_, err := g.CreatePayment(ctx, paymentRequest(t))
		require.ErrorIs(t, err, gateway.ErrTemporary)
	})
}

func TestErrorsNeverPrintAClientSecret(t *testing.T) {
	g, rec := newOfflineGateway(t)
	rec.answer("POST /v1/refunds", 400, stripeError("invalid_request_error", "", "", `"payment_intent":{"id":"pi_x","client_secret":"pi_x_secret_DO_NOT_PRINT"}`))
	_, err := g.Refund(t.Context(), gateway.RefundRequest{PaymentID: "pay_1", RefundID: "ref_1", GatewayRef: "pi_x", Amount: amt(t, "1 USD")})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "DO_NOT_PRINT")
	require.NotContains(t, sprint("%+v", err), "DO_NOT_PRINT")
}

func TestConfigNeverPrintsItsSecrets(t *testing.T) {
	cfg := stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testSecret}}
	g, err := stripe.New(cfg)
	require.NoError(t, err)
	for _, s := range []string{sprint("%v", cfg), sprint("%+v", cfg), sprint("%#v", cfg), sprint("%s", cfg), sprint("%v", g), sprint("%+v", g), logged(cfg)} {
		require.NotContains(t, s, testKey)
		require.NotContains(t, s, testSecret)
	}
	for _, tc := range []struct {
		cfg   stripe.Config
		field string
	}{
		{stripe.Config{WebhookSecrets: []string{testSecret}}, "SecretKey"},
		{stripe.Config{SecretKey: "pk_test_publishable", WebhookSecrets: []string{testSecret}}, "SecretKey"},
		{stripe.Config{SecretKey: testKey}, "WebhookSecrets"},
		{stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testKey}}, "WebhookSecrets"},
		{stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testSecret}, Tolerance: -1}, "Tolerance"},
		{stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testSecret}, APIURL: "stripe-mock"}, "APIURL"},
		{stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testSecret}, ReturnURL: "/back"}, "ReturnURL"},
	} {
		_, err := stripe.New(tc.cfg)
		var ce *stripe.ConfigError
		require.ErrorAs(t, err, &ce, tc.field)
		require.Equal(t, tc.field, ce.Field)
		require.ErrorIs(t, err, stripe.ErrInvalidConfig)
		require.NotContains(t, err.Error(), testKey)
	}
	require.Equal(t, "stripe", g.Name())
	require.Equal(t, http.MethodPost, g.CallbackMethods()[0])
}

func TestAWrongKeyIsRefusedWithoutPrintingIt(t *testing.T) {
	_, _ = newGateway(t) // skips without stripe-mock
	const wrong = "sk_test_not_valid_looking_key"
	g, err := stripe.New(stripe.Config{SecretKey: wrong, WebhookSecrets: []string{testSecret}, APIURL: mockURL, ReturnURL: "https://portal.example/r"})
	require.NoError(t, err)
	_, err = g.CreatePayment(t.Context(), paymentRequest(t))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest, "stripe-mock answers 401 to a key that does not look like one")
	require.Contains(t, err.Error(), "401")
	require.NotContains(t, err.Error(), wrong)
}
