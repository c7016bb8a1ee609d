package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/payment"
)

// postpaidCustomer opens a postpaid account without credit, runs a
// basic-1 vServer in it from April 5 and closes April, so the account owes
// one open bill. It returns the bill's id.
func (e *env) postpaidCustomer(t *testing.T, id string) string {
	t.Helper()
	ctx := context.Background()
	_, err := e.sys.CreateAccount(ctx, "open-"+id, billing.CreateAccountRequest{ID: id})
	require.NoError(t, err)
	_, err = e.sys.SetAccountType(ctx, "postpaid-"+id, billing.SetAccountTypeRequest{AccountID: id, Type: billing.Postpaid, Actor: "ops"})
	require.NoError(t, err)
	res, err := e.sys.Checkout(ctx, "buy-"+id, billing.CheckoutRequest{AccountID: id, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Months(1),
			Configuration: pricing.Configuration{Plan: "basic-1"}}}})
	require.NoError(t, err)
	_, err = e.sys.ProvisioningSucceeded(ctx, "prov-"+id, billing.ProvisioningRequest{AccountID: id, ResourceID: res.Resources[0].ID})
	require.NoError(t, err)
	e.clk.Set(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)) // April closed (Asia/Ho_Chi_Minh) an hour after it ended
	for range 20 {
		rep, err := e.sys.Tick(ctx, 100)
		require.NoError(t, err)
		if !rep.More {
			break
		}
	}
	open, err := e.sys.OpenInvoices(ctx, id)
	require.NoError(t, err)
	require.Len(t, open.Invoices, 1, "April's bill is open")
	return open.Invoices[0].Invoice.ID
}

func key(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }

func TestNewActionsNeedAnAccount(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	inv := e.invoiceOf(t, "alice")
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/resources/" + rid + "/renewal"}, {http.MethodPost, "/resources/" + rid + "/renew"},
		{http.MethodPost, "/resources/" + rid + "/auto-renew"}, {http.MethodGet, "/resources/" + rid + "/deletion"},
		{http.MethodDelete, "/resources/" + rid}, {http.MethodGet, "/open-invoices"},
		{http.MethodPost, "/open-invoices/pay"}, {http.MethodPost, "/invoices/" + inv + "/pay"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			resp, body := e.call(t, c.method, c.path, "", "", key("k"))
			problem(t, resp, body, http.StatusUnauthorized, portal.ProblemUnauthenticated)
		})
	}
}

// Bob acting on alice's resources and invoices finds nothing, and alice's
// wallet, payments and resource are as they were.
func TestNewActionsOnAnotherAccountAreNotFound(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	e.customer(t, "bob")
	bill := e.postpaidCustomer(t, "carol")
	inv := e.invoiceOf(t, "alice")
	before := e.state(t, "alice")
	var res portal.Resource
	e.getJSON(t, "/resources/"+rid, "alice", &res)
	for i, c := range []struct{ method, path, body string }{
		{http.MethodGet, "/resources/" + rid + "/renewal?term=1+month", ""},
		{http.MethodPost, "/resources/" + rid + "/renew", `{"term":"1 month","method":"credit"}`},
		{http.MethodPost, "/resources/" + rid + "/auto-renew", `{"on":false}`},
		{http.MethodGet, "/resources/" + rid + "/deletion", ""},
		{http.MethodDelete, "/resources/" + rid, ""},
		{http.MethodPost, "/invoices/" + inv + "/pay", `{"amount":"1 VND","method":"credit"}`},
		{http.MethodPost, "/invoices/" + bill + "/pay", `{"amount":"1 VND","method":"credit"}`},
		{http.MethodPost, "/open-invoices/pay", `{"invoices":[{"id":"` + bill + `","amount":"1 VND"}],"method":"credit"}`},
	} {
		t.Run("bob "+c.method+" "+c.path, func(t *testing.T) {
			resp, body := e.call(t, c.method, c.path, "bob", c.body, key("bob-"+string(rune('a'+i))))
			problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
		})
	}
	assert.Equal(t, before, e.state(t, "alice"))
	var after portal.Resource
	e.getJSON(t, "/resources/"+rid, "alice", &after)
	assert.Equal(t, res, after, "alice's resource is untouched")
	var open portal.OpenInvoices
	e.getJSON(t, "/open-invoices", "bob", &open)
	assert.Empty(t, open.Data, "carol's bill is not bob's")
	e.getJSON(t, "/open-invoices", "carol", &open)
	require.Len(t, open.Data, 1)
}

