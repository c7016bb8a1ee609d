package vnpay_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

func paymentQuery1(t *testing.T) gateway.PaymentQuery {
	return gateway.PaymentQuery{PaymentID: "pay_1", AccountID: "acc_1", Amount: vnd(t, "150000"),
		CreatedAt: t0, Now: t0.Add(20 * time.Minute)}
}

func TestQueryPaymentStates(t *testing.T) {
	cases := []struct {
		name      string
		typ, ts   string
		state     gateway.PaymentState
		amount    string
		reason    string
		reference string
	}{
		{"status 00 succeeded", "01", "00", gateway.PaymentSucceeded, "150000", "", "14422574"},
		{"status 01 (not completed) pending", "01", "01", gateway.PaymentPending, "", "", "14422574"},
		{"status 04 (reversed) pending", "01", "04", gateway.PaymentPending, "", "", "14422574"},
		{"status 07 (fraud review) pending", "01", "07", gateway.PaymentPending, "", "", "14422574"},
		{"status 02 failed", "01", "02", gateway.PaymentFailed, "", "transaction error (VNPay status 02)", "14422574"},
		{"status 08 expired", "01", "08", gateway.PaymentExpired, "", "payment time expired (VNPay status 08)", "14422574"},
		{"a refund on record: paid", "03", "05", gateway.PaymentSucceeded, "", "", "14422574"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			g := newGateway(t, f.APIURL())
			require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 150000, TransactionNo: "14422574", Type: c.typ, Status: c.ts, PayDate: t0.Add(15*time.Minute + 30*time.Second)}))
			st, err := g.QueryPayment(ctx, paymentQuery1(t))
			require.NoError(t, err)
			assert.Equal(t, c.state, st.State)
			assert.Equal(t, c.reason, st.FailureReason)
			assert.Equal(t, c.reference, st.GatewayRef)
			assert.Equal(t, time.Date(2024, 5, 1, 3, 15, 30, 0, time.UTC), st.OccurredAt)
			if c.amount != "" {
				assert.True(t, vnd(t, c.amount).Equal(st.Amount), st.Amount.String())
			} else {
				assert.True(t, st.Amount.Currency().IsZero())
			}
			req := f.LastRequest()
			assert.Equal(t, "querydr", req["vnp_Command"])
			assert.Equal(t, "payZ5F1", req["vnp_TxnRef"])
			assert.Equal(t, "20240501100000", req["vnp_TransactionDate"], "the payment's vnp_CreateDate")
			assert.Equal(t, "20240501102000", req["vnp_CreateDate"], "the query's time, GMT+7")
			assert.Len(t, req["vnp_RequestId"], 32)
		})
	}
}

func TestQueryPaymentNotFoundAndFailures(t *testing.T) {
	f := newFake(t)
	g := newGateway(t, f.APIURL())
	st, err := g.QueryPayment(ctx, paymentQuery1(t))
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentStatus{State: gateway.PaymentNotFound}, st, "answer 91")

	require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 150000, TransactionNo: "1", Status: "00"}))
	later := paymentQuery1(t)
	later.Now = later.Now.Add(time.Minute)
	st, err = g.QueryPayment(ctx, later)
	require.NoError(t, err)
	_, err = g.QueryPayment(ctx, later)
	require.ErrorIs(t, err, gateway.ErrTemporary, "the same vnp_RequestId twice is 94")
	assert.Equal(t, gateway.PaymentSucceeded, st.State)

	for code, sentinel := range map[string]error{
		"02": gateway.ErrInvalidRequest, "03": gateway.ErrInvalidRequest, "97": gateway.ErrInvalidRequest,
		"08": gateway.ErrTemporary, "99": gateway.ErrTemporary, "00": gateway.ErrTemporary, // 00 unsigned
	} {
		f.ForceResponseCode(code)
		_, err := g.QueryPayment(ctx, paymentQuery1(t))
		require.ErrorIs(t, err, sentinel, code)
		assert.Equal(t, sentinel == gateway.ErrTemporary, gateway.Retryable(err), code)
	}
}

