package momo_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/momo"
)

func linkReq(id, account string) gateway.LinkRequest {
	return gateway.LinkRequest{LinkID: id, AccountID: account}
}

// linkWallet starts a binding for account and reads MoMo's successful IPN.
func linkWallet(t *testing.T, f *fakeMoMo, g *momo.Gateway, id, account string) gateway.Event {
	t.Helper()
	r, err := g.StartLink(context.Background(), linkReq(id, account))
	require.NoError(t, err)
	ev, err := g.ReadCallback(t0, post(f.link(r.GatewayRef, 0)))
	require.NoError(t, err)
	require.Equal(t, gateway.EventLinkSucceeded, ev.Type)
	return ev
}

func TestStartLinkSendsTheDocumentedBindingRequest(t *testing.T) {
	f := newFake(t)
	g := f.linkGateway(t)
	r, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
	require.NoError(t, err)
	assert.Equal(t, "link-lnk_1", r.GatewayRef, "a binding's orderId is link- and the LinkID")
	assert.Equal(t, "https://test-payment.momo.vn/v2/gateway/link?t=link-lnk_1", r.URL)
	require.Len(t, f.requests, 1)
	m := f.requests[0]
	assert.Equal(t, 0, f.badSigs, "the fake verified the signature over the 11 documented fields")
	assert.Equal(t, "linkWallet", m["requestType"])
	assert.Equal(t, json.Number("0"), m["amount"], "amount 0 binds without paying")
	assert.Equal(t, "acct_1", m["partnerClientId"], "an AccountID that fits MoMo's pattern is the partnerClientId")
	assert.Equal(t, "link-lnk_1", m["requestId"])
	assert.Equal(t, "https://shop.example/momo/ipn", m["ipnUrl"])
	extra, err := base64.StdEncoding.DecodeString(m["extraData"].(string))
	require.NoError(t, err)
	assert.JSONEq(t, `{"linkId":"lnk_1","accountId":"acct_1"}`, string(extra))

	again, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
	require.NoError(t, err)
	assert.Equal(t, r, again, "the same LinkID gives the same redirect")

	_, err = g.StartLink(context.Background(), linkReq("lnk_2", "user@example.com:42/"+strings.Repeat("x", 60)))
	require.NoError(t, err)
	client := f.requests[len(f.requests)-1]["partnerClientId"].(string)
	assert.Len(t, client, 41, "an AccountID outside MoMo's pattern becomes h and 40 hex digits")
	assert.True(t, strings.HasPrefix(client, "h"))
	_, err = g.StartLink(context.Background(), linkReq("lnk_3", "minh.anh@example.com"))
	require.NoError(t, err)
	assert.Equal(t, "minh.anh@example.com", f.requests[len(f.requests)-1]["partnerClientId"], "MoMo's pattern allows @")
	assert.Equal(t, 0, f.badSigs)
}

func TestLinkIPNBecomesLinkSucceededWithAnAccountBoundToken(t *testing.T) {
	for name, hexAES := range map[string]bool{"aesToken as base64": false, "aesToken as hex": true} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.hexAES = hexAES
			g := f.linkGateway(t)
			ev := linkWallet(t, f, g, "lnk_1", "acct_1")
			assert.Equal(t, "lnk_1", ev.LinkID)
			assert.Equal(t, "link-lnk_1", ev.GatewayRef)
			assert.Equal(t, "momo", ev.Gateway)
			assert.Equal(t, "momo:link-lnk_1:0:0", ev.ID)
			assert.Equal(t, "MoMo •••• 6789", ev.Display, "the last 4 digits of the wallet's phone, nothing more")
			assert.Equal(t, t0.Add(60_000_000_000), ev.OccurredAt)
			raw := ev.Token.Reveal()
			assert.True(t, strings.HasPrefix(raw, "momo1:"), "the adapter's token format")
			assert.True(t, strings.HasSuffix(raw, ":link-lnk_1:wallet-token-1-"+strings.Repeat("v", 40)),
				"the token carries the initial orderId and MoMo's decrypted value")
			assert.LessOrEqual(t, len(raw), gateway.MaxIDLen)
			bind := f.requests[len(f.requests)-1]
			assert.Equal(t, "acct_1", bind["partnerClientId"])
			assert.Equal(t, "link-lnk_1", bind["orderId"])
			assert.True(t, strings.HasPrefix(bind["requestId"].(string), "b1714557600000-"), "the bind request id comes from the library's now")
			assert.Equal(t, 0, f.badSigs)
			_, err := gateway.EncodeEvent(ev)
			assert.NoError(t, err, "the event is one the library can store")
		})
	}
	f := newFake(t)
	f.noAlias = true
	ev := linkWallet(t, f, f.linkGateway(t), "lnk_1", "acct_1")
	assert.Equal(t, "MoMo wallet", ev.Display, "without an alias the wallet has a generic name")
}

