package zalopay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/zalopay"
)

func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

func payReq(t testing.TB, id, amount string) gateway.PaymentRequest {
	return gateway.PaymentRequest{PaymentID: id, AccountID: "acct_1", Amount: amt(t, amount), CreatedAt: t0}
}

func post(body []byte) gateway.CallbackRequest {
	return gateway.CallbackRequest{Method: http.MethodPost, Body: body}
}

// The callback sample ZaloPay publishes (docs.zalopay.vn, "Callback"),
// byte for byte, with its mac, for the sandbox app 2553 whose key2 ZaloPay's
// sample code publishes.
const (
	publishedKey2 = "kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz"
	publishedBody = `{"data":"{\"app_id\":2553,\"app_trans_id\":\"200904_2553_1598435687208\",\"app_time\":1599189392817,\"app_user\":\"demo\",\"amount\":10000,\"embed_data\":\"{\\\"merchantinfo\\\":\\\"embeddata123\\\",\\\"promotioninfo\\\":\\\"\\\"}\",\"item\":\"[{\\\"itemid\\\":\\\"knb\\\",\\\"itemname\\\":\\\"kim nguyen bao\\\",\\\"itemprice\\\":198400,\\\"itemquantity\\\":1}]\",\"zp_trans_id\":200904000000389,\"server_time\":1599189413498,\"channel\":38,\"merchant_user_id\":\"7ZMSl3nEg5sOUJzOLSoUFT8xKNQVaLOLXHB--8Eytqc\",\"user_fee_amount\":0,\"discount_amount\":0}","mac":"d8d33baf449b31d7f9b94fa50d7c942c08cd4d83f28fa185557da21acb104f67","type":1}`
)

func TestPublishedCallbackSampleVerifies(t *testing.T) {
	g, err := zalopay.New(zalopay.Config{AppID: 2553, Key1: "unused", Key2: publishedKey2})
	require.NoError(t, err)
	ev, err := g.ReadCallback(t0, post([]byte(publishedBody)))
	require.NoError(t, err)
	assert.Equal(t, gateway.EventPaymentSucceeded, ev.Type)
	assert.Equal(t, "2553_1598435687208", ev.PaymentID, "an order without our embed_data: the app_trans_id suffix")
	assert.Equal(t, "10000 VND", ev.Amount.String())
	assert.Equal(t, "200904000000389", ev.GatewayRef)
	assert.Equal(t, "zalopay:200904000000389:succeeded", ev.ID)
	assert.Equal(t, time.UnixMilli(1599189413498).UTC(), ev.OccurredAt)

	tampered := strings.Replace(publishedBody, `\"amount\":10000`, `\"amount\":10001`, 1)
	_, err = g.ReadCallback(t0, post([]byte(tampered)))
	assert.ErrorIs(t, err, gateway.ErrBadSignature)
	other, _ := zalopay.New(zalopay.Config{AppID: 2553, Key1: "unused", Key2: "another-key2"})
	_, err = other.ReadCallback(t0, post([]byte(publishedBody)))
	assert.ErrorIs(t, err, gateway.ErrBadSignature)
}

