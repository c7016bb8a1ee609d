package gatewaysim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

func TestNewRejectsBadConfig(t *testing.T) {
	now := func() time.Time { return t0 }
	cases := []struct {
		name  string
		cfg   gatewaysim.Config
		field string
	}{
		{"no secret", gatewaysim.Config{Now: now}, "Secret"},
		{"no clock", gatewaysim.Config{Secret: secret}, "Now"},
		{"a relative base URL", gatewaysim.Config{Secret: secret, Now: now, BaseURL: "/pay"}, "BaseURL"},
		{"a base URL with a query", gatewaysim.Config{Secret: secret, Now: now, BaseURL: "https://x.test/?a=1"}, "BaseURL"},
		{"a name with a newline", gatewaysim.Config{Secret: secret, Now: now, Name: "mo\nmo"}, "Name"},
		{"a name of 65 bytes", gatewaysim.Config{Secret: secret, Now: now, Name: string(make([]byte, 65))}, "Name"},
		{"a negative tolerance", gatewaysim.Config{Secret: secret, Now: now, Tolerance: -1}, "Tolerance"},
		{"an id prefix with a space", gatewaysim.Config{Secret: secret, Now: now, IDPrefix: "run 1"}, "IDPrefix"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			g, err := gatewaysim.New(c.cfg)
			assert.Nil(t, g)
			require.ErrorIs(t, err, gatewaysim.ErrInvalidConfig)
			var ce *gatewaysim.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, c.field, ce.Field)
			assert.Contains(t, err.Error(), "gatewaysim: invalid config: "+c.field+" ")
		})
	}
}

func TestNewDefaults(t *testing.T) {
	g, err := gatewaysim.New(gatewaysim.Config{Secret: secret, Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	assert.Equal(t, "sim", g.Name())

	g, err = gatewaysim.New(gatewaysim.Config{Secret: secret, Now: func() time.Time { return t0 }, BaseURL: "https://pay.test/base/"})
	require.NoError(t, err)
	r, err := g.StartLink(ctx, linkReq("l1", "acc_1"))
	require.NoError(t, err)
	assert.Equal(t, "https://pay.test/base/link/link_000001", r.URL, "a trailing slash is dropped")

	g, err = gatewaysim.New(gatewaysim.Config{Secret: secret, Now: func() time.Time { return t0 }, IDPrefix: "run7"})
	require.NoError(t, err)
	r, err = g.StartLink(ctx, linkReq("l1", "acc_1"))
	require.NoError(t, err)
	assert.Equal(t, "https://sim.example/link/run7-link_000001", r.URL, "ids carry the prefix")
}

func TestNewCopiesSecret(t *testing.T) {
	s := []byte("whsec_sim_test")
	c := &clock{t: t0}
	g, err := gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: s, Now: c.Now})
	require.NoError(t, err)
	s[0] = 'X'
	_, err = g.StartLink(ctx, linkReq("l1", "acc_1"))
	require.NoError(t, err)
	cb, err := g.CompleteLink("l1", "")
	require.NoError(t, err)
	require.NoError(t, verifier(t).Verify(t0, cb.Header, cb.Body), "signed with the secret as given to New")
}

func TestOutcomeAndMethodText(t *testing.T) {
	assert.Equal(t, "succeed", gatewaysim.Outcome{}.String(), "the zero Outcome succeeds")
	assert.Equal(t, "succeed", gatewaysim.Succeed().String())
	assert.Equal(t, "decline: insufficient funds", gatewaysim.Decline("insufficient funds").String())
	assert.Equal(t, "decline: declined", gatewaysim.Decline("").String())
	assert.Equal(t, "timeout", gatewaysim.Timeout().String())
	assert.Equal(t, "pending", gatewaysim.Pending().String())
	assert.Equal(t, "lost response", gatewaysim.LostResponse().String())

	assert.Equal(t, "CreatePayment", gatewaysim.MethodCreatePayment.String())
	assert.Equal(t, "Charge", gatewaysim.MethodCharge.String())
	assert.Equal(t, "Refund", gatewaysim.MethodRefund.String())
	assert.Equal(t, "StartLink", gatewaysim.MethodStartLink.String())
	assert.Equal(t, "Method(0)", gatewaysim.Method(0).String())
}

func TestPrintingTheSimulatorHidesSecrets(t *testing.T) {
	g, _ := newSim(t)
	tok := linked(t, g, "link_1", "acc_1")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
		out := fmt.Sprintf(verb, g)
		assert.Equal(t, `gatewaysim.Gateway("momo")`, out, verb)
		assert.NotContains(t, out, tok.Reveal())
	}
	var nilSim *gatewaysim.Gateway
	assert.Equal(t, "gatewaysim.Gateway(nil)", fmt.Sprint(nilSim))
}
