package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

const day = 24 * time.Hour

// taxFree is the sample catalog without VAT, so amounts read as the
// brief's worked examples.
func taxFree(t testing.TB) *pricing.Catalog {
	sample, err := pricing.SampleCatalog()
	require.NoError(t, err)
	cat, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: decimal.Zero, Mode: pricing.TaxExclusive}, Products: sample.Products()})
	require.NoError(t, err)
	return cat
}

var (
	small = pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}                        // 181,000
	large = pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 200, "windows_licence": 1}} // 520,000
)

// buy checks out one vServer by credit and provisions it now.
func (e env) buy(t *testing.T, acct string, cfg pricing.Configuration, term period.Term) billing.Resource {
	t.Helper()
	ctx := context.Background()
	e.clk.Advance(time.Second) // a distinct idempotency key per purchase
	res, err := e.sys.Checkout(ctx, "buy-"+e.clk.Now().String(), billing.CheckoutRequest{AccountID: acct, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: cfg, Quantity: 1, Term: term}}})
	require.NoError(t, err)
	r := e.provisionAll(t, acct, res)[0]
	require.Equal(t, lifecycle.StateActive, r.State)
	return r
}

// notices returns the account's notice events of a kind.
func (e env) notices(t *testing.T, acct string, kind billing.NoticeKind) []map[string]any {
	t.Helper()
	evs, err := items(e.sys.Events(context.Background(), billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	var out []map[string]any
	for _, ev := range evs {
		if ev.Kind != billing.EventNotice {
			continue
		}
		var p map[string]any
		require.NoError(t, json.Unmarshal(ev.Payload, &p))
		if p["notice"] == string(kind) {
			out = append(out, p)
		}
	}
	return out
}

func (e env) eventsOf(t *testing.T, acct string, kind billing.EventKind) int {
	t.Helper()
	evs, err := items(e.sys.Events(context.Background(), billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	n := 0
	for _, ev := range evs {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

func (e env) tick(t *testing.T) billing.TickReport {
	t.Helper()
	rep, err := e.sys.Tick(context.Background(), 1000)
	require.NoError(t, err)
	return rep
}

func TestResizeAndDeleteWorkedExamples(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		t.Run("upgrade 181,000 → 520,000 with 50 days left pays 565,000", func(t *testing.T) {
			e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
			e.fund(t, "acme", 2_000_000)
			r := e.buy(t, "acme", small, period.Days(60))
			e.clk.Advance(10 * day)
			res, err := e.sys.Resize(ctx, "up", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: large, PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
			require.NoError(t, err)
			assert.Equal(t, int64(565_000), minor(t, res.Difference), "866,667 − 301,667")
			assert.Equal(t, int64(565_000), minor(t, res.Charged))
			assert.Equal(t, payment.StatusSucceeded, res.Payment.Status)
			assert.True(t, res.Resource.PeriodEnd.Equal(r.PeriodEnd), "the end date is kept")
			assert.Equal(t, large, res.Resource.Configuration)
			invs, err := items(e.sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", ResourceID: r.ID, Limit: 10}))
			require.NoError(t, err)
			require.Len(t, invs, 3, "original, credit note, new invoice")
			assert.Equal(t, invoice.KindInvoice, invs[0].Kind)
			assert.Equal(t, int64(866_667), minor(t, invs[0].Total), "520,000/30 × 50 days")
			assert.Equal(t, invoice.KindCreditNote, invs[1].Kind)
			assert.Equal(t, int64(301_667), minor(t, invs[1].Total), "181,000/30 × 50 days credited")
			assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventResize))
			assert.Equal(t, int64(2_000_000-362_000-565_000), e.available(t, "acme"))
			checkLedger(t, e.st, "acme")
		})
		t.Run("downgrade 520,000 → 181,000 with 20 days left refunds 226,000", func(t *testing.T) {
			e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
			e.fund(t, "acme", 1_000_000)
			r := e.buy(t, "acme", large, period.Days(30))
			e.clk.Advance(10 * day)
			res, err := e.sys.Resize(ctx, "down", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: small})
			require.NoError(t, err)
			assert.Equal(t, int64(-226_000), minor(t, res.Difference), "120,667 − 346,667")
			assert.Equal(t, int64(226_000), minor(t, res.Refunded))
			assert.Equal(t, int64(1_000_000-520_000+226_000), e.available(t, "acme"), "refunded to credit")
			_, err = e.sys.Resize(ctx, "same", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: small})
			require.ErrorIs(t, err, billing.ErrSameConfiguration)
			checkLedger(t, e.st, "acme")
		})
		t.Run("delete with 20 days unused refunds 181,000/30 × 20 = 120,667", func(t *testing.T) {
			e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
			e.fund(t, "acme", 181_000)
			r := e.buy(t, "acme", small, period.Days(30))
			e.clk.Advance(10 * day)
			res, err := e.sys.Delete(ctx, "del", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID, Reason: "no longer needed"})
			require.NoError(t, err)
			assert.Equal(t, int64(120_667), minor(t, res.UnusedValue))
			assert.Equal(t, int64(120_667), minor(t, res.Refunded))
			assert.Equal(t, lifecycle.StateDeleted, res.Resource.State)
			assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventRelease))
			assert.Equal(t, int64(120_667), e.available(t, "acme"))
			_, err = e.sys.Delete(ctx, "del-2", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
			require.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "deleting twice")
			checkLedger(t, e.st, "acme")
		})
		t.Run("with VAT the refund is the unused part of what was paid: 199,100 × 20/30 = 132,733", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 199_100)
			r := e.buy(t, "acme", small, period.Days(30))
			e.clk.Advance(10 * day)
			res, err := e.sys.Delete(ctx, "del", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
			require.NoError(t, err)
			assert.Equal(t, int64(120_667), minor(t, res.UnusedValue))
			assert.Equal(t, int64(132_733), minor(t, res.Refunded), "pro-rata of the 199,100 paid, tax included")
		})
	})
}

