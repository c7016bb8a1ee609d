package vnpaytest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

func (w *world) query(t *testing.T, id string) gateway.PaymentStatus {
	t.Helper()
	w.queries++ // a new vnp_RequestId for each query
	st, err := w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: id, CreatedAt: t0,
		Now: w.clk.Now().Add(time.Duration(w.queries) * time.Millisecond)})
	require.NoError(t, err)
	return st
}

// querydr follows the transaction: unknown until its page is opened, not
// completed (pending) until paid, expired once its page expired unpaid,
// failed when cancelled.
func TestQuerydrFollowsTheTransaction(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, gateway.PaymentNotFound, w.query(t, "pay_1").State, "answer 91")
	w.checkout(t, "pay_1", "150000")
	assert.Equal(t, gateway.PaymentPending, w.query(t, "pay_1").State, "status 01")
	w.clk.Advance(15*time.Minute + time.Second)
	assert.Equal(t, gateway.PaymentExpired, w.query(t, "pay_1").State, "10:15:01, unpaid past vnp_ExpireDate: status 08")

	w2 := newWorld(t)
	_, ref := w2.checkout(t, "pay_2", "150000")
	_, err := w2.f.Cancel(ctx, ref)
	require.NoError(t, err)
	st := w2.query(t, "pay_2")
	assert.Equal(t, gateway.PaymentFailed, st.State, "status 02")
}

// A partial refund of 50,000 of 150,000 is accepted in progress; it is
// paid out when VNPay settles it; 100,001 more is an invalid amount.
func TestRefundIsInProgressUntilSettled(t *testing.T) {
	w := newWorld(t)
	_, ref := w.checkout(t, "pay_1", "150000")
	paid, err := w.f.Pay(ctx, ref)
	require.NoError(t, err)
	req := gateway.RefundRequest{PaymentID: "pay_1", RefundID: "rf_1", GatewayRef: paid.TransactionNo, Amount: vnd(t, "50000"),
		PaymentAmount: vnd(t, "150000"), PaymentCreatedAt: t0, CreatedAt: t0.Add(time.Hour), Reason: "Hoàn tiền"}
	res, err := w.g.Refund(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundPending, res.Status)
	got := w.f.LastRequest()
	assert.Equal(t, "03", got["vnp_TransactionType"])
	assert.Equal(t, "5000000", got["vnp_Amount"], "a JSON number, × 100")

	q := gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_1", GatewayRef: res.GatewayRef, Now: t0.Add(2 * time.Hour)}
	st, err := w.g.QueryRefund(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundPending, st.State, "status 05")
	_, err = w.g.Refund(ctx, func() gateway.RefundRequest { r := req; r.RefundID = "rf_2"; return r }())
	require.NoError(t, err, "a refund while one is in progress is answered 94: pending")

	require.NoError(t, w.f.SettleRefund(ref))
	q.Now = q.Now.Add(time.Second)
	st, err = w.g.QueryRefund(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundSucceeded, st.State)
	assert.True(t, vnd(t, "50000").Equal(st.Amount), "the refund's amount")
	tx, _ := w.f.Transaction(ref)
	assert.Equal(t, int64(50000), tx.Refunded)
	require.Error(t, w.f.SettleRefund(ref), "nothing in progress")
	assert.Equal(t, gateway.PaymentSucceeded, w.query(t, "pay_1").State, "a refunded payment was paid")

	over := req
	over.RefundID, over.Amount = "rf_3", vnd(t, "100001")
	_, err = w.g.Refund(ctx, over)
	var de *gateway.DeclineError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "93", de.Code, "100,000 is left to refund")
}

