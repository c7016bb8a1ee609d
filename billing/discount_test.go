package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// discountCatalog is the sample catalog with a postpaid discount of rate on
// every product.
func discountCatalog(t *testing.T, rate string) *pricing.Catalog {
	t.Helper()
	sample, err := pricing.SampleCatalog()
	require.NoError(t, err)
	products := sample.Products()
	for i := range products {
		products[i].PostpaidDiscount = decimal.RequireFromString(rate)
	}
	cat, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: sample.Tax(), Products: products})
	require.NoError(t, err)
	return cat
}

// TestPostpaidDiscountOnAMarchResizeDeleteBill is the brief's formula with
// a 10 % discount, through System, on both stores, set once as the
// product's catalog discount and once as the account's contract discount.
//
// A vServer runs from 00:00 on 1 March 2027 (Asia/Ho_Chi_Minh) at 181,000
// per 30 days, is resized to 520,000 at 10:30 on 11 March and deleted at
// 00:00 on 21 March; tax 10 %:
//
//	small: 15,030 min × 181,000 × (1 − 10%) ÷ 43,200 = 56,675.625 → 56,676; tax 5,667.6 → 5,668; total 62,344
//	       before the discount 62,972.92 → 62,973, so the line's discount is 6,297
//	large: 13,770 min × 520,000 × (1 − 10%) ÷ 43,200 = 149,175; tax 14,917.5 → 14,918; total 164,093
//	       before the discount 165,750, discount 16,575
//	bill:  205,851 + 20,586 = 226,437 (without the discount 250,695 + 25,070 = 275,765)
func TestPostpaidDiscountOnAMarchResizeDeleteBill(t *testing.T) {
	for _, how := range []string{"product", "account"} {
		t.Run(how, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
				ctx := context.Background()
				e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) {
					if how == "product" {
						c.Catalog = discountCatalog(t, "0.1")
					}
				})
				if how == "account" {
					a, err := e.sys.SetDiscountRate(ctx, "contract", billing.SetDiscountRateRequest{AccountID: "acme",
						Rate: decimal.RequireFromString("0.1"), Actor: "ops", Reason: "contract 2027"})
					require.NoError(t, err)
					require.Equal(t, "0.1", a.DiscountRate.String())
				}
				e.clk.Set(time.Date(2027, 2, 28, 16, 59, 59, 0, time.UTC)) // buy runs a second later: 00:00 on 1 March, local
				r := e.buy(t, "acme", small, period.Months(1))
				e.clk.Set(time.Date(2027, 3, 11, 3, 30, 0, 0, time.UTC)) // 10:30 on 11 March
				_, err := e.sys.Resize(ctx, "grow", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: large})
				require.NoError(t, err)
				e.clk.Set(time.Date(2027, 3, 20, 17, 0, 0, 0, time.UTC)) // 00:00 on 21 March
				_, err = e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
				require.NoError(t, err)

				e.clk.Set(time.Date(2027, 3, 31, 16, 0, 0, 0, time.UTC))
				preview, ok, err := e.sys.PreviewBill(ctx, "acme", r.ID)
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, int64(226_437), minor(t, preview.Total), "the estimate bills the discount too")

				e.clk.Set(time.Date(2027, 3, 31, 18, 1, 0, 0, time.UTC))
				require.Equal(t, 1, e.tickAll(t).BillsIssued)
				bills := e.bills(t, "acme", r.ID)
				require.Len(t, bills, 1)
				inv := bills[0]
				require.Equal(t, [][4]int64{{56_676, 5_668, 0, 62_344}, {149_175, 14_918, 0, 164_093}}, lineTotals(t, inv))
				require.Equal(t, int64(226_437), minor(t, inv.Total))
				for i, want := range []struct {
					minutes          int64
					amount, discount int64
					unitPrice        int64
				}{{15_030, 62_973, 6_297, 181_000}, {13_770, 165_750, 16_575, 520_000}} {
					l := inv.Lines[i]
					require.Equal(t, want.minutes, l.Period.Minutes())
					require.Equal(t, want.amount, minor(t, l.Amount))
					require.Equal(t, want.discount, minor(t, l.Discount))
					require.Equal(t, want.unitPrice, minor(t, l.UnitPrice))
					require.Equal(t, "0.1", l.DiscountRate.String(), "the line shows the discount rate")
					require.Equal(t, "0.1", l.TaxRate.String())
					require.Equal(t, r.ID, l.ResourceID)
					require.Equal(t, pricing.SampleVServer, l.Product)
					require.Equal(t, "vServer", l.Service)
					require.Equal(t, "30 days", l.Unit)
					require.NotEmpty(t, l.Item)
				}
			})
		})
	}
}

