package vnpay_test

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeVNPay is VNPay's merchant API as its documentation describes it,
// written independently of the adapter: it checks each request's
// pipe-joined HMAC-SHA512, answers querydr and refund from the
// transactions a test registers, and signs its answers.
type fakeVNPay struct {
	tmn, secret string
	srv         *httptest.Server

	mu       sync.Mutex
	txns     map[string]*fakeTxn // by vnp_TxnRef
	seen     map[string]bool     // vnp_RequestId values
	requests []map[string]string
	// force, when set, is the next answers' vnp_ResponseCode, unsigned.
	force string
	// tamper, when set, changes a signed answer before it is sent.
	tamper func(map[string]string)
	// status, when set, is the HTTP status of every answer.
	status int
}

// fakeTxn is one payment at the fake VNPay.
type fakeTxn struct {
	createDate string // the payment's vnp_CreateDate
	amount     int64  // vnp_Amount, × 100
	no         string // vnp_TransactionNo
	typ        string // vnp_TransactionType: 01 payment, 02/03 refund
	status     string // vnp_TransactionStatus
	payDate    string
	refunded   int64 // × 100
}

func newFake(t *testing.T) *fakeVNPay {
	f := &fakeVNPay{tmn: tmn, secret: secret, txns: map[string]*fakeTxn{}, seen: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeVNPay) add(txnRef string, tx fakeTxn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if tx.typ == "" {
		tx.typ = "01"
	}
	f.txns[txnRef] = &tx
}

func (f *fakeVNPay) last() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) == 0 {
		return nil
	}
	return f.requests[len(f.requests)-1]
}

func hmacHex(secret, data string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil))
}

func pick(m map[string]string, names ...string) string {
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = m[n]
	}
	return strings.Join(vals, "|")
}

// The documented checksum orders.
var (
	queryReqOrder = []string{"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
		"vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"}
	refundReqOrder = []string{"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
		"vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate",
		"vnp_IpAddr", "vnp_OrderInfo"}
	refundAnsOrder = []string{"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
		"vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
		"vnp_TransactionStatus", "vnp_OrderInfo"}
	queryAnsOrder = append(append([]string{}, refundAnsOrder...), "vnp_PromotionCode", "vnp_PromotionAmount")
)

func (f *fakeVNPay) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	var raw map[string]any
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
		json.NewDecoder(r.Body).Decode(&raw) != nil {
		f.answer(w, map[string]string{"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"}, nil)
		return
	}
	req := map[string]string{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			req[k] = v
		case float64:
			req[k] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	f.requests = append(f.requests, req)
	order, ansOrder := queryReqOrder, queryAnsOrder
	if req["vnp_Command"] == "refund" {
		order, ansOrder = refundReqOrder, refundAnsOrder
	}
	if req["vnp_TmnCode"] != f.tmn {
		f.answer(w, map[string]string{"vnp_ResponseCode": "02", "vnp_Message": "Invalid TmnCode"}, nil)
		return
	}
	if hmacHex(f.secret, pick(req, order...)) != req["vnp_SecureHash"] {
		f.answer(w, map[string]string{"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, nil)
		return
	}
	if f.force != "" {
		f.answer(w, map[string]string{"vnp_ResponseCode": f.force, "vnp_Message": "forced"}, nil)
		return
	}
	dup := f.seen[req["vnp_RequestId"]]
	f.seen[req["vnp_RequestId"]] = true
	tx := f.txns[req["vnp_TxnRef"]]
	base := map[string]string{"vnp_ResponseId": "R" + req["vnp_RequestId"], "vnp_Command": req["vnp_Command"],
		"vnp_TmnCode": f.tmn, "vnp_TxnRef": req["vnp_TxnRef"]}
	switch {
	case dup:
		base["vnp_ResponseCode"], base["vnp_Message"] = "94", "Duplicate request"
		f.answer(w, base, ansOrder)
		return
	case tx == nil || tx.createDate != req["vnp_TransactionDate"]:
		base["vnp_ResponseCode"], base["vnp_Message"] = "91", "Transaction not found"
		f.answer(w, base, ansOrder)
		return
	}
	if req["vnp_Command"] == "refund" {
		f.refund(w, req, tx, base)
		return
	}
	base["vnp_ResponseCode"], base["vnp_Message"] = "00", "QueryDR Success"
	base["vnp_Amount"] = strconv.FormatInt(tx.amount, 10)
	base["vnp_BankCode"], base["vnp_PayDate"], base["vnp_TransactionNo"] = "NCB", tx.payDate, tx.no
	base["vnp_TransactionType"], base["vnp_TransactionStatus"] = tx.typ, tx.status
	base["vnp_OrderInfo"] = "Thanh toan"
	f.answer(w, base, queryAnsOrder)
}

func (f *fakeVNPay) refund(w http.ResponseWriter, req map[string]string, tx *fakeTxn, base map[string]string) {
	amount, _ := strconv.ParseInt(req["vnp_Amount"], 10, 64)
	switch {
	case tx.status == "05" || tx.status == "06":
		base["vnp_ResponseCode"], base["vnp_Message"] = "94", "Refund in progress"
	case tx.status != "00":
		base["vnp_ResponseCode"], base["vnp_Message"] = "95", "Transaction not successful"
	case amount <= 0 || tx.refunded+amount > tx.amount:
		base["vnp_ResponseCode"], base["vnp_Message"] = "93", "Invalid amount"
	default:
		tx.refunded += amount
		tx.typ, tx.status = req["vnp_TransactionType"], "05"
		base["vnp_ResponseCode"], base["vnp_Message"] = "00", "Refund success"
		base["vnp_Amount"], base["vnp_TransactionNo"] = req["vnp_Amount"], tx.no
		base["vnp_TransactionType"], base["vnp_TransactionStatus"] = tx.typ, tx.status
		base["vnp_OrderInfo"], base["vnp_BankCode"], base["vnp_PayDate"] = req["vnp_OrderInfo"], "NCB", req["vnp_CreateDate"]
	}
	f.answer(w, base, refundAnsOrder)
}

// answer signs a (when order is given), lets tamper change it, and writes it.
func (f *fakeVNPay) answer(w http.ResponseWriter, a map[string]string, order []string) {
	if order != nil {
		a["vnp_SecureHash"] = hmacHex(f.secret, pick(a, order...))
		if f.tamper != nil {
			f.tamper(a)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(a)
}

// signIPN returns the query string VNPay would send for params: sorted by
// name, each value query-escaped, the HMAC-SHA512 appended.
func signIPN(secret string, params map[string]string) string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = url.QueryEscape(n) + "=" + url.QueryEscape(params[n])
	}
	data := strings.Join(parts, "&")
	return data + "&vnp_SecureHash=" + hmacHex(secret, data)
}
