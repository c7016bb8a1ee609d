package vnpay_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

func TestReadCallbackPaymentSucceeded(t *testing.T) {
	g := newGateway(t, "")
	ref := mustTxnRef(t, "pay_3k7q")
	ev, err := g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", "00", "00"))))
	require.NoError(t, err)
	assert.Equal(t, gateway.Event{
		ID:         "payZ5F3k7q:14422574:00:00",
		Gateway:    "vnpay",
		Type:       gateway.EventPaymentSucceeded,
		PaymentID:  "pay_3k7q",
		GatewayRef: "14422574",
		Amount:     vnd(t, "150000"),
		OccurredAt: time.Date(2024, 5, 1, 3, 15, 30, 0, time.UTC), // 10:15:30 GMT+7
	}, ev)
}

func TestReadCallbackCodes(t *testing.T) {
	g := newGateway(t, "")
	ref := mustTxnRef(t, "pay_1")
	cases := []struct {
		rc, ts string
		typ    gateway.EventType
		reason string
	}{
		{"24", "02", gateway.EventPaymentFailed, "the customer cancelled the payment (VNPay code 24)"},
		{"11", "02", gateway.EventPaymentExpired, "the payment page expired (VNPay code 11)"},
		{"51", "02", gateway.EventPaymentFailed, "insufficient balance (VNPay code 51)"},
		{"12", "02", gateway.EventPaymentFailed, "the card or account is locked (VNPay code 12)"},
		{"79", "02", gateway.EventPaymentFailed, "the payment password was wrong too many times (VNPay code 79)"},
		{"99", "02", gateway.EventPaymentFailed, "other error (VNPay code 99)"},
		{"00", "02", gateway.EventPaymentFailed, "transaction error (VNPay status 02)"},
		{"00", "08", gateway.EventPaymentExpired, "payment time expired (VNPay status 08)"},
		{"42", "02", gateway.EventPaymentFailed, "transaction error (VNPay status 02)"},
		{"42", "03", gateway.EventPaymentFailed, "declined (VNPay code 42, status 03)"},
	}
	for _, c := range cases {
		t.Run("code "+c.rc+" status "+c.ts+" is "+c.typ.String(), func(t *testing.T) {
			ev, err := g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", c.rc, c.ts))))
			require.NoError(t, err)
			assert.Equal(t, c.typ, ev.Type)
			assert.Equal(t, c.reason, ev.FailureReason)
			assert.Equal(t, "pay_1", ev.PaymentID)
			assert.Equal(t, "payZ5F1:14422574:"+c.rc+":"+c.ts, ev.ID)
		})
	}
	for _, c := range [][2]string{{"07", "07"}, {"00", "01"}, {"00", "04"}, {"07", "00"}, {"00", "05"}, {"00", "99"}} {
		t.Run("code "+c[0]+" status "+c[1]+" is not final", func(t *testing.T) {
			ev, err := g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", c[0], c[1]))))
			require.ErrorIs(t, err, vnpay.ErrNotFinal)
			assert.Zero(t, ev)
		})
	}
}

func TestReadCallbackCancelledWithoutTransaction(t *testing.T) {
	g := newGateway(t, "")
	p := ipnParams(mustTxnRef(t, "pay_1"), "15000000", "24", "02")
	p["vnp_TransactionNo"] = "0"
	delete(p, "vnp_PayDate")
	ev, err := g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, p)))
	require.NoError(t, err)
	assert.Equal(t, gateway.EventPaymentFailed, ev.Type)
	assert.Equal(t, "", ev.GatewayRef, `VNPay's "0" is no reference`)
	assert.Equal(t, t0, ev.OccurredAt, "no vnp_PayDate: the library's time")
	assert.Equal(t, "payZ5F1:0:24:02", ev.ID)

	p["vnp_ResponseCode"], p["vnp_TransactionStatus"] = "00", "00"
	_, err = g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery(secret, p)))
	require.ErrorIs(t, err, gateway.ErrMalformedEvent, "a success needs VNPay's transaction number")
}