func TestCreatePaymentSendsTheDocumentedOrder(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	req := payReq(t, "pay_0001", "150000 VND")
	req.ExpiresAt = t0.Add(15 * time.Minute)
	req.ReturnURL = "https://shop.example/back"
	r, err := g.CreatePayment(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, 0, f.badMacs, "the fake verified the mac")
	assert.Equal(t, "240501_pay_0001", r.GatewayRef, "00:30 on 1 May in Vietnam, though 30 April in UTC")
	assert.Equal(t, "https://qcgateway.zalopay.vn/openinapp?order=240501_pay_0001", r.URL)
	m := f.requests[0]
	assert.Equal(t, json.Number("150000"), m["amount"])
	assert.Equal(t, json.Number("1714498200000"), m["app_time"], "CreatedAt in Unix milliseconds")
	assert.Equal(t, json.Number("900"), m["expire_duration_seconds"])
	assert.Equal(t, "acct_1", m["app_user"])
	assert.Equal(t, "[]", m["item"])
	assert.Equal(t, `{"cloudbill_payment_id":"pay_0001","redirecturl":"https://shop.example/back"}`, m["embed_data"])
	assert.Equal(t, "https://shop.example/zalopay/callback", m["callback_url"])

	_, err = g.CreatePayment(context.Background(), req)
	assert.ErrorIs(t, err, gateway.ErrConflict, "ZaloPay's -68: the order exists")

	for name, mut := range map[string]func(r *gateway.PaymentRequest){
		"no CreatedAt":        func(r *gateway.PaymentRequest) { r.CreatedAt = time.Time{} },
		"expires in 4m59s":    func(r *gateway.PaymentRequest) { r.ExpiresAt = t0.Add(299 * time.Second) },
		"expires in 31 days":  func(r *gateway.PaymentRequest) { r.ExpiresAt = t0.Add(31 * 24 * time.Hour) },
		"999 VND":             func(r *gateway.PaymentRequest) { r.Amount = amt(t, "999 VND") },
		"50,000,001 VND":      func(r *gateway.PaymentRequest) { r.Amount = amt(t, "50000001 VND") },
		"12.5 VND":            func(r *gateway.PaymentRequest) { r.Amount = amt(t, "12.5 VND") },
		"10.00 USD":           func(r *gateway.PaymentRequest) { r.Amount = amt(t, "10.00 USD") },
		"257-byte describing": func(r *gateway.PaymentRequest) { r.Description = strings.Repeat("x", 257) },
	} {
		r := payReq(t, "pay_x", "150000 VND")
		mut(&r)
		before := len(f.requests)
		_, err := g.CreatePayment(context.Background(), r)
		assert.ErrorIs(t, err, gateway.ErrInvalidRequest, name)
		assert.Len(t, f.requests, before, "%s: nothing sent", name)
	}
	for _, c := range []struct{ amount, sent string }{{"1000 VND", "1000"}, {"50000000 VND", "50000000"}} {
		_, err := g.CreatePayment(context.Background(), payReq(t, "pay_"+c.sent, c.amount))
		require.NoError(t, err)
		assert.Equal(t, json.Number(c.sent), f.requests[len(f.requests)-1]["amount"])
	}
}

func TestCreateReturnCodes(t *testing.T) {
	for _, c := range []struct {
		ret, sub int64
		want     error
	}{
		{2, -401, gateway.ErrInvalidRequest}, {2, -402, gateway.ErrInvalidRequest}, {2, -68, gateway.ErrConflict},
		{2, -500, gateway.ErrTemporary}, {-429, 0, gateway.ErrTemporary}, {2, -33, gateway.ErrTemporary}, {-401, 0, gateway.ErrInvalidRequest},
	} {
		f := newFake(t)
		f.program("240501_pay_1", c.ret, c.sub)
		_, err := f.gateway(t).CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
		assert.ErrorIs(t, err, c.want, "%d/%d", c.ret, c.sub)
	}
	f := newFake(t)
	f.raw = "<html>"
	_, err := f.gateway(t).CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
	assert.ErrorIs(t, err, gateway.ErrTemporary)
}

func TestCallbackCarriesTheLibrarysPaymentID(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	for _, id := range []string{"pay_1", "acct:42/renewal:2024-05:" + strings.Repeat("y", 40), "h" + strings.Repeat("ab", 16)} {
		r, err := g.CreatePayment(context.Background(), payReq(t, id, "150000 VND"))
		require.NoError(t, err)
		assert.LessOrEqual(t, len(r.GatewayRef), 40)
		ev, err := g.ReadCallback(t0, post(f.pay(r.GatewayRef)))
		require.NoError(t, err)
		assert.Equal(t, id, ev.PaymentID)
		assert.Equal(t, "150000 VND", ev.Amount.String())
		assert.Equal(t, "zalopay:"+ev.GatewayRef+":succeeded", ev.ID)
	}
}

