package main

import (
	"bytes"
	"context"
	"html"
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

// client is a browser without script: a cookie jar, forms posted with
// their hidden fields.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string, header http.Header) *client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}
	if header != nil {
		c.Transport = headerTransport{header}
	}
	return &client{t: t, base: base, http: c}
}

// headerTransport adds headers (Accept-Language) to every request.
type headerTransport struct{ h http.Header }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h.h {
		r.Header[k] = v
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (c *client) do(req *http.Request) (string, string, *http.Response) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	require.Equal(c.t, http.StatusOK, resp.StatusCode, "%s", b)
	return string(b), resp.Request.URL.String(), resp
}

func (c *client) get(path string) (string, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	require.NoError(c.t, err)
	page, at, _ := c.do(req)
	return page, at
}

func (c *client) post(path string, form url.Values) (string, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	page, at, _ := c.do(req)
	return page, at
}

// formOf returns the hidden fields of the form posting to action on page.
func formOf(t *testing.T, page, action string) url.Values {
	t.Helper()
	i := strings.Index(page, `method="post" action="`+action+`"`)
	require.GreaterOrEqual(t, i, 0, "the page has a form posting to %s", action)
	form := page[i:]
	form = form[:strings.Index(form, "</form>")]
	v := url.Values{}
	for _, m := range regexp.MustCompile(`type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(form, -1) {
		v.Add(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// TestTopUpThroughTheGatewayPages walks the top-up with a plain HTTP client:
// the form, the simulated gateway's page, its signed callback, the page
// again. The browser test does the same in Chromium.
func TestTopUpThroughTheGatewayPages(t *testing.T) {
	d, base := startDemo(t)
	c := newClient(t, base, nil)
	before := available(t, d, "minhanh")
	page, _ := c.get("/?account=minhanh")
	assert.Contains(t, page, shown(t, before, document.ViVN))
	form := formOf(t, page, "/topup")
	form.Set("amount", "250000")

	gw, at := c.post("/topup", form)
	require.Contains(t, at, base+"/gateway/pay/", "the browser is sent to the gateway")
	assert.Contains(t, gw, `id="gateway-amount">`+shown(t, mustVND(t, 250_000), document.ViVN)+`<`)
	calls := d.sim.Calls()
	assert.Equal(t, "127.0.0.1", calls[len(calls)-1].ClientIP, "the payer's address, as the connection gives it, reaches the gateway")
	// The same form submitted twice is one payment.
	_, again := c.post("/topup", form)
	assert.Equal(t, at, again)

	ref := at[strings.LastIndexByte(at, '/')+1:]
	page, at = c.post("/gateway/pay/"+ref, with(formOf(t, gw, "/gateway/pay/"+ref), "action", "pay"))
	assert.True(t, strings.HasPrefix(at, base+"/?payment="), at)
	want, err := before.Add(mustVND(t, 250_000))
	require.NoError(t, err)
	assert.Contains(t, page, `id="available">`+shown(t, want, document.ViVN)+`<`)
	assert.Contains(t, page, `class="flash" id="flash" role="status">Thanh toán 250.000`)
	assert.True(t, available(t, d, "minhanh").Equal(want))

	t.Run("a declined top-up says declined and changes nothing", func(t *testing.T) {
		page, _ := c.get("/")
		form := formOf(t, page, "/topup")
		form.Set("amount", "100000")
		gw, at := c.post("/topup", form)
		ref := at[strings.LastIndexByte(at, '/')+1:]
		page, _ = c.post("/gateway/pay/"+ref, with(formOf(t, gw, "/gateway/pay/"+ref), "action", "decline"))
		assert.Contains(t, page, `class="error" id="error" role="alert">Thanh toán 100.000`)
		assert.Contains(t, page, "bị từ chối")
		assert.NotContains(t, page, `id="flash"`, "no success banner")
		assert.True(t, available(t, d, "minhanh").Equal(want))
	})
	t.Run("a bad amount is a fixed message, not the query's text", func(t *testing.T) {
		page, _ := c.get("/")
		form := formOf(t, page, "/topup")
		form.Set("amount", "-1")
		page, at := c.post("/topup", form)
		assert.Equal(t, base+"/#wallet", at, "the message is kept on the server, not in the URL")
		assert.Contains(t, page, `id="error" role="alert">Nhập số tiền cần nạp`)
	})
	t.Run("text in ?error= is never shown", func(t *testing.T) {
		page, _ := c.get("/?error=" + url.QueryEscape("<b>Your account is locked, call 1900</b>"))
		assert.NotContains(t, page, "locked")
		assert.NotContains(t, page, `id="error"`)
	})
	t.Run("a form without the browser's token changes nothing", func(t *testing.T) {
		other := newClient(t, base, nil)
		other.get("/?account=minhanh")
		page, _ := other.post("/topup", url.Values{"amount": {"100000"}, "key": {"k-forged"}, "csrf": {strings.Repeat("0", 32)}})
		assert.Contains(t, page, `id="error"`)
		assert.True(t, available(t, d, "minhanh").Equal(want))
	})
	t.Run("the API behind the page is the portal package", func(t *testing.T) {
		body, _ := c.get("/api/wallet")
		assert.Contains(t, body, `"available":"`+want.String()+`"`)
	})
}

// The pages' safety headers: a CSP without script, nosniff, no framing;
// the cookies HttpOnly and SameSite.
func TestPagesAreLockedDown(t *testing.T) {
	_, base := startDemo(t)
	c := newClient(t, base, nil)
	req, err := http.NewRequest(http.MethodGet, base+"/?account=harbor", nil)
	require.NoError(t, err)
	_, _, resp := c.do(req)
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'none'")
	assert.NotContains(t, csp, "script-src")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	u, err := url.Parse(base)
	require.NoError(t, err)
	cookies := c.http.Jar.Cookies(u)
	require.NotEmpty(t, cookies)
	for _, raw := range resp.Request.Response.Header.Values("Set-Cookie") {
		assert.Contains(t, raw, "HttpOnly", raw)
		assert.Contains(t, raw, "SameSite=", raw)
	}
	page, _ := c.get("/")
	assert.NotContains(t, page, "<script")
	assert.NotContains(t, page, "style=\"")
}

// An account without a language setting gets the language its browser
// asks for; one with a setting keeps it whatever the browser says.
func TestLanguageByAccountThenBrowser(t *testing.T) {
	_, base := startDemo(t)
	vi := newClient(t, base, http.Header{"Accept-Language": {"vi-VN,vi;q=0.9,en;q=0.5"}})
	page, _ := vi.get("/?account=songhong")
	assert.Contains(t, page, `<html lang="vi-VN">`)
	assert.Contains(t, page, "Hóa đơn cần thanh toán")
	en := newClient(t, base, http.Header{"Accept-Language": {"en-GB,en;q=0.9"}})
	page, _ = en.get("/?account=songhong")
	assert.Contains(t, page, `<html lang="en-US">`)
	assert.Contains(t, page, "Bills to pay")
	page, _ = vi.get("/?account=harbor")
	assert.Contains(t, page, `<html lang="en-US">`, "Harbor chose English")
	page, _ = vi.post("/settings/language", with(formOf(t, page, "/settings/language"), "language", "vi-VN"))
	assert.Contains(t, page, `<html lang="vi-VN">`)
	assert.Contains(t, page, "Đã lưu ngôn ngữ.")
}

// Renewing Harbor's expired server, switching auto-renew, paying Sông
// Hồng's bills and deleting a server, with forms only.
func TestActionsFromThePages(t *testing.T) {
	d, base := startDemo(t)
	ctx := context.Background()
	c := newClient(t, base, http.Header{"Accept-Language": {"en"}})
	page, _ := c.get("/?account=harbor")
	assert.Contains(t, page, "api-gateway", "resources by name")
	assert.NotRegexp(t, `>res_[^<]*<`, page, "no raw ids in cells")
	rs, err := d.sys.Resources(ctx, billing.ListRequest{AccountID: "harbor", Limit: 10})
	require.NoError(t, err)
	rid := rs.Items[0].ID
	require.Equal(t, lifecycle.StatusExpired, rs.Items[0].BillingStatus, "the seed's server is in grace")
	before := available(t, d, "harbor")

	preview, _ := c.get("/resources/" + rid + "/renew?term=1+month&method=credit")
	total := regexp.MustCompile(`id="total">([^<]+)<`).FindStringSubmatch(preview)
	require.NotNil(t, total, preview)
	form := formOf(t, preview, "/resources/"+rid+"/renew")
	page, _ = c.post("/resources/"+rid+"/renew", form)
	assert.Contains(t, page, `id="flash" role="status">api-gateway is renewed until`)
	r, err := d.sys.Resource(ctx, "harbor", rid)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.StateActive, r.State, "renewed out of grace")
	exp, err := money.Parse(form.Get("expected_total"))
	require.NoError(t, err)
	left, err := before.Sub(exp)
	require.NoError(t, err)
	assert.True(t, available(t, d, "harbor").Equal(left), "charged the previewed %s once", exp)
	c.post("/resources/"+rid+"/renew", form) // the same form again
	assert.True(t, available(t, d, "harbor").Equal(left), "a resubmitted form charges nothing more")

	page, _ = c.post("/resources/"+rid+"/auto-renew", formOf(t, page, "/resources/"+rid+"/auto-renew"))
	r, err = d.sys.Resource(ctx, "harbor", rid)
	require.NoError(t, err)
	assert.True(t, r.AutoRenew, "the seed's server had auto-renew off; the form switched it on")
	assert.Contains(t, page, "Auto-renew is on for api-gateway.")

	del, _ := c.get("/resources/" + rid + "/delete")
	pv, err := d.sys.PreviewDelete(ctx, "harbor", rid)
	require.NoError(t, err)
	assert.Contains(t, del, shown(t, pv.Refunded, document.EnUS))
	page, _ = c.post("/resources/"+rid+"/delete", formOf(t, del, "/resources/"+rid+"/delete"))
	assert.Contains(t, page, "api-gateway is deleted;")

	t.Run("another account's resource is not found", func(t *testing.T) {
		other := newClient(t, base, nil)
		other.get("/?account=minhanh")
		resp, err := other.http.Get(base + "/resources/" + rid + "/renew")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})

	t.Run("stopping and restarting the default card", func(t *testing.T) {
		m := newClient(t, base, http.Header{"Accept-Language": {"en"}})
		page, _ := m.get("/?account=minhanh")
		links, err := d.sys.LinkedAccounts(ctx, "minhanh")
		require.NoError(t, err)
		require.Len(t, links, 1)
		require.True(t, links[0].IsDefault, "the seed's MoMo wallet is the default")
		id := links[0].ID
		assert.True(t, strings.Contains(page, "Bỏ mặc định MoMo •••• 4242"), "minhanh's page is in Vietnamese, her setting")
		page, _ = m.post("/linked/"+id+"/undefault", formOf(t, page, "/linked/"+id+"/undefault"))
		links, err = d.sys.LinkedAccounts(ctx, "minhanh")
		require.NoError(t, err)
		require.Len(t, links, 1, "still linked")
		assert.False(t, links[0].IsDefault)
		page, _ = m.post("/linked/"+id+"/default", formOf(t, page, "/linked/"+id+"/default"))
		links, err = d.sys.LinkedAccounts(ctx, "minhanh")
		require.NoError(t, err)
		assert.True(t, links[0].IsDefault, "made the default again from the page")
		assert.True(t, strings.Contains(page, "Bỏ mặc định MoMo •••• 4242"), "the page offers to stop it again")
	})

	t.Run("paying every open bill from credit", func(t *testing.T) {
		s := newClient(t, base, nil)
		open, err := d.sys.OpenInvoices(ctx, "songhong")
		require.NoError(t, err)
		require.NotEmpty(t, open.Invoices, "the postpaid seed owes bills")
		require.NoError(t, d.seedTopUp(ctx, "songhong", 5_000_000))
		page, _ := s.get("/?account=songhong")
		page, _ = s.post("/bills/pay-all", formOf(t, page, "/bills/pay-all"))
		assert.Regexp(t, `id="flash" role="status">\d+ bills paid: ₫`, page)
		open, err = d.sys.OpenInvoices(ctx, "songhong")
		require.NoError(t, err)
		assert.Empty(t, open.Invoices)
	})
}
func mustVND(t *testing.T, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}

// with returns v with key set to value.
func with(v url.Values, key, value string) url.Values {
	v.Set(key, value)
	return v
}