func TestRenewFromThePortal(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	ctx := context.Background()
	require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "RENEW10K", Kind: coupon.KindFixed, Amount: vnd(t, 10_000),
		Actions: []coupon.Action{coupon.ActionRenew}}))
	var q portal.RenewalQuote
	e.getJSON(t, "/resources/"+rid+"/renewal?term=3+months&coupon=RENEW10K", "alice", &q)
	assert.Equal(t, "3 months", q.Term)
	assert.Equal(t, []string{"1 month", "2 months", "3 months", "6 months", "12 months", "24 months", "36 months"}, q.AllowedTerms)
	assert.Equal(t, "10000 VND", q.Discount.String())
	require.True(t, q.Total.IsPositive())
	var def portal.RenewalQuote
	e.getJSON(t, "/resources/"+rid+"/renewal", "alice", &def)
	assert.Equal(t, "1 month", def.Term, "without a term: the auto-renew term")

	before := available(t, e, "alice")
	body := `{"term":"3 months","coupons":["RENEW10K"],"method":"credit","expected_total":"` + q.Total.String() + `"}`
	resp, b := e.call(t, http.MethodPost, "/resources/"+rid+"/renew", "alice", body, key("renew-1"))
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
	var out portal.ActionOutcome
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, "succeeded", out.Payment.Status)
	assert.True(t, out.Payment.Amount.Equal(q.Total), "charged %s, previewed %s", out.Payment.Amount, q.Total)
	assert.True(t, out.Resource.PeriodEnd.Equal(q.NewPeriodEnd))
	after, err := before.Sub(q.Total)
	require.NoError(t, err)
	assert.True(t, available(t, e, "alice").Equal(after))

	t.Run("a replay with the same key charges nothing more", func(t *testing.T) {
		resp, b := e.call(t, http.MethodPost, "/resources/"+rid+"/renew", "alice", body, key("renew-1"))
		require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
		var again portal.ActionOutcome
		require.NoError(t, json.Unmarshal(b, &again))
		assert.Equal(t, out.Payment.ID, again.Payment.ID)
		assert.True(t, available(t, e, "alice").Equal(after))
	})
	t.Run("a total that is no longer the price is refused", func(t *testing.T) {
		resp, b := e.call(t, http.MethodPost, "/resources/"+rid+"/renew", "alice",
			`{"term":"1 month","method":"credit","expected_total":"1 VND"}`, key("renew-2"))
		problem(t, resp, b, http.StatusConflict, portal.ProblemQuoteChanged)
		assert.True(t, available(t, e, "alice").Equal(after))
	})
	t.Run("more than the credit is refused, nothing charged", func(t *testing.T) {
		resp, b := e.call(t, http.MethodPost, "/resources/"+rid+"/renew", "alice", `{"term":"36 months","method":"credit"}`, key("renew-3"))
		problem(t, resp, b, http.StatusConflict, portal.ProblemInsufficientCredit)
		assert.True(t, available(t, e, "alice").Equal(after))
	})
	for _, c := range []struct{ name, body, typ, field string }{
		{"no term", `{"method":"credit"}`, portal.ProblemInvalidRequest, "term"},
		{"a term not written as one", `{"term":"3m","method":"credit"}`, portal.ProblemInvalidRequest, "term"},
		{"a term the product does not sell", `{"term":"5 months","method":"credit"}`, portal.ProblemInvalidRequest, "term"},
		{"no method", `{"term":"1 month"}`, portal.ProblemInvalidRequest, "method"},
		{"an unknown method", `{"term":"1 month","method":"cash"}`, portal.ProblemInvalidRequest, "method"},
		{"an unknown coupon", `{"term":"1 month","method":"credit","coupons":["NOPE"]}`, portal.ProblemCouponRejected, "coupons"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, b := e.call(t, http.MethodPost, "/resources/"+rid+"/renew", "alice", c.body, key("bad-"+c.name))
			p := problem(t, resp, b, http.StatusBadRequest, c.typ)
			assert.Equal(t, c.field, p.Field)
			assert.True(t, available(t, e, "alice").Equal(after))
		})
	}
	t.Run("a bad term in a preview", func(t *testing.T) {
		resp, b := e.call(t, http.MethodGet, "/resources/"+rid+"/renewal?term=forever", "alice", "", nil)
		assert.Equal(t, "term", problem(t, resp, b, http.StatusBadRequest, portal.ProblemInvalidRequest).Field)
	})
}

