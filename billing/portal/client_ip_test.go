package portal_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// lastClientIP is the payer address of the gateway's last CreatePayment.
func lastClientIP(t *testing.T, sim *gatewaysim.Gateway) string {
	t.Helper()
	calls := sim.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Method == gatewaysim.MethodCreatePayment {
			return calls[i].ClientIP
		}
	}
	t.Fatal("no CreatePayment call")
	return ""
}

// TestPayerAddressReachesTheGateway: a top-up through the portal hands
// the gateway the address of the connection (127.0.0.1 over loopback) by
// default; a host behind a proxy supplies its own (203.0.113.9 from the
// header its proxy sets); an address billing would refuse is dropped, not
// a failed payment.
func TestPayerAddressReachesTheGateway(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	body := `{"amount":"250000 VND"}`
	resp, b := e.call(t, http.MethodPost, "/top-ups", "alice", body, map[string]string{"Idempotency-Key": "ip-1"})
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
	assert.Equal(t, "127.0.0.1", lastClientIP(t, e.sim))

	proxied, err := portal.New(portal.Config{
		System:         e.sys,
		Authenticate:   func(r *http.Request) (string, bool) { return "alice", true },
		Seller:         document.Party{Name: "Công ty TNHH Mây Xanh Việt Nam"},
		Buyer:          func(context.Context, string) (document.Party, error) { return document.Party{Name: "alice"}, nil },
		DefaultGateway: "sim",
		ClientIP:       func(r *http.Request) string { return r.Header.Get("X-Real-IP") },
	})
	require.NoError(t, err)
	for key, c := range map[string]struct{ header, want string }{
		"ip-2": {"203.0.113.9", "203.0.113.9"},
		"ip-3": {"203.0.113.9:443", ""},
		"ip-4": {"not an address", ""},
	} {
		req := httptest.NewRequest(http.MethodPost, "/top-ups", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		req.Header.Set("X-Real-IP", c.header)
		rec := httptest.NewRecorder()
		proxied.ServeHTTP(rec, req)
		require.Equal(t, http.StatusCreated, rec.Code, "%s: %s", c.header, rec.Body)
		assert.Equal(t, c.want, lastClientIP(t, e.sim), c.header)
	}
}
