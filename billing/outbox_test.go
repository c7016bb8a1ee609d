package billing_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

func TestOutboxDeliveryRetriesInOrderAndSurvivesRestarts(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		var mu sync.Mutex
		var seen []string
		failing := true
		handler := func(_ context.Context, e billing.Event) error {
			mu.Lock()
			defer mu.Unlock()
			if failing && e.Kind == billing.EventProvision {
				return errors.New("compute API down")
			}
			seen = append(seen, string(e.Kind)+" "+e.Stream)
			return nil
		}
		e := newEnvWith(t, st, func(c *billing.Config) { c.EventHandler = handler })
		e.fund(t, "acme", 1_000_000)
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodCredit})
		require.NoError(t, err)
		vs := res.Resources[0].ID

		n, err := e.sys.DeliverEvents(ctx, 100)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "the payment events of the top-up and the checkout; both provisions failed")
		for _, s := range seen {
			assert.NotContains(t, s, vs, "nothing of the resource's stream overtakes its failed provision")
		}
		e.clk.Advance(5 * time.Second)
		n, err = e.sys.DeliverEvents(ctx, 100)
		require.NoError(t, err)
		assert.Zero(t, n, "backing off for 10 s")

		// A new System on the same store (a restart) picks up where it was.
		mu.Lock()
		failing = false
		mu.Unlock()
		e.clk.Advance(5 * time.Second)
		restarted, err := billing.New(billing.Config{Store: st, Catalog: e.sys.Catalog(), Clock: e.clk, EventHandler: handler})
		require.NoError(t, err)
		n, err = restarted.DeliverEvents(ctx, 100)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "both provisions, delivered after the backoff")
		_, err = e.sys.ProvisioningSucceeded(ctx, "p", billing.ProvisioningRequest{AccountID: "acme", ResourceID: vs})
		require.NoError(t, err)
		n, err = restarted.DeliverEvents(ctx, 100)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "the invoice event follows the provision of its stream")
		mu.Lock()
		defer mu.Unlock()
		iProv, iInv := -1, -1
		for i, s := range seen {
			if s == "resource.provision "+vs {
				iProv = i
			}
			if s == "invoice.issued "+vs {
				iInv = i
			}
		}
		require.True(t, iProv >= 0 && iInv > iProv, "in order per resource: %v", seen)
		evs, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		for _, ev := range evs {
			if ev.Kind == billing.EventProvision {
				assert.Equal(t, 1, ev.Attempts, "one failed attempt recorded")
			}
		}
	})
}

func TestCallbackHandler(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, newMemory())
	e.account(t, "acme")
	srv := httptest.NewServer(e.sys.CallbackHandler("sim"))
	defer srv.Close()
	p, err := e.sys.TopUp(ctx, "t", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 100_000), Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	post := func(h http.Header, body []byte) int {
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		require.NoError(t, err)
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusBadRequest, post(e.sim.Forge(cb).Header, cb.Body), "forged: rejected, the gateway need not retry")
	assert.Equal(t, http.StatusOK, post(cb.Header, cb.Body), "applied")
	assert.Equal(t, http.StatusOK, post(cb.Header, cb.Body), "duplicate: acknowledged")
	assert.Equal(t, http.StatusRequestEntityTooLarge, post(cb.Header, []byte(strings.Repeat("x", 65<<10))))
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, int64(100_000), e.available(t, "acme"), "credited once")
}

func TestDoubleSubmittedCheckoutIsOneOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 1_000_000)
		const n = 20
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				res, err := e.sys.Checkout(ctx, "submit-once", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodCredit})
				if assert.NoError(t, err) {
					ids[i] = res.Order.ID
				}
			})
		}
		wg.Wait()
		for i := range n {
			assert.Equal(t, ids[0], ids[i])
		}
		rs, err := items(e.sys.Resources(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		assert.Len(t, rs, 2, "one order's two resources")
		assert.Equal(t, int64(1_000_000-275_000), e.available(t, "acme"), "charged once: 250,000 + 10% VAT")
		checkLedger(t, e.st, "acme")
	})
}
