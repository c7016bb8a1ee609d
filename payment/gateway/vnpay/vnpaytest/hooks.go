package vnpaytest

import (
	"errors"
	"maps"
)

// AddTransaction registers a transaction as if its page had been opened and
// the payer had acted: tests of querydr and refund start from it. Zero
// fields default: Type "01", Status "01", TransactionNo "0". Amount must be
// positive and TxnRef set; a transaction already known is replaced.
func (s *Server) AddTransaction(t Transaction) error {
	if t.TxnRef == "" || t.Amount <= 0 || t.Amount > maxAmountVND {
		return errors.New("vnpaytest: AddTransaction needs a TxnRef and an Amount of 1 to 9,999,999,999 VND")
	}
	if t.Type == "" {
		t.Type = "01"
	}
	if t.Status == "" {
		t.Status = "01"
	}
	if t.TransactionNo == "" {
		t.TransactionNo = "0"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txns[t.TxnRef] = &txn{Transaction: t, amount100: t.Amount * 100}
	return nil
}

// SetStatus sets a transaction's vnp_TransactionStatus, as VNPay's own
// processing would (a refund paid out, rejected, a payment reversed).
func (s *Server) SetStatus(txnRef, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txns[txnRef]
	if !ok {
		return ErrUnknownTransaction
	}
	t.Status = status
	return nil
}

// SettleRefund pays out the refund in progress of txnRef (status 05 or 06
// becomes 00), as VNPay and the bank do days later. Without a refund in
// progress it is an error.
func (s *Server) SettleRefund(txnRef string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txns[txnRef]
	switch {
	case !ok:
		return ErrUnknownTransaction
	case t.Status != "05" && t.Status != "06":
		return errors.New("vnpaytest: no refund in progress for " + txnRef)
	}
	t.Status = "00"
	return nil
}

// LoseIPNs makes every IPN of txnRef, from now on, never reach the
// merchant: Pay and Cancel still settle the transaction and record the
// IPN, and querydr reports it, as when VNPay's call is lost on the way.
func (s *Server) LoseIPNs(txnRef string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost[txnRef] = true
}

// ForceResponseCode makes the merchant API answer every valid request with
// code, unsigned (VNPay signs only what it processed); "" ends it.
func (s *Server) ForceResponseCode(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.force = code
}

// TamperAnswers lets change alter every signed answer of the merchant API
// after it is signed, as an attacker on the path would; nil ends it.
func (s *Server) TamperAnswers(change func(answer map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tamper = change
}

// FailWith makes the merchant API answer every request with the HTTP
// status and no body; 0 ends it.
func (s *Server) FailWith(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

// Requests returns the merchant API requests received, oldest first, each
// as its members (numbers written as in the request).
func (s *Server) Requests() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]string, len(s.requests))
	for i, r := range s.requests {
		out[i] = maps.Clone(r)
	}
	return out
}

// LastRequest returns the latest merchant API request, or nil.
func (s *Server) LastRequest() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		return nil
	}
	return maps.Clone(s.requests[len(s.requests)-1])
}