func TestLinkIPNFailuresAndPendingStates(t *testing.T) {
	for _, c := range []struct {
		code   int64
		reason string
	}{
		{1006, "the payer declined the payment"},
		{1005, "the payment page expired"},
		{4001, "the MoMo account is restricted"},
		{4242, "refused by MoMo (code 4242)"},
	} {
		f := newFake(t)
		g := f.linkGateway(t)
		r, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
		require.NoError(t, err)
		ev, err := g.ReadCallback(t0, post(f.link(r.GatewayRef, c.code)))
		require.NoError(t, err, "code %d", c.code)
		assert.Equal(t, gateway.EventLinkFailed, ev.Type)
		assert.Equal(t, "lnk_1", ev.LinkID)
		assert.Equal(t, c.reason, ev.FailureReason)
		assert.True(t, ev.Token.IsZero())
	}
	for _, code := range []int64{1000, 7000} {
		f := newFake(t)
		g := f.linkGateway(t)
		r, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
		require.NoError(t, err)
		_, err = g.ReadCallback(t0, post(f.link(r.GatewayRef, code)))
		assert.ErrorIs(t, err, momo.ErrNotFinal, "code %d", code)
	}
}

func TestTamperedLinkIPNsAreRejected(t *testing.T) {
	f := newFake(t)
	g := f.linkGateway(t)
	r, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
	require.NoError(t, err)
	good := f.link(r.GatewayRef, 0)
	var m map[string]any
	require.NoError(t, json.Unmarshal(good, &m))
	tamper := func(k string, v any) []byte {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		b, _ := json.Marshal(c)
		return b
	}
	before := len(f.requests)
	for name, body := range map[string][]byte{
		"callbackToken changed":   tamper("callbackToken", "cbt-forged"),
		"partnerClientId changed": tamper("partnerClientId", "acct_2"),
		"result changed":          tamper("resultCode", 1006),
		"extraData changed": tamper("extraData", base64.StdEncoding.EncodeToString(
			[]byte(`{"linkId":"lnk_1","accountId":"acct_2"}`))),
		"callbackToken removed": tamper("callbackToken", nil),
		"orderId changed":       tamper("orderId", "link-lnk_2"),
	} {
		_, err := g.ReadCallback(t0, post(body))
		assert.ErrorIs(t, err, gateway.ErrBadSignature, name)
	}
	assert.Len(t, f.requests, before, "a forged IPN never reaches MoMo's bind endpoint")

	// Authentic signatures over contents the adapter did not ask for.
	forgedAccount := map[string]any{}
	for k, v := range m {
		forgedAccount[k] = v
	}
	delete(forgedAccount, "signature")
	forgedAccount["partnerClientId"] = "acct_2"
	_, err = g.ReadCallback(t0, post(signBindingIPN(forgedAccount, secretKey)))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent, "partnerClientId must be the linking account's")
	forgedAccount["partnerClientId"] = "acct_1"
	forgedAccount["partnerCode"] = "OTHER"
	_, err = g.ReadCallback(t0, post(signBindingIPN(forgedAccount, secretKey)))
	assert.ErrorIs(t, err, gateway.ErrMalformedEvent, "partnerCode must be ours")
	forgedAccount["partnerCode"] = partner
	_, err = g.ReadCallback(t0, post(signBindingIPN(forgedAccount, "guessed-key")))
	assert.ErrorIs(t, err, gateway.ErrBadSignature)
	assert.Len(t, f.requests, before)

	ev, err := g.ReadCallback(t0, post(good))
	require.NoError(t, err, "the untouched IPN still reads")
	assert.Equal(t, gateway.EventLinkSucceeded, ev.Type)
}