func TestLifecycleTimeline(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 1_000_000)
		r := e.buy(t, "acme", small, period.Days(30))
		T := r.PeriodEnd

		e.clk.Set(T.Add(-8 * day))
		assert.Zero(t, e.tick(t).Reminders, "nothing before T−7")
		e.clk.Set(T.Add(-7 * day))
		assert.Equal(t, 1, e.tick(t).Reminders, "the first reminder at T−7")
		assert.Zero(t, e.tick(t).Reminders, "sent once")
		for d := -6; d <= 0; d++ {
			e.clk.Set(T.Add(time.Duration(d) * day))
			e.tick(t)
		}
		assert.Len(t, e.notices(t, "acme", billing.NoticeReminder), 8, "T−7 … T, daily")
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateGrace, got.State, "grace from T")
		assert.Equal(t, lifecycle.StatusExpired, got.BillingStatus)
		assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventRestrict))

		e.clk.Set(T.Add(15 * day))
		e.tick(t)
		got, err = e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateSuspended, got.State, "suspended at T+15")
		assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventSuspend))

		e.clk.Set(T.Add(20 * day))
		res, err := e.sys.Renew(ctx, "renew", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		require.Len(t, res.Resources, 1)
		assert.Equal(t, lifecycle.StateActive, res.Resources[0].State, "renewing a suspended resource resumes it")
		assert.True(t, res.Resources[0].PeriodEnd.Equal(T.Add(30*day)), "the new period starts at the old end, not now: %s", res.Resources[0].PeriodEnd)
		assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventResume))
		assert.Equal(t, 2, e.invoiceCount(t, "acme", r.ID))

		// Without renewal it is released at T'+30 and cannot be renewed.
		T2 := res.Resources[0].PeriodEnd
		e.clk.Set(T2.Add(30 * day))
		rep := e.tick(t)
		assert.Equal(t, 3, rep.Transitions, "term ended, grace ended, suspension ended in one tick")
		got, err = e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateReleased, got.State)
		_, err = e.sys.Renew(ctx, "renew-2", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)

		rec, err := e.sys.Recover(ctx, "recover", billing.RecoverRequest{AccountID: "acme", ResourceID: r.ID, Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateProvisioning, rec.Resources[0].State, "recovered like a new creation")
		back, err := e.sys.ProvisioningSucceeded(ctx, "reprov", billing.ProvisioningRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateActive, back.State)
		assert.True(t, back.PeriodEnd.Equal(e.clk.Now().Add(30*day)))
		checkLedger(t, e.st, "acme")
	})
}

