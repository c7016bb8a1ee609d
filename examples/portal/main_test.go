package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// startDemo serves a freshly seeded demo on a loopback port and returns it
// with its base URL.
func startDemo(t *testing.T) (*demo, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	d, err := newDemo(t.Context(), base, testLog{t})
	require.NoError(t, err)
	srv.Config.Handler = d.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return d, base
}

// testLog sends the demo's log lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// available returns the account's available credit as the page shows it.
func available(t *testing.T, d *demo, acct string) money.Amount {
	t.Helper()
	w, err := d.sys.Wallet(context.Background(), acct)
	require.NoError(t, err)
	return w.Available
}

func shown(t *testing.T, a money.Amount, l document.Locale) string {
	t.Helper()
	s, err := document.FormatMoney(a, l)
	require.NoError(t, err)
	return s
}

func TestRunCheck(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out, io.Discard, []string{"-check", "-addr", "127.0.0.1:0"}))
	assert.Contains(t, out.String(), "Cloudbill portal demo: open http://127.0.0.1:")
	assert.Contains(t, out.String(), "check passed")
}

func TestSeedShowsEveryBillingStatus(t *testing.T) {
	d, _ := startDemo(t)
	ctx := context.Background()
	statuses := map[lifecycle.BillingStatus]bool{}
	for _, c := range customers() {
		rs, err := d.sys.Resources(ctx, billing.ListRequest{AccountID: c.ID, Limit: 100})
		require.NoError(t, err)
		for _, r := range rs.Items {
			statuses[r.BillingStatus] = true
		}
	}
	for _, s := range []lifecycle.BillingStatus{lifecycle.StatusGood, lifecycle.StatusWarning, lifecycle.StatusAlerted, lifecycle.StatusExpired} {
		assert.True(t, statuses[s], "some demo resource is %s", s)
	}
	invs, err := d.sys.Invoices(ctx, billing.ListRequest{AccountID: "minhanh", Limit: 100})
	require.NoError(t, err)
	kinds := map[invoice.Kind]int{}
	for _, inv := range invs.Items {
		kinds[inv.Kind]++
	}
	assert.Equal(t, 4, kinds[invoice.KindInvoice])
	assert.Equal(t, 1, kinds[invoice.KindCreditNote])
	linked, err := d.sys.LinkedAccounts(ctx, "minhanh")
	require.NoError(t, err)
	assert.Len(t, linked, 1)
	w, err := d.sys.Wallet(ctx, "minhanh")
	require.NoError(t, err)
	assert.Len(t, w.Promotional, 1)
}

// TestTopUpThroughTheGatewayPages walks the top-up with a plain HTTP client:
// the form, the simulated gateway's page, its signed callback, the page
// again. The browser test does the same in Chromium.
func TestTopUpThroughTheGatewayPages(t *testing.T) {
	d, base := startDemo(t)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar}
	get := func(path string) (string, string) {
		resp, err := client.Get(base + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		return string(b), resp.Request.URL.String()
	}
	post := func(path string, form url.Values) (string, string) {
		resp, err := client.PostForm(base+path, form)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		return string(b), resp.Request.URL.String()
	}
	before := available(t, d, "minhanh")
	page, _ := get("/?account=minhanh")
	assert.Contains(t, page, shown(t, before, document.ViVN))
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, key)

	gw, at := post("/topup", url.Values{"amount": {"250000"}, "key": {key[1]}})
	require.Contains(t, at, base+"/gateway/pay/", "the browser is sent to the gateway")
	assert.Contains(t, gw, "250.000 ₫")
	// The same form submitted twice is one payment.
	_, again := post("/topup", url.Values{"amount": {"250000"}, "key": {key[1]}})
	assert.Equal(t, at, again)

	ref := at[strings.LastIndexByte(at, '/')+1:]
	page, at = post("/gateway/pay/"+ref, url.Values{"action": {"pay"}})
	assert.True(t, strings.HasPrefix(at, base+"/?payment="), at)
	want, err := before.Add(mustVND(t, 250_000))
	require.NoError(t, err)
	assert.Contains(t, page, `id="available">`+shown(t, want, document.ViVN)+`<`)
	assert.Contains(t, page, "succeeded")
	assert.True(t, available(t, d, "minhanh").Equal(want))

	t.Run("a declined payment changes nothing", func(t *testing.T) {
		page, _ := get("/")
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(page)
		_, at := post("/topup", url.Values{"amount": {"100000"}, "key": {key[1]}})
		ref := at[strings.LastIndexByte(at, '/')+1:]
		page, _ = post("/gateway/pay/"+ref, url.Values{"action": {"decline"}})
		assert.Contains(t, page, "failed")
		assert.True(t, available(t, d, "minhanh").Equal(want))
	})
	t.Run("a bad amount is an error on the page", func(t *testing.T) {
		page, at := post("/topup", url.Values{"amount": {"-1"}, "key": {"k"}})
		assert.Equal(t, base+"/?error=Enter+the+amount+to+top+up+as+a+whole+number+of+VND.", at)
		assert.Contains(t, page, `id="error"`)
	})
	t.Run("the API behind the page is the portal package", func(t *testing.T) {
		body, _ := get("/api/wallet")
		assert.Contains(t, body, `"available":"`+want.String()+`"`)
	})
}

func mustVND(t *testing.T, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}
