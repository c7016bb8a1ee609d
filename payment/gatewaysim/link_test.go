package gatewaysim_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

func TestLinkFlow(t *testing.T) {
	g, _ := newSim(t)
	r, err := g.StartLink(ctx, linkReq("link_1", "acc_1"))
	require.NoError(t, err)
	assert.Equal(t, gateway.Redirect{URL: "https://sim.example/link/link_000001", GatewayRef: "link_000001"}, r)
	again, err := g.StartLink(ctx, linkReq("link_1", "acc_1"))
	require.NoError(t, err)
	assert.Equal(t, r, again, "a retry returns the same redirect")
	_, err = g.StartLink(ctx, linkReq("link_1", "acc_2"))
	require.ErrorIs(t, err, gateway.ErrConflict)
	assert.Equal(t, 1, applied(g.Calls(), gatewaysim.MethodStartLink))

	cb, err := g.CompleteLink("link_1", "MoMo •••• 4242")
	require.NoError(t, err)
	want := gateway.Event{ID: "evt_000001", Gateway: "momo", Type: gateway.EventLinkSucceeded, LinkID: "link_1",
		GatewayRef: "link_000001", Token: gateway.NewToken("tok_000001"), Display: "MoMo •••• 4242", OccurredAt: t0}
	assert.Empty(t, cmp.Diff(want, cb.Event))
	got, err := g.ParseCallback(t0, cb.Header, cb.Body)
	require.NoError(t, err)
	assert.Equal(t, "tok_000001", got.Token.Reveal(), "the token travels in the signed body")

	res, err := g.Charge(ctx, chargeReq(t, "pay_1", "acc_1", got.Token, "50000 VND"))
	require.NoError(t, err)
	assert.Equal(t, gateway.ChargeSucceeded, res.Status, "the issued token charges its account")

	_, err = g.CompleteLink("link_1", "")
	require.ErrorIs(t, err, gatewaysim.ErrNotPending)
	_, err = g.FailLink("link_1", "")
	require.ErrorIs(t, err, gatewaysim.ErrNotPending)
	_, err = g.CompleteLink("nope", "")
	require.ErrorIs(t, err, gateway.ErrNotFound)
}

func TestLinkDefaultsAndFailure(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	assert.Equal(t, "tok_000001", tok.Reveal())

	_, err := g.StartLink(ctx, linkReq("link_2", "acc_1"))
	require.NoError(t, err)
	cb, err := g.CompleteLink("link_2", "")
	require.NoError(t, err)
	assert.Equal(t, "momo •••• 0002", cb.Event.Display, "the default display masks all but the token's last four")
	assert.False(t, tok.Equal(cb.Event.Token), "every link gets a fresh token")

	_, err = g.StartLink(ctx, linkReq("link_3", "acc_1"))
	require.NoError(t, err)
	cb, err = g.FailLink("link_3", "")
	require.NoError(t, err)
	assert.Equal(t, gateway.EventLinkFailed, cb.Event.Type)
	assert.Equal(t, "declined", cb.Event.FailureReason)
	assert.True(t, cb.Event.Token.IsZero())
	_, err = g.FailLink("nope", "x")
	require.ErrorIs(t, err, gateway.ErrNotFound)

	_, err = g.StartLink(ctx, linkReq("link_4", "acc_1"))
	require.NoError(t, err)
	_, err = g.CompleteLink("link_4", "bad\ndisplay")
	require.ErrorIs(t, err, gateway.ErrMalformedEvent, "a display the format refuses is an error")
	_, err = g.CompleteLink("link_4", "ok")
	require.NoError(t, err, "and leaves the link pending")

	_, err = g.StartLink(ctx, linkReq("", "acc_1"))
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
}
