package gatewaysim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// completed returns a simulator and the payment.succeeded callback of pay_1,
// signed at t0.
func completed(t *testing.T) (*gatewaysim.Gateway, *clock, gatewaysim.Callback) {
	g, clk := newSim(t)
	_, err := g.CreatePayment(ctx, payReq(t, "pay_1", "150000 VND"))
	require.NoError(t, err)
	cb, err := g.Complete("pay_1")
	require.NoError(t, err)
	return g, clk, cb
}

func TestDuplicateKeepsTheEventID(t *testing.T) {
	g, clk, cb := completed(t)
	clk.Advance(time.Minute)
	dup := g.Duplicate(cb)
	assert.Equal(t, cb.Body, dup.Body, "the same event")
	assert.Equal(t, cb.Event.ID, dup.Event.ID)
	assert.NotEqual(t, cb.Header.Get(gateway.SignatureHeader), dup.Header.Get(gateway.SignatureHeader),
		"re-signed a minute later")
	assert.Contains(t, dup.Header.Get(gateway.SignatureHeader), fmt.Sprintf("t=%d,", t0.Add(time.Minute).Unix()))

	first, err := g.ParseCallback(t0.Add(time.Minute), cb.Header, cb.Body)
	require.NoError(t, err)
	second, err := g.ParseCallback(t0.Add(time.Minute), dup.Header, dup.Body)
	require.NoError(t, err, "a duplicate is authentic; the host deduplicates by id")
	assert.Equal(t, first.ID, second.ID)
}

func TestForgeNeverVerifies(t *testing.T) {
	g, _, cb := completed(t)
	forged := g.Forge(cb)
	assert.Equal(t, cb.Body, forged.Body)
	_, err := g.ParseCallback(t0, forged.Header, forged.Body)
	require.ErrorIs(t, err, gateway.ErrBadSignature)
	require.ErrorIs(t, verifier(t).Verify(t0, forged.Header, forged.Body), gateway.ErrBadSignature)

	// A one-byte secret is where HMAC's zero padding would bite a careless
	// forger that appended a zero byte.
	short, err := gatewaysim.New(gatewaysim.Config{Secret: []byte{0}, Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	_, err = short.StartLink(ctx, linkReq("l", "a"))
	require.NoError(t, err)
	lcb, err := short.CompleteLink("l", "")
	require.NoError(t, err)
	f := short.Forge(lcb)
	_, err = short.ParseCallback(t0, f.Header, f.Body)
	require.ErrorIs(t, err, gateway.ErrBadSignature)
}

func TestSignedAtLateAndFuture(t *testing.T) {
	g, _, cb := completed(t)
	cases := []struct {
		name string
		at   time.Time
		want error
	}{
		{"signed 5 minutes ago is still accepted", t0.Add(-5 * time.Minute), nil},
		{"signed 5m01s ago is too old", t0.Add(-5*time.Minute - time.Second), gateway.ErrTooOld},
		{"signed 5m01s ahead is from the future", t0.Add(5*time.Minute + time.Second), gateway.ErrTooNew},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			late := g.SignedAt(cb, c.at)
			assert.Equal(t, cb.Event.ID, late.Event.ID)
			_, err := g.ParseCallback(t0, late.Header, late.Body)
			if c.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, c.want)
			}
		})
	}
}

