package vnpaytest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Paths of the fake's endpoints, VNPay's own.
const (
	// PaymentPath is the payment page, VNPay's vpcpay.html.
	PaymentPath = "/paymentv2/vpcpay.html"
	// PayPath and CancelPath are the page's forms: a POST with vnp_TxnRef
	// pays or cancels the transaction and redirects to its return URL.
	PayPath    = "/paymentv2/pay"
	CancelPath = "/paymentv2/cancel"
	// APIPath is the merchant API, where querydr and refund are POSTed.
	APIPath = "/merchant_webapi/api/transaction"
)

// DefaultFirstTransactionNo is the vnp_TransactionNo of the first payment
// when Config.FirstTransactionNo is zero; each payment gets the next.
const DefaultFirstTransactionNo = 14422574

// Errors of the payer's actions (Pay, Cancel) and of the test hooks.
var (
	// ErrInvalidConfig: New was given no terminal code or secret.
	ErrInvalidConfig = errors.New("vnpaytest: TmnCode and HashSecret are required")
	// ErrUnknownTransaction: no payment page was opened for the vnp_TxnRef
	// (and AddTransaction registered none).
	ErrUnknownTransaction = errors.New("vnpaytest: unknown vnp_TxnRef")
	// ErrNotPayable: the transaction was already paid or cancelled.
	ErrNotPayable = errors.New("vnpaytest: the transaction is no longer awaiting payment")
	// ErrExpired: the payment page's vnp_ExpireDate has passed.
	ErrExpired = errors.New("vnpaytest: the payment page has expired")
	// ErrIPNDelivery: the IPN could not be delivered, or its answer was not
	// VNPay's JSON {"RspCode":…,"Message":…}.
	ErrIPNDelivery = errors.New("vnpaytest: IPN delivery failed")
)

// Config configures a fake VNPay.
type Config struct {
	// TmnCode is the merchant's terminal code the fake accepts. Required.
	TmnCode string
	// HashSecret is the merchant's secret that signs everything. Required.
	HashSecret string
	// IPNURL is the merchant's IPN URL, where the fake sends each IPN as a
	// GET. Empty: IPNs are made and kept (IPN) but never sent.
	IPNURL string
	// Now is the fake's clock: the page's expiry, vnp_PayDate and the
	// refund's processing time. Default time.Now.
	Now func() time.Time
	// HTTPClient sends IPNs. Default: a client with a 10-second timeout.
	HTTPClient *http.Client
	// FirstTransactionNo is the first payment's vnp_TransactionNo; default
	// DefaultFirstTransactionNo.
	FirstTransactionNo int64
}

// Server is a fake VNPay on a loopback port. Its zero value is not usable;
// call New, and Close when done.
type Server struct {
	cfg Config
	srv *httptest.Server

	mu       sync.Mutex
	txns     map[string]*txn // by vnp_TxnRef
	seen     map[string]bool // vnp_RequestId values
	lost     map[string]bool // vnp_TxnRef whose IPNs are lost
	requests []map[string]string
	nextNo   int64
	force    string
	tamper   func(map[string]string)
	status   int
}

// New starts a fake VNPay for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.TmnCode == "" || cfg.HashSecret == "" {
		return nil, ErrInvalidConfig
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.FirstTransactionNo <= 0 {
		cfg.FirstTransactionNo = DefaultFirstTransactionNo
	}
	s := &Server{cfg: cfg, txns: map[string]*txn{}, seen: map[string]bool{}, lost: map[string]bool{},
		nextNo: cfg.FirstTransactionNo}
	mux := http.NewServeMux()
	mux.HandleFunc(PaymentPath, s.servePage)
	mux.HandleFunc(PayPath, s.serveChoice(s.Pay))
	mux.HandleFunc(CancelPath, s.serveChoice(s.Cancel))
	mux.HandleFunc(APIPath, s.serveAPI)
	s.srv = httptest.NewServer(mux)
	return s, nil
}

// Close shuts the server down; IPNs in flight are not waited for.
func (s *Server) Close() { s.srv.Close() }

// URL is the server's base URL, http://127.0.0.1:<port>.
func (s *Server) URL() string { return s.srv.URL }

// PaymentURL is the payment page, the adapter's Config.PaymentURL.
func (s *Server) PaymentURL() string { return s.srv.URL + PaymentPath }

// APIURL is the merchant API, the adapter's Config.APIURL.
func (s *Server) APIURL() string { return s.srv.URL + APIPath }

// Transaction is what the fake knows of one vnp_TxnRef.
type Transaction struct {
	// TxnRef is the merchant's vnp_TxnRef.
	TxnRef string
	// Amount is the payment's amount in whole VND (vnp_Amount ÷ 100).
	Amount int64
	// CreatedAt is the payment's vnp_CreateDate, which querydr and refund
	// must name as vnp_TransactionDate.
	CreatedAt time.Time
	// ExpiresAt is the page's vnp_ExpireDate; zero for none.
	ExpiresAt time.Time
	// TransactionNo is VNPay's vnp_TransactionNo, "0" before payment.
	TransactionNo string
	// Type is the latest vnp_TransactionType: 01 payment, 02 full refund,
	// 03 partial refund.
	Type string
	// Status is vnp_TransactionStatus: 01 awaiting payment, 00 success, 02
	// failed or cancelled, 05 refund in progress, 09 refund rejected, …
	// querydr reports 08 for an unpaid page past ExpiresAt.
	Status string
	// PayDate is when it was paid or cancelled (vnp_PayDate).
	PayDate time.Time
	// Refunded is the total refunded, in VND; LastRefund the latest
	// refund's amount.
	Refunded, LastRefund int64
	// OrderInfo and ReturnURL are the payment's vnp_OrderInfo and
	// vnp_ReturnUrl.
	OrderInfo, ReturnURL string
	// IPNQuery is the signed query string of the latest IPN, "" before one.
	IPNQuery string
}

// txn is the fake's record of a transaction.
type txn struct {
	Transaction
	amount100 int64
}

func (t *txn) view() Transaction { return t.Transaction }

// Transaction returns what the fake knows of txnRef.
func (s *Server) Transaction(txnRef string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txns[txnRef]
	if !ok {
		return Transaction{}, false
	}
	return t.view(), true
}
