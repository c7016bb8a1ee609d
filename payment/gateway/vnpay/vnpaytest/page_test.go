package vnpaytest_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

func TestNewRequiresTerminalAndSecret(t *testing.T) {
	for _, cfg := range []vnpaytest.Config{{HashSecret: secret}, {TmnCode: tmn}} {
		_, err := vnpaytest.New(cfg)
		require.ErrorIs(t, err, vnpaytest.ErrInvalidConfig)
	}
}

// The adapter's payment URL opens the page: 150,000 VND, created at 10:00
// GMT+7, payable for the adapter's default 15 minutes.
func TestTheAdaptersPaymentURLOpensThePage(t *testing.T) {
	w := newWorld(t)
	payURL, ref := w.checkout(t, "pay_1", "150000")
	assert.Equal(t, "payZ5F1", ref)
	tx, ok := w.f.Transaction(ref)
	require.True(t, ok)
	assert.Equal(t, vnpaytest.Transaction{TxnRef: "payZ5F1", Amount: 150000, CreatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute),
		TransactionNo: "0", Type: "01", Status: "01", OrderInfo: "Thanh toan don hang",
		ReturnURL: "https://shop.example/vnpay/return?from=vnpay"}, tx)

	resp, err := http.Get(payURL) // opened again: the same page
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "150000 VND")
	assert.Contains(t, string(body), `action="/paymentv2/pay"`)
}

// pageStatus opens the page for query and returns the status and body.
func pageStatus(t *testing.T, w *world, method, query string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, w.f.PaymentURL()+"?"+query, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestThePageRefusesBadPaymentURLs(t *testing.T) {
	w := newWorld(t)
	good := func() map[string]string {
		return map[string]string{"vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": tmn, "vnp_Amount": "15000000",
			"vnp_CurrCode": "VND", "vnp_TxnRef": "payZ5F9", "vnp_OrderInfo": "Thanh toan", "vnp_OrderType": "other",
			"vnp_Locale": "vn", "vnp_ReturnUrl": "https://shop.example/r", "vnp_IpAddr": "203.0.113.7",
			"vnp_CreateDate": "20240501100000", "vnp_ExpireDate": "20240501101500"}
	}
	signed := vnpaytest.SignQuery(secret, good())
	cases := []struct {
		name, query, want string
	}{
		{"an amount changed after signing", strings.Replace(signed, "vnp_Amount=15000000", "vnp_Amount=100", 1), "invalid checksum"},
		{"no checksum", vnpaytest.HashData(good()), "vnp_SecureHash is missing"},
		{"another secret", vnpaytest.SignQuery("another-secret", good()), "invalid checksum"},
		{"a repeated parameter", signed + "&vnp_Amount=15000000", "repeated"},
	}
	for field, value := range map[string]string{
		"vnp_TmnCode": "OTHER001", "vnp_Version": "2.0.0", "vnp_Command": "refund", "vnp_CurrCode": "USD",
		"vnp_Amount": "15000050", "vnp_TxnRef": "pay_9", "vnp_ExpireDate": "20240501095900", "vnp_Locale": "fr",
		"vnp_ReturnUrl": "/relative", "vnp_OrderInfo": "", "vnp_IpAddr": "",
	} {
		p := good()
		p[field] = value
		cases = append(cases, struct{ name, query, want string }{field + "=" + value, vnpaytest.SignQuery(secret, p), ""})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := pageStatus(t, w, http.MethodGet, c.query)
			assert.Equal(t, http.StatusBadRequest, status, body)
			assert.Contains(t, body, c.want)
		})
	}
	status, _ := pageStatus(t, w, http.MethodPost, signed)
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	_, known := w.f.Transaction("payZ5F9")
	assert.False(t, known, "no refused URL registers a transaction")

	status, _ = pageStatus(t, w, http.MethodGet, signed)
	require.Equal(t, http.StatusOK, status)
	p := good()
	p["vnp_Amount"] = "20000000"
	status, body := pageStatus(t, w, http.MethodGet, vnpaytest.SignQuery(secret, p))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "already used for another payment", "a vnp_TxnRef is one payment")

	w.clk.Advance(16 * time.Minute)
	p = good()
	p["vnp_TxnRef"] = "payZ5F8"
	status, body = pageStatus(t, w, http.MethodGet, vnpaytest.SignQuery(secret, p))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "expired", "opened at 10:16 a page that expired at 10:15")
}

// The page's forms: paying redirects the browser to the return URL with
// the signed result, which the adapter verifies.
func TestThePagesFormsRedirectToTheReturnURL(t *testing.T) {
	w := newWorld(t)
	_, ref := w.checkout(t, "pay_1", "150000")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(w.f.URL()+vnpaytest.PayPath, url.Values{"vnp_TxnRef": {ref}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc := resp.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, "https://shop.example/vnpay/return?from=vnpay&vnp_Amount=15000000&"), loc)
	r, err := w.g.VerifyReturn(returnQuery(t, loc))
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, r.State)
	assert.Equal(t, "pay_1", r.PaymentID)

	resp, err = noFollow.PostForm(w.f.URL()+vnpaytest.CancelPath, url.Values{"vnp_TxnRef": {ref}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a paid transaction cannot be cancelled")
	resp, err = http.Get(w.f.URL() + vnpaytest.PayPath)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}
