package vnpaytest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// maxRequest bounds a merchant API request the fake reads.
const maxRequest = 16 << 10

// serveAPI is the merchant API: querydr and refund, JSON POSTs checked
// against their documented checksums and answered signed.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	req, ok := decodeRequest(r)
	if !ok {
		s.answer(w, map[string]string{"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"}, nil)
		return
	}
	s.requests = append(s.requests, req)
	var order, answerOrder []string
	switch req["vnp_Command"] {
	case "querydr":
		order, answerOrder = queryRequestOrder(), queryAnswerOrder()
	case "refund":
		order, answerOrder = refundRequestOrder(), refundAnswerOrder()
	default:
		s.answer(w, map[string]string{"vnp_ResponseCode": "03", "vnp_Message": "Invalid vnp_Command"}, nil)
		return
	}
	if req["vnp_TmnCode"] != s.cfg.TmnCode {
		s.answer(w, map[string]string{"vnp_ResponseCode": "02", "vnp_Message": "Invalid TmnCode"}, nil)
		return
	}
	if Checksum(s.cfg.HashSecret, pipe(req, order)) != req["vnp_SecureHash"] {
		s.answer(w, map[string]string{"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, nil)
		return
	}
	if !wellFormed(req) {
		s.answer(w, map[string]string{"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"}, nil)
		return
	}
	if s.force != "" {
		s.answer(w, map[string]string{"vnp_ResponseCode": s.force, "vnp_Message": "forced"}, nil)
		return
	}
	dup := s.seen[req["vnp_RequestId"]]
	s.seen[req["vnp_RequestId"]] = true
	t := s.txns[req["vnp_TxnRef"]]
	a := map[string]string{"vnp_ResponseId": "R" + req["vnp_RequestId"], "vnp_Command": req["vnp_Command"],
		"vnp_TmnCode": s.cfg.TmnCode, "vnp_TxnRef": req["vnp_TxnRef"]}
	switch {
	case dup:
		a["vnp_ResponseCode"], a["vnp_Message"] = "94", "Duplicate request"
	case t == nil || vnTime(t.CreatedAt) != req["vnp_TransactionDate"]:
		a["vnp_ResponseCode"], a["vnp_Message"] = "91", "Transaction not found"
	case req["vnp_Command"] == "refund":
		s.refund(req, t, a)
	default:
		s.query(t, a)
	}
	s.answer(w, a, answerOrder)
}

// decodeRequest reads a JSON object of strings and numbers.
func decodeRequest(r *http.Request) (map[string]string, bool) {
	if r.Method != http.MethodPost {
		return nil, false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequest+1))
	if err != nil || len(body) > maxRequest {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw map[string]any
	if dec.Decode(&raw) != nil || raw == nil {
		return nil, false
	}
	req := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			req[k] = v
		case json.Number:
			req[k] = v.String()
		default:
			return nil, false
		}
	}
	return req, true
}

// wellFormed applies the documented formats the fake relies on.
func wellFormed(req map[string]string) bool {
	_, ok1 := parseVNTime(req["vnp_TransactionDate"])
	_, ok2 := parseVNTime(req["vnp_CreateDate"])
	id := req["vnp_RequestId"]
	ok := ok1 && ok2 && alnum(id) && len(id) <= 32 && alnum(req["vnp_TxnRef"]) && req["vnp_Version"] == "2.1.0"
	if req["vnp_Command"] == "refund" {
		_, amountOK := amount100(req["vnp_Amount"])
		kind := req["vnp_TransactionType"]
		ok = ok && amountOK && (kind == "02" || kind == "03") && allDigits(req["vnp_TransactionNo"]) && req["vnp_CreateBy"] != ""
	}
	return ok
}

// query fills a querydr answer about t: its latest transaction, a
// refund's amount when it is one.
func (s *Server) query(t *txn, a map[string]string) {
	status := t.Status
	if status == "01" && !t.ExpiresAt.IsZero() && s.cfg.Now().After(t.ExpiresAt) {
		status = "08"
	}
	amount := t.amount100
	if t.Type != "01" {
		amount = t.LastRefund * 100
	}
	a["vnp_ResponseCode"], a["vnp_Message"] = "00", "QueryDR Success"
	a["vnp_Amount"] = strconv.FormatInt(amount, 10)
	a["vnp_BankCode"], a["vnp_PayDate"], a["vnp_TransactionNo"] = "NCB", vnTime(t.PayDate), t.TransactionNo
	a["vnp_TransactionType"], a["vnp_TransactionStatus"] = t.Type, status
	a["vnp_OrderInfo"] = t.OrderInfo
}

// refund fills a refund answer and, when VNPay would accept it, starts the
// refund (status 05, in progress).
func (s *Server) refund(req map[string]string, t *txn, a map[string]string) {
	amount, _ := amount100(req["vnp_Amount"])
	left := t.amount100 - t.Refunded*100
	switch {
	case t.Status == "05" || t.Status == "06":
		a["vnp_ResponseCode"], a["vnp_Message"] = "94", "Refund in progress"
	case t.Status != "00":
		a["vnp_ResponseCode"], a["vnp_Message"] = "95", "Transaction not successful"
	case amount > left || req["vnp_TransactionType"] == "02" && (amount != t.amount100 || t.Refunded != 0):
		a["vnp_ResponseCode"], a["vnp_Message"] = "93", "Invalid amount"
	default:
		t.Refunded += amount / 100
		t.LastRefund = amount / 100
		t.Type, t.Status = req["vnp_TransactionType"], "05"
		a["vnp_ResponseCode"], a["vnp_Message"] = "00", "Refund success"
		a["vnp_Amount"], a["vnp_TransactionNo"] = req["vnp_Amount"], t.TransactionNo
		a["vnp_TransactionType"], a["vnp_TransactionStatus"] = t.Type, t.Status
		a["vnp_OrderInfo"], a["vnp_BankCode"], a["vnp_PayDate"] = req["vnp_OrderInfo"], "NCB", req["vnp_CreateDate"]
	}
}

// answer signs a (when order is given), lets the tamper hook change it,
// and writes it as JSON with HTTP 200, as VNPay answers every request.
func (s *Server) answer(w http.ResponseWriter, a map[string]string, order []string) {
	if order != nil {
		a["vnp_SecureHash"] = Checksum(s.cfg.HashSecret, pipe(a, order))
		if s.tamper != nil {
			s.tamper(a)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(a)
}
