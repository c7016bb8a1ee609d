package billing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// TestOnlyTheTermsAProductSellsAreBought: the sample vServer sells 1, 2, 3,
// 6, 12, 24 and 36 months and 1 to 365 days. Checkout, Renew, Recover and
// SetAutoRenew refuse anything else with a typed error that names what is
// allowed and keeps its cause, and change nothing; a product that states no
// terms sells the standard cycles only.
func TestOnlyTheTermsAProductSellsAreBought(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnv(t, newStore(t))
		e.fund(t, "acct", 10_000_000)
		ctx := context.Background()
		checkout := func(key string, term period.Term) error {
			_, err := e.sys.Checkout(ctx, key, billing.CheckoutRequest{AccountID: "acct", Method: payment.MethodCredit,
				Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: term}}})
			return err
		}

		err := checkout("seven", period.Months(7))
		require.ErrorIs(t, err, billing.ErrInvalidRequest)
		require.ErrorIs(t, err, period.ErrTermNotSold, "the cause is kept")
		var notSold *period.NotSoldError
		require.ErrorAs(t, err, &notSold)
		assert.Equal(t, period.Months(7), notSold.Term)
		assert.Contains(t, err.Error(), "7 months")
		assert.Contains(t, err.Error(), "1, 2, 3, 6, 12, 24, 36 months", "the message says what is sold")
		var reqErr *billing.RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, "Items[0].Term", reqErr.Field)

		require.ErrorIs(t, checkout("days", period.Days(366)), period.ErrTermNotSold)
		require.ErrorIs(t, checkout("mixed", period.Term{Months: 2, Days: 3}), period.ErrTermNotSold)
		require.ErrorIs(t, checkout("bad", period.Term{Months: -1}), period.ErrInvalidTerm, "a malformed term keeps its cause too")
		rs, err := items(e.sys.Resources(ctx, billing.ListRequest{AccountID: "acct", Limit: 100}))
		require.NoError(t, err)
		assert.Empty(t, rs, "nothing was bought")
		assert.Equal(t, int64(10_000_000), e.available(t, "acct"), "no money moved")

		r := e.buy(t, "acct", small, period.Days(60))
		_, err = e.sys.Renew(ctx, "renew-7", billing.RenewRequest{AccountID: "acct", ResourceIDs: []string{r.ID}, Term: period.Months(7),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.ErrorIs(t, err, period.ErrTermNotSold)
		_, err = e.sys.SetAutoRenew(ctx, "auto-7", billing.AutoRenewRequest{AccountID: "acct", ResourceID: r.ID, On: true, Term: period.Months(7)})
		require.ErrorIs(t, err, period.ErrTermNotSold)
		got, err := e.sys.Resource(ctx, "acct", r.ID)
		require.NoError(t, err)
		assert.Equal(t, r.PeriodEnd, got.PeriodEnd, "the refused renewal changed nothing")
		assert.False(t, got.AutoRenew)
		_, err = e.sys.Renew(ctx, "renew-3", billing.RenewRequest{AccountID: "acct", ResourceIDs: []string{r.ID}, Term: period.Months(3),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err, "a sold term renews")
	})

	t.Run("a product without terms sells 1, 3, 6, 12, 24 and 36 months", func(t *testing.T) {
		sample, err := pricing.SampleCatalog()
		require.NoError(t, err)
		products := sample.Products()
		for i := range products {
			products[i].Terms = period.TermSet{}
		}
		cat, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Mode: pricing.TaxExclusive}, Products: products})
		require.NoError(t, err)
		e := newEnvWith(t, newMemory(), func(c *billing.Config) { c.Catalog = cat })
		e.fund(t, "acct", 10_000_000)
		_, err = e.sys.Checkout(context.Background(), "sixty", billing.CheckoutRequest{AccountID: "acct", Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Days(60)}}})
		require.True(t, errors.Is(err, period.ErrTermNotSold), "got %v", err)
		assert.Contains(t, err.Error(), "1, 3, 6, 12, 24, 36 months")
		e.buy(t, "acct", small, period.Months(12))
	})
}