func TestTamperedCallbacksAreRejected(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	r, err := g.CreatePayment(context.Background(), payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	good := f.pay(r.GatewayRef)
	var env map[string]any
	require.NoError(t, json.Unmarshal(good, &env))
	data := env["data"].(string)
	for name, body := range map[string][]byte{
		"amount raised": []byte(strings.Replace(string(good), `\"amount\":150000`, `\"amount\":1500000`, 1)),
		"forged mac":    callback(strings.Replace(data, "150000", "1500000", 1), "guessed"),
		"mac not hex":   []byte(`{"data":"{}","mac":"zz","type":1}`),
	} {
		_, err := g.ReadCallback(t0, post(body))
		assert.ErrorIs(t, err, gateway.ErrBadSignature, name)
	}
	_, err = g.ReadCallback(t0, post([]byte(`{"data":"{}"}`)))
	assert.ErrorIs(t, err, gateway.ErrNotSigned)
	otherApp := callback(strings.Replace(data, `"app_id":2553`, `"app_id":2554`, 1), key2)
	_, err = g.ReadCallback(t0, post(otherApp))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent, "another app's order")
	swapped := callback(strings.Replace(data, `pay_1\"`, `pay_2\"`, 1), key2)
	_, err = g.ReadCallback(t0, post(swapped))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent, "embed_data must agree with app_trans_id")
	agreement, _ := json.Marshal(map[string]any{"data": data, "mac": env["mac"], "type": 2})
	_, err = g.ReadCallback(t0, post(agreement))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent)
	_, err = g.ReadCallback(t0, gateway.CallbackRequest{Method: http.MethodGet, Body: good})
	assert.Error(t, err)
}

func TestReplyBodiesAreExact(t *testing.T) {
	g := newFake(t).gateway(t)
	assert.Equal(t, []string{"POST"}, g.CallbackMethods())
	for o, body := range map[gateway.CallbackOutcome]string{
		gateway.CallbackApplied:        `{"return_code":1,"return_message":"success"}`,
		gateway.CallbackDuplicate:      `{"return_code":2,"return_message":"duplicate"}`,
		gateway.CallbackUnknownPayment: `{"return_code":-1,"return_message":"unknown order"}`,
		gateway.CallbackWrongAmount:    `{"return_code":-1,"return_message":"amount mismatch"}`,
		gateway.CallbackRejected:       `{"return_code":-1,"return_message":"mac not equal"}`,
		gateway.CallbackFailed:         `{"return_code":0,"return_message":"retry"}`,
		0:                              `{"return_code":0,"return_message":"retry"}`,
	} {
		assert.Equal(t, gateway.CallbackReply{Status: 200, ContentType: "application/json", Body: []byte(body)}, g.Reply(o), o.String())
	}
}

