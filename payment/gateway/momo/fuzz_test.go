package momo_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// FuzzReadCallback: no input panics, and an input is accepted only if it
// carries the signature of one of the authentic seeds (payment and binding
// IPNs) and then decodes to that seed's event: without the key, no change
// to what MoMo signed gets through.
func FuzzReadCallback(f *testing.F) {
	fake := newFake(f)
	g := fake.linkGateway(f)
	authentic := map[string]gateway.Event{}
	for i, code := range []int64{0, 1006, 1005, 9000} {
		id := []string{"pay_a", "pay_b", "pay_c", "pay_d"}[i]
		_, err := g.CreatePayment(context.Background(), payReq(f, id, "150000 VND"))
		require.NoError(f, err)
		body := fake.pay(id, code)
		ev, err := g.ReadCallback(t0, post(body))
		require.NoError(f, err)
		var m map[string]any
		require.NoError(f, json.Unmarshal(body, &m))
		authentic[m["signature"].(string)] = ev
		f.Add(body)
	}
	for i, code := range []int64{0, 1006} {
		id := []string{"lnk_a", "lnk_b"}[i]
		r, err := g.StartLink(context.Background(), gateway.LinkRequest{LinkID: id, AccountID: "acct_1"})
		require.NoError(f, err)
		body := fake.link(r.GatewayRef, code)
		ev, err := g.ReadCallback(t0, post(body))
		require.NoError(f, err)
		var m map[string]any
		require.NoError(f, json.Unmarshal(body, &m))
		authentic[m["signature"].(string)] = ev
		f.Add(body)
	}
	f.Add([]byte(`{"signature":"00"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := g.ReadCallback(t0, post(body))
		if err != nil {
			if ev.ID != "" || ev.Type != 0 || ev.PaymentID != "" {
				t.Fatalf("an error with a non-zero event: %+v", ev)
			}
			return
		}
		var m map[string]any
		if json.Unmarshal(body, &m) != nil {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
		sig, _ := m["signature"].(string)
		want, ok := authentic[sig]
		if !ok {
			t.Fatalf("accepted a signature no seed carries: %q", body)
		}
		if ev.ID != want.ID || ev.PaymentID != want.PaymentID || ev.LinkID != want.LinkID || ev.Type != want.Type ||
			!ev.Amount.Equal(want.Amount) || ev.GatewayRef != want.GatewayRef {
			t.Fatalf("accepted a changed event %+v, signed for %+v", ev, want)
		}
	})
}
