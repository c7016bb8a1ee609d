package vnpaytest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

const (
	tmn    = "CLOUDB01"
	secret = "SECRETKEY0123456789SECRETKEY0123"
)

var (
	ctx = context.Background()
	// t0 is 10:00 in Ho Chi Minh City.
	t0 = time.Date(2024, 5, 1, 3, 0, 0, 0, time.UTC)
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// merchant is a host's IPN endpoint built on the adapter: it reads each IPN
// with ReadCallback, applies each event id once and answers with Reply.
type merchant struct {
	g   *vnpay.Gateway
	srv *httptest.Server

	mu      sync.Mutex
	events  []gateway.Event
	applied map[string]bool
	errs    []error
}

func (m *merchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, err := m.g.ReadCallback(t0, gateway.CallbackRequest{Method: r.Method, Query: r.URL.Query(), RawQuery: r.URL.RawQuery})
	m.mu.Lock()
	outcome := gateway.CallbackApplied
	switch {
	case err != nil:
		m.errs = append(m.errs, err)
		outcome = gateway.CallbackRejected
	case m.applied[ev.ID]:
		outcome = gateway.CallbackDuplicate
	default:
		m.applied[ev.ID] = true
		m.events = append(m.events, ev)
	}
	m.mu.Unlock()
	reply := m.g.Reply(outcome)
	w.Header().Set("Content-Type", reply.ContentType)
	w.WriteHeader(reply.Status)
	_, _ = w.Write(reply.Body)
}

func (m *merchant) seen() ([]gateway.Event, []error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]gateway.Event(nil), m.events...), append([]error(nil), m.errs...)
}

// world is a fake VNPay, the adapter pointed at it and a merchant
// receiving its IPNs.
type world struct {
	clk *testClock
	f   *vnpaytest.Server
	g   *vnpay.Gateway
	m   *merchant
	// queries counts the test's querydr calls.
	queries int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{clk: &testClock{now: t0}, m: &merchant{applied: map[string]bool{}}}
	w.m.srv = httptest.NewServer(w.m)
	t.Cleanup(w.m.srv.Close)
	var err error
	w.f, err = vnpaytest.New(vnpaytest.Config{TmnCode: tmn, HashSecret: secret, IPNURL: w.m.srv.URL + "/vnpay/ipn", Now: w.clk.Now})
	require.NoError(t, err)
	t.Cleanup(w.f.Close)
	w.g, err = vnpay.New(vnpay.Config{TmnCode: tmn, HashSecret: secret, PaymentURL: w.f.PaymentURL(), APIURL: w.f.APIURL(),
		ReturnURL: "https://shop.example/vnpay/return?from=vnpay"})
	require.NoError(t, err)
	w.m.g = w.g
	return w
}

func vnd(t testing.TB, n string) money.Amount {
	t.Helper()
	a, err := money.New(n, "VND")
	require.NoError(t, err)
	return a
}

// checkout creates a payment of amount with the adapter and opens its page
// as the payer's browser does; it returns the payment URL and vnp_TxnRef.
func (w *world) checkout(t *testing.T, id, amount string) (string, string) {
	t.Helper()
	r, err := w.g.CreatePayment(ctx, gateway.PaymentRequest{PaymentID: id, AccountID: "acc_1", Amount: vnd(t, amount),
		Description: "Thanh toán đơn hàng", CreatedAt: w.clk.Now(), ClientIP: "203.0.113.7"})
	require.NoError(t, err)
	resp, err := http.Get(r.URL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return r.URL, r.GatewayRef
}

// returnQuery is the query of a return URL.
func returnQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query()
}
