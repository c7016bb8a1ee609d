package vnpaytest

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
)

// servePage is VNPay's payment page: it checks a payment URL and registers
// its transaction. A payment URL opened again shows the same page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "vnpaytest: the payment page is opened with GET", http.StatusMethodNotAllowed)
		return
	}
	t, problem := s.openPage(r.URL.RawQuery)
	if problem != "" {
		http.Error(w, "vnpaytest: "+problem, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate().Execute(w, map[string]any{
		"T": t, "Pay": PayPath, "Cancel": CancelPath, "Expires": vnTime(t.ExpiresAt),
	})
}

func pageTemplate() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<title>VNPay sandbox (fake)</title>
<h1>Thanh toán {{.T.Amount}} VND</h1>
<p>{{.T.OrderInfo}} — {{.T.TxnRef}}, hết hạn {{.Expires}} (GMT+7)</p>
<form method="post" action="{{.Pay}}"><input type="hidden" name="vnp_TxnRef" value="{{.T.TxnRef}}"><button>Thanh toán</button></form>
<form method="post" action="{{.Cancel}}"><input type="hidden" name="vnp_TxnRef" value="{{.T.TxnRef}}"><button>Hủy</button></form>
`))
}

// openPage validates the query of a payment URL and registers (or finds)
// its transaction; problem says what is wrong.
func (s *Server) openPage(raw string) (Transaction, string) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return Transaction{}, "the query string is malformed"
	}
	p := map[string]string{}
	for name, vs := range q {
		if len(vs) != 1 {
			return Transaction{}, "parameter " + name + " is repeated"
		}
		p[name] = vs[0]
	}
	if p["vnp_SecureHash"] == "" {
		return Transaction{}, "vnp_SecureHash is missing"
	}
	if Checksum(s.cfg.HashSecret, HashData(p)) != p["vnp_SecureHash"] {
		return Transaction{}, "invalid checksum (vnp_SecureHash)"
	}
	for _, c := range [...]struct{ name, want string }{
		{"vnp_Version", "2.1.0"}, {"vnp_Command", "pay"}, {"vnp_TmnCode", s.cfg.TmnCode}, {"vnp_CurrCode", "VND"},
	} {
		if p[c.name] != c.want {
			return Transaction{}, c.name + " must be " + strconv.Quote(c.want)
		}
	}
	a100, ok := amount100(p["vnp_Amount"])
	if !ok {
		return Transaction{}, "vnp_Amount must be the amount × 100, at most 12 digits"
	}
	created, ok1 := parseVNTime(p["vnp_CreateDate"])
	expires, ok2 := parseVNTime(p["vnp_ExpireDate"])
	switch {
	case len(p["vnp_TxnRef"]) > 100 || !alnum(p["vnp_TxnRef"]):
		return Transaction{}, "vnp_TxnRef must be 1 to 100 letters and digits"
	case !ok1 || !ok2 || !expires.After(created):
		return Transaction{}, "vnp_CreateDate and vnp_ExpireDate must be yyyyMMddHHmmss, expiry after creation"
	case p["vnp_OrderInfo"] == "" || len(p["vnp_OrderInfo"]) > 255:
		return Transaction{}, "vnp_OrderInfo must be 1 to 255 characters"
	case p["vnp_OrderType"] == "" || p["vnp_IpAddr"] == "":
		return Transaction{}, "vnp_OrderType and vnp_IpAddr are required"
	case p["vnp_Locale"] != "vn" && p["vnp_Locale"] != "en":
		return Transaction{}, `vnp_Locale must be "vn" or "en"`
	case len(p["vnp_ReturnUrl"]) > 255 || !absoluteURL(p["vnp_ReturnUrl"]):
		return Transaction{}, "vnp_ReturnUrl must be an absolute URL of at most 255 characters"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := p["vnp_TxnRef"]
	if t, ok := s.txns[ref]; ok {
		if t.amount100 != a100 || !t.CreatedAt.Equal(created) {
			return Transaction{}, "vnp_TxnRef " + ref + " was already used for another payment"
		}
		return t.view(), ""
	}
	if now := s.cfg.Now(); now.After(expires) {
		return Transaction{}, "the payment page expired at " + p["vnp_ExpireDate"]
	}
	t := &txn{amount100: a100, Transaction: Transaction{TxnRef: ref, Amount: a100 / 100, CreatedAt: created, ExpiresAt: expires,
		TransactionNo: "0", Type: "01", Status: "01", OrderInfo: p["vnp_OrderInfo"], ReturnURL: p["vnp_ReturnUrl"]}}
	s.txns[ref] = t
	return t.view(), ""
}

// Result is what a payer's action led to.
type Result struct {
	// TxnRef, TransactionNo, ResponseCode and TransactionStatus are the
	// IPN's vnp_ fields.
	TxnRef, TransactionNo, ResponseCode, TransactionStatus string
	// IPNQuery is the signed query string of the IPN.
	IPNQuery string
	// ReturnURL is where VNPay sends the payer's browser: vnp_ReturnUrl
	// with the same signed fields.
	ReturnURL string
	// Delivered reports that the IPN reached the merchant and was
	// answered; false when it was lost (LoseIPNs) or there is no IPN URL.
	Delivered bool
	// Reply is the merchant's answer to the IPN, when Delivered.
	Reply Reply
}

// Pay is the payer paying on the page of txnRef: the transaction succeeds
// (vnp_ResponseCode 00, vnp_TransactionStatus 00, the next
// vnp_TransactionNo, vnp_PayDate now), its IPN is sent to the merchant and
// its return URL given. The error is ErrUnknownTransaction, ErrNotPayable
// or ErrExpired with nothing changed, or one matching ErrIPNDelivery when
// the transaction succeeded but its IPN was not answered.
func (s *Server) Pay(ctx context.Context, txnRef string) (Result, error) {
	return s.act(ctx, txnRef, "00", "00")
}

// Cancel is the payer cancelling on the page of txnRef: vnp_ResponseCode
// 24, vnp_TransactionStatus 02, vnp_TransactionNo 0; the IPN and return
// URL as for Pay.
func (s *Server) Cancel(ctx context.Context, txnRef string) (Result, error) {
	return s.act(ctx, txnRef, "24", "02")
}

func (s *Server) act(ctx context.Context, txnRef, code, status string) (Result, error) {
	now := s.cfg.Now()
	s.mu.Lock()
	t, ok := s.txns[txnRef]
	switch {
	case !ok:
		s.mu.Unlock()
		return Result{}, ErrUnknownTransaction
	case t.Status != "01":
		s.mu.Unlock()
		return Result{}, ErrNotPayable
	case !t.ExpiresAt.IsZero() && now.After(t.ExpiresAt):
		s.mu.Unlock()
		return Result{}, ErrExpired
	}
	t.Status, t.PayDate = status, now
	params := map[string]string{
		"vnp_Amount": strconv.FormatInt(t.amount100, 10), "vnp_OrderInfo": t.OrderInfo, "vnp_PayDate": vnTime(now),
		"vnp_ResponseCode": code, "vnp_TmnCode": s.cfg.TmnCode, "vnp_TransactionNo": "0",
		"vnp_TransactionStatus": status, "vnp_TxnRef": txnRef,
	}
	if code == "00" {
		t.TransactionNo = strconv.FormatInt(s.nextNo, 10)
		s.nextNo++
		params["vnp_TransactionNo"] = t.TransactionNo
		params["vnp_BankCode"], params["vnp_BankTranNo"], params["vnp_CardType"] = "NCB", "VNP"+t.TransactionNo, "ATM"
	} else {
		params["vnp_BankCode"] = "VNPAY"
	}
	t.IPNQuery = SignQuery(s.cfg.HashSecret, params)
	res := Result{TxnRef: txnRef, TransactionNo: params["vnp_TransactionNo"], ResponseCode: code, TransactionStatus: status,
		IPNQuery: t.IPNQuery, ReturnURL: joinQuery(t.ReturnURL, t.IPNQuery)}
	lost := s.lost[txnRef] || s.cfg.IPNURL == ""
	s.mu.Unlock()
	if lost {
		return res, nil
	}
	reply, err := s.DeliverIPN(ctx, res.IPNQuery)
	if err != nil {
		return res, err
	}
	res.Delivered, res.Reply = true, reply
	return res, nil
}

// joinQuery appends a query string to a URL that may already have one.
func joinQuery(u, query string) string {
	if u == "" {
		return ""
	}
	if parsed, err := url.Parse(u); err == nil && parsed.RawQuery != "" {
		return u + "&" + query
	}
	return u + "?" + query
}

// serveChoice serves the page's pay or cancel form: a POST with
// vnp_TxnRef, answered with a redirect to the return URL.
func (s *Server) serveChoice(act func(context.Context, string) (Result, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "vnpaytest: the page's forms are POSTed", http.StatusMethodNotAllowed)
			return
		}
		res, err := act(r.Context(), r.PostFormValue("vnp_TxnRef"))
		if res.ReturnURL == "" {
			http.Error(w, fmt.Sprint(err), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, res.ReturnURL, http.StatusFound)
	}
}