func TestQueryPaymentRejectsTamperedAnswers(t *testing.T) {
	for _, field := range []string{"vnp_TransactionStatus", "vnp_Amount", "vnp_TransactionNo", "vnp_ResponseCode",
		"vnp_TxnRef", "vnp_PayDate", "vnp_SecureHash"} {
		t.Run(field, func(t *testing.T) {
			f := newFake(t)
			g := newGateway(t, f.APIURL())
			require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 150000, TransactionNo: "14422574", Status: "02"}))
			f.TamperAnswers(func(a map[string]string) {
				if field == "vnp_ResponseCode" {
					a[field] = "00"
					a["vnp_TransactionStatus"] = "00"
					return
				}
				a[field] += "1"
			})
			_, err := g.QueryPayment(ctx, paymentQuery1(t))
			require.ErrorIs(t, err, gateway.ErrTemporary)
		})
	}
}

func TestQueryPaymentTransportFailures(t *testing.T) {
	f := newFake(t)
	g := newGateway(t, f.APIURL())
	f.FailWith(502)
	_, err := g.QueryPayment(ctx, paymentQuery1(t))
	require.ErrorIs(t, err, gateway.ErrTemporary)

	f.Close()
	_, err = g.QueryPayment(ctx, paymentQuery1(t))
	require.ErrorIs(t, err, gateway.ErrTemporary)

	cancelled, cancel := contextWithCancel()
	cancel()
	_, err = g.QueryPayment(cancelled, paymentQuery1(t))
	require.ErrorIs(t, err, gateway.ErrTemporary)

	q := paymentQuery1(t)
	q.CreatedAt = time.Time{}
	_, err = g.QueryPayment(ctx, q)
	require.ErrorIs(t, err, gateway.ErrInvalidRequest, "querydr needs the payment's creation time")
}

func TestQueryWithAWrongSecretIsAConfigurationError(t *testing.T) {
	f := newFake(t)
	g, err := vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: "not-the-secret", APIURL: f.APIURL()})
	require.NoError(t, err)
	_, err = g.QueryPayment(ctx, paymentQuery1(t))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest, "VNPay answers 97")
	assert.NotContains(t, err.Error(), "not-the-secret")
}

func refundReq(t *testing.T, id, amount string) gateway.RefundRequest {
	return gateway.RefundRequest{PaymentID: "pay_1", RefundID: id, GatewayRef: "14422574", Amount: vnd(t, amount),
		PaymentAmount: vnd(t, "150000"), PaymentCreatedAt: t0, CreatedAt: t0.Add(24 * time.Hour), Reason: "Hoàn tiền gói vServer"}
}

func TestRefundFullAndPartial(t *testing.T) {
	f := newFake(t)
	g := newGateway(t, f.APIURL())
	require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 150000, TransactionNo: "14422574", Status: "00"}))

	res, err := g.Refund(ctx, refundReq(t, "rf_1", "50000"))
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundResult{GatewayRef: "payZ5F1:20240501100000:14422574", Status: gateway.RefundPending}, res)
	req := f.LastRequest()
	assert.Equal(t, "03", req["vnp_TransactionType"], "50,000 of 150,000 is partial")
	assert.Equal(t, "5000000", req["vnp_Amount"], "50,000 VND × 100")
	assert.Equal(t, "14422574", req["vnp_TransactionNo"])
	assert.Equal(t, "20240501100000", req["vnp_TransactionDate"])
	assert.Equal(t, "20240502100000", req["vnp_CreateDate"])
	assert.Equal(t, "cloudbill", req["vnp_CreateBy"])
	assert.Equal(t, "Hoan tien goi vServer", req["vnp_OrderInfo"])

	_, err = g.Refund(ctx, refundReq(t, "rf_1", "50000"))
	require.NoError(t, err, "a retry of the same refund: same vnp_RequestId, answered 94, pending")

	f2 := newFake(t)
	g2 := newGateway(t, f2.APIURL())
	require.NoError(t, f2.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 150000, TransactionNo: "14422574", Status: "00"}))
	_, err = g2.Refund(ctx, refundReq(t, "rf_2", "150000"))
	require.NoError(t, err)
	assert.Equal(t, "02", f2.LastRequest()["vnp_TransactionType"], "150,000 of 150,000 is full")
	assert.Equal(t, "15000000", f2.LastRequest()["vnp_Amount"])
}