// Changing any signed field, or the checksum, is rejected.
func TestReadCallbackRejectsTamperingWithEachField(t *testing.T) {
	g := newGateway(t, "")
	p := ipnParams(mustTxnRef(t, "pay_1"), "15000000", "00", "00")
	raw := vnpaytest.SignQuery(secret, p)
	_, err := g.ReadCallback(t0, ipnRequest(raw))
	require.NoError(t, err)
	q, err := url.ParseQuery(raw)
	require.NoError(t, err)
	for name := range q {
		t.Run(name, func(t *testing.T) {
			forged := url.Values{}
			for k, v := range q {
				forged[k] = append([]string(nil), v...)
			}
			v := forged.Get(name)
			switch {
			case name == "vnp_SecureHash":
				v = strings.Repeat("0", 128)
			case v[len(v)-1] == '9':
				v = v[:len(v)-1] + "8"
			default:
				v = v[:len(v)-1] + "9"
			}
			forged.Set(name, v)
			ev, err := g.ReadCallback(t0, ipnRequest(forged.Encode()))
			require.ErrorIs(t, err, gateway.ErrBadSignature)
			assert.Zero(t, ev)
		})
	}
	t.Run("an added vnp_ parameter", func(t *testing.T) {
		_, err := g.ReadCallback(t0, ipnRequest(raw+"&vnp_Extra=1"))
		require.ErrorIs(t, err, gateway.ErrBadSignature)
	})
	t.Run("a removed parameter", func(t *testing.T) {
		forged := url.Values{}
		for k, v := range q {
			forged[k] = v
		}
		forged.Del("vnp_BankCode")
		_, err := g.ReadCallback(t0, ipnRequest(forged.Encode()))
		require.ErrorIs(t, err, gateway.ErrBadSignature)
	})
	t.Run("another secret", func(t *testing.T) {
		_, err := g.ReadCallback(t0, ipnRequest(vnpaytest.SignQuery("another-secret", p)))
		require.ErrorIs(t, err, gateway.ErrBadSignature)
	})
}

