package gatewaysim_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

var (
	t0     = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	secret = []byte("whsec_sim_test")
	ctx    = context.Background()
)

// clock is a manual clock; tests advance it instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newSim(t testing.TB) (*gatewaysim.Gateway, *clock) {
	t.Helper()
	c := &clock{t: t0}
	g, err := gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: secret, Now: c.Now})
	require.NoError(t, err)
	return g, c
}

func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

func verifier(t testing.TB) *gateway.Verifier {
	t.Helper()
	v, err := gateway.NewVerifier(0, secret)
	require.NoError(t, err)
	return v
}

// linked links an account and returns its token.
func linked(t testing.TB, g *gatewaysim.Gateway, linkID, accountID string) gateway.Token {
	t.Helper()
	_, err := g.StartLink(ctx, gateway.LinkRequest{LinkID: linkID, AccountID: accountID})
	require.NoError(t, err)
	cb, err := g.CompleteLink(linkID, "")
	require.NoError(t, err)
	return cb.Event.Token
}

func chargeReq(t testing.TB, id, account string, tok gateway.Token, amount string) gateway.ChargeRequest {
	return gateway.ChargeRequest{PaymentID: id, AccountID: account, Token: tok, Amount: amt(t, amount)}
}

func applied(calls []gatewaysim.Call, m gatewaysim.Method) int {
	n := 0
	for _, c := range calls {
		if c.Method == m && c.Applied {
			n++
		}
	}
	return n
}

func types(cbs []gatewaysim.Callback) []string {
	out := make([]string, len(cbs))
	for i, cb := range cbs {
		out[i] = cb.Event.Type.String() + " " + cb.Event.PaymentID + cb.Event.LinkID
	}
	return out
}
