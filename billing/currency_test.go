package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// usdCatalog sells only the vServer plans basic-1, at 3.55 USD per 30
// days, and standard-2 at 7.10, with 8% tax on top, in the default terms
// (whole months); the sample VND
// catalog sells it at 90,000 VND with 10% and also sells days, and sells
// vStorage, which the USD catalog does not.
func usdCatalog(t testing.TB) *pricing.Catalog {
	t.Helper()
	c, err := pricing.NewCatalog(pricing.Config{Currency: "USD", Tax: pricing.TaxPolicy{Rate: decimal.RequireFromString("0.08"), Mode: pricing.TaxExclusive},
		Products: []pricing.Product{{ID: pricing.SampleVServer, Name: "vServer",
			Plans: []pricing.Plan{{ID: "basic-1", Name: "Basic 1", Price: decimal.RequireFromString("3.55")},
				{ID: "standard-2", Name: "Standard 2", Price: decimal.RequireFromString("7.10")}}}}})
	require.NoError(t, err)
	return c
}

func usd(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.New(s, "USD")
	require.NoError(t, err)
	return a
}

// usdPrices are the metered prices of meteredItems in USD: 0.0003 per
// snapshot GB-hour, 0.04 per whole GB of bandwidth.
func usdPrices(t testing.TB) map[string]money.Amount {
	return map[string]money.Amount{snapshotMetric: usd(t, "0.0003"), bandwidthMetric: usd(t, "0.04")}
}

// twoCurrencyEnv is one System serving VND (the sample catalog, the
// default) and USD (usdCatalog), metering meteredItems in both.
func twoCurrencyEnv(t *testing.T, st storage.Store, adjust func(*billing.Config)) env {
	t.Helper()
	return newEnvWith(t, st, func(c *billing.Config) {
		c.Metering = meteredItems(t)
		c.Currencies = []billing.CurrencyConfig{{Catalog: usdCatalog(t), MeteredPrices: usdPrices(t)}}
		if adjust != nil {
			adjust(c)
		}
	})
}

// usdAccount opens a prepaid USD account and tops it up with amount
// through the simulated gateway.
func (e env) usdAccount(t *testing.T, id, amount string) {
	t.Helper()
	ctx := context.Background()
	a, err := e.sys.CreateAccount(ctx, "open-"+id, billing.CreateAccountRequest{ID: id, Currency: "USD"})
	require.NoError(t, err)
	require.Equal(t, "USD", a.Currency)
	if amount == "" {
		return
	}
	p, err := e.sys.TopUp(ctx, "topup-"+id, billing.TopUpRequest{AccountID: id, Amount: usd(t, amount), Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	_, err = e.deliver(t, cb)
	require.NoError(t, err)
	e.clk.Advance(time.Second)
}

// ledgerCurrencies returns the currencies of the account's ledger balances.
func ledgerCurrencies(t *testing.T, st storage.Store, acct string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	require.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		bs, err := tx.Ledger().Balances(ctx, acct)
		for _, b := range bs {
			out[b.Amount.Currency().Code()] = true
		}
		return err
	}))
	return out
}

