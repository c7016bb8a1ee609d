package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// pendingTopUp starts a redirect top-up of n VND and returns its id.
func (e env) pendingTopUp(t *testing.T, acct string, n int64) string {
	t.Helper()
	p, err := e.sys.TopUp(context.Background(), "pending-"+acct+"-"+e.clk.Now().Format(time.RFC3339Nano),
		billing.TopUpRequest{AccountID: acct, Amount: vnd(t, n), Gateway: "sim"})
	require.NoError(t, err)
	require.Equal(t, payment.StatusPending, p.Status)
	return p.ID
}

// cash returns the account's cash credit in minor units.
func (e env) cash(t *testing.T, acct string) int64 {
	t.Helper()
	w, err := e.sys.Wallet(context.Background(), acct)
	require.NoError(t, err)
	return minor(t, w.Cash)
}

// eventsOfKind returns the account's outbox events of kind.
func (e env) eventsOfKind(t *testing.T, acct string, kind billing.EventKind) []billing.Event {
	t.Helper()
	evs, err := items(e.sys.Events(context.Background(), billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	var out []billing.Event
	for _, ev := range evs {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func TestCallbackOutcomes(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		t.Run("a success applies once, whatever event id reports it again", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			id := e.pendingTopUp(t, "acme", 300_000)
			cb, err := e.sim.Complete(id)
			require.NoError(t, err)
			res, err := e.deliver(t, cb)
			require.NoError(t, err)
			assert.Equal(t, gateway.CallbackApplied, res.Outcome)
			assert.Equal(t, int64(300_000), e.cash(t, "acme"))

			res, err = e.deliver(t, e.sim.Duplicate(cb))
			require.NoError(t, err)
			assert.Equal(t, gateway.CallbackDuplicate, res.Outcome, "the same event id")
			assert.True(t, res.Duplicate)

			again, err := e.sim.Send(cb.Event)
			require.NoError(t, err)
			require.NotEqual(t, cb.Event.ID, again.Event.ID)
			res, err = e.deliver(t, again)
			require.NoError(t, err)
			assert.Equal(t, gateway.CallbackDuplicate, res.Outcome, "another event id, the state already reached")
			assert.False(t, res.Duplicate, "Duplicate keeps meaning the event id was seen")
			assert.Equal(t, int64(300_000), e.cash(t, "acme"), "credited once")
		})

		t.Run("a late success is credited once, whatever event id reports it again", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			id := e.pendingTopUp(t, "acme", 120_000)
			exp, err := e.sim.Expire(id)
			require.NoError(t, err)
			_, err = e.deliver(t, exp)
			require.NoError(t, err)
			for i := range 3 {
				cb, err := e.sim.Send(gateway.Event{Type: gateway.EventPaymentSucceeded, PaymentID: id, GatewayRef: "late", Amount: vnd(t, 120_000)})
				require.NoError(t, err)
				res, err := e.deliver(t, cb)
				require.NoError(t, err)
				if i == 0 {
					assert.Equal(t, gateway.CallbackApplied, res.Outcome)
					assert.True(t, res.LateCredit)
				} else {
					assert.Equal(t, gateway.CallbackDuplicate, res.Outcome, "report %d", i+1)
					assert.False(t, res.LateCredit)
				}
			}
			assert.Equal(t, int64(120_000), e.cash(t, "acme"))
		})

		t.Run("a wrong amount is recorded and applies nothing", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			id := e.pendingTopUp(t, "acme", 300_000)
			require.NoError(t, e.sim.SetReportedAmount(id, vnd(t, 30_000)))
			cb, err := e.sim.Complete(id)
			require.NoError(t, err)
			res, err := e.deliver(t, cb)
			require.NoError(t, err)
			assert.Equal(t, gateway.CallbackWrongAmount, res.Outcome)
			assert.Zero(t, e.cash(t, "acme"))
			p, err := e.sys.Payment(context.Background(), "acme", id)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusPending, p.Status)
			evs := e.eventsOfKind(t, "acme", billing.EventPaymentMismatch)
			require.Len(t, evs, 1)
			pl, err := evs[0].PaymentMismatch()
			require.NoError(t, err)
			assert.Equal(t, int64(300_000), minor(t, pl.Expected))
			assert.Equal(t, int64(30_000), minor(t, pl.Reported))
			assert.Equal(t, "callback", pl.Source)
			audit, err := items(e.sys.AuditTrail(context.Background(), billing.ListRequest{AccountID: "acme", Limit: 100}))
			require.NoError(t, err)
			found := false
			for _, a := range audit {
				found = found || a.Action == billing.AuditPaymentMismatch
			}
			assert.True(t, found, "an audit record keeps the mismatch")
			res, err = e.deliver(t, e.sim.Duplicate(cb))
			require.NoError(t, err)
			assert.Equal(t, gateway.CallbackDuplicate, res.Outcome)
			assert.Len(t, e.eventsOfKind(t, "acme", billing.EventPaymentMismatch), 1)
		})

		t.Run("unknown payments and forgeries change nothing", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			cb, err := e.sim.Send(gateway.Event{Type: gateway.EventPaymentSucceeded, PaymentID: "pay_nope", GatewayRef: "r", Amount: vnd(t, 1000)})
			require.NoError(t, err)
			res, err := e.deliver(t, cb)
			assert.ErrorIs(t, err, billing.ErrCallbackRejected)
			var unknown *billing.CallbackUnknownError
			assert.ErrorAs(t, err, &unknown)
			assert.Equal(t, gateway.CallbackUnknownPayment, res.Outcome)
			id := e.pendingTopUp(t, "acme", 50_000)
			good, err := e.sim.Complete(id)
			require.NoError(t, err)
			res, err = e.deliver(t, e.sim.Forge(good))
			assert.ErrorIs(t, err, billing.ErrCallbackRejected)
			assert.Equal(t, gateway.CallbackRejected, res.Outcome)
			assert.Zero(t, e.cash(t, "acme"))
		})
	})
}