func TestSetDiscountRateIsAuditedIdempotentAndChecked(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		req := billing.SetDiscountRateRequest{AccountID: "acme", Rate: decimal.RequireFromString("0.125"), Actor: "ops"}
		a, err := e.sys.SetDiscountRate(ctx, "k1", req)
		require.NoError(t, err)
		require.Equal(t, "0.125", a.DiscountRate.String())
		again, err := e.sys.SetDiscountRate(ctx, "k1", req)
		require.NoError(t, err)
		require.Equal(t, a.Version, again.Version, "the same key and request: the first result")
		_, err = e.sys.SetDiscountRate(ctx, "k1", billing.SetDiscountRateRequest{AccountID: "acme", Rate: decimal.RequireFromString("0.2"), Actor: "ops"})
		require.ErrorIs(t, err, billing.ErrIdempotencyConflict)
		// The same rate under another key changes nothing and is not audited again.
		same, err := e.sys.SetDiscountRate(ctx, "k2", req)
		require.NoError(t, err)
		require.Equal(t, a.Version, same.Version)

		for name, bad := range map[string]billing.SetDiscountRateRequest{
			"a rate above 1":      {AccountID: "acme", Rate: decimal.RequireFromString("1.5"), Actor: "ops"},
			"a negative rate":     {AccountID: "acme", Rate: decimal.RequireFromString("-0.1"), Actor: "ops"},
			"11 decimal places":   {AccountID: "acme", Rate: decimal.RequireFromString("0.12345678901"), Actor: "ops"},
			"a huge exponent":     {AccountID: "acme", Rate: decimal.New(1, -100000), Actor: "ops"},
			"no actor":            {AccountID: "acme", Rate: decimal.RequireFromString("0.1")},
			"an empty account id": {Rate: decimal.RequireFromString("0.1"), Actor: "ops"},
		} {
			_, err := e.sys.SetDiscountRate(ctx, "bad-"+name, bad)
			var re *billing.RequestError
			require.ErrorAs(t, err, &re, name)
		}
		_, err = e.sys.SetDiscountRate(ctx, "ghost", billing.SetDiscountRateRequest{AccountID: "ghost", Rate: decimal.RequireFromString("0.1"), Actor: "ops"})
		require.ErrorIs(t, err, billing.ErrAccountNotFound)

		got, err := e.sys.Account(ctx, "acme")
		require.NoError(t, err)
		require.Equal(t, "0.125", got.DiscountRate.String(), "rejected calls changed nothing")
		trail, err := items(e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		n := 0
		for _, r := range trail {
			if r.Action == "account.discount_rate_changed" {
				n++
			}
		}
		require.Equal(t, 1, n)

		// Zero removes it.
		off, err := e.sys.SetDiscountRate(ctx, "k3", billing.SetDiscountRateRequest{AccountID: "acme", Actor: "ops"})
		require.NoError(t, err)
		require.True(t, off.DiscountRate.IsZero())
	})
}

// TestCreditHoldEstimatesAtTheDiscount: the credit hold of a prepaid
// account with a 10 % contract discount holds what its usage invoice will
// bill: 1,000 GB-hours of snapshots a day at 7.7 is 7,700, at 10 % off
// 6,930; so far 6,930 + 3 × 6,930 = 27,720 held (30,800 without it).
func TestCreditHoldEstimatesAtTheDiscount(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Metering = meteredItems(t) })
		e.fund(t, "beta", 1_000_000)
		_, err := e.sys.SetDiscountRate(ctx, "contract", billing.SetDiscountRateRequest{AccountID: "beta",
			Rate: decimal.RequireFromString("0.1"), Actor: "ops"})
		require.NoError(t, err)
		r := e.buy(t, "beta", small, period.Months(1))
		e.clk.Set(time.Date(2026, 4, 5, 5, 0, 0, 0, time.UTC))
		require.Equal(t, 1, record(t, e, []metering.Event{{ID: "d0", AccountID: "beta", ResourceID: r.ID,
			Metric: snapshotMetric, Quantity: decimal.NewFromInt(1000), At: e.clk.Now()}}).Recorded)
		e.clk.Set(time.Date(2026, 4, 6, 2, 0, 30, 0, time.UTC)) // 09:00 local the next day
		require.Equal(t, 1, e.tickAll(t).Holds)
		w, err := e.sys.Wallet(ctx, "beta")
		require.NoError(t, err)
		require.Equal(t, int64(27_720), minor(t, w.Held))
	})
}
