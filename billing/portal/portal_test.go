package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice/document"
)

func TestWithoutAnAccountEverythingIs401(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/resources"}, {http.MethodGet, "/invoices"}, {http.MethodGet, "/wallet"},
		{http.MethodGet, "/payments"}, {http.MethodGet, "/linked-accounts"}, {http.MethodPost, "/top-ups"},
		{http.MethodGet, "/no-such-endpoint"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			resp, body := e.call(t, c.method, c.path, "", "", map[string]string{"Idempotency-Key": "k"})
			p := problem(t, resp, body, http.StatusUnauthorized, portal.ProblemUnauthenticated)
			assert.Equal(t, "/portal"+c.path, p.Instance)
			assert.Equal(t, portal.DefaultChallenge, resp.Header.Get("WWW-Authenticate"))
		})
	}
}

func TestAnotherAccountsObjectsAreNotFound(t *testing.T) {
	e := newEnv(t)
	aliceRes := e.customer(t, "alice")
	e.customer(t, "bob")
	aliceInv := e.invoiceOf(t, "alice")
	payments, err := e.sys.Payments(context.Background(), billing.ListRequest{AccountID: "alice", Limit: 10})
	require.NoError(t, err)
	alicePay := payments.Items[0].ID

	for _, path := range []string{
		"/resources/" + aliceRes, "/invoices/" + aliceInv, "/invoices/" + aliceInv + "/html",
		"/invoices/" + aliceInv + "/pdf", "/payments/" + alicePay,
	} {
		t.Run("bob reads "+path, func(t *testing.T) {
			resp, body := e.call(t, http.MethodGet, path, "bob", "", nil)
			problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
			resp, _ = e.call(t, http.MethodGet, path, "alice", "", nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode, "alice sees her own")
		})
	}
	t.Run("bob's lists hold only bob's", func(t *testing.T) {
		var res portal.Page[portal.Resource]
		e.getJSON(t, "/resources", "bob", &res)
		require.Len(t, res.Data, 1)
		assert.NotEqual(t, aliceRes, res.Data[0].ID)
		var invs portal.Page[portal.Invoice]
		e.getJSON(t, "/invoices?resource_id="+aliceRes, "bob", &invs)
		assert.Empty(t, invs.Data, "filtering by another account's resource finds nothing")
	})
	t.Run("bob cannot unlink or default alice's linked account", func(t *testing.T) {
		link := e.link(t, "alice")
		resp, body := e.call(t, http.MethodDelete, "/linked-accounts/"+link, "bob", "", map[string]string{"Idempotency-Key": "u1"})
		problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
		resp, body = e.call(t, http.MethodPost, "/linked-accounts/"+link+"/default", "bob", "", map[string]string{"Idempotency-Key": "d1"})
		problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
		resp, body = e.call(t, http.MethodDelete, "/linked-accounts/"+link+"/default", "bob", "", map[string]string{"Idempotency-Key": "d2"})
		problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
		var list portal.Page[portal.LinkedAccount]
		e.getJSON(t, "/linked-accounts", "alice", &list)
		require.Len(t, list.Data, 1, "alice's link is untouched")
		assert.True(t, list.Data[0].IsDefault, "and still her default")
	})
	t.Run("an account the billing system does not know", func(t *testing.T) {
		resp, body := e.call(t, http.MethodGet, "/wallet", "mallory", "", nil)
		problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
	})
}

// link links a simulated account for acct and returns its id.
func (e *env) link(t *testing.T, acct string) string {
	t.Helper()
	resp, body := e.call(t, http.MethodPost, "/linked-accounts", acct, `{}`, map[string]string{"Idempotency-Key": "link-" + acct})
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	var ls portal.LinkStart
	require.NoError(t, json.Unmarshal(body, &ls))
	assert.Contains(t, ls.RedirectURL, "/link/")
	cb, err := e.sim.CompleteLink(ls.LinkID, "")
	require.NoError(t, err)
	_, err = e.sys.HandleCallback(context.Background(), "sim", cb.Header, cb.Body)
	require.NoError(t, err)
	return ls.LinkID
}