func TestParseCallbackRefusesAnotherGatewaysEvent(t *testing.T) {
	_, _, cb := completed(t)
	other, err := gatewaysim.New(gatewaysim.Config{Name: "zalopay", Secret: secret, Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	ev, err := other.ParseCallback(t0, cb.Header, cb.Body)
	require.ErrorIs(t, err, gateway.ErrMalformedEvent, "same secret, but the event names momo")
	assert.Equal(t, gateway.Event{}, ev)
}

func TestPendingAndDrain(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	for i := 1; i <= 3; i++ {
		_, err := g.Charge(ctx, chargeReq(t, fmt.Sprintf("pay_%d", i), "acc_1", tok, "1000 VND"))
		require.NoError(t, err)
	}
	p := g.Pending()
	assert.Equal(t, []string{"payment.succeeded pay_1", "payment.succeeded pay_2", "payment.succeeded pay_3"}, types(p))
	p[0].Body[0] = 'X'
	p[0].Header.Del(gateway.SignatureHeader)
	again := g.Pending()
	assert.Equal(t, byte('{'), again[0].Body[0], "Pending returns copies")
	assert.NotEmpty(t, again[0].Header.Get(gateway.SignatureHeader))

	d := g.Drain()
	assert.Equal(t, types(again), types(d))
	assert.Empty(t, g.Pending(), "Drain empties the queue")
	assert.Empty(t, g.Drain())
}

func TestShuffleIsDeterministic(t *testing.T) {
	cbs := make([]gatewaysim.Callback, 10)
	for i := range cbs {
		cbs[i].Event.ID = fmt.Sprintf("evt_%02d", i)
	}
	ids := func(cbs []gatewaysim.Callback) []string {
		out := make([]string, len(cbs))
		for i, cb := range cbs {
			out[i] = cb.Event.ID
		}
		return out
	}
	orig := ids(cbs)
	a := gatewaysim.Shuffle(cbs, 42)
	b := gatewaysim.Shuffle(cbs, 42)
	c := gatewaysim.Shuffle(cbs, 43)
	assert.Equal(t, ids(a), ids(b), "the same seed gives the same order")
	assert.NotEqual(t, ids(a), ids(c), "another seed gives another order")
	assert.NotEqual(t, orig, ids(a), "seed 42 reorders 10 callbacks")
	assert.Equal(t, orig, ids(cbs), "the input is unchanged")
	sorted := ids(a)
	slices.Sort(sorted)
	assert.Equal(t, orig, sorted, "a permutation: nothing lost or repeated")
	assert.Empty(t, gatewaysim.Shuffle(nil, 1))
}

func TestCallbackRequestReachesAHandler(t *testing.T) {
	g, _, cb := completed(t)
	var got gateway.Event
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		ev, err := g.ParseCallback(t0, r.Header, body)
		if err != nil {
			http.Error(w, "rejected", http.StatusBadRequest)
			return
		}
		got = ev
		w.WriteHeader(http.StatusNoContent)
	})
	req, err := cb.Request("https://host.test/webhooks/momo?x=1")
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "/webhooks/momo?x=1", req.RequestURI)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusNoContent, rec.Code)
	assert.Equal(t, cb.Event.ID, got.ID)

	forged, err := g.Forge(cb).Request("https://host.test/webhooks/momo")
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, forged)
	assert.Equal(t, http.StatusBadRequest, rec.Code)

	_, err = cb.Request("://bad")
	assert.Error(t, err)
	_, err = gatewaysim.Callback{}.Request("https://host.test/")
	assert.NoError(t, err, "the zero Callback still builds a request")
}

func TestSameCallsGiveSameBytes(t *testing.T) {
	run := func() []gatewaysim.Callback {
		g, clk := newSim(t)
		tok := linked(t, g, "link_1", "acc_1")
		clk.Advance(time.Second)
		_, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", tok, "150000 VND"))
		require.NoError(t, err)
		_, err = g.Refund(ctx, gateway.RefundRequest{PaymentID: "pay_1", RefundID: "re_1", GatewayRef: "pay_000001", Amount: amt(t, "1 VND")})
		require.NoError(t, err)
		return g.Drain()
	}
	a, b := run(), run()
	require.Len(t, a, 2)
	for i := range a {
		assert.Equal(t, a[i].Body, b[i].Body)
		assert.Equal(t, a[i].Header, b[i].Header)
	}
}

func TestConcurrentChargesOfOnePaymentApplyOnce(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	const n = 32
	var wg sync.WaitGroup
	results := make([]gateway.ChargeResult, n)
	errs := make([]error, n)
	req := chargeReq(t, "pay_1", "acc_1", tok, "150000 VND")
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = g.Charge(ctx, req)
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, results[0], results[i], "every caller sees the one charge")
	}
	assert.Equal(t, 1, applied(g.Calls(), gatewaysim.MethodCharge))
	assert.Len(t, g.Pending(), 1)
}

func TestConcurrentDistinctChargesGetDistinctIDs(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	const n = 32
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		req := chargeReq(t, fmt.Sprintf("pay_%d", i), "acc_1", tok, "1000 VND")
		wg.Go(func() {
			_, errs[i] = g.Charge(ctx, req)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	q := g.Drain()
	require.Len(t, q, n)
	refs, evts := map[string]bool{}, map[string]bool{}
	for _, cb := range q {
		refs[cb.Event.GatewayRef] = true
		evts[cb.Event.ID] = true
	}
	assert.Len(t, refs, n, "every charge has its own reference")
	assert.Len(t, evts, n, "every event has its own id")
	assert.Equal(t, n, applied(g.Calls(), gatewaysim.MethodCharge))
}
