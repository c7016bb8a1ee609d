package billing_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// With tax-inclusive prices a term bought at list price holds its whole
// list value: the 10 % included is tax, not a discount. A downgrade
// 520,000 → 181,000 (10 % included) with 20 of 30 days left refunds the
// list difference, 346,667 − 120,667 = 226,000, as without tax — not
// 226,000 × 346,667 ÷ 381,333 = 205,455, which counting the included tax
// as a discount gave (found by the simulation's tax-inclusive worlds).
func TestTaxInclusiveDowngradeRefundsTheListDifference(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		sample, err := pricing.SampleCatalog()
		require.NoError(t, err)
		inclusive, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: sample.Products(),
			Tax: pricing.TaxPolicy{Rate: decimal.RequireFromString("0.1"), Mode: pricing.TaxInclusive}})
		require.NoError(t, err)
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = inclusive })
		e.fund(t, "acme", 1_000_000)
		r := e.buy(t, "acme", large, period.Days(30))
		e.clk.Advance(10 * day)
		res, err := e.sys.Resize(context.Background(), "down", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: small})
		require.NoError(t, err)
		assert.Equal(t, int64(226_000), minor(t, res.Refunded), "346,667 − 120,667, tax included in both")
		assert.Equal(t, int64(1_000_000-520_000+226_000), e.available(t, "acme"))
	})
}