func TestBadInputIsAProblem(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	key := map[string]string{"Idempotency-Key": "k1"}
	cases := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		typ, field               string
	}{
		{"a top-up without an idempotency key", http.MethodPost, "/top-ups", `{"amount":"100000 VND"}`, nil,
			400, portal.ProblemIdempotencyKeyRequired, "Idempotency-Key"},
		{"an unlink without an idempotency key", http.MethodDelete, "/linked-accounts/lnk_1", "", nil,
			400, portal.ProblemIdempotencyKeyRequired, "Idempotency-Key"},
		{"an idempotency key over 255 bytes", http.MethodPost, "/top-ups", `{"amount":"100000 VND"}`,
			map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, 400, portal.ProblemInvalidRequest, "Idempotency-Key"},
		{"a top-up amount as a JSON number", http.MethodPost, "/top-ups", `{"amount":100000}`, key,
			400, portal.ProblemInvalidRequest, ""},
		{"a top-up amount without a currency", http.MethodPost, "/top-ups", `{"amount":"100000"}`, key,
			400, portal.ProblemInvalidRequest, ""},
		{"a top-up with no amount", http.MethodPost, "/top-ups", `{"gateway":"sim"}`, key,
			400, portal.ProblemInvalidRequest, "amount"},
		{"a negative top-up", http.MethodPost, "/top-ups", `{"amount":"-5 VND"}`, key,
			400, portal.ProblemInvalidRequest, "amount"},
		{"a top-up in another currency", http.MethodPost, "/top-ups", `{"amount":"5 USD"}`, key,
			400, portal.ProblemInvalidRequest, "amount"},
		{"a top-up through an unknown gateway", http.MethodPost, "/top-ups", `{"amount":"5000 VND","gateway":"nope"}`, key,
			400, portal.ProblemInvalidRequest, "gateway"},
		{"an unknown field", http.MethodPost, "/top-ups", `{"amount":"5000 VND","amonut":"1"}`, key,
			400, portal.ProblemInvalidRequest, "amonut"},
		{"a body that is not JSON", http.MethodPost, "/top-ups", `amount=5000`, key,
			400, portal.ProblemInvalidRequest, ""},
		{"two JSON values", http.MethodPost, "/top-ups", `{"amount":"5000 VND"}{}`, key,
			400, portal.ProblemInvalidRequest, ""},
		{"a form body", http.MethodPost, "/top-ups", `{"amount":"5000 VND"}`,
			map[string]string{"Idempotency-Key": "k", "Content-Type": "application/x-www-form-urlencoded"}, 415, portal.ProblemUnsupportedMediaType, ""},
		{"a javascript return URL", http.MethodPost, "/top-ups", `{"amount":"5000 VND","return_url":"javascript:alert(1)"}`, key,
			400, portal.ProblemInvalidRequest, "return_url"},
		{"a limit of zero", http.MethodGet, "/invoices?limit=0", "", nil, 400, portal.ProblemInvalidRequest, "limit"},
		{"a limit over the maximum", http.MethodGet, "/payments?limit=101", "", nil, 400, portal.ProblemInvalidRequest, "limit"},
		{"a limit that is not a number", http.MethodGet, "/resources?limit=ten", "", nil, 400, portal.ProblemInvalidRequest, "limit"},
		{"a cursor that is not base64", http.MethodGet, "/resources?cursor=!!!", "", nil, 400, portal.ProblemInvalidRequest, "cursor"},
		{"a cursor naming no invoice", http.MethodGet, "/invoices?cursor=bm9wZQ", "", nil, 400, portal.ProblemInvalidRequest, "cursor"},
		{"a history cursor that is not a position", http.MethodGet, "/wallet/history?cursor=bm9wZQ", "", nil, 400, portal.ProblemInvalidRequest, "cursor"},
		{"an unknown invoice", http.MethodGet, "/invoices/inv_nope", "", nil, 404, portal.ProblemNotFound, ""},
		{"an unknown path", http.MethodGet, "/nothing/here", "", nil, 404, portal.ProblemNotFound, ""},
		{"a wrong method", http.MethodPut, "/wallet", "", nil, 405, portal.ProblemMethodNotAllowed, ""},
		{"a delete of the wallet", http.MethodDelete, "/wallet", "", key, 405, portal.ProblemMethodNotAllowed, ""},
		{"a post to the wallet without a key", http.MethodPost, "/wallet", "", nil, 405, portal.ProblemMethodNotAllowed, ""},
		{"a post to an unknown path without a key", http.MethodPost, "/nothing", "", nil, 404, portal.ProblemNotFound, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, err := e.sys.Payments(context.Background(), billing.ListRequest{AccountID: "alice", Limit: 100})
			require.NoError(t, err)
			resp, body := e.call(t, c.method, c.path, "alice", c.body, c.header)
			p := problem(t, resp, body, c.status, c.typ)
			if c.field != "" {
				assert.Equal(t, c.field, p.Field)
			}
			after, err := e.sys.Payments(context.Background(), billing.ListRequest{AccountID: "alice", Limit: 100})
			require.NoError(t, err)
			assert.Len(t, after.Items, len(before.Items), "nothing changed")
		})
	}
	t.Run("a wrong method lists the allowed ones", func(t *testing.T) {
		resp, _ := e.call(t, http.MethodPost, "/wallet", "alice", "", key)
		assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
	})
}

