package billing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// unreachableGateway is the simulated gateway with a network that drops
// every new redirect payment.
type unreachableGateway struct{ *gatewaysim.Gateway }

func (unreachableGateway) CreatePayment(context.Context, gateway.PaymentRequest) (gateway.Redirect, error) {
	return gateway.Redirect{}, fmt.Errorf("%w: connection reset by peer", gateway.ErrTemporary)
}

// TestErrorsKeepTheirCause: an error the System returns because another
// package refused something wraps that package's error, so errors.Is and
// errors.As reach both, and its message carries the billing prefix.
func TestErrorsKeepTheirCause(t *testing.T) {
	ctx := context.Background()
	field := func(t *testing.T, err error) string {
		t.Helper()
		var re *billing.RequestError
		require.True(t, errors.As(err, &re), "want a *RequestError, got %v", err)
		return re.Field
	}

	t.Run("a gateway that cannot be reached", func(t *testing.T) {
		e := newEnvWith(t, newMemory(), func(c *billing.Config) {
			c.Gateways = []gateway.Gateway{unreachableGateway{c.Gateways[0].(*gatewaysim.Gateway)}}
		})
		e.account(t, "acme")
		_, err := e.sys.TopUp(ctx, "t1", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 50_000), Gateway: "sim"})
		assert.ErrorIs(t, err, billing.ErrGatewayUnavailable)
		assert.ErrorIs(t, err, gateway.ErrTemporary, "the gateway's own error is reachable")
		assert.Contains(t, err.Error(), "billing: gateway unavailable")
		assert.Contains(t, err.Error(), "connection reset by peer")
	})

	t.Run("request fields refused by another package", func(t *testing.T) {
		e := newEnv(t, newMemory())
		_, err := e.sys.CreateAccount(ctx, "a1", billing.CreateAccountRequest{ID: "acme", Currency: "XYZ"})
		assert.Equal(t, "Currency", field(t, err))
		assert.ErrorIs(t, err, money.ErrUnknownCurrency)
		assert.ErrorIs(t, err, billing.ErrInvalidRequest)
		_, err = e.sys.CreateAccount(ctx, "a1", billing.CreateAccountRequest{ID: "acme", TimeZone: "Mars/Olympus_Mons"})
		assert.Equal(t, "TimeZone", field(t, err))
		assert.Contains(t, err.Error(), "billing: invalid request: TimeZone")

		e.account(t, "acme")
		_, err = e.sys.Unlink(ctx, "u1", billing.LinkedAccountRequest{AccountID: "acme", LinkID: "lnk_none"})
		assert.ErrorIs(t, err, billing.ErrLinkedAccountNotFound)
		assert.ErrorIs(t, err, payment.ErrLinkedAccountNotFound, "the payment package's error is reachable")
	})

	t.Run("a config policy refused by its package", func(t *testing.T) {
		bad := lifecycle.DefaultOverduePolicy()
		bad.SuspendAfterDays = -1
		cat, err := pricing.SampleCatalog()
		require.NoError(t, err)
		_, err = billing.New(billing.Config{Store: newMemory(), Catalog: cat, Postpaid: billing.PostpaidPolicy{Overdue: &bad}})
		assert.ErrorIs(t, err, billing.ErrInvalidConfig)
		var ce *billing.ConfigError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "Postpaid.Overdue", ce.Field)
		var pe *lifecycle.PolicyError
		require.ErrorAs(t, err, &pe, "the lifecycle package's error is reachable")
		assert.Equal(t, "SuspendAfterDays", pe.Field)
		assert.Contains(t, err.Error(), "billing: config Postpaid.Overdue")
	})
}

// TestStatusesAreTyped: the status and kind fields a host reads compare
// with the exported constants of their packages.
func TestStatusesAreTyped(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, newMemory())
	e.fund(t, "acme", 1_000_000)
	res, err := e.sys.Checkout(ctx, "c1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Months(1),
			Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 1, "ram_gb": 2, "ssd_gb": 20}}}}})
	require.NoError(t, err)
	assert.Equal(t, order.StatusPaid, res.Order.Status)
	assert.Equal(t, payment.StatusSucceeded, res.Payment.Status)
	assert.Equal(t, lifecycle.StateProvisioning, res.Resources[0].State)
	_, err = e.sys.ProvisioningSucceeded(ctx, "prov", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})
	require.NoError(t, err)

	hist, err := e.sys.WalletHistory(ctx, billing.ListRequest{AccountID: "acme"})
	require.NoError(t, err)
	require.Len(t, hist.Items, 2)
	assert.Equal(t, payment.EntryTopUp, hist.Items[0].Kind)
	assert.Equal(t, payment.EntryPayment, hist.Items[1].Kind)

	acts, err := e.sys.Actions(ctx, billing.ListRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})
	require.NoError(t, err)
	require.NotEmpty(t, acts.Items)
	assert.Equal(t, invoice.ActionCreate, acts.Items[0].Kind)

	evs, err := e.sys.Events(ctx, billing.ListRequest{AccountID: "acme"})
	require.NoError(t, err)
	issued := 0
	for _, ev := range evs.Items {
		if ev.Kind == billing.EventInvoiceIssued {
			p, err := ev.Invoice()
			require.NoError(t, err)
			assert.Equal(t, invoice.StatusPaid, p.Status)
			issued++
		}
	}
	assert.Equal(t, 1, issued)

	// A payment link is open until paid.
	owed, err := e.sys.Checkout(ctx, "c2", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodGateway, Gateway: "sim",
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Months(1),
			Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 1, "ram_gb": 2, "ssd_gb": 20}}}}})
	require.NoError(t, err)
	link, err := e.sys.CreatePaymentLink(ctx, "l1", billing.PaymentLinkRequest{AccountID: "acme",
		Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: owed.Order.ID}})
	require.NoError(t, err)
	assert.Equal(t, billing.PaymentLinkOpen, link.Status)
	p, err := e.sys.PayLink(ctx, "pl1", billing.PayLinkRequest{Token: link.Token, Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	_, err = e.deliver(t, cb)
	require.NoError(t, err)
	link, err = e.sys.PaymentLinkByToken(ctx, link.Token)
	require.NoError(t, err)
	assert.Equal(t, billing.PaymentLinkPaid, link.Status)
}