// post sends body to the merchant API and decodes the answer.
func post(t *testing.T, f *vnpaytest.Server, contentType, body string) map[string]string {
	t.Helper()
	resp, err := http.Post(f.APIURL(), contentType, strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var a map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	return a
}

func TestTheMerchantAPIRefusesBadRequests(t *testing.T) {
	w := newWorld(t)
	valid := map[string]string{"vnp_RequestId": "r1", "vnp_Version": "2.1.0", "vnp_Command": "querydr", "vnp_TmnCode": tmn,
		"vnp_TxnRef": "payZ5F1", "vnp_OrderInfo": "q", "vnp_TransactionDate": "20240501100000",
		"vnp_CreateDate": "20240501102000", "vnp_IpAddr": "127.0.0.1"}
	sign := func(m map[string]string) string {
		m["vnp_SecureHash"] = vnpaytest.Checksum(secret, strings.Join([]string{m["vnp_RequestId"], m["vnp_Version"],
			m["vnp_Command"], m["vnp_TmnCode"], m["vnp_TxnRef"], m["vnp_TransactionDate"], m["vnp_CreateDate"],
			m["vnp_IpAddr"], m["vnp_OrderInfo"]}, "|"))
		b, _ := json.Marshal(m)
		return string(b)
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for key, val := range valid {
			m[key] = val
		}
		m[k] = v
		return m
	}
	cases := []struct {
		name, contentType, body, code string
	}{
		{"not JSON", "application/json", "vnp_Command=querydr", "03"},
		{"a form", "application/x-www-form-urlencoded", sign(with("vnp_RequestId", "r1")), "03"},
		{"an array member", "application/json", `{"vnp_Command":["querydr"]}`, "03"},
		{"an unknown command", "application/json", sign(with("vnp_Command", "pay")), "03"},
		{"another terminal", "application/json", sign(with("vnp_TmnCode", "OTHER001")), "02"},
		{"a bad date", "application/json", sign(with("vnp_TransactionDate", "2024-05-01")), "03"},
		{"a request id of 33 characters", "application/json", sign(with("vnp_RequestId", strings.Repeat("a", 33))), "03"},
		{"a changed member", "application/json", strings.Replace(sign(with("vnp_RequestId", "r2")), `"q"`, `"x"`, 1), "97"},
		{"the right request", "application/json", sign(with("vnp_RequestId", "r3")), "91"},
		{"the same vnp_RequestId again", "application/json", sign(with("vnp_RequestId", "r3")), "94"},
	}
	for _, c := range cases {
		a := post(t, w.f, c.contentType, c.body)
		assert.Equal(t, c.code, a["vnp_ResponseCode"], c.name)
		if c.code != "91" && c.code != "94" {
			assert.Empty(t, a["vnp_SecureHash"], "%s: a refusal is not signed", c.name)
		} else {
			assert.Len(t, a["vnp_SecureHash"], 128, "%s: an answer about a transaction is signed", c.name)
		}
	}
	resp, err := http.Get(w.f.APIURL())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a GET is answered 03 in JSON, as every refusal")

	g, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: "not-the-secret", APIURL: w.f.APIURL()})
	require.NoError(t, err)
	_, err = g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: t0})
	require.ErrorIs(t, err, gateway.ErrInvalidRequest, "97: the adapter's checksum under another secret")
}

func TestHooksForFailures(t *testing.T) {
	w := newWorld(t)
	require.NoError(t, w.f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", Amount: 150000, CreatedAt: t0,
		TransactionNo: "1", Status: "00"}))
	require.Error(t, w.f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F2"}), "no amount")
	require.ErrorIs(t, w.f.SetStatus("payZ5F9", "00"), vnpaytest.ErrUnknownTransaction)
	require.ErrorIs(t, w.f.SettleRefund("payZ5F9"), vnpaytest.ErrUnknownTransaction)

	w.f.FailWith(http.StatusBadGateway)
	_, err := w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: t0})
	require.ErrorIs(t, err, gateway.ErrTemporary)
	w.f.FailWith(0)
	w.f.ForceResponseCode("99")
	_, err = w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: t0.Add(time.Second)})
	require.ErrorIs(t, err, gateway.ErrTemporary)
	w.f.ForceResponseCode("")
	w.f.TamperAnswers(func(a map[string]string) { a["vnp_Amount"] = "1500000000" })
	_, err = w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: t0.Add(2 * time.Second)})
	require.ErrorIs(t, err, gateway.ErrTemporary, "a tampered answer fails the adapter's check")
	w.f.TamperAnswers(nil)
	st, err := w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: "pay_1", CreatedAt: t0, Now: t0.Add(3 * time.Second)})
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, st.State)
	assert.Len(t, w.f.Requests(), 3, "the HTTP failure never reached the API")
}

// One fake serves many payers and merchants at once (run with -race).
func TestConcurrentPayers(t *testing.T) {
	w := newWorld(t)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := "pay_" + strconv.Itoa(i)
			r, err := w.g.CreatePayment(ctx, gateway.PaymentRequest{PaymentID: id, AccountID: "acc", Amount: vnd(t, "150000"), CreatedAt: t0})
			if !assert.NoError(t, err) {
				return
			}
			resp, err := http.Get(r.URL)
			if !assert.NoError(t, err) {
				return
			}
			resp.Body.Close()
			res, err := w.f.Pay(ctx, r.GatewayRef)
			assert.NoError(t, err)
			assert.Equal(t, "00", res.Reply.RspCode)
			st, err := w.g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: id, CreatedAt: t0, Now: t0.Add(time.Minute)})
			assert.NoError(t, err)
			assert.Equal(t, gateway.PaymentSucceeded, st.State)
		})
	}
	wg.Wait()
	events, errs := w.m.seen()
	assert.Len(t, events, n)
	assert.Empty(t, errs)
	nos := map[string]bool{}
	for _, e := range events {
		nos[e.GatewayRef] = true
	}
	assert.Len(t, nos, n, "every payment has its own vnp_TransactionNo")
}