func TestTopUpIsIdempotent(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	var before portal.Wallet
	e.getJSON(t, "/wallet", "alice", &before)

	key := map[string]string{"Idempotency-Key": "topup-42"}
	body := `{"amount":"250000 VND","return_url":"https://portal.example/wallet"}`
	resp1, b1 := e.call(t, http.MethodPost, "/top-ups", "alice", body, key)
	require.Equal(t, http.StatusCreated, resp1.StatusCode, "%s", b1)
	resp2, b2 := e.call(t, http.MethodPost, "/top-ups", "alice", body, key)
	require.Equal(t, http.StatusCreated, resp2.StatusCode, "%s", b2)
	var p1, p2 portal.Payment
	require.NoError(t, json.Unmarshal(b1, &p1))
	require.NoError(t, json.Unmarshal(b2, &p2))
	assert.Equal(t, p1.ID, p2.ID, "the retry returns the first payment")
	assert.Equal(t, "pending", p1.Status)
	assert.Equal(t, "top_up", p1.Purpose)
	assert.Equal(t, "250000 VND", p1.Amount.String())
	assert.Contains(t, p1.RedirectURL, "/pay/")

	var pays portal.Page[portal.Payment]
	e.getJSON(t, "/payments?limit=100", "alice", &pays)
	n := 0
	for _, p := range pays.Data {
		if p.Purpose == "top_up" && p.Amount.String() == "250000 VND" {
			n++
		}
	}
	assert.Equal(t, 1, n, "one payment for two requests with one key")

	t.Run("the same key for another amount is a conflict", func(t *testing.T) {
		resp, b := e.call(t, http.MethodPost, "/top-ups", "alice", `{"amount":"1000 VND"}`, key)
		problem(t, resp, b, http.StatusUnprocessableEntity, portal.ProblemIdempotencyConflict)
	})

	t.Run("the gateway's callback credits it once", func(t *testing.T) {
		cb, err := e.sim.Complete(p1.ID)
		require.NoError(t, err)
		for range 2 {
			_, err = e.sys.HandleCallback(context.Background(), "sim", cb.Header, cb.Body)
			require.NoError(t, err)
		}
		var after portal.Wallet
		e.getJSON(t, "/wallet", "alice", &after)
		diff, err := after.Available.Sub(before.Available)
		require.NoError(t, err)
		assert.Equal(t, "250000 VND", diff.String())
	})
}

