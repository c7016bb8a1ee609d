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
)

func chargeReq(t testing.TB, id, account string, token gateway.Token) gateway.ChargeRequest {
	return gateway.ChargeRequest{PaymentID: id, AccountID: account, Token: token, Amount: amt(t, "150000 VND"), CreatedAt: t0}
}

func TestChargeSucceedsOnceForOnePaymentID(t *testing.T) {
	f := newFake(t)
	g := f.linkGateway(t)
	ev := linkWallet(t, f, g, "lnk_1", "acct_1")
	res, err := g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", ev.Token))
	require.NoError(t, err)
	assert.Equal(t, gateway.ChargeResult{GatewayRef: "4088878654", Status: gateway.ChargeSucceeded}, res)
	m := f.requests[len(f.requests)-1]
	assert.Equal(t, 0, f.badSigs, "the fake verified the signature over the 9 documented fields")
	assert.Equal(t, 0, f.badTokens, "the token decrypted with MoMo's private key to the bound wallet")
	assert.Equal(t, "pay_1", m["orderId"])
	assert.Equal(t, "pay_1", m["requestId"], "a retried charge is the same request")
	assert.Equal(t, json.Number("150000"), m["amount"])
	assert.Equal(t, "acct_1", m["partnerClientId"])
	assert.Equal(t, true, m["autoCapture"])
	assert.NotContains(t, m["token"], "wallet-token", "the token travels RSA-encrypted")
	extra, err := base64.StdEncoding.DecodeString(m["extraData"].(string))
	require.NoError(t, err)
	assert.JSONEq(t, `{"paymentId":"pay_1"}`, string(extra))

	again, err := g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", ev.Token))
	require.NoError(t, err)
	assert.Equal(t, res, again, "the same PaymentID returns the first result")
	f.strictDup = true
	again, err = g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", ev.Token))
	require.NoError(t, err, "MoMo's 41 for a used orderId: the adapter asks where the order stands")
	assert.Equal(t, res, again)
	assert.Equal(t, 1, f.charges, "three calls with one PaymentID took 150,000 VND once")

	other := chargeReq(t, "pay_1", "acct_1", ev.Token)
	other.Amount = amt(t, "160000 VND")
	_, err = g.Charge(context.Background(), other)
	assert.ErrorIs(t, err, gateway.ErrConflict, "the same PaymentID for 160,000 VND")
	assert.Equal(t, 1, f.charges)

	st, err := g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_1", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, gateway.PaymentSucceeded, st.State, "a charge is queried like any payment")
	assert.Equal(t, "150000 VND", st.Amount.String())
}

func TestChargeDeclinesAreFailedResultsWithAReasonForThePayer(t *testing.T) {
	for _, c := range []struct {
		code   int64
		reason string
	}{
		{1001, "insufficient funds in the MoMo wallet"},
		{1004, "over the wallet's daily or monthly payment limit"},
		{4001, "the MoMo account is restricted"},
	} {
		f := newFake(t)
		g := f.linkGateway(t)
		ev := linkWallet(t, f, g, "lnk_1", "acct_1")
		f.program("pay_1", c.code)
		res, err := g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", ev.Token))
		require.NoError(t, err, "a decline is a definite answer, not an error")
		assert.Equal(t, gateway.ChargeFailed, res.Status)
		assert.Equal(t, c.reason, res.FailureReason)
		assert.Equal(t, "pay_1", res.GatewayRef)
		assert.Equal(t, 0, f.charges)
	}
	for _, c := range []struct {
		code int64
		want error
	}{{99, gateway.ErrTemporary}, {11, gateway.ErrInvalidRequest}} {
		f := newFake(t)
		g := f.linkGateway(t)
		ev := linkWallet(t, f, g, "lnk_1", "acct_1")
		f.program("pay_1", c.code)
		_, err := g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", ev.Token))
		assert.ErrorIs(t, err, c.want, "code %d", c.code)
	}
}

func TestPendingChargeIsSettledByTheIPNOrAQuery(t *testing.T) {
	for name, ipn := range map[string]func(f *fakeMoMo) []byte{
		"payment IPN":            func(f *fakeMoMo) []byte { return f.pay("pay_1", 0) },
		"IPN with the client id": func(f *fakeMoMo) []byte { return f.payLinked("pay_1", "acct_1", 0) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			g := f.linkGateway(t)
			ev := linkWallet(t, f, g, "lnk_1", "acct_1")
			f.program("pay_1", 7000)
			res, err := g.Charge(context.Background(), chargeReq(t, "pay_1", "acct_1", ev.Token))
			require.NoError(t, err)
			assert.Equal(t, gateway.ChargeResult{GatewayRef: "pay_1", Status: gateway.ChargePending}, res)
			st, err := g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_1", Now: t0})
			require.NoError(t, err)
			assert.Equal(t, gateway.PaymentPending, st.State)

			paid, err := g.ReadCallback(t0, post(ipn(f)))
			require.NoError(t, err)
			assert.Equal(t, gateway.EventPaymentSucceeded, paid.Type)
			assert.Equal(t, "pay_1", paid.PaymentID)
			assert.Equal(t, "150000 VND", paid.Amount.String())
			assert.Equal(t, "4088878654", paid.GatewayRef)
			st, err = g.QueryPayment(context.Background(), gateway.PaymentQuery{PaymentID: "pay_1", Now: t0})
			require.NoError(t, err)
			assert.Equal(t, gateway.PaymentSucceeded, st.State)
		})
	}
}

func TestChargeRefusesATokenItCannotUse(t *testing.T) {
	f := newFake(t)
	g := f.linkGateway(t)
	ev := linkWallet(t, f, g, "lnk_1", "acct_1")
	before := len(f.requests)
	raw := ev.Token.Reveal()
	for name, c := range map[string]struct {
		account string
		token   gateway.Token
		reason  string
	}{
		"another account's token": {"acct_2", ev.Token, "was linked by another account"},
		"another gateway's token": {"acct_1", gateway.NewToken("stripe1:cus_1:pm_1:0123456789abcdef"), "is not a MoMo wallet token"},
		"a truncated token":       {"acct_1", gateway.NewToken(raw[:20]), "is not a MoMo wallet token"},
		"no token":                {"acct_1", gateway.Token{}, "is empty"},
	} {
		_, err := g.Charge(context.Background(), chargeReq(t, "pay_1", c.account, c.token))
		var re *gateway.RequestError
		require.ErrorAs(t, err, &re, name)
		assert.Equal(t, "Token", re.Field, name)
		assert.Contains(t, err.Error(), c.reason, name)
		assert.NotContains(t, err.Error(), "wallet-token", name)
		assert.False(t, gateway.Retryable(err), name)
	}
	assert.Len(t, f.requests, before, "nothing was sent to MoMo")

	// A token whose account tag was rewritten for acct_2 reaches MoMo, which
	// refuses it: the wallet is bound to acct_1's partnerClientId.
	parts := strings.SplitN(raw, ":", 4)
	forged := linkWallet(t, f, g, "lnk_2", "acct_2").Token.Reveal()
	parts[1] = strings.SplitN(forged, ":", 4)[1]
	res, err := g.Charge(context.Background(), chargeReq(t, "pay_2", "acct_2", gateway.NewToken(strings.Join(parts, ":"))))
	require.NoError(t, err)
	assert.Equal(t, gateway.ChargeFailed, res.Status)
	assert.Equal(t, 1, f.badTokens)
	assert.Equal(t, 0, f.charges)
}