func TestQueryRefundAndRefundQuery(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	ctx := context.Background()
	q := gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: t0.Add(time.Minute)}
	st, err := g.QueryPayment(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentFailed, st.State, "an order ZaloPay never saw")
	r, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	st, err = g.QueryPayment(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentPending, st.State)
	ev, err := g.ReadCallback(t0, post(f.pay(r.GatewayRef)))
	require.NoError(t, err)
	st, err = g.QueryPayment(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, st.State)
	assert.Equal(t, "150000 VND", st.Amount.String())
	assert.Equal(t, ev.GatewayRef, st.GatewayRef)
	_, err = g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1"})
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest, "the date of app_trans_id comes from CreatedAt")

	rf := gateway.RefundRequest{PaymentID: "pay_1", RefundID: "rf_1", GatewayRef: ev.GatewayRef, Amount: amt(t, "50000 VND"),
		PaymentAmount: amt(t, "150000 VND"), CreatedAt: t0.Add(time.Hour), Reason: "khách đổi ý"}
	res, err := g.Refund(ctx, rf)
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundResult{GatewayRef: "9000001", Status: gateway.RefundSucceeded}, res)
	m := f.requests[len(f.requests)-1]
	assert.Equal(t, "240501_2553_rf_1", m["m_refund_id"], "01:30 on 1 May in Vietnam")
	assert.Equal(t, ev.GatewayRef, m["zp_trans_id"])
	assert.Equal(t, json.Number("50000"), m["amount"])
	assert.Equal(t, json.Number("1714501800000"), m["timestamp"])
	assert.Equal(t, 0, f.badMacs)

	rs, err := g.QueryRefund(ctx, gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_1", Amount: amt(t, "50000 VND"), CreatedAt: rf.CreatedAt, Now: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundSucceeded, rs.State)
	assert.Equal(t, "50000 VND", rs.Amount.String())
	rs, err = g.QueryRefund(ctx, gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_9", CreatedAt: rf.CreatedAt, Now: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundFailed, rs.State)

	rf.Amount = amt(t, "150001 VND")
	_, err = g.Refund(ctx, rf)
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest, "more than paid")
	rf.Amount, rf.RefundID = amt(t, "1000 VND"), "rf_2"
	f.program("240501_2553_rf_2", 3, 0)
	res, err = g.Refund(ctx, rf)
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundPending, res.Status)
	rf.RefundID = "rf_3"
	f.program("240501_2553_rf_3", 2, -13)
	_, err = g.Refund(ctx, rf)
	assert.ErrorIs(t, err, gateway.ErrDeclined)
	rf.RefundID, rf.GatewayRef = "rf_4", "ZP-1"
	_, err = g.Refund(ctx, rf)
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest)
}

func TestLinkedAccountsAreUnsupported(t *testing.T) {
	g := newFake(t).gateway(t)
	_, err := g.Charge(context.Background(), gateway.ChargeRequest{})
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
	_, err = g.StartLink(context.Background(), gateway.LinkRequest{})
	assert.ErrorIs(t, err, gateway.ErrUnsupported)
}

func TestConfigIsValidatedAndNeverShowsKeys(t *testing.T) {
	good := zalopay.Config{AppID: appID, Key1: key1, Key2: key2}
	g, err := zalopay.New(good)
	require.NoError(t, err)
	for field, mut := range map[string]func(c *zalopay.Config){
		"AppID": func(c *zalopay.Config) { c.AppID = 0 }, "Key1": func(c *zalopay.Config) { c.Key1 = "" },
		"Key2": func(c *zalopay.Config) { c.Key2 = "" }, "Endpoint": func(c *zalopay.Config) { c.Endpoint = "x" },
		"CallbackURL": func(c *zalopay.Config) { c.CallbackURL = "/cb" }, "BankCode": func(c *zalopay.Config) { c.BankCode = "a b" },
	} {
		c := good
		mut(&c)
		_, err := zalopay.New(c)
		var ce *zalopay.ConfigError
		require.ErrorAs(t, err, &ce, field)
		assert.Equal(t, field, ce.Field)
		assert.ErrorIs(t, err, zalopay.ErrInvalidConfig)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "config", good)
	out := fmt.Sprintf("%v %+v %#v %s", good, good, good, g) + buf.String()
	assert.NotContains(t, out, key1)
	assert.NotContains(t, out, key2)
	assert.Contains(t, out, "2553")
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
			r, err := g.CreatePayment(context.Background(), payReq(t, id, "150000 VND"))
			assert.NoError(t, err)
			ev, err := g.ReadCallback(t0, post(f.pay(r.GatewayRef)))
			assert.NoError(t, err)
			assert.Equal(t, id, ev.PaymentID)
			st, err := g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: id, CreatedAt: t0, Now: t0})
			assert.NoError(t, err)
			assert.Equal(t, gateway.PaymentSucceeded, st.State)
		}()
	}
	wg.Wait()
	assert.Equal(t, 0, f.badMacs)
}