func TestOneSystemServesVNDAndUSDAccounts(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		e := twoCurrencyEnv(t, st, nil)
		e.fund(t, "vn", 500_000)
		e.usdAccount(t, "us", "20.00")
		assert.Equal(t, []string{"VND", "USD"}, e.sys.Currencies())

		type want struct {
			price, tax, total, afterBuy, afterRenew string
			digits                                  int32
		}
		for acct, w := range map[string]want{
			// 90,000 + 10% = 99,000 VND a month, whole dong.
			"vn": {"90000 VND", "9000 VND", "99000 VND", "401000 VND", "302000 VND", 0},
			// 3.55 + 8% (0.284, rounded half-up to the cent) = 3.83 USD.
			"us": {"3.55 USD", "0.28 USD", "3.83 USD", "16.17 USD", "12.34 USD", 2},
		} {
			t.Run(acct, func(t *testing.T) {
				items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: basic1, Quantity: 1, Term: period.Months(1)}}
				q, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: acct, Items: items})
				require.NoError(t, err)
				assert.Equal(t, w.price, q.Net.String())
				assert.Equal(t, w.tax, q.Tax.String())
				assert.Equal(t, w.total, q.Total.String())
				assert.Equal(t, w.digits, q.Total.Currency().Digits(), "minor units of the account's currency")

				res, err := e.sys.Checkout(ctx, "buy-"+acct, billing.CheckoutRequest{AccountID: acct, Items: items, Method: payment.MethodCredit, ExpectedTotal: q.Total})
				require.NoError(t, err)
				assert.Equal(t, payment.StatusSucceeded, res.Payment.Status)
				assert.Equal(t, w.total, res.Payment.Amount.String())
				r := e.provisionAll(t, acct, res)[0]
				assert.True(t, e.clk.Now().Add(30*24*time.Hour).Equal(r.PeriodEnd), "a month of 30 days (the System's basis), got %s", r.PeriodEnd)
				wal, err := e.sys.Wallet(ctx, acct)
				require.NoError(t, err)
				assert.Equal(t, w.afterBuy, wal.Available.String())

				ren, err := e.sys.Renew(ctx, "renew-"+acct, billing.RenewRequest{AccountID: acct, ResourceIDs: []string{r.ID}, Term: period.Months(1),
					PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
				require.NoError(t, err)
				assert.Equal(t, w.total, ren.Order.Total.String(), "a renewal is priced by the account's catalog")
				assert.True(t, r.PeriodEnd.Add(30*24*time.Hour).Equal(ren.Resources[0].PeriodEnd), "renewed from the end, got %s", ren.Resources[0].PeriodEnd)
				wal, err = e.sys.Wallet(ctx, acct)
				require.NoError(t, err)
				assert.Equal(t, w.afterRenew, wal.Available.String())

				page, err := e.sys.Invoices(ctx, billing.ListRequest{AccountID: acct, ResourceID: r.ID, Limit: 10})
				invs := page.Items
				require.NoError(t, err)
				require.Len(t, invs, 2, "the purchase and the renewal")
				for _, inv := range invs {
					assert.Equal(t, invoice.StatusPaid, inv.Status)
					assert.Equal(t, w.total, inv.Total.String())
					require.Len(t, inv.Lines, 1)
					assert.Equal(t, w.tax, inv.Lines[0].Tax.String(), "the tax of the account's catalog")
				}
				checkLedger(t, st, acct)
				code := q.Total.Currency().Code()
				assert.Equal(t, map[string]bool{code: true}, ledgerCurrencies(t, st, acct), "the ledger is in the account's currency only")
			})
		}
	})
}