func TestReads(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	ctx := context.Background()
	grant := vnd(t, 3_500_000)
	_, err := e.sys.GrantPromotionalCredit(ctx, "trial", billing.GrantRequest{AccountID: "alice", Amount: grant,
		ValidFor: 30 * 24 * time.Hour, Actor: "ops"})
	require.NoError(t, err)

	t.Run("resources with billing status and end time", func(t *testing.T) {
		var page portal.Page[portal.Resource]
		e.getJSON(t, "/resources", "alice", &page)
		require.Len(t, page.Data, 1)
		r := page.Data[0]
		assert.Equal(t, rid, r.ID)
		assert.Equal(t, "active", r.State)
		assert.Equal(t, "good", r.BillingStatus)
		assert.False(t, r.PeriodEnd.IsZero())
		assert.Equal(t, "basic-1", r.Configuration.Plan)
		assert.Len(t, r.InvoiceIDs, 1)
		var one portal.Resource
		e.getJSON(t, "/resources/"+rid, "alice", &one)
		assert.Equal(t, r.ID, one.ID)
	})
	t.Run("invoices with their lines and documents", func(t *testing.T) {
		var page portal.Page[portal.Invoice]
		e.getJSON(t, "/invoices", "alice", &page)
		require.Len(t, page.Data, 1)
		inv := page.Data[0]
		assert.Equal(t, "invoice", inv.Kind)
		assert.Equal(t, "paid", inv.Status)
		assert.Regexp(t, `^INV-2026-\d{6}$`, inv.Number)
		assert.Empty(t, inv.Lines, "lists leave lines out")
		var one portal.Invoice
		e.getJSON(t, "/invoices/"+inv.ID, "alice", &one)
		require.NotEmpty(t, one.Lines)
		assert.Equal(t, inv.Total, one.Total)
		assert.Equal(t, "0 VND", one.AmountDue.String())
	})
	t.Run("wallet with cash, promotional credit and its expiry", func(t *testing.T) {
		var w portal.Wallet
		e.getJSON(t, "/wallet", "alice", &w)
		assert.Equal(t, "VND", w.Currency)
		require.Len(t, w.Promotional, 1)
		assert.Equal(t, "3500000 VND", w.Promotional[0].Amount.String())
		assert.Equal(t, start.Add(30*24*time.Hour), w.Promotional[0].ExpiresAt.UTC())
		assert.Equal(t, "0 VND", w.Held.String())
		sum, err := w.Cash.Add(w.Promotional[0].Amount)
		require.NoError(t, err)
		assert.True(t, sum.Equal(w.Available))
	})
	t.Run("the raw JSON is snake_case with money as strings", func(t *testing.T) {
		resp, body := e.call(t, http.MethodGet, "/wallet", "alice", "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var raw map[string]any
		require.NoError(t, json.Unmarshal(body, &raw))
		for _, k := range []string{"currency", "available", "cash", "promotional", "held"} {
			assert.Contains(t, raw, k)
		}
		assert.IsType(t, "", raw["available"])
		assert.Contains(t, raw["promotional"].([]any)[0], "expires_at")
	})
	t.Run("wallet history pages by cursor", func(t *testing.T) {
		var all []portal.WalletEntry
		cursor := ""
		for range 10 {
			var page portal.Page[portal.WalletEntry]
			e.getJSON(t, "/wallet/history?limit=1&cursor="+cursor, "alice", &page)
			all = append(all, page.Data...)
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		var kinds []string
		for _, en := range all {
			kinds = append(kinds, en.Kind)
		}
		assert.Equal(t, []string{"top_up", "payment", "promo_grant"}, kinds)
	})
	t.Run("payments page by cursor, newest first", func(t *testing.T) {
		var first portal.Page[portal.Payment]
		e.getJSON(t, "/payments?limit=1", "alice", &first)
		require.Len(t, first.Data, 1)
		require.NotEmpty(t, first.NextCursor)
		assert.Equal(t, "order", first.Data[0].Purpose)
		var second portal.Page[portal.Payment]
		e.getJSON(t, "/payments?limit=1&cursor="+first.NextCursor, "alice", &second)
		require.Len(t, second.Data, 1)
		assert.Equal(t, "top_up", second.Data[0].Purpose)
		assert.Empty(t, second.NextCursor, "the last page has no next cursor")
		var one portal.Payment
		e.getJSON(t, "/payments/"+second.Data[0].ID, "alice", &one)
		assert.Equal(t, "succeeded", one.Status)
	})
}

func TestDocuments(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	inv := e.invoiceOf(t, "alice")
	ctx := context.Background()
	e.clk.Advance(10 * 24 * time.Hour)
	del, err := e.sys.Delete(ctx, "delete-1", billing.DeleteRequest{AccountID: "alice", ResourceID: rid, Reason: "no longer needed"})
	require.NoError(t, err)
	require.True(t, del.Refunded.IsPositive())
	invs, err := e.sys.Invoices(ctx, billing.ListRequest{AccountID: "alice", Limit: 10})
	require.NoError(t, err)
	require.Len(t, invs.Items, 2)
	note := invs.Items[0]
	require.Equal(t, "credit_note", string(note.Kind))
	paid, err := e.sys.Invoice(ctx, "alice", inv)
	require.NoError(t, err)

	t.Run("PDF download", func(t *testing.T) {
		resp, body := e.call(t, http.MethodGet, "/invoices/"+inv+"/pdf?lang=vi", "alice", "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
		assert.Equal(t, fmt.Sprintf(`attachment; filename="%s.pdf"`, paid.DisplayNumber()), resp.Header.Get("Content-Disposition"))
		assert.Equal(t, "private, no-store", resp.Header.Get("Cache-Control"))
		require.True(t, strings.HasPrefix(string(body), "%PDF-"))
		text := testenv.PDFText(t, body)
		assert.Contains(t, text, "Công ty TNHH Mây Xanh Việt Nam")
		assert.Contains(t, text, "Khách hàng alice")
		total, err := document.FormatMoney(paid.Total, document.ViVN)
		require.NoError(t, err)
		assert.Contains(t, text, testenv.PDFSearchable(total))
		assert.Contains(t, text, "Asia/Ho_Chi_Minh", "times are in the account's zone")
	})
	t.Run("HTML of a credit note names the invoice it corrects", func(t *testing.T) {
		resp, body := e.call(t, http.MethodGet, "/invoices/"+note.ID+"/html", "alice", "", map[string]string{"Accept-Language": "en-GB,en;q=0.8"})
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Empty(t, resp.Header.Get("Content-Disposition"), "HTML opens in the browser")
		assert.Contains(t, string(body), "Credit note")
		assert.Contains(t, string(body), paid.DisplayNumber())
		refund, err := document.FormatMoney(note.Total, document.EnUS)
		require.NoError(t, err)
		assert.Contains(t, string(body), refund)
	})
	t.Run("HEAD of a PDF has the headers and no body", func(t *testing.T) {
		resp, body := e.call(t, http.MethodHead, "/invoices/"+inv+"/pdf", "alice", "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
		assert.Empty(t, body)
	})
}

func TestLinkedAccounts(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	first := e.link(t, "alice")
	// A second link, with another key.
	resp, body := e.call(t, http.MethodPost, "/linked-accounts", "alice", `{"gateway":"sim"}`, map[string]string{"Idempotency-Key": "link-2"})
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	var ls portal.LinkStart
	require.NoError(t, json.Unmarshal(body, &ls))
	cb, err := e.sim.CompleteLink(ls.LinkID, "Sim •••• 4242")
	require.NoError(t, err)
	_, err = e.sys.HandleCallback(context.Background(), "sim", cb.Header, cb.Body)
	require.NoError(t, err)

	var list portal.Page[portal.LinkedAccount]
	e.getJSON(t, "/linked-accounts", "alice", &list)
	require.Len(t, list.Data, 2)
	assert.True(t, list.Data[0].IsDefault, "the first link is the default")
	assert.Equal(t, "Sim •••• 4242", list.Data[1].Display)

	resp, body = e.call(t, http.MethodPost, "/linked-accounts/"+ls.LinkID+"/default", "alice", "", map[string]string{"Idempotency-Key": "def-1"})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &list))
	assert.False(t, list.Data[0].IsDefault)
	assert.True(t, list.Data[1].IsDefault)

	// Stop using the new default by default, twice with one key: kept
	// linked, no default, the replay the same.
	for range 2 {
		resp, body = e.call(t, http.MethodDelete, "/linked-accounts/"+ls.LinkID+"/default", "alice", "", map[string]string{"Idempotency-Key": "undef-1"})
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		require.NoError(t, json.Unmarshal(body, &list))
		require.Len(t, list.Data, 2)
		assert.False(t, list.Data[0].IsDefault || list.Data[1].IsDefault, "no default")
	}
	resp, body = e.call(t, http.MethodDelete, "/linked-accounts/"+ls.LinkID+"/default", "", "", map[string]string{"Idempotency-Key": "undef-2"})
	problem(t, resp, body, http.StatusUnauthorized, portal.ProblemUnauthenticated)

	resp, body = e.call(t, http.MethodDelete, "/linked-accounts/"+first, "alice", "", map[string]string{"Idempotency-Key": "unlink-1"})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Data, 1)
	assert.Equal(t, ls.LinkID, list.Data[0].ID)

	t.Run("a top-up charged to the linked account settles at once", func(t *testing.T) {
		resp, body := e.call(t, http.MethodPost, "/top-ups", "alice", fmt.Sprintf(`{"amount":"50000 VND","linked_account_id":%q}`, ls.LinkID),
			map[string]string{"Idempotency-Key": "topup-linked"})
		require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
		var p portal.Payment
		require.NoError(t, json.Unmarshal(body, &p))
		assert.Equal(t, "succeeded", p.Status)
		assert.Equal(t, "linked_account", p.Method)
		assert.Empty(t, p.RedirectURL)
	})
}

func TestNewRequiresTheEssentials(t *testing.T) {
	e := newEnv(t)
	auth := func(*http.Request) (string, bool) { return "", false }
	seller := document.Party{Name: "Seller"}
	for name, cfg := range map[string]portal.Config{
		"no system":         {Authenticate: auth, Seller: seller},
		"no authentication": {System: e.sys, Seller: seller},
		"no seller":         {System: e.sys, Authenticate: auth},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := portal.New(cfg)
			require.Error(t, err)
		})
	}
}