// vnpayLike is the simulator behind a wire format of its own, as VNPay's
// IPN: a GET whose query string carries the signed event (here the
// simulator's signature header and body as two parameters), answered with
// JSON {"RspCode": …}.
type vnpayLike struct{ *gatewaysim.Gateway }

func (vnpayLike) CallbackMethods() []string { return []string{http.MethodGet} }

func (g vnpayLike) ReadCallback(now time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	switch req.Query.Get("status") {
	case "01":
		// An authentic notice of a payment not settled yet.
		return gateway.Event{}, fmt.Errorf("status 01: %w", gateway.ErrNotFinal)
	case "busy":
		// The adapter could not finish reading it (a call it makes to the
		// provider failed).
		return gateway.Event{}, fmt.Errorf("provider busy: %w", gateway.ErrTemporary)
	}
	h := http.Header{}
	h.Set(gateway.SignatureHeader, req.Query.Get("sig"))
	return g.ParseCallback(now, h, []byte(req.Query.Get("event")))
}

func (vnpayLike) Reply(o gateway.CallbackOutcome) gateway.CallbackReply {
	code := map[gateway.CallbackOutcome]string{gateway.CallbackApplied: "00", gateway.CallbackDuplicate: "02",
		gateway.CallbackUnknownPayment: "01", gateway.CallbackWrongAmount: "04", gateway.CallbackRejected: "97",
		gateway.CallbackIgnored: "00"}[o]
	if code == "" {
		code = "99"
	}
	body, _ := json.Marshal(map[string]string{"RspCode": code, "Message": o.String()})
	return gateway.CallbackReply{Status: http.StatusOK, ContentType: "application/json", Body: body}
}

func TestCallbackHandlerAnswersInTheGatewaysWireFormat(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnvWith(t, newStore(t), nil)
		wire := vnpayLike{e.sim}
		sys, err := billing.New(billing.Config{Store: e.st, Catalog: e.sys.Catalog(), Clock: e.clk, Gateways: []gateway.Gateway{wire}})
		require.NoError(t, err)
		e.sys = sys
		e.account(t, "acme")
		id := e.pendingTopUp(t, "acme", 200_000)
		cb, err := e.sim.Complete(id)
		require.NoError(t, err)
		h := sys.CallbackHandler("sim")
		get := func(cb gatewaysim.Callback, method string) *httptest.ResponseRecorder {
			q := "sig=" + urlQuery(cb.Header.Get(gateway.SignatureHeader)) + "&event=" + urlQuery(string(cb.Body))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(method, "/ipn?"+q, nil))
			return w
		}
		// A notice that the payment is not settled yet changes nothing
		// and is acknowledged.
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/ipn?status=01", nil))
		assert.JSONEq(t, `{"RspCode":"00","Message":"ignored"}`, w.Body.String())
		assert.Equal(t, int64(0), e.cash(t, "acme"))
		res, err := sys.HandleCallbackRequest(context.Background(), "sim", gateway.CallbackRequest{Method: http.MethodGet,
			Query: url.Values{"status": {"01"}}})
		require.NoError(t, err)
		assert.Equal(t, gateway.CallbackIgnored, res.Outcome)
		// One it could not finish reading is delivered again.
		w = httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/ipn?status=busy", nil))
		assert.JSONEq(t, `{"RspCode":"99","Message":"failed"}`, w.Body.String())

		w = get(cb, http.MethodGet)
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		assert.JSONEq(t, `{"RspCode":"00","Message":"applied"}`, w.Body.String())
		assert.Equal(t, int64(200_000), e.cash(t, "acme"))

		w = get(e.sim.Duplicate(cb), http.MethodGet)
		assert.JSONEq(t, `{"RspCode":"02","Message":"duplicate"}`, w.Body.String())
		w = get(e.sim.Forge(cb), http.MethodGet)
		assert.JSONEq(t, `{"RspCode":"97","Message":"rejected"}`, w.Body.String())
		w = get(cb, http.MethodPost)
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
		assert.Equal(t, "GET", w.Header().Get("Allow"))
		assert.Equal(t, int64(200_000), e.cash(t, "acme"), "applied once")
	})
}

func TestCallbackHandlerWithoutWireFormatKeepsDefaultReplies(t *testing.T) {
	e := newEnv(t, newMemory())
	e.account(t, "acme")
	id := e.pendingTopUp(t, "acme", 10_000)
	cb, err := e.sim.Complete(id)
	require.NoError(t, err)
	h := e.sys.CallbackHandler("sim")
	post := func(cb gatewaysim.Callback) int {
		req, err := cb.Request("/cb")
		require.NoError(t, err)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	assert.Equal(t, http.StatusOK, post(cb))
	assert.Equal(t, http.StatusOK, post(e.sim.Duplicate(cb)))
	assert.Equal(t, http.StatusBadRequest, post(e.sim.Forge(cb)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/cb", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
}

// urlQuery escapes s for a query string.
func urlQuery(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", "=", "%3D", " ", "%20", "#", "%23", "\"", "%22", "{", "%7B", "}", "%7D")
	return r.Replace(s)
}

var _ = errors.New
var _ sync.Mutex
