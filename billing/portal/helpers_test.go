package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

var start = time.Date(2026, 4, 5, 2, 0, 0, 0, time.UTC)

// env is a System on the memory store with a simulated gateway, and a
// portal whose test authentication reads the X-Account header (a host
// would use its own sign-in instead).
type env struct {
	sys    *billing.System
	sim    *gatewaysim.Gateway
	clk    *clock.Manual
	portal *portal.Handler
	srv    *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	clk := clock.NewManual(start)
	sim, err := gatewaysim.New(gatewaysim.Config{Name: "sim", Secret: []byte("whsec_portal"), Now: clk.Now})
	require.NoError(t, err)
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: cat, Clock: clk, Gateways: []gateway.Gateway{sim}})
	require.NoError(t, err)
	h, err := portal.New(portal.Config{
		System: sys,
		Authenticate: func(r *http.Request) (string, bool) {
			id := r.Header.Get("X-Account")
			return id, id != ""
		},
		Seller: document.Party{Name: "Công ty TNHH Mây Xanh Việt Nam", TaxID: "0312345678"},
		Buyer: func(_ context.Context, id string) (document.Party, error) {
			return document.Party{Name: "Khách hàng " + id}, nil
		},
		DefaultGateway: "sim",
	})
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/portal", h))
	t.Cleanup(srv.Close)
	return &env{sys: sys, sim: sim, clk: clk, portal: h, srv: srv}
}

func vnd(t testing.TB, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}

// customer opens an account, tops it up with 1,000,000 VND through the
// gateway, buys a vServer for a month by credit and provisions it, so it
// has a resource, a paid invoice, payments and wallet history. It returns
// the resource id.
func (e *env) customer(t *testing.T, id string) string {
	t.Helper()
	ctx := context.Background()
	_, err := e.sys.CreateAccount(ctx, "open-"+id, billing.CreateAccountRequest{ID: id})
	require.NoError(t, err)
	p, err := e.sys.TopUp(ctx, "seed-topup-"+id, billing.TopUpRequest{AccountID: id, Amount: vnd(t, 1_000_000), Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	_, err = e.sys.HandleCallback(ctx, "sim", cb.Header, cb.Body)
	require.NoError(t, err)
	res, err := e.sys.Checkout(ctx, "buy-"+id, billing.CheckoutRequest{
		AccountID: id, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Months(1),
			Configuration: pricing.Configuration{Plan: "basic-1"}}},
	})
	require.NoError(t, err)
	require.Len(t, res.Resources, 1)
	rid := res.Resources[0].ID
	_, err = e.sys.ProvisioningSucceeded(ctx, "prov-"+rid, billing.ProvisioningRequest{AccountID: id, ResourceID: rid})
	require.NoError(t, err)
	return rid
}

// invoiceOf returns the first invoice id of the account.
func (e *env) invoiceOf(t *testing.T, acct string) string {
	t.Helper()
	invs, err := e.sys.Invoices(context.Background(), billing.ListRequest{AccountID: acct, Limit: 10})
	require.NoError(t, err)
	require.NotEmpty(t, invs.Items)
	return invs.Items[len(invs.Items)-1].ID
}

// call makes a request as acct ("" for none) and returns the response
// with its body read.
func (e *env) call(t *testing.T, method, path, acct string, body string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+"/portal"+path, rd)
	require.NoError(t, err)
	if acct != "" {
		req.Header.Set("X-Account", acct)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// getJSON makes a GET as acct, requires 200 and decodes the body into v.
func (e *env) getJSON(t *testing.T, path, acct string, v any) {
	t.Helper()
	resp, body := e.call(t, http.MethodGet, path, acct, "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.NoError(t, json.Unmarshal(body, v))
}

// problem requires an application/problem+json response with status and
// type and returns it.
func problem(t *testing.T, resp *http.Response, body []byte, status int, typ string) portal.Problem {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "%s", body)
	require.Equal(t, portal.ProblemContentType, resp.Header.Get("Content-Type"))
	var p portal.Problem
	require.NoError(t, json.Unmarshal(body, &p))
	assert.Equal(t, typ, p.Type)
	assert.Equal(t, status, p.Status)
	assert.NotEmpty(t, p.Title)
	return p
}