func TestAutoRenewAndDeleteFromThePortal(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	resp, b := e.call(t, http.MethodPost, "/resources/"+rid+"/auto-renew", "alice", `{"on":true,"term":"3 months"}`, key("ar-1"))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	var res portal.Resource
	require.NoError(t, json.Unmarshal(b, &res))
	assert.True(t, res.AutoRenew)
	assert.Equal(t, "3 months", res.AutoRenewTerm)
	assert.Equal(t, "vServer", res.ProductName)

	resp, b = e.call(t, http.MethodPost, "/resources/"+rid+"/auto-renew", "alice", `{"on":false}`, key("ar-2"))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	require.NoError(t, json.Unmarshal(b, &res))
	assert.False(t, res.AutoRenew)
	resp, b = e.call(t, http.MethodPost, "/resources/"+rid+"/auto-renew", "alice", `{"term":"1 month"}`, key("ar-3"))
	assert.Equal(t, "on", problem(t, resp, b, http.StatusBadRequest, portal.ProblemInvalidRequest).Field)
	resp, b = e.call(t, http.MethodPost, "/resources/"+rid+"/auto-renew", "alice", `{"on":true}`, key("ar-1"))
	problem(t, resp, b, http.StatusUnprocessableEntity, portal.ProblemIdempotencyConflict)

	// Ten days into the month, the preview states the refund; the delete
	// gives exactly that back, once.
	e.clk.Advance(10 * 24 * time.Hour)
	var dq portal.DeletionQuote
	e.getJSON(t, "/resources/"+rid+"/deletion", "alice", &dq)
	require.True(t, dq.Refund.IsPositive())
	before := available(t, e, "alice")
	resp, b = e.call(t, http.MethodDelete, "/resources/"+rid, "alice", "", key("del-1"))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	var del portal.Deletion
	require.NoError(t, json.Unmarshal(b, &del))
	assert.True(t, del.Refunded.Equal(dq.Refund), "refunded %s, previewed %s", del.Refunded, dq.Refund)
	assert.Equal(t, "deleted", del.Resource.State)
	want, err := before.Add(dq.Refund)
	require.NoError(t, err)
	assert.True(t, available(t, e, "alice").Equal(want))
	resp, b = e.call(t, http.MethodDelete, "/resources/"+rid, "alice", "", key("del-1"))
	require.Equal(t, http.StatusOK, resp.StatusCode, "a replay answers the same: %s", b)
	assert.True(t, available(t, e, "alice").Equal(want), "and refunds nothing more")
	resp, b = e.call(t, http.MethodDelete, "/resources/"+rid, "alice", "", key("del-2"))
	problem(t, resp, b, http.StatusConflict, portal.ProblemActionNotAllowed)
	resp, b = e.call(t, http.MethodGet, "/resources/"+rid+"/deletion", "alice", "", nil)
	problem(t, resp, b, http.StatusConflict, portal.ProblemActionNotAllowed)
}