func TestAUSDAccountIsRefusedWhatItsCurrencyDoesNotSell(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := twoCurrencyEnv(t, newStore(t), nil)
		e.fund(t, "vn", 500_000)
		e.usdAccount(t, "us", "20.00")
		require.NoError(t, e.sys.DefineCoupon(ctx, fixedCoupon(t, "TENK", 10_000)))
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "HALFDOLLAR", Kind: coupon.KindFixed, Amount: usd(t, "0.50")}))
		unchanged := func(t *testing.T) {
			t.Helper()
			wal, err := e.sys.Wallet(ctx, "us")
			require.NoError(t, err)
			assert.Equal(t, "20.00 USD", wal.Available.String(), "nothing was charged")
			pays, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "us", Limit: 10}))
			require.NoError(t, err)
			assert.Len(t, pays, 1, "no payment besides the top-up")
		}
		buy := func(acct string, item billing.OrderItem, coupons ...string) error {
			_, err := e.sys.Checkout(ctx, "try-"+acct+"-"+e.clk.Now().String(), billing.CheckoutRequest{AccountID: acct,
				Items: []billing.OrderItem{item}, Coupons: coupons, Method: payment.MethodCredit})
			e.clk.Advance(time.Second)
			return err
		}
		storage50 := billing.OrderItem{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}},
			Quantity: 1, Term: period.Months(1)}

		t.Run("a product only the VND catalog sells is unknown to a USD account", func(t *testing.T) {
			err := buy("us", storage50)
			require.ErrorIs(t, err, pricing.ErrUnknownProduct)
			var unknown *pricing.UnknownProductError
			require.ErrorAs(t, err, &unknown)
			assert.Equal(t, pricing.SampleVStorage, unknown.ProductID)
			_, err = e.sys.Quote(ctx, "us", pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: pricing.SampleVStorage,
				Configuration: storage50.Configuration, Quantity: 1, Term: period.Months(1)}}})
			require.ErrorIs(t, err, pricing.ErrUnknownProduct)
			unchanged(t)
			q, err := e.sys.Quote(ctx, "vn", pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: pricing.SampleVStorage,
				Configuration: storage50.Configuration, Quantity: 1, Term: period.Months(1)}}})
			require.NoError(t, err)
			assert.Equal(t, "38500 VND", q.Total.String(), "the VND account buys it: 35,000 + 10%")
		})

		t.Run("a term only the VND catalog sells is refused by the USD catalog", func(t *testing.T) {
			days := billing.OrderItem{ProductID: pricing.SampleVServer, Configuration: basic1, Quantity: 1, Term: period.Days(60)}
			err := buy("us", days)
			require.ErrorIs(t, err, billing.ErrInvalidRequest)
			require.ErrorIs(t, err, period.ErrTermNotSold)
			var re *billing.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "Items[0].Term", re.Field)
			unchanged(t)
			q, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "vn", Items: []billing.OrderItem{days}})
			require.NoError(t, err)
			assert.Equal(t, "198000 VND", q.Total.String(), "the VND catalog sells 60 days: 180,000 + 10%")
		})

		t.Run("a fixed coupon in VND is refused for a USD account and the other way round", func(t *testing.T) {
			vserver := billing.OrderItem{ProductID: pricing.SampleVServer, Configuration: basic1, Quantity: 1, Term: period.Months(1)}
			for _, tc := range []struct{ acct, code, currency, orderCurrency string }{
				{"us", "TENK", "VND", "USD"},
				{"vn", "HALFDOLLAR", "USD", "VND"},
			} {
				_, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: tc.acct, Items: []billing.OrderItem{vserver}, Coupons: []string{tc.code}})
				require.ErrorIs(t, err, coupon.ErrRejected)
				var rej *coupon.Rejection
				require.ErrorAs(t, err, &rej)
				assert.Equal(t, coupon.ReasonCurrencyMismatch, rej.Reason)
				assert.Equal(t, tc.currency, rej.Currency)
				assert.Equal(t, tc.orderCurrency, rej.OrderCurrency)
			}
			require.Error(t, buy("us", vserver, "TENK"))
			unchanged(t)
			// (3.55 − 0.50) + 8% (0.244) = 3.29 USD.
			q, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "us", Items: []billing.OrderItem{vserver}, Coupons: []string{"HALFDOLLAR"}})
			require.NoError(t, err)
			assert.Equal(t, "3.29 USD", q.Total.String())
		})

		t.Run("money in another currency is refused", func(t *testing.T) {
			_, err := e.sys.TopUp(ctx, "vnd-topup", billing.TopUpRequest{AccountID: "us", Amount: vnd(t, 100_000), Gateway: "sim"})
			require.ErrorIs(t, err, billing.ErrCurrencyMismatch)
			unchanged(t)
		})

		t.Run("an account in a currency no catalog serves is not created", func(t *testing.T) {
			_, err := e.sys.CreateAccount(ctx, "open-eu", billing.CreateAccountRequest{ID: "eu", Currency: "EUR"})
			require.ErrorIs(t, err, billing.ErrCurrencyMismatch)
			require.ErrorIs(t, err, billing.ErrInvalidRequest)
			var re *billing.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "Currency", re.Field)
			assert.Equal(t, "billing: invalid request: Currency EUR has no catalog; this system serves VND, USD", re.Error())
			_, err = e.sys.Account(ctx, "eu")
			require.ErrorIs(t, err, billing.ErrAccountNotFound)
		})
	})
}

