package momo_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/momo"
)

func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

func payReq(t testing.TB, id, amount string) gateway.PaymentRequest {
	return gateway.PaymentRequest{PaymentID: id, AccountID: "acct_1", Amount: amt(t, amount), Description: "Gói Pro tháng 5", CreatedAt: t0}
}

func post(body []byte) gateway.CallbackRequest {
	return gateway.CallbackRequest{Method: http.MethodPost, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

func TestCreatePaymentSendsTheDocumentedSignedRequest(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	r, err := g.CreatePayment(context.Background(), payReq(t, "pay_0001", "150000 VND"))
	require.NoError(t, err)
	assert.Equal(t, "https://test-payment.momo.vn/v2/gateway/pay?t=pay_0001", r.URL)
	assert.Equal(t, "pay_0001", r.GatewayRef)
	require.Len(t, f.requests, 1)
	m := f.requests[0]
	assert.Equal(t, 0, f.badSigs, "the fake verified the signature")
	assert.Equal(t, json.Number("150000"), m["amount"], "150,000 VND is sent as the JSON number 150000")
	assert.Equal(t, "pay_0001", m["orderId"])
	assert.Equal(t, "pay_0001", m["requestId"], "a retried create is the same request")
	assert.Equal(t, "captureWallet", m["requestType"])
	assert.Equal(t, "https://shop.example/momo/ipn", m["ipnUrl"])
	assert.Equal(t, "https://shop.example/back", m["redirectUrl"])
	assert.Equal(t, "Gói Pro tháng 5", m["orderInfo"])
	extra, err := base64.StdEncoding.DecodeString(m["extraData"].(string))
	require.NoError(t, err)
	assert.JSONEq(t, `{"paymentId":"pay_0001"}`, string(extra))

	again, err := g.CreatePayment(context.Background(), payReq(t, "pay_0001", "150000 VND"))
	require.NoError(t, err)
	assert.Equal(t, r, again, "the same PaymentID gives the same redirect")
	_, err = g.CreatePayment(context.Background(), payReq(t, "pay_0001", "160000 VND"))
	assert.ErrorIs(t, err, gateway.ErrConflict, "MoMo's 41 (orderId used) for another amount")
}

func TestAmountsAreWholeVNDWithinMoMosBounds(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	for _, c := range []struct {
		amount string
		sent   string // the JSON number MoMo receives, "" when refused
	}{
		{"1000 VND", "1000"},
		{"150000 VND", "150000"},
		{"50000000 VND", "50000000"},
		{"999 VND", ""},
		{"50000001 VND", ""},
		{"12.5 VND", ""},
		{"10.00 USD", ""},
	} {
		t.Run(c.amount, func(t *testing.T) {
			before := len(f.requests)
			id := "pay_" + strings.NewReplacer(" ", "_", ".", "_").Replace(c.amount)
			_, err := g.CreatePayment(context.Background(), payReq(t, id, c.amount))
			if c.sent == "" {
				assert.ErrorIs(t, err, gateway.ErrInvalidRequest)
				assert.Len(t, f.requests, before, "nothing is sent")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, json.Number(c.sent), f.requests[len(f.requests)-1]["amount"])
		})
	}
}

func TestCreateResultCodes(t *testing.T) {
	for _, c := range []struct {
		code int64
		want error
	}{
		{10, gateway.ErrTemporary}, {99, gateway.ErrTemporary}, {40, gateway.ErrTemporary}, {12345, gateway.ErrTemporary},
		{11, gateway.ErrInvalidRequest}, {13, gateway.ErrInvalidRequest}, {20, gateway.ErrInvalidRequest}, {22, gateway.ErrInvalidRequest},
		{41, gateway.ErrConflict}, {1001, gateway.ErrDeclined}, {1006, gateway.ErrDeclined}, {1005, gateway.ErrDeclined},
	} {
		t.Run(fmt.Sprint(c.code), func(t *testing.T) {
			f := newFake(t)
			f.program("pay_1", c.code)
			_, err := f.gateway(t).CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
			assert.ErrorIs(t, err, c.want)
			assert.Equal(t, c.want == gateway.ErrTemporary, gateway.Retryable(err))
		})
	}
}

func TestTransportFailuresAreTemporary(t *testing.T) {
	for name, set := range map[string]func(f *fakeMoMo){
		"HTTP 503": func(f *fakeMoMo) { f.status = http.StatusServiceUnavailable },
		"not JSON": func(f *fakeMoMo) { f.raw = "<html>oops</html>" },
		"another orderId": func(f *fakeMoMo) {
			f.raw = `{"partnerCode":"MOMOTEST","orderId":"pay_2","amount":150000,"resultCode":0,"payUrl":"https://x.example/p"}`
		},
		"another amount": func(f *fakeMoMo) {
			f.raw = `{"partnerCode":"MOMOTEST","orderId":"pay_1","amount":1000,"resultCode":0,"payUrl":"https://x.example/p"}`
		},
		"no payUrl": func(f *fakeMoMo) {
			f.raw = `{"partnerCode":"MOMOTEST","orderId":"pay_1","amount":150000,"resultCode":0}`
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			set(f)
			_, err := f.gateway(t).CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
			assert.ErrorIs(t, err, gateway.ErrTemporary)
		})
	}
	f := newFake(t)
	f.srv.Close()
	_, err := f.gateway(t).CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
	assert.ErrorIs(t, err, gateway.ErrTemporary, "an unreachable MoMo")
}

func TestIPNOutcomes(t *testing.T) {
	for _, c := range []struct {
		code   int64
		typ    gateway.EventType
		reason string
	}{
		{0, gateway.EventPaymentSucceeded, ""},
		{9000, gateway.EventPaymentSucceeded, ""},
		{1005, gateway.EventPaymentExpired, "the payment page expired"},
		{1006, gateway.EventPaymentFailed, "the payer declined the payment"},
		{1001, gateway.EventPaymentFailed, "insufficient funds in the MoMo wallet"},
		{4242, gateway.EventPaymentFailed, "refused by MoMo (code 4242)"},
	} {
		t.Run(fmt.Sprint(c.code), func(t *testing.T) {
			f := newFake(t)
			g := f.gateway(t)
			_, err := g.CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
			require.NoError(t, err)
			ev, err := g.ReadCallback(t0, post(f.pay("pay_1", c.code)))
			require.NoError(t, err)
			assert.Equal(t, c.typ, ev.Type)
			assert.Equal(t, "pay_1", ev.PaymentID)
			assert.Equal(t, "momo", ev.Gateway)
			assert.Equal(t, c.reason, ev.FailureReason)
			assert.Equal(t, t0.Add(60_000_000_000), ev.OccurredAt)
			if c.typ == gateway.EventPaymentSucceeded {
				assert.Equal(t, "4088878654", ev.GatewayRef)
				assert.Equal(t, "150000 VND", ev.Amount.String())
				assert.Equal(t, fmt.Sprintf("momo:pay_1:4088878654:%d", c.code), ev.ID)
			} else {
				assert.Equal(t, fmt.Sprintf("momo:pay_1:0:%d", c.code), ev.ID)
			}
			again, err := g.ParseCallback(t0.Add(48*3600e9), http.Header{}, f.pay("pay_1", c.code))
			require.NoError(t, err, "a late redelivery still reads; the library dedups by id")
			if c.typ != gateway.EventPaymentSucceeded {
				assert.Equal(t, ev.ID, again.ID, "a redelivery keeps its event id")
			}
		})
	}
	for _, code := range []int64{1000, 7000, 7002, 8000} {
		f := newFake(t)
		g := f.gateway(t)
		_, err := g.CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
		require.NoError(t, err)
		_, err = g.ReadCallback(t0, post(f.pay("pay_1", code)))
		assert.ErrorIs(t, err, momo.ErrNotFinal, "code %d", code)
	}
}

func TestIPNForLongOrOddPaymentIDsCarriesTheLibrarysID(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	id := "acct:42/renewal:2024-05:" + strings.Repeat("x", 60)
	_, err := g.CreatePayment(context.Background(), payReq(t, id, "150000 VND"))
	require.NoError(t, err)
	oid := f.requests[0]["orderId"].(string)
	assert.Len(t, oid, 41)
	assert.True(t, strings.HasPrefix(oid, "h"))
	ev, err := g.ReadCallback(t0, post(f.pay(oid, 0)))
	require.NoError(t, err)
	assert.Equal(t, id, ev.PaymentID)
}

func TestTamperedIPNsAreRejected(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	_, err := g.CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	good := f.pay("pay_1", 0)
	var m map[string]any
	require.NoError(t, json.Unmarshal(good, &m))
	tamper := func(k string, v any) []byte {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		b, _ := json.Marshal(c)
		return b
	}
	for name, body := range map[string][]byte{
		"amount raised":     tamper("amount", 1500000),
		"result changed":    tamper("resultCode", 1006),
		"order changed":     tamper("orderId", "pay_2"),
		"extraData changed": tamper("extraData", base64.StdEncoding.EncodeToString([]byte(`{"paymentId":"pay_2"}`))),
		"transId changed":   tamper("transId", 1),
		"signature upper":   tamper("signature", strings.Repeat("0", 64)),
		"amount removed":    tamper("amount", nil),
	} {
		_, err := g.ReadCallback(t0, post(body))
		assert.ErrorIs(t, err, gateway.ErrBadSignature, name)
	}
	_, err = g.ReadCallback(t0, post(tamper("signature", nil)))
	assert.ErrorIs(t, err, gateway.ErrNotSigned)
	_, err = g.ReadCallback(t0, post(tamper("amount", "150000x")))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent)
	_, err = g.ReadCallback(t0, gateway.CallbackRequest{Method: http.MethodGet, Body: good})
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent)
	for _, body := range []string{"", "[]", "null", `{"a":1} {}`, "{"} {
		_, err = g.ReadCallback(t0, post([]byte(body)))
		assert.Error(t, err, body)
	}

	// Another partner's authentic IPN, signed with its own key.
	other := signIPN(map[string]any{"partnerCode": "OTHER", "orderId": "pay_1", "requestId": "pay_1", "amount": 150000,
		"orderInfo": "x", "orderType": "momo_wallet", "transId": 7, "resultCode": 0, "message": "", "payType": "qr",
		"responseTime": t0.UnixMilli(), "extraData": m["extraData"]}, secretKey)
	_, err = g.ReadCallback(t0, post(other))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent, "partnerCode must be ours")
	forged := signIPN(map[string]any{"partnerCode": partner, "orderId": "pay_1", "requestId": "pay_1", "amount": 150000,
		"orderInfo": "x", "orderType": "momo_wallet", "transId": 7, "resultCode": 0, "message": "", "payType": "qr",
		"responseTime": t0.UnixMilli(), "extraData": m["extraData"]}, "guessed-key")
	_, err = g.ReadCallback(t0, post(forged))
	assert.ErrorIs(t, err, gateway.ErrBadSignature)
}