func TestRefundAnswers(t *testing.T) {
	cases := []struct {
		name   string
		status string // the payment's vnp_TransactionStatus at the fake
		date   time.Time
		amount string
		is     error
	}{
		{"an unsuccessful payment (95) is declined", "02", t0, "50000", gateway.ErrDeclined},
		{"an unknown payment (91) is not found", "00", t0.Add(-24 * time.Hour), "50000", gateway.ErrNotFound},
		{"a payment being refunded (94) is pending", "05", t0, "50000", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			g := newGateway(t, f.APIURL())
			require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: c.date, Amount: 150000, TransactionNo: "14422574", Status: c.status}))
			res, err := g.Refund(ctx, refundReq(t, "rf_1", c.amount))
			if c.is == nil {
				require.NoError(t, err)
				assert.Equal(t, gateway.RefundPending, res.Status)
				return
			}
			require.ErrorIs(t, err, c.is)
			assert.False(t, gateway.Retryable(err))
		})
	}
	f := newFake(t)
	g := newGateway(t, f.APIURL())
	require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 100000, TransactionNo: "14422574", Status: "00"}))
	_, err := g.Refund(ctx, refundReq(t, "rf_1", "150000"))
	require.ErrorIs(t, err, gateway.ErrDeclined, "VNPay holds 100,000 paid: 150,000 is an invalid amount (93)")
	var de *gateway.DeclineError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "93", de.Code)

	for code, sentinel := range map[string]error{"16": gateway.ErrTemporary, "08": gateway.ErrTemporary,
		"99": gateway.ErrTemporary, "03": gateway.ErrInvalidRequest} {
		f.ForceResponseCode(code)
		_, err := g.Refund(ctx, refundReq(t, "rf_"+code, "50000"))
		require.ErrorIs(t, err, sentinel, code)
	}
}

func TestRefundRefusals(t *testing.T) {
	g := newGateway(t, "")
	cases := []struct {
		name  string
		edit  func(*gateway.RefundRequest)
		field string
	}{
		{"more than was paid", func(r *gateway.RefundRequest) { r.Amount = vnd(t, "150001") }, "Amount"},
		{"half a dong", func(r *gateway.RefundRequest) { r.Amount = vnd(t, "0.5") }, "Amount"},
		{"no payment date", func(r *gateway.RefundRequest) { r.PaymentCreatedAt = time.Time{} }, "PaymentCreatedAt"},
		{"no refund date", func(r *gateway.RefundRequest) { r.CreatedAt = time.Time{} }, "CreatedAt"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			r := refundReq(t, "rf_1", "50000")
			c.edit(&r)
			_, err := g.Refund(ctx, r)
			var re *gateway.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, c.field, re.Field)
		})
	}
}

func TestQueryRefund(t *testing.T) {
	f := newFake(t)
	g := newGateway(t, f.APIURL())
	require.NoError(t, f.AddTransaction(vnpaytest.Transaction{TxnRef: "payZ5F1", CreatedAt: t0, Amount: 150000, TransactionNo: "14422574", Status: "00"}))
	q := gateway.RefundQuery{PaymentID: "pay_1", RefundID: "rf_1", GatewayRef: "payZ5F1:20240501100000:14422574",
		Amount: vnd(t, "50000"), Now: t0.Add(48 * time.Hour)}
	st, err := g.QueryRefund(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, gateway.RefundNotFound, st.State, "no refund on record yet")

	res, err := g.Refund(ctx, refundReq(t, "rf_1", "50000"))
	require.NoError(t, err)
	require.Equal(t, q.GatewayRef, res.GatewayRef)
	for ts, want := range map[string]gateway.RefundState{
		"05": gateway.RefundPending, "06": gateway.RefundPending, "00": gateway.RefundSucceeded, "09": gateway.RefundFailed,
	} {
		require.NoError(t, f.SetStatus("payZ5F1", ts))
		q.Now = q.Now.Add(time.Second)
		st, err := g.QueryRefund(ctx, q)
		require.NoError(t, err, ts)
		assert.Equal(t, want, st.State, ts)
		if want == gateway.RefundSucceeded {
			assert.True(t, vnd(t, "50000").Equal(st.Amount), "querydr reports the refund's amount")
		}
	}

	for _, ref := range []string{"", "14422574", "payZ5F2:20240501100000:0", "payZ5F1:2024:0"} {
		q.GatewayRef = ref
		_, err := g.QueryRefund(ctx, q)
		require.ErrorIs(t, err, gateway.ErrInvalidRequest, ref)
	}
}
