package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
)

// TestInvoiceLinesCarryTheirFields: the portal's invoice JSON shows each
// line's resource, product, service, item and unit, and a postpaid bill's
// discount rate (10 % here, from the account's contract).
func TestInvoiceLinesCarryTheirFields(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rid := e.customer(t, "alice")
	line := func(acct, id string) map[string]any {
		resp, body := e.call(t, http.MethodGet, "/invoices/"+id, acct, "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		var raw struct {
			Lines []map[string]any `json:"lines"`
		}
		require.NoError(t, json.Unmarshal(body, &raw))
		require.NotEmpty(t, raw.Lines)
		return raw.Lines[0]
	}
	l := line("alice", e.invoiceOf(t, "alice"))
	assert.Equal(t, rid, l["resource_id"])
	assert.Equal(t, "vserver", l["product"])
	assert.Equal(t, "vServer", l["service"])
	assert.Equal(t, "basic-1", l["item"])
	assert.Equal(t, "period", l["unit"])
	assert.NotContains(t, l, "discount_rate", "no rate applied: absent")

	_, err := e.sys.CreateAccount(ctx, "open-bob", billing.CreateAccountRequest{ID: "bob"})
	require.NoError(t, err)
	_, err = e.sys.SetAccountType(ctx, "post-bob", billing.SetAccountTypeRequest{AccountID: "bob", Type: billing.Postpaid, Actor: "ops"})
	require.NoError(t, err)
	_, err = e.sys.SetDiscountRate(ctx, "disc-bob", billing.SetDiscountRateRequest{AccountID: "bob", Rate: decimal.RequireFromString("0.1"), Actor: "ops"})
	require.NoError(t, err)
	res, err := e.sys.Checkout(ctx, "buy-bob", billing.CheckoutRequest{AccountID: "bob", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Months(1),
			Configuration: pricing.Configuration{Plan: "basic-1"}}}})
	require.NoError(t, err)
	_, err = e.sys.ProvisioningSucceeded(ctx, "prov-bob", billing.ProvisioningRequest{AccountID: "bob", ResourceID: res.Resources[0].ID})
	require.NoError(t, err)
	e.clk.Set(start.Add(60 * 24 * time.Hour))
	for range 10 {
		rep, err := e.sys.Tick(ctx, 100)
		require.NoError(t, err)
		if !rep.More {
			break
		}
	}
	bill := line("bob", e.invoiceOf(t, "bob"))
	assert.Equal(t, res.Resources[0].ID, bill["resource_id"])
	assert.Equal(t, "0.1", bill["discount_rate"])
	assert.Equal(t, "30 days", bill["unit"])
	assert.Equal(t, "vServer", bill["service"])
}