func TestReplyBodiesAreExact(t *testing.T) {
	g := newFake(t).gateway(t)
	assert.Equal(t, []string{"POST"}, g.CallbackMethods())
	for o, status := range map[gateway.CallbackOutcome]int{
		gateway.CallbackApplied: 204, gateway.CallbackDuplicate: 204, gateway.CallbackUnknownPayment: 204,
		gateway.CallbackWrongAmount: 204, gateway.CallbackRejected: 400, gateway.CallbackFailed: 500, 0: 500,
	} {
		assert.Equal(t, gateway.CallbackReply{Status: status}, g.Reply(o), o.String())
	}
}

func TestRefunds(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	ctx := context.Background()
	_, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	ev, err := g.ReadCallback(t0, post(f.pay("pay_1", 0)))
	require.NoError(t, err)
	refund := func(id, amount string) (gateway.RefundResult, error) {
		return g.Refund(ctx, gateway.RefundRequest{PaymentID: "pay_1", RefundID: id, GatewayRef: ev.GatewayRef,
			Amount: amt(t, amount), PaymentAmount: amt(t, "150000 VND"), CreatedAt: t0, Reason: "khách đổi ý"})
	}
	r, err := refund("rf_1", "100000 VND")
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundSucceeded, r.Status)
	assert.Equal(t, "4088878655", r.GatewayRef)
	last := f.requests[len(f.requests)-1]
	assert.Equal(t, json.Number("100000"), last["amount"])
	assert.Equal(t, json.Number("4088878654"), last["transId"])
	assert.Equal(t, "rf_1", last["orderId"])
	assert.Equal(t, "khách đổi ý", last["description"])

	again, err := refund("rf_1", "100000 VND")
	require.NoError(t, err)
	assert.Equal(t, r, again, "a retried refund is answered once")
	_, err = refund("rf_2", "60000 VND")
	assert.ErrorIs(t, err, gateway.ErrDeclined, "100,000 + 60,000 > 150,000: MoMo's 1081")
	r, err = refund("rf_3", "50000 VND")
	require.NoError(t, err, "100,000 + 50,000 = 150,000 is allowed")
	assert.Equal(t, gateway.RefundSucceeded, r.Status)
	_, err = refund("rf_4", "150001 VND")
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest, "more than the payment is refused before sending")
	_, err = refund("rf_5", "999 VND")
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest)

	f.program("rf_6", 7000)
	r, err = g.Refund(ctx, gateway.RefundRequest{PaymentID: "pay_1", RefundID: "rf_6", GatewayRef: ev.GatewayRef, Amount: amt(t, "1000 VND"), CreatedAt: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundPending, r.Status)
	_, err = g.Refund(ctx, gateway.RefundRequest{PaymentID: "pay_1", RefundID: "rf_7", GatewayRef: "MOMO-1", Amount: amt(t, "1000 VND"), CreatedAt: t0})
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest, "a transId is a number")
	assert.Equal(t, 0, f.badSigs)

	st, err := g.QueryRefund(ctx, gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_1", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundSucceeded, st.State)
	assert.Equal(t, "100000 VND", st.Amount.String())
	st, err = g.QueryRefund(ctx, gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_6", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundPending, st.State)
	st, err = g.QueryRefund(ctx, gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_9", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundNotFound, st.State)
	st, err = g.QueryRefund(ctx, gateway.RefundQuery{PaymentID: "pay_9", RefundID: "rf_1", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundNotFound, st.State)
}

func TestQueryPayment(t *testing.T) {
	for _, c := range []struct {
		code  int64
		state gateway.PaymentState
	}{
		{0, gateway.PaymentSucceeded}, {9000, gateway.PaymentSucceeded}, {1000, gateway.PaymentPending}, {7000, gateway.PaymentPending},
		{1005, gateway.PaymentExpired}, {1006, gateway.PaymentFailed}, {1001, gateway.PaymentFailed},
	} {
		f := newFake(t)
		g := f.gateway(t)
		_, err := g.CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
		require.NoError(t, err)
		f.pay("pay_1", c.code)
		st, err := g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_1", Now: t0})
		require.NoError(t, err)
		assert.Equal(t, c.state, st.State, "code %d", c.code)
		if c.state == gateway.PaymentSucceeded {
			assert.Equal(t, "150000 VND", st.Amount.String())
			assert.Equal(t, "4088878654", st.GatewayRef)
		}
		assert.Equal(t, 0, f.badSigs)
	}
	f := newFake(t)
	g := f.gateway(t)
	st, err := g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_404", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentNotFound, st.State)
	_, err = g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_404"})
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest, "a query needs the library's now")
	f.raw = `{"partnerCode":"MOMOTEST","orderId":"pay_1","resultCode":10}`
	_, err = g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_1", Now: t0})
	assert.ErrorIs(t, err, gateway.ErrTemporary, "maintenance")
}

func TestLinkedAccountsAreUnsupported(t *testing.T) {
	g := newFake(t).gateway(t)
	_, err := g.Charge(context.Background(), gateway.ChargeRequest{})
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
	_, err = g.StartLink(context.Background(), gateway.LinkRequest{})
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
}

func TestConfigIsValidatedAndNeverShowsKeys(t *testing.T) {
	good := momo.Config{PartnerCode: partner, AccessKey: accessKey, SecretKey: secretKey, IPNURL: "https://shop.example/ipn"}
	g, err := momo.New(good)
	require.NoError(t, err)
	assert.Equal(t, "momo", g.Name())
	for field, c := range map[string]func(c *momo.Config){
		"PartnerCode": func(c *momo.Config) { c.PartnerCode = "" },
		"AccessKey":   func(c *momo.Config) { c.AccessKey = "" },
		"SecretKey":   func(c *momo.Config) { c.SecretKey = "" },
		"IPNURL":      func(c *momo.Config) { c.IPNURL = "/ipn" },
		"Endpoint":    func(c *momo.Config) { c.Endpoint = "ftp://x" },
		"Lang":        func(c *momo.Config) { c.Lang = "fr" },
		"RedirectURL": func(c *momo.Config) { c.RedirectURL = "back" },
		"Name":        func(c *momo.Config) { c.Name = "mo mo" },
	} {
		cfg := good
		c(&cfg)
		_, err := momo.New(cfg)
		var ce *momo.ConfigError
		require.ErrorAs(t, err, &ce, field)
		assert.Equal(t, field, ce.Field)
		assert.ErrorIs(t, err, momo.ErrInvalidConfig)
		assert.NotContains(t, err.Error(), secretKey)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "config", good)
	out := fmt.Sprintf("%v %+v %#v %s %q", good, good, good, good, good) + buf.String() + fmt.Sprintf("%v %+v", g, g)
	assert.NotContains(t, out, secretKey)
	assert.NotContains(t, out, accessKey)
	assert.Contains(t, out, partner)
	assert.Contains(t, out, "[REDACTED]")
}

func TestConcurrentUse(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("pay_%d", i)
			_, err := g.CreatePayment(context.Background(), payReq(t, id, "150000 VND"))
			assert.NoError(t, err)
			ev, err := g.ReadCallback(t0, post(f.pay(id, 0)))
			assert.NoError(t, err)
			assert.Equal(t, id, ev.PaymentID)
			st, err := g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: id, Now: t0})
			assert.NoError(t, err)
			assert.Equal(t, gateway.PaymentSucceeded, st.State)
		}()
	}
	wg.Wait()
	assert.Equal(t, 0, f.badSigs)
}