// TestUSDUsageAndMonthCloseArePricedInUSD: a postpaid USD account's
// month bill prices its configuration by the USD catalog and its usage by
// the USD metered prices, and its credit limit is the USD one.
func TestUSDUsageAndMonthCloseArePricedInUSD(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := twoCurrencyEnv(t, newStore(t), func(c *billing.Config) {
			c.Postpaid.CreditLimit = lifecycle.CreditLimitPolicy{Limit: vnd(t, 1_000_000), Blocks: true}
			c.Currencies[0].CreditLimit = usd(t, "5.00")
		})
		e.usdAccount(t, "us", "")
		_, err := e.sys.SetAccountType(ctx, "postpaid-us", billing.SetAccountTypeRequest{AccountID: "us", Type: billing.Postpaid, Actor: "ops"})
		require.NoError(t, err)
		r := e.buy(t, "us", basic1, period.Months(1))

		// 1,000 GB-hours of snapshots at 0.0003 and 5.56 GB of bandwidth
		// (5 billed) at 0.04.
		e.clk.Set(time.Date(2026, 4, 15, 9, 0, 0, 0, time.UTC))
		res := record(t, e, []metering.Event{
			{ID: "snap", AccountID: "us", ResourceID: r.ID, Metric: snapshotMetric, Quantity: decimal.NewFromInt(1000), At: e.clk.Now().Add(-time.Hour)},
			{ID: "bw", AccountID: "us", ResourceID: r.ID, Metric: bandwidthMetric, Quantity: decimal.RequireFromString("5.56"), At: e.clk.Now().Add(-time.Hour)},
		})
		require.Equal(t, 2, res.Recorded)
		charges, err := e.sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "us", ResourceID: r.ID, From: start, To: e.clk.Now()})
		require.NoError(t, err)
		got := map[string]string{}
		for _, c := range charges {
			got[c.Metric] = c.Amount.String()
		}
		assert.Equal(t, map[string]string{snapshotMetric: "0.30 USD", bandwidthMetric: "0.20 USD"}, got)

		// Ten days after the usage, twenty after the purchase, the account
		// has run up basic-1 for 28,800 minutes (3.55 × 28,800 ÷ 43,200 =
		// 2.37, + 8% 0.19) and its usage (0.30 + 0.02 and 0.20 + 0.02):
		// 3.10 USD. A second basic-1 (3.83 a month with tax) would make
		// 6.93, over the USD limit of 5.00; the VND limit of 1,000,000 does
		// not apply.
		e.clk.Set(r.PeriodStart.Add(20 * 24 * time.Hour))
		_, err = e.sys.Checkout(ctx, "second", billing.CheckoutRequest{AccountID: "us",
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: basic1, Quantity: 1, Term: period.Months(1)}}})
		require.ErrorIs(t, err, lifecycle.ErrCreditLimitExceeded)
		var refused *lifecycle.PurchaseRefusedError
		require.ErrorAs(t, err, &refused)
		assert.Equal(t, "6.93 USD", refused.Check.Used.String())
		assert.Equal(t, "-1.93 USD", refused.Check.Headroom.String(), "the USD limit of 5.00 less 6.93")

		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bills := e.bills(t, "us", r.ID)
		require.Len(t, bills, 1)
		bill := bills[0]
		assert.Equal(t, "USD", bill.Currency)
		// basic-1 from 16:00:0x local on April 5 to the month's end,
		// 36,480 minutes: 3.55 × 36,480 ÷ 43,200 = 2.9977… → 3.00, + 8%
		// 0.24; bandwidth 0.20 + 0.016 → 0.02; snapshots 0.30 + 0.024 →
		// 0.02.
		lines := map[string]string{}
		for _, l := range bill.Lines {
			lines[l.Description] = l.Net.String() + " + " + l.Tax.String()
		}
		assert.Equal(t, map[string]string{
			"vserver basic-1": "3.00 USD + 0.24 USD",
			"vserver usage: " + bandwidthMetric + " (GB)":     "0.20 USD + 0.02 USD",
			"vserver usage: " + snapshotMetric + " (GB-hour)": "0.30 USD + 0.02 USD",
		}, lines)
		assert.Equal(t, "3.78 USD", bill.Total.String())
	})
}