func TestReadCallbackRejectsMalformedDeliveries(t *testing.T) {
	g := newGateway(t, "")
	ref := mustTxnRef(t, "pay_1")
	p := ipnParams(ref, "15000000", "00", "00")
	signed := vnpaytest.SignQuery(secret, p)
	with := func(k, v string) string {
		q := map[string]string{}
		for a, b := range p {
			q[a] = b
		}
		q[k] = v
		return vnpaytest.SignQuery(secret, q)
	}
	cases := []struct {
		name string
		req  gateway.CallbackRequest
		is   error
	}{
		{"a POST", gateway.CallbackRequest{Method: "POST", RawQuery: signed}, gateway.ErrMalformedEvent},
		{"no checksum", ipnRequest(strings.Split(signed, "&vnp_SecureHash=")[0]), gateway.ErrNotSigned},
		{"a short checksum", ipnRequest(signed[:len(signed)-2]), gateway.ErrMalformedSignature},
		{"a repeated parameter", ipnRequest(signed + "&vnp_Amount=15000000"), gateway.ErrMalformedEvent},
		{"a broken query", ipnRequest(signed + "&%zz"), gateway.ErrMalformedEvent},
		{"another terminal, correctly signed", ipnRequest(with("vnp_TmnCode", "OTHER001")), gateway.ErrMalformedEvent},
		{"a reference this adapter never made", ipnRequest(with("vnp_TxnRef", "pay_1")), gateway.ErrMalformedEvent},
		{"an amount not × 100", ipnRequest(with("vnp_Amount", "15000050")), gateway.ErrMalformedEvent},
		{"a 13-digit amount", ipnRequest(with("vnp_Amount", "1000000000000")), gateway.ErrMalformedEvent},
		{"a zero amount", ipnRequest(with("vnp_Amount", "0")), gateway.ErrMalformedEvent},
		{"a bad pay date", ipnRequest(with("vnp_PayDate", "20241301000000")), gateway.ErrMalformedEvent},
		{"a one-digit code", ipnRequest(with("vnp_ResponseCode", "0")), gateway.ErrMalformedEvent},
		{"no status", ipnRequest(with("vnp_TransactionStatus", "")), gateway.ErrMalformedEvent},
		{"a letter in the transaction number", ipnRequest(with("vnp_TransactionNo", "1442a")), gateway.ErrMalformedEvent},
		{"an oversized query", ipnRequest(signed + "&x=" + strings.Repeat("a", gateway.MaxEventSize)), gateway.ErrMalformedEvent},
	}
	for _, c := range cases {
		t.Run(c.name+" is rejected", func(t *testing.T) {
			ev, err := g.ReadCallback(t0, c.req)
			require.ErrorIs(t, err, c.is)
			assert.Zero(t, ev)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestReadCallbackIgnoresOtherParametersAndTheHashType(t *testing.T) {
	g := newGateway(t, "")
	raw := vnpaytest.SignQuery(secret, ipnParams(mustTxnRef(t, "pay_1"), "15000000", "00", "00"))
	ev, err := g.ReadCallback(t0, ipnRequest(raw+"&gateway=vnpay&vnp_SecureHashType=HmacSHA512"))
	require.NoError(t, err)
	assert.Equal(t, "pay_1", ev.PaymentID)

	// Without RawQuery the decoded Query is used.
	q, _ := url.ParseQuery(raw)
	ev2, err := g.ReadCallback(t0, gateway.CallbackRequest{Method: "GET", Query: q})
	require.NoError(t, err)
	assert.Equal(t, ev, ev2)
}

// A value with '*' is signed differently by VNPay's PHP, Java and Node.js
// samples; each form verifies, and none vouches for other content.
func TestReadCallbackAcceptsEachSampleEncoding(t *testing.T) {
	g := newGateway(t, "")
	p := ipnParams(mustTxnRef(t, "pay_1"), "15000000", "00", "00")
	p["vnp_OrderInfo"] = "Don hang *VIP* (1)"
	php := "vnp_Amount=15000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14422574&vnp_CardType=ATM" +
		"&vnp_OrderInfo=Don+hang+%2AVIP%2A+%281%29&vnp_PayDate=20240501101530&vnp_ResponseCode=00" +
		"&vnp_TmnCode=" + tmn + "&vnp_TransactionNo=14422574&vnp_TransactionStatus=00&vnp_TxnRef=payZ5F1"
	java := strings.Replace(php, "%2AVIP%2A", "*VIP*", 1)
	node := strings.Replace(java, "%281%29", "(1)", 1)
	for name, data := range map[string]string{"php": php, "java": java, "node": node} {
		ev, err := g.ReadCallback(t0, ipnRequest(php+"&vnp_SecureHash="+vnpaytest.Checksum(secret, data)))
		require.NoError(t, err, name)
		assert.Equal(t, "pay_1", ev.PaymentID)
	}
	_, err := g.ReadCallback(t0, ipnRequest(strings.Replace(php, "VIP", "VIQ", 1)+"&vnp_SecureHash="+vnpaytest.Checksum(secret, java)))
	require.ErrorIs(t, err, gateway.ErrBadSignature)
}

func TestReplyBodiesAreExact(t *testing.T) {
	g := newGateway(t, "")
	for outcome, body := range map[gateway.CallbackOutcome]string{
		gateway.CallbackApplied:        `{"RspCode":"00","Message":"Confirm Success"}`,
		gateway.CallbackDuplicate:      `{"RspCode":"02","Message":"Order already confirmed"}`,
		gateway.CallbackUnknownPayment: `{"RspCode":"01","Message":"Order not found"}`,
		gateway.CallbackWrongAmount:    `{"RspCode":"04","Message":"invalid amount"}`,
		gateway.CallbackRejected:       `{"RspCode":"97","Message":"Invalid signature"}`,
		gateway.CallbackFailed:         `{"RspCode":"99","Message":"Unknow error"}`,
		gateway.CallbackOutcome(0):     `{"RspCode":"99","Message":"Unknow error"}`,
		gateway.CallbackOutcome(200):   `{"RspCode":"99","Message":"Unknow error"}`,
	} {
		r := g.Reply(outcome)
		assert.Equal(t, 200, r.Status, outcome.String())
		assert.Equal(t, "application/json", r.ContentType)
		assert.Equal(t, body, string(r.Body), outcome.String())
	}
}

func TestVerifyReturn(t *testing.T) {
	g := newGateway(t, "")
	ref := mustTxnRef(t, "pay_1")
	cases := []struct {
		rc, ts string
		state  gateway.PaymentState
		msg    string
	}{
		{"00", "00", gateway.PaymentSucceeded, "the payment succeeded"},
		{"24", "02", gateway.PaymentFailed, "the customer cancelled the payment (VNPay code 24)"},
		{"11", "02", gateway.PaymentExpired, "the payment page expired (VNPay code 11)"},
		{"07", "07", gateway.PaymentPending, "the payment is being processed (suspected of fraud)"},
	}
	for _, c := range cases {
		q, _ := url.ParseQuery(vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", c.rc, c.ts)))
		r, err := g.VerifyReturn(q)
		require.NoError(t, err)
		assert.Equal(t, vnpay.ReturnResult{PaymentID: "pay_1", State: c.state, Amount: vnd(t, "150000"),
			GatewayRef: "14422574", ResponseCode: c.rc, TransactionStatus: c.ts, Message: c.msg}, r)
	}
	q, _ := url.ParseQuery(vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", "00", "00")))
	q.Set("vnp_Amount", "1500000000")
	r, err := g.VerifyReturn(q)
	require.ErrorIs(t, err, gateway.ErrBadSignature)
	assert.Zero(t, r)
}

// FuzzReadCallback: no input panics, and an accepted delivery always
// carries exactly the content of one the test signed: without the secret
// nothing new is accepted.
func FuzzReadCallback(f *testing.F) {
	g := newGateway(f, "")
	ref := mustTxnRef(f, "pay_1")
	signed := map[string]bool{}
	for _, c := range [][2]string{{"00", "00"}, {"24", "02"}, {"11", "02"}, {"07", "07"}} {
		raw := vnpaytest.SignQuery(secret, ipnParams(ref, "15000000", c[0], c[1]))
		q, _ := url.ParseQuery(raw)
		signed[content(q)] = true
		f.Add("GET", raw)
	}
	f.Add("GET", "vnp_SecureHash="+strings.Repeat("a", 128))
	f.Add("POST", "")
	f.Add("GET", "%zz&vnp_=&vnp_TxnRef=ZZ")
	f.Fuzz(func(t *testing.T, method, raw string) {
		q, _ := url.ParseQuery(raw)
		ev, err := g.ReadCallback(t0, gateway.CallbackRequest{Method: method, Query: q, RawQuery: raw})
		if err != nil {
			require.Zero(t, ev)
			return
		}
		require.True(t, signed[content(q)], "accepted content nobody signed: %q", raw)
		require.NoError(t, func() error { _, err := gateway.EncodeEvent(ev); return err }())
	})
}

// content is the signed content of a query: its vnp_ parameters other
// than the checksum fields, sorted.
func content(q url.Values) string {
	c := url.Values{}
	for k, v := range q {
		if strings.HasPrefix(k, "vnp_") && k != "vnp_SecureHash" && k != "vnp_SecureHashType" {
			c[k] = v
		}
	}
	return c.Encode()
}
