package momo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func TestSecretsAndTokensNeverPrint(t *testing.T) {
	f := newFake(t)
	cfg := f.linkConfig()
	g := f.linkGateway(t)
	r, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
	require.NoError(t, err)
	ipn := f.link(r.GatewayRef, 0)
	ev, err := g.ReadCallback(t0, post(ipn))
	require.NoError(t, err)
	req := chargeReq(t, "pay_1", "acct_1", ev.Token)
	res, err := g.Charge(context.Background(), req)
	require.NoError(t, err)
	wrong, werr := g.Charge(context.Background(), chargeReq(t, "pay_2", "acct_2", ev.Token))
	f.mu.Lock()
	callbackToken := f.links[r.GatewayRef].callbackToken
	value := f.links[r.GatewayRef].value
	f.mu.Unlock()

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("linked", "event", ev, "config", cfg, "gateway", g)
	log.Info("charge", "request", req, "result", res, "wrong", wrong, "error", werr)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("linked", "event", ev, "token", ev.Token, "request", req)
	js, _ := json.Marshal(map[string]any{"event": ev, "request": req})
	out := buf.String() + string(js)
	for _, v := range []any{cfg, g, ev, req, ev.Token, werr} {
		out += fmt.Sprintf("%v %+v %#v %s %q", v, v, v, v, v)
	}
	for name, secret := range map[string]string{
		"secret key": secretKey, "access key": accessKey, "AES key": linkAESKey,
		"token": ev.Token.Reveal(), "MoMo's token value": value, "callbackToken": callbackToken,
		"phone number": "0912346789",
	} {
		assert.NotContains(t, out, secret, name)
	}
	assert.Contains(t, out, "[REDACTED]")
	assert.Contains(t, out, "MoMo •••• 6789", "the masked name is what shows")
}

func TestConcurrentLinksAndCharges(t *testing.T) {
	f := newFake(t)
	g := f.linkGateway(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			account := fmt.Sprintf("acct_%d", i)
			r, err := g.StartLink(context.Background(), linkReq(fmt.Sprintf("lnk_%d", i), account))
			if !assert.NoError(t, err) {
				return
			}
			ev, err := g.ReadCallback(t0, post(f.link(r.GatewayRef, 0)))
			if !assert.NoError(t, err) || !assert.Equal(t, gateway.EventLinkSucceeded, ev.Type) {
				return
			}
			// Two charges race for one PaymentID; MoMo pays its orderId once.
			var inner sync.WaitGroup
			for range 2 {
				inner.Add(1)
				go func() {
					defer inner.Done()
					res, err := g.Charge(context.Background(), chargeReq(t, fmt.Sprintf("pay_%d", i), account, ev.Token))
					assert.NoError(t, err)
					assert.Equal(t, gateway.ChargeSucceeded, res.Status)
				}()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
	assert.Equal(t, 8, f.charges, "16 charges of 8 PaymentIDs took money 8 times")
	assert.Equal(t, 0, f.badSigs)
	assert.Equal(t, 0, f.badTokens)
	assert.False(t, strings.Contains(fmt.Sprint(g), secretKey))
}