func TestNewValidatesCurrencies(t *testing.T) {
	vndCat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	usdCat := usdCatalog(t)
	st := memory.New()
	base := func(cs ...billing.CurrencyConfig) billing.Config {
		return billing.Config{Store: st, Catalog: vndCat, Metering: meteredItems(t), Currencies: cs}
	}
	with := func(change func(map[string]money.Amount)) map[string]money.Amount {
		p := usdPrices(t)
		change(p)
		return p
	}
	for _, tc := range []struct {
		name  string
		cfg   billing.Config
		field string
	}{
		{"a currency needs a catalog", base(billing.CurrencyConfig{MeteredPrices: usdPrices(t)}), "Currencies[0].Catalog"},
		{"the default currency cannot be added again", base(billing.CurrencyConfig{Catalog: vndCat, MeteredPrices: usdPrices(t)}), "Currencies[0].Catalog"},
		{"a currency is served at most once", base(billing.CurrencyConfig{Catalog: usdCat, MeteredPrices: usdPrices(t)},
			billing.CurrencyConfig{Catalog: usdCatalog(t), MeteredPrices: usdPrices(t)}), "Currencies[1].Catalog"},
		{"every metered item needs a price", base(billing.CurrencyConfig{Catalog: usdCat,
			MeteredPrices: with(func(p map[string]money.Amount) { delete(p, bandwidthMetric) })}), "Currencies[0].MeteredPrices"},
		{"a price for an undeclared metric", base(billing.CurrencyConfig{Catalog: usdCat,
			MeteredPrices: with(func(p map[string]money.Amount) { p["gpu.hours"] = usd(t, "1") })}), "Currencies[0].MeteredPrices"},
		{"a metered price in another currency", base(billing.CurrencyConfig{Catalog: usdCat,
			MeteredPrices: with(func(p map[string]money.Amount) { p[snapshotMetric] = vnd(t, 8) })}), "Currencies[0].MeteredPrices"},
		{"a negative metered price", base(billing.CurrencyConfig{Catalog: usdCat,
			MeteredPrices: with(func(p map[string]money.Amount) { p[snapshotMetric] = usd(t, "-0.01") })}), "Currencies[0].MeteredPrices"},
		{"a credit limit in another currency", base(billing.CurrencyConfig{Catalog: usdCat, MeteredPrices: usdPrices(t),
			CreditLimit: vnd(t, 1_000_000)}), "Currencies[0].CreditLimit"},
		{"a credit limit of part of a cent", base(billing.CurrencyConfig{Catalog: usdCat, MeteredPrices: usdPrices(t),
			CreditLimit: usd(t, "100.005")}), "Currencies[0].CreditLimit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := billing.New(tc.cfg)
			require.ErrorIs(t, err, billing.ErrInvalidConfig)
			var ce *billing.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.field, ce.Field)
		})
	}

	sys, err := billing.New(base(billing.CurrencyConfig{Catalog: usdCat, MeteredPrices: usdPrices(t), CreditLimit: usd(t, "250.00")}))
	require.NoError(t, err)
	got, err := sys.CatalogFor("USD")
	require.NoError(t, err)
	assert.Same(t, usdCat, got)
	got, err = sys.CatalogFor("VND")
	require.NoError(t, err)
	assert.Same(t, vndCat, got)
	assert.Same(t, vndCat, sys.Catalog(), "Catalog is the default currency's")
	_, err = sys.CatalogFor("EUR")
	require.ErrorIs(t, err, billing.ErrCurrencyMismatch)
	// Without metered items, a currency needs no metered prices.
	_, err = billing.New(billing.Config{Store: st, Catalog: vndCat, Currencies: []billing.CurrencyConfig{{Catalog: usdCat}}})
	require.NoError(t, err)
}

// TestUSDResizeAndMatchEndTimeArePricedInUSD: the actions on a running
// resource of a USD account price by the USD catalog, to the minute, in
// cents.
func TestUSDResizeAndMatchEndTimeArePricedInUSD(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		e := twoCurrencyEnv(t, st, nil)
		e.usdAccount(t, "us", "20.00")
		r := e.buy(t, "us", basic1, period.Months(1)) // 3.83 USD
		end := r.PeriodEnd

		// Half the term left: basic-1 for 15 days is 1.78 (1.775 half-up)
		// + 0.14 tax, standard-2 3.55 + 0.28; the upgrade charges 1.91.
		e.clk.Set(end.Add(-15 * 24 * time.Hour))
		rz, err := e.sys.Resize(ctx, "grow", billing.ResizeRequest{AccountID: "us", ResourceID: r.ID,
			Configuration: pricing.Configuration{Plan: "standard-2"}, PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		assert.Equal(t, "1.77 USD", rz.Difference.String(), "3.55 − 1.78 before tax")
		assert.Equal(t, "1.91 USD", rz.Charged.String())

		// Ten more days at standard-2: 7.10 × 10 ÷ 30 = 2.37 (2.366… half-up)
		// + 0.19 tax.
		m, err := e.sys.MatchEndTime(ctx, "align", billing.MatchEndTimeRequest{AccountID: "us", ResourceIDs: []string{r.ID},
			End: end.Add(10 * 24 * time.Hour), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		assert.Equal(t, "2.56 USD", m.Order.Total.String())

		w, err := e.sys.Wallet(ctx, "us")
		require.NoError(t, err)
		assert.Equal(t, "11.70 USD", w.Available.String(), "20.00 − 3.83 − 1.91 − 2.56")
		checkLedger(t, st, "us")
		assert.Equal(t, map[string]bool{"USD": true}, ledgerCurrencies(t, st, "us"))
	})
}