func TestAutoRenewal(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		t.Run("renewed from credit at T−7", func(t *testing.T) {
			e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
			e.fund(t, "acme", 400_000)
			r := e.buy(t, "acme", small, period.Days(30))
			_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "acme", ResourceID: r.ID, On: true})
			require.NoError(t, err)
			e.clk.Set(r.PeriodEnd.Add(-7 * day))
			rep := e.tick(t)
			assert.Equal(t, 1, rep.Renewed)
			got, err := e.sys.Resource(ctx, "acme", r.ID)
			require.NoError(t, err)
			assert.True(t, got.PeriodEnd.Equal(r.PeriodEnd.Add(30*day)), "one month (30 days) more")
			assert.Len(t, e.notices(t, "acme", billing.NoticeAutoRenewed), 1)
			assert.Zero(t, e.tick(t).Renewed, "never twice")
			assert.Equal(t, int64(400_000-181_000-181_000), e.available(t, "acme"), "same price as a manual renewal")
		})
		t.Run("short credit: attempts at T−7, T−4, T−1 and T fail, then stop", func(t *testing.T) {
			e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
			e.fund(t, "acme", 181_000)
			r := e.buy(t, "acme", small, period.Days(30))
			_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "acme", ResourceID: r.ID, On: true})
			require.NoError(t, err)
			failed := 0
			for d := -8; d <= 3; d++ {
				e.clk.Set(r.PeriodEnd.Add(time.Duration(d) * day))
				failed += e.tick(t).RenewalsFailed
			}
			assert.Equal(t, 4, failed)
			assert.Len(t, e.notices(t, "acme", billing.NoticeAutoRenewFailed), 4)
			got, err := e.sys.Resource(ctx, "acme", r.ID)
			require.NoError(t, err)
			assert.Equal(t, lifecycle.StateGrace, got.State)
		})
	})
}

func TestTwoWorkersTickingAtOnceDoEachThingOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 2_000_000)
		var ends []time.Time
		for range 5 {
			r := e.buy(t, "acme", small, period.Days(30))
			_, err := e.sys.SetAutoRenew(context.Background(), "auto-"+r.ID, billing.AutoRenewRequest{AccountID: "acme", ResourceID: r.ID, On: true})
			require.NoError(t, err)
			ends = append(ends, r.PeriodEnd)
		}
		e.clk.Set(ends[len(ends)-1].Add(-7 * day))
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := billing.TickReport{}
		for range 4 {
			wg.Go(func() {
				rep, err := e.sys.Tick(context.Background(), 1000)
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				total.Renewed += rep.Renewed
				mu.Unlock()
			})
		}
		wg.Wait()
		assert.Equal(t, 5, total.Renewed, "each resource renewed exactly once")
		assert.Len(t, e.notices(t, "acme", billing.NoticeAutoRenewed), 5)
		checkLedger(t, e.st, "acme")
	})
}

func TestLifecycleBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		e.account(t, "other")
		e.topUp(t, "acme", 1_000_000)
		r := e.buy(t, "acme", small, period.Days(30))
		_, err := e.sys.Renew(ctx, "k1", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Term{Days: -5}})
		assert.ErrorIs(t, err, billing.ErrInvalidRequest, "negative term")
		_, err = e.sys.Renew(ctx, "k2", billing.RenewRequest{AccountID: "other", ResourceIDs: []string{r.ID}, Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		assert.ErrorIs(t, err, billing.ErrResourceNotFound, "another account's resource")
		_, err = e.sys.Resize(ctx, "k3", billing.ResizeRequest{AccountID: "other", ResourceID: r.ID, Configuration: large})
		assert.ErrorIs(t, err, billing.ErrResourceNotFound)
		_, err = e.sys.Delete(ctx, "k4", billing.DeleteRequest{AccountID: "other", ResourceID: r.ID})
		assert.ErrorIs(t, err, billing.ErrResourceNotFound)
		_, err = e.sys.Resize(ctx, "k5", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 999}}})
		assert.True(t, errors.Is(err, pricing.ErrInvalidQuantity) || errors.Is(err, pricing.ErrInvalidConfiguration), "absurd configuration: %v", err)
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.Equal(t, small, got.Configuration, "nothing changed")
		assert.True(t, got.PeriodEnd.Equal(r.PeriodEnd))
	})
}