func TestABindThatFailsIsRetryableAndQueryLinkCompletesIt(t *testing.T) {
	f := newFake(t)
	g := f.linkGateway(t)
	r, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1"))
	require.NoError(t, err)
	ipn := f.link(r.GatewayRef, 0)
	f.bindCode = 99
	_, err = g.ReadCallback(t0, post(ipn))
	assert.ErrorIs(t, err, gateway.ErrTemporary, "MoMo's 99 on bind: the outcome is unknown")
	assert.True(t, gateway.Retryable(err))

	f.bindCode = 0
	q := gateway.LinkQuery{LinkID: "lnk_1", AccountID: "acct_1", GatewayRef: r.GatewayRef, Now: t0.Add(5 * 60e9)}
	st, err := g.QueryLink(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, st.State)
	assert.Equal(t, "MoMo •••• 6789", st.Display)
	ev, err := g.ReadCallback(t0, post(ipn))
	require.NoError(t, err, "the redelivered IPN now reads too")
	assert.True(t, st.Token.Equal(ev.Token), "QueryLink and the IPN give the same token")
	assert.Equal(t, 0, f.badSigs)

	for name, c := range map[string]struct {
		q     gateway.LinkQuery
		state gateway.PaymentState
	}{
		"unknown binding":   {gateway.LinkQuery{LinkID: "lnk_9", AccountID: "acct_1", Now: t0}, gateway.PaymentNotFound},
		"another account":   {gateway.LinkQuery{LinkID: "lnk_1", AccountID: "acct_2", Now: t0}, gateway.PaymentNotFound},
		"binding undecided": {gateway.LinkQuery{LinkID: "lnk_2", AccountID: "acct_1", Now: t0}, gateway.PaymentPending},
	} {
		if name == "binding undecided" {
			_, err := g.StartLink(context.Background(), linkReq("lnk_2", "acct_1"))
			require.NoError(t, err)
		}
		st, err := g.QueryLink(context.Background(), c.q)
		require.NoError(t, err, name)
		assert.Equal(t, c.state, st.State, name)
		assert.True(t, st.Token.IsZero(), name)
	}
	_, err = g.QueryLink(context.Background(), gateway.LinkQuery{LinkID: "lnk_1", AccountID: "acct_1"})
	assert.ErrorIs(t, err, gateway.ErrInvalidRequest, "a query needs the library's now")
}

func TestLinkedWalletsAreOffWithoutMoMosPublicKey(t *testing.T) {
	f := newFake(t)
	g := f.gateway(t)
	for name, call := range map[string]func() error{
		"StartLink": func() error { _, err := g.StartLink(context.Background(), linkReq("lnk_1", "acct_1")); return err },
		"Charge": func() error {
			_, err := g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", gateway.Token{}))
			return err
		},
		"QueryLink": func() error {
			_, err := g.QueryLink(context.Background(), gateway.LinkQuery{LinkID: "lnk_1", AccountID: "acct_1", Now: t0})
			return err
		},
	} {
		err := call()
		assert.ErrorIs(t, err, gateway.ErrUnsupported, name)
		assert.False(t, gateway.Retryable(err), name)
	}
	assert.Empty(t, f.requests, "nothing is sent")
}

func TestLinkedWalletConfigIsValidated(t *testing.T) {
	f := newFake(t)
	good := f.linkConfig()
	_, err := momo.New(good)
	require.NoError(t, err)
	bare := good
	bare.RSAPublicKey = strings.Join(strings.Split(strings.TrimSpace(good.RSAPublicKey), "\n")[1:strings.Count(good.RSAPublicKey, "\n")-1], "")
	_, err = momo.New(bare)
	assert.NoError(t, err, "the bare base64 DER the portal shows is accepted")
	secret32 := good
	secret32.SecretKey, secret32.AESKey = linkAESKey, ""
	_, err = momo.New(secret32)
	assert.NoError(t, err, "a 32-byte SecretKey is the AES key by default")

	for field, c := range map[string]func(c *momo.Config){
		"RSAPublicKey":    func(c *momo.Config) { c.RSAPublicKey = "not a key" },
		"AESKey":          func(c *momo.Config) { c.AESKey = "short" },
		"SecretKey":       func(c *momo.Config) { c.AESKey = "" }, // secretKey is 26 bytes
		"CallbackTimeout": func(c *momo.Config) { c.CallbackTimeout = -1 },
	} {
		cfg := good
		c(&cfg)
		_, err := momo.New(cfg)
		var ce *momo.ConfigError
		require.ErrorAs(t, err, &ce, field)
		assert.Equal(t, field, ce.Field)
		assert.NotContains(t, err.Error(), linkAESKey)
		assert.NotContains(t, err.Error(), secretKey)
	}
	aesOnly := f.linkConfig()
	aesOnly.RSAPublicKey = ""
	_, err = momo.New(aesOnly)
	assert.ErrorIs(t, err, momo.ErrInvalidConfig, "AESKey without RSAPublicKey is a mistake")
}
