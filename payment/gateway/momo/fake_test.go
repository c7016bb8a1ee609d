package momo_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway/momo"
)

// Test credentials, made up for these tests.
const (
	partner   = "MOMOTEST"
	accessKey = "test-access-key"
	secretKey = "test-secret-key-0123456789"
)

// t0 is the fixed time of these tests; nothing reads the clock.
var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// fakeMoMo is MoMo's API as its documentation describes it: it checks each
// request's signature over the documented field order, keeps orders, and
// answers with programmed result codes. Its signing code is written from
// the documentation, independently of the adapter's.
type fakeMoMo struct {
	t   require.TestingT
	srv *httptest.Server

	mu       sync.Mutex
	orders   map[string]*fakeOrder // by orderId
	refunds  map[string]*fakeOrder // by refund orderId
	codes    map[string]int64      // programmed resultCode by orderId
	status   int                   // programmed HTTP status, 0 for 200
	raw      string                // programmed raw answer body
	badSigs  int
	requests []map[string]any
	nextTx   int64

	fakeLinked // the account-binding side, in fake_link_test.go
}

type fakeOrder struct {
	requestID, extraData, orderInfo string
	amount, transID, refunded       int64
	code                            int64
	refunds                         []string
}

// fakeT is what the fake needs of a test; examples pass exampleT.
type fakeT interface {
	require.TestingT
	Cleanup(func())
}

func newFake(t fakeT) *fakeMoMo {
	f := &fakeMoMo{t: t, orders: map[string]*fakeOrder{}, refunds: map[string]*fakeOrder{}, codes: map[string]int64{}, nextTx: 4088878653,
		fakeLinked: fakeLinked{links: map[string]*fakeLink{}}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func hmacHex(key, raw string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(raw))
	return hex.EncodeToString(m.Sum(nil))
}

// raw joins documented field names with the request's values.
func raw(m map[string]any, names ...string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		v := ""
		if n == "accessKey" {
			v = accessKey
		} else if x, ok := m[n]; ok {
			switch x := x.(type) {
			case string:
				v = x
			case json.Number:
				v = x.String()
			}
		}
		parts[i] = n + "=" + v
	}
	return strings.Join(parts, "&")
}

func (f *fakeMoMo) gateway(t require.TestingT) *momo.Gateway {
	g, err := momo.New(momo.Config{PartnerCode: partner, AccessKey: accessKey, SecretKey: secretKey,
		Endpoint: f.srv.URL, IPNURL: "https://shop.example/momo/ipn", RedirectURL: "https://shop.example/back",
		HTTPClient: f.srv.Client()})
	require.NoError(t, err)
	return g
}

func (f *fakeMoMo) program(orderID string, code int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes[orderID] = code
}

func (f *fakeMoMo) answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if f.status != 0 {
		w.WriteHeader(f.status)
	}
	if f.raw != "" {
		_, _ = w.Write([]byte(f.raw))
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeMoMo) serve(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if r.Method != http.MethodPost || dec.Decode(&m) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, m)
	if f.serveLinked(w, r.URL.Path, m) {
		return
	}
	var names []string
	switch r.URL.Path {
	case "/v2/gateway/api/create":
		names = []string{"accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerCode", "redirectUrl", "requestId", "requestType"}
	case "/v2/gateway/api/query":
		names = []string{"accessKey", "orderId", "partnerCode", "requestId"}
	case "/v2/gateway/api/refund":
		names = []string{"accessKey", "amount", "description", "orderId", "partnerCode", "requestId", "transId"}
	default:
		http.NotFound(w, r)
		return
	}
	if m["signature"] != hmacHex(secretKey, raw(m, names...)) || m["partnerCode"] != partner {
		f.badSigs++
		f.answer(w, map[string]any{"partnerCode": m["partnerCode"], "orderId": m["orderId"], "resultCode": 13, "message": "bad signature"})
		return
	}
	oid, _ := m["orderId"].(string)
	amount, _ := strconv.ParseInt(jsonText(m["amount"]), 10, 64)
	switch r.URL.Path {
	case "/v2/gateway/api/create":
		code, programmed := f.codes[oid]
		if o, ok := f.orders[oid]; ok && (o.requestID != m["requestId"] || o.amount != amount) {
			code = 41
		} else if !ok {
			f.orders[oid] = &fakeOrder{requestID: m["requestId"].(string), extraData: m["extraData"].(string),
				orderInfo: m["orderInfo"].(string), amount: amount, code: 1000}
		}
		if !programmed && code == 0 && (amount < 1000 || amount > 50000000) {
			code = 22
		}
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"], "amount": amount,
			"responseTime": t0.UnixMilli(), "message": "ok", "resultCode": code,
			"payUrl": "https://test-payment.momo.vn/v2/gateway/pay?t=" + oid})
	case "/v2/gateway/api/query":
		o, ok := f.orders[oid]
		if !ok {
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": 42, "message": "not found"})
			return
		}
		var trans []map[string]any
		for _, rid := range o.refunds {
			rf := f.refunds[rid]
			trans = append(trans, map[string]any{"orderId": rid, "amount": rf.amount, "resultCode": rf.code, "transId": rf.transID, "createdTime": t0.UnixMilli()})
		}
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"], "extraData": o.extraData,
			"amount": o.amount, "transId": o.transID, "resultCode": o.code, "message": "", "responseTime": t0.UnixMilli(), "refundTrans": trans})
	case "/v2/gateway/api/refund":
		trans, _ := strconv.ParseInt(jsonText(m["transId"]), 10, 64)
		var paid *fakeOrder
		for _, o := range f.orders {
			if o.transID == trans && o.code == 0 {
				paid = o
			}
		}
		code, programmed := f.codes[oid]
		if rf, ok := f.refunds[oid]; ok {
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"], "amount": rf.amount, "transId": rf.transID, "resultCode": rf.code})
			return
		}
		switch {
		case programmed:
		case paid == nil:
			code = 1088
		case paid.refunded+amount > paid.amount:
			code = 1081
		}
		rf := &fakeOrder{amount: amount, code: code}
		if code == 0 || code == 7000 {
			f.nextTx++
			rf.transID = f.nextTx
			paid.refunded += amount
			paid.refunds = append(paid.refunds, oid)
		}
		f.refunds[oid] = rf
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"], "amount": amount, "transId": rf.transID, "resultCode": code})
	}
}

func jsonText(v any) string {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	}
	return ""
}

// pay settles the order as MoMo would after the payer acts, and returns the
// signed IPN body for it.
func (f *fakeMoMo) pay(orderID string, code int64) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[orderID]
	require.NotNil(f.t, o, "order %s was never created", orderID)
	o.code = code
	if code == 0 || code == 9000 {
		f.nextTx++
		o.transID = f.nextTx
	}
	return signIPN(map[string]any{
		"partnerCode": partner, "orderId": orderID, "requestId": o.requestID, "amount": o.amount,
		"orderInfo": o.orderInfo, "orderType": "momo_wallet", "transId": o.transID, "resultCode": code,
		"message": "Successful.", "payType": "qr", "responseTime": t0.Add(time.Minute).UnixMilli(), "extraData": o.extraData,
	}, secretKey)
}

// signIPN signs an IPN body under key with the documented field order.
func signIPN(m map[string]any, key string) []byte {
	b, _ := json.Marshal(m)
	var n map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	_ = dec.Decode(&n)
	m["signature"] = hmacHex(key, raw(n, "accessKey", "amount", "extraData", "message", "orderId", "orderInfo", "orderType",
		"partnerCode", "payType", "requestId", "responseTime", "resultCode", "transId"))
	out, _ := json.Marshal(m)
	return out
}