func TestPayOpenInvoicesFromThePortal(t *testing.T) {
	e := newEnv(t)
	bill := e.postpaidCustomer(t, "carol")
	var open portal.OpenInvoices
	e.getJSON(t, "/open-invoices", "carol", &open)
	require.Len(t, open.Data, 1)
	due := open.Data[0].AmountDue
	assert.True(t, open.Outstanding.Equal(due))
	assert.Equal(t, bill, open.Data[0].ID)

	body := `{"amount":"` + due.String() + `","method":"credit"}`
	resp, b := e.call(t, http.MethodPost, "/invoices/"+bill+"/pay", "carol", body, key("pay-1"))
	problem(t, resp, b, http.StatusConflict, portal.ProblemInsufficientCredit)

	p, err := e.sys.TopUp(context.Background(), "fund", billing.TopUpRequest{AccountID: "carol", Amount: vnd(t, 1_000_000), Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	_, err = e.sys.HandleCallback(context.Background(), "sim", cb.Header, cb.Body)
	require.NoError(t, err)

	t.Run("more than is due is refused", func(t *testing.T) {
		more, err := due.Add(vnd(t, 1))
		require.NoError(t, err)
		resp, b := e.call(t, http.MethodPost, "/invoices/"+bill+"/pay", "carol", `{"amount":"`+more.String()+`","method":"credit"}`, key("pay-more"))
		problem(t, resp, b, http.StatusConflict, portal.ProblemQuoteChanged)
	})
	for _, c := range []struct{ name, path, body, field string }{
		{"no amount", "/invoices/" + bill + "/pay", `{"method":"credit"}`, "amount"},
		{"no method", "/invoices/" + bill + "/pay", body[:len(body)-len(`,"method":"credit"}`)] + "}", "method"},
		{"pay all by gateway", "/open-invoices/pay", `{"invoices":[{"id":"` + bill + `","amount":"1 VND"}],"method":"gateway"}`, "method"},
		{"pay all of nothing", "/open-invoices/pay", `{"invoices":[],"method":"credit"}`, "invoices"},
		{"pay one twice", "/open-invoices/pay", `{"invoices":[{"id":"` + bill + `","amount":"1 VND"},{"id":"` + bill + `","amount":"1 VND"}],"method":"credit"}`, "invoices"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, b := e.call(t, http.MethodPost, c.path, "carol", c.body, key("bad-"+c.name))
			assert.Equal(t, c.field, problem(t, resp, b, http.StatusBadRequest, portal.ProblemInvalidRequest).Field)
		})
	}

	all := `{"invoices":[{"id":"` + bill + `","amount":"` + due.String() + `"}],"method":"credit"}`
	resp, b = e.call(t, http.MethodPost, "/open-invoices/pay", "carol", all, key("pay-all"))
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
	var res portal.PayAllResult
	require.NoError(t, json.Unmarshal(b, &res))
	require.Len(t, res.Payments, 1)
	assert.Equal(t, "succeeded", res.Payments[0].Status)
	assert.True(t, res.Payments[0].Amount.Equal(due))
	e.getJSON(t, "/open-invoices", "carol", &open)
	assert.Empty(t, open.Data, "nothing is owed any more")
	left, err := vnd(t, 1_000_000).Sub(due)
	require.NoError(t, err)
	assert.True(t, available(t, e, "carol").Equal(left))

	resp, b = e.call(t, http.MethodPost, "/open-invoices/pay", "carol", all, key("pay-all"))
	require.Equal(t, http.StatusCreated, resp.StatusCode, "a replay answers the same payments: %s", b)
	var again portal.PayAllResult
	require.NoError(t, json.Unmarshal(b, &again))
	require.Len(t, again.Payments, 1)
	assert.Equal(t, res.Payments[0].ID, again.Payments[0].ID)
	assert.True(t, available(t, e, "carol").Equal(left), "and charges nothing more")
	resp, b = e.call(t, http.MethodPost, "/invoices/"+bill+"/pay", "carol", body, key("pay-2"))
	problem(t, resp, b, http.StatusConflict, portal.ProblemNotPayable)
}

func TestProblemTitlesSpeakTheCustomersLanguage(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	for _, c := range []struct{ name, path, acceptLanguage, title, lang string }{
		{"vi-VN by Accept-Language", "/resources/nope", "vi-VN,vi;q=0.9,en;q=0.8", "Không tìm thấy", "vi-VN"},
		{"English weighed higher", "/resources/nope", "fr;q=1,en;q=0.9,vi;q=0.5", "Not Found", "en-US"},
		{"the lang parameter wins", "/resources/nope?lang=vi", "en-US", "Không tìm thấy", "vi-VN"},
		{"no preference", "/resources/nope", "", "Not Found", "en-US"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, b := e.call(t, http.MethodGet, c.path, "alice", "", map[string]string{"Accept-Language": c.acceptLanguage})
			p := problem(t, resp, b, http.StatusNotFound, portal.ProblemNotFound)
			assert.Equal(t, c.title, p.Title)
			assert.Equal(t, c.lang, resp.Header.Get("Content-Language"))
		})
	}
	t.Run("a 401 in Vietnamese", func(t *testing.T) {
		resp, b := e.call(t, http.MethodGet, "/wallet", "", "", map[string]string{"Accept-Language": "vi"})
		assert.Equal(t, "Chưa đăng nhập", problem(t, resp, b, http.StatusUnauthorized, portal.ProblemUnauthenticated).Title)
	})
}

func available(t *testing.T, e *env, acct string) money.Amount {
	t.Helper()
	w, err := e.sys.Wallet(context.Background(), acct)
	require.NoError(t, err)
	return w.Available
}
