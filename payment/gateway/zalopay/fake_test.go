package zalopay_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway/zalopay"
)

// Test app, made up for these tests.
const (
	appID = 2553
	key1  = "test-key1-0123456789"
	key2  = "test-key2-9876543210"
)

// t0 is 00:30 on 1 May 2024 in Vietnam, still 30 April in UTC, so the
// dates in ids show which zone they were taken in.
var t0 = time.Date(2024, 4, 30, 17, 30, 0, 0, time.UTC)

// fakeZaloPay is ZaloPay's API as documented: it checks every mac (key1,
// fields joined by '|' in the documented order), keeps orders and refunds,
// and answers with programmed codes. Its mac code is written from the
// documentation, independently of the adapter's.
type fakeZaloPay struct {
	t   require.TestingT
	srv *httptest.Server

	mu       sync.Mutex
	orders   map[string]map[string]any // by app_trans_id
	paid     map[string]int64          // zp_trans_id by app_trans_id
	refunds  map[string]int64          // return_code by m_refund_id
	codes    map[string][2]int64       // programmed return/sub codes by id
	raw      string
	badMacs  int
	requests []map[string]any
	nextTx   int64
}

type fakeT interface {
	require.TestingT
	Cleanup(func())
}

func newFake(t fakeT) *fakeZaloPay {
	f := &fakeZaloPay{t: t, orders: map[string]map[string]any{}, paid: map[string]int64{}, refunds: map[string]int64{},
		codes: map[string][2]int64{}, nextTx: 240501000000100}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeZaloPay) gateway(t require.TestingT) *zalopay.Gateway {
	g, err := zalopay.New(zalopay.Config{AppID: appID, Key1: key1, Key2: key2, Endpoint: f.srv.URL,
		CallbackURL: "https://shop.example/zalopay/callback", HTTPClient: f.srv.Client()})
	require.NoError(t, err)
	return g
}

func hmacHex(key, data string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil))
}

func text(v any) string {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	}
	return ""
}

func joined(m map[string]any, names ...string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = text(m[n])
	}
	return strings.Join(parts, "|")
}

func (f *fakeZaloPay) program(id string, ret, sub int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes[id] = [2]int64{ret, sub}
}

func (f *fakeZaloPay) serve(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, m)
	answer := func(v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		if f.raw != "" {
			_, _ = w.Write([]byte(f.raw))
			return
		}
		_ = json.NewEncoder(w).Encode(v)
	}
	var want, id string
	switch r.URL.Path {
	case "/v2/create":
		want, id = hmacHex(key1, joined(m, "app_id", "app_trans_id", "app_user", "amount", "app_time", "embed_data", "item")), text(m["app_trans_id"])
	case "/v2/query":
		want, id = hmacHex(key1, joined(m, "app_id", "app_trans_id")+"|"+key1), text(m["app_trans_id"])
	case "/v2/refund":
		want, id = hmacHex(key1, joined(m, "app_id", "zp_trans_id", "amount", "description", "timestamp")), text(m["m_refund_id"])
	case "/v2/query_refund":
		want, id = hmacHex(key1, joined(m, "app_id", "m_refund_id", "timestamp")), text(m["m_refund_id"])
	}
	if m["mac"] != want || text(m["app_id"]) != "2553" {
		f.badMacs++
		answer(map[string]any{"return_code": 2, "sub_return_code": -402, "return_message": "bad mac"})
		return
	}
	if c, ok := f.codes[id]; ok {
		answer(map[string]any{"return_code": c[0], "sub_return_code": c[1], "amount": text(m["amount"]), "zp_trans_id": 0})
		return
	}
	switch r.URL.Path {
	case "/v2/create":
		if _, ok := f.orders[id]; ok {
			answer(map[string]any{"return_code": 2, "sub_return_code": -68})
			return
		}
		f.orders[id] = m
		answer(map[string]any{"return_code": 1, "sub_return_code": 1, "order_url": "https://qcgateway.zalopay.vn/openinapp?order=" + id, "zp_trans_token": "tok"})
	case "/v2/query":
		o, ok := f.orders[id]
		switch {
		case !ok:
			answer(map[string]any{"return_code": 2, "sub_return_code": -92})
		case f.paid[id] == 0:
			answer(map[string]any{"return_code": 3, "is_processing": false})
		default:
			answer(map[string]any{"return_code": 1, "amount": o["amount"], "zp_trans_id": f.paid[id]})
		}
	case "/v2/refund":
		f.refunds[id] = 1
		answer(map[string]any{"return_code": 1, "sub_return_code": 1, "refund_id": 9000001})
	case "/v2/query_refund":
		if rc, ok := f.refunds[id]; ok {
			answer(map[string]any{"return_code": rc})
			return
		}
		answer(map[string]any{"return_code": 2, "sub_return_code": -13})
	}
}

// pay marks the order paid and returns ZaloPay's signed callback for it.
func (f *fakeZaloPay) pay(txn string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[txn]
	require.NotNil(f.t, o, "order %s was never created", txn)
	f.nextTx++
	f.paid[txn] = f.nextTx
	data, _ := json.Marshal(map[string]any{"app_id": appID, "app_trans_id": txn, "app_time": o["app_time"], "app_user": o["app_user"],
		"amount": o["amount"], "embed_data": o["embed_data"], "item": o["item"], "zp_trans_id": f.nextTx,
		"server_time": t0.Add(time.Minute).UnixMilli(), "channel": 38, "merchant_user_id": "u1", "user_fee_amount": 0, "discount_amount": 0})
	return callback(string(data), key2)
}

// callback wraps data as ZaloPay POSTs it, signed under key.
func callback(data, key string) []byte {
	b, _ := json.Marshal(map[string]any{"data": data, "mac": hmacHex(key, data), "type": 1})
	return b
}