func TestAutoRenewalFallsBackToTheDefaultLinkedAccountWhenEnabled(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t); c.AutoRenewWithLinkedAccount = true })
		e.fund(t, "acme", 181_000)
		r := e.buy(t, "acme", small, period.Days(30))
		e.linkAccount(t, "acme", "MoMo •••• 4242")
		_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "acme", ResourceID: r.ID, On: true})
		require.NoError(t, err)

		e.clk.Set(r.PeriodEnd.Add(-7 * day))
		rep := e.tick(t)
		assert.Equal(t, 1, rep.Renewed, "credit is empty: the linked account is charged")
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.True(t, got.PeriodEnd.Equal(r.PeriodEnd.Add(30*day)))
		charges := 0
		for _, c := range e.sim.Calls() {
			if c.Method == gatewaysim.MethodCharge && c.Applied {
				charges++
			}
		}
		assert.Equal(t, 1, charges)
		assert.Len(t, e.notices(t, "acme", billing.NoticeAutoRenewed), 1)
		assert.Zero(t, e.tick(t).Renewed, "once")
		checkLedger(t, e.st, "acme")
	})
}

func TestPerProductPolicies(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		strict := lifecycle.DefaultPolicy()
		strict.RefundOnDelete, strict.RefundOnDowngrade, strict.Recoverable = false, false, false
		e := newEnvWith(t, newStore(t), func(c *billing.Config) {
			c.Catalog = taxFree(t)
			c.Lifecycle = map[string]lifecycle.Policy{pricing.SampleVServer: strict}
		})
		e.fund(t, "acme", 2_000_000)

		r := e.buy(t, "acme", large, period.Days(30))
		e.clk.Advance(10 * day)
		down, err := e.sys.Resize(ctx, "down", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: small})
		require.NoError(t, err)
		assert.Equal(t, int64(-226_000), minor(t, down.Difference))
		assert.True(t, down.Refunded.IsZero(), "this product gives no refund on downgrade")

		del, err := e.sys.Delete(ctx, "del", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		assert.True(t, del.Refunded.IsZero(), "nor on delete")
		assert.Equal(t, int64(2_000_000-520_000), e.available(t, "acme"))

		r2 := e.buy(t, "acme", small, period.Days(30))
		e.clk.Set(r2.PeriodEnd.Add(30 * day))
		e.tick(t)
		_, err = e.sys.Recover(ctx, "rec", billing.RecoverRequest{AccountID: "acme", ResourceID: r2.ID, Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.ErrorIs(t, err, lifecycle.ErrNotRecoverable, "a released resource of this product stays released")
	})
}

func TestResizeCouponsDiscountTheUpgrade(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 2_000_000)
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "UPGRADE50", Kind: coupon.KindPercent, Percent: decimal.NewFromInt(50),
			Actions: []coupon.Action{coupon.ActionResize}}))
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "NEWONLY", Kind: coupon.KindFixed, Amount: vnd(t, 1_000),
			Actions: []coupon.Action{coupon.ActionCreate}}))
		r := e.buy(t, "acme", small, period.Days(60))
		e.clk.Advance(10 * day)

		_, err := e.sys.Resize(ctx, "up-1", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: large,
			PaySpec: billing.PaySpec{Method: payment.MethodCredit, Coupons: []string{"NEWONLY"}}})
		var rej *coupon.Rejection
		require.ErrorAs(t, err, &rej)
		assert.Equal(t, coupon.ReasonNotApplicableAction, rej.Reason)

		res, err := e.sys.Resize(ctx, "up-2", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: large,
			PaySpec: billing.PaySpec{Method: payment.MethodCredit, Coupons: []string{"UPGRADE50"}}})
		require.NoError(t, err)
		assert.Equal(t, int64(565_000), minor(t, res.Difference))
		assert.Equal(t, int64(282_500), minor(t, res.Charged), "half of the 565,000 upgrade")
		assert.Equal(t, int64(2_000_000-362_000-282_500), e.available(t, "acme"))
		assert.Equal(t, large, res.Resource.Configuration)
		checkLedger(t, e.st, "acme")

		_, err = e.sys.Resize(ctx, "down", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: small,
			PaySpec: billing.PaySpec{Coupons: []string{"UPGRADE50"}}})
		require.ErrorIs(t, err, billing.ErrInvalidRequest, "coupons do not apply to a downgrade")
	})
}
