package billing_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// The seed's order: a vServer plan at 90,000 and 50 GB of vStorage at
// 35,000 per 30 days, for 60 days.
func seedItems() []billing.OrderItem {
	return []billing.OrderItem{
		{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
		{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(60)},
	}
}

func fixedCoupon(t *testing.T, code string, n int64) coupon.Coupon {
	return coupon.Coupon{Code: code, Kind: coupon.KindFixed, Amount: vnd(t, n)}
}

// provisionAll reports success for every resource of an order.
func (e env) provisionAll(t *testing.T, acct string, res billing.CheckoutResult) []billing.Resource {
	t.Helper()
	var out []billing.Resource
	for _, r := range res.Resources {
		got, err := e.sys.ProvisioningSucceeded(context.Background(), "prov-"+r.ID, billing.ProvisioningRequest{AccountID: acct, ResourceID: r.ID})
		require.NoError(t, err)
		out = append(out, got)
	}
	return out
}

func TestCheckoutByCreditTheSeedsFlow(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 500_000)
		require.NoError(t, e.sys.DefineCoupon(ctx, fixedCoupon(t, "WELCOME20K", 20_000)))

		q, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"welcome20k"}})
		require.NoError(t, err)
		assert.Equal(t, int64(230_000), minor(t, q.Net), "90,000/30 × 60 + 35,000/30 × 60 − 20,000 = 230,000")
		assert.Equal(t, int64(253_000), minor(t, q.Total), "plus 10% VAT")

		res, err := e.sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"welcome20k"},
			Method: payment.MethodCredit, ExpectedTotal: q.Total})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, res.Payment.Status)
		assert.Equal(t, order.StatusPaid, res.Order.Status)
		require.Len(t, res.Resources, 2)
		for _, r := range res.Resources {
			assert.Equal(t, lifecycle.StateProvisioning, r.State, "handed to the host to provision")
		}
		again, err := e.sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"welcome20k"},
			Method: payment.MethodCredit, ExpectedTotal: q.Total})
		require.NoError(t, err)
		assert.Equal(t, res.Order.ID, again.Order.ID, "a double-submitted checkout is one order")

		events, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		provisions := 0
		for _, ev := range events {
			if ev.Kind == billing.EventProvision {
				provisions++
			}
		}
		assert.Equal(t, 2, provisions, "one provision event per resource")

		e.clk.Advance(time.Minute)
		active := e.provisionAll(t, "acme", res)
		for _, r := range active {
			assert.Equal(t, lifecycle.StateActive, r.State)
			assert.True(t, e.clk.Now().Add(60*24*time.Hour).Equal(r.PeriodEnd), "60 days from activation, got %s", r.PeriodEnd)
			assert.Equal(t, lifecycle.StatusGood, r.BillingStatus)
			require.Len(t, r.InvoiceIDs, 1)
		}
		invs, err := items(e.sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		require.Len(t, invs, 2, "one invoice per resource")
		totals := map[string]int64{}
		numbers := map[string]bool{}
		for _, inv := range invs {
			assert.Equal(t, invoice.StatusPaid, inv.Status, "prepaid invoices are issued Paid")
			totals[inv.ResourceID] = minor(t, inv.Total)
			numbers[inv.DisplayNumber()] = true
		}
		assert.Equal(t, int64(182_160), totals[active[0].ID], "180,000 − 14,400 coupon share + 10% VAT")
		assert.Equal(t, int64(70_840), totals[active[1].ID], "70,000 − 5,600 coupon share + 10% VAT")
		assert.True(t, numbers["INV-2026-000001"] && numbers["INV-2026-000002"], "gapless numbers: %v", numbers)

		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusCompleted, o.Status)
		assert.Equal(t, int64(247_000), e.available(t, "acme"))
		acts, err := items(e.sys.Actions(ctx, billing.ListRequest{AccountID: "acme", ResourceID: active[0].ID, Limit: 10}))
		require.NoError(t, err)
		require.Len(t, acts, 1)
		assert.Equal(t, invoice.ActionCreate, acts[0].Kind)

		t.Run("another account sees none of it", func(t *testing.T) {
			e.account(t, "other")
			_, err := e.sys.Resource(ctx, "other", active[0].ID)
			assert.ErrorIs(t, err, billing.ErrResourceNotFound)
			_, err = e.sys.Invoice(ctx, "other", invs[0].ID)
			assert.ErrorIs(t, err, billing.ErrInvoiceNotFound)
			_, err = e.sys.Order(ctx, "other", res.Order.ID)
			assert.ErrorIs(t, err, billing.ErrOrderNotFound)
			_, err = e.sys.ProvisioningSucceeded(ctx, "steal", billing.ProvisioningRequest{AccountID: "other", ResourceID: active[0].ID})
			assert.ErrorIs(t, err, billing.ErrResourceNotFound)
		})
		checkLedger(t, e.st, "acme")
	})
}

// splitCatalog prices two flat plans of 1,000,000 and 500,000, tax free.
func splitCatalog(t *testing.T) *pricing.Catalog {
	cat, err := pricing.NewCatalog(pricing.Config{
		Currency: "VND",
		Tax:      pricing.TaxPolicy{Rate: decimal.Zero, Mode: pricing.TaxExclusive},
		Products: []pricing.Product{
			{ID: "vserver", Name: "vServer", Plans: []pricing.Plan{{ID: "big", Name: "Big", Price: decimal.NewFromInt(1_000_000)}}},
			{ID: "vstorage", Name: "vStorage", Plans: []pricing.Plan{{ID: "half", Name: "Half", Price: decimal.NewFromInt(500_000)}}},
		},
	})
	require.NoError(t, err)
	return cat
}

func TestCouponSplitByEachResourcesShare(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = splitCatalog(t) })
		e.fund(t, "acme", 2_000_000)
		require.NoError(t, e.sys.DefineCoupon(ctx, fixedCoupon(t, "SAVE150K", 150_000)))
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Coupons: []string{"SAVE150K"}, Method: payment.MethodCredit,
			Items: []billing.OrderItem{
				{ProductID: "vserver", Configuration: pricing.Configuration{Plan: "big"}, Quantity: 1, Term: period.Months(1)},
				{ProductID: "vstorage", Configuration: pricing.Configuration{Plan: "half"}, Quantity: 1, Term: period.Months(1)},
			}})
		require.NoError(t, err)
		assert.Equal(t, int64(100_000), minor(t, res.Order.Quote.Lines[0].Discount), "150,000 × 1,000,000/1,500,000")
		assert.Equal(t, int64(50_000), minor(t, res.Order.Quote.Lines[1].Discount), "150,000 × 500,000/1,500,000")
		e.provisionAll(t, "acme", res)
		got := map[string]int64{}
		invs, err := items(e.sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		for _, inv := range invs {
			got[inv.ResourceID] = minor(t, inv.Total)
		}
		assert.Equal(t, int64(900_000), got[res.Resources[0].ID], "each invoice records its post-coupon amount")
		assert.Equal(t, int64(450_000), got[res.Resources[1].ID])
	})
}

func TestCheckoutTopUpAndPayCompletesOnTheCallback(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 100_000)
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodTopUpAndPay, Gateway: "sim"})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPending, res.Payment.Status)
		assert.NotEmpty(t, res.Payment.RedirectURL)
		assert.Equal(t, int64(100_000), minor(t, res.Payment.FromCredit))
		assert.Equal(t, int64(175_000), minor(t, res.Payment.FromGateway), "275,000 total − 100,000 credit")
		assert.Equal(t, order.StatusPending, res.Order.Status)

		cb, err := e.sim.Complete(res.Payment.ID)
		require.NoError(t, err)
		for range 3 { // duplicated callbacks: one payment, one set of resources
			_, err = e.deliver(t, e.sim.Duplicate(cb))
			require.NoError(t, err)
		}
		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaid, o.Status)
		rs, err := e.sys.OrderResources(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		require.Len(t, rs, 2)
		assert.Equal(t, lifecycle.StateProvisioning, rs[0].State)
		e.provisionAll(t, "acme", billing.CheckoutResult{Resources: rs})
		assert.Equal(t, 2, e.invoiceCount(t, "acme", ""))
		checkLedger(t, e.st, "acme")
	})
}

func TestCheckoutByGatewayDeclinedReleasesEverything(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "ONCE", Kind: coupon.KindFixed, Amount: vnd(t, 10_000), TotalLimit: 1}))
		e.sim.SetDefaultOutcome(gatewaysim.Decline("card declined"))
		res, err := e.sys.Checkout(ctx, "o1", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"ONCE"},
			Method: payment.MethodGateway, Gateway: "sim"})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPending, res.Payment.Status)
		cb, err := e.sim.Complete(res.Payment.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)

		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusFailed, o.Status)
		rs, err := e.sys.OrderResources(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		for _, r := range rs {
			assert.Equal(t, lifecycle.StateDeleted, r.State, "an unpaid order's resources are canceled")
		}
		// The reservation was released: the one-use coupon works again.
		e.sim.SetDefaultOutcome(gatewaysim.Succeed())
		_, err = e.sys.Checkout(ctx, "o2", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"ONCE"},
			Method: payment.MethodGateway, Gateway: "sim"})
		require.NoError(t, err)
		_, err = e.sys.Checkout(ctx, "o3", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"ONCE"},
			Method: payment.MethodGateway, Gateway: "sim"})
		require.ErrorIs(t, err, coupon.ErrRejected, "reserved by the pending o2")
	})
}

func TestProvisioningFailureRefundsThatResourceAndReleasesItsCouponShare(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 500_000)
		require.NoError(t, e.sys.DefineCoupon(ctx, fixedCoupon(t, "WELCOME20K", 20_000)))
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: []string{"WELCOME20K"}, Method: payment.MethodCredit})
		require.NoError(t, err)
		vs, st := res.Resources[0], res.Resources[1]

		failed, err := e.sys.ProvisioningFailed(ctx, "fail", billing.ProvisioningRequest{AccountID: "acme", ResourceID: st.ID, Reason: "no capacity"})
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateProvisioningFailed, failed.State)
		assert.Empty(t, failed.InvoiceIDs, "no Paid invoice")
		assert.Equal(t, int64(500_000-253_000+70_840), e.available(t, "acme"), "the vStorage line's 70,840 is refunded to credit")

		_, err = e.sys.ProvisioningSucceeded(ctx, "ok", billing.ProvisioningRequest{AccountID: "acme", ResourceID: vs.ID})
		require.NoError(t, err)
		_, err = e.sys.ProvisioningSucceeded(ctx, "again", billing.ProvisioningRequest{AccountID: "acme", ResourceID: st.ID})
		require.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "a failed resource cannot become active")
		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusCompleted, o.Status)
		p, err := e.sys.Payment(ctx, "acme", res.Payment.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPartiallyRefunded, p.Status)
		assert.Equal(t, int64(70_840), minor(t, p.Refunded))
		assert.Equal(t, 1, e.invoiceCount(t, "acme", ""))
		checkLedger(t, e.st, "acme")
	})
}

func TestCheckoutRejectionsChangeNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 100_000)
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "VSONLY", Kind: coupon.KindFixed, Amount: vnd(t, 1_000), Products: []string{"vdb"}}))
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "OLD", Kind: coupon.KindFixed, Amount: vnd(t, 1_000), ValidUntil: start.Add(-time.Hour)}))
		for _, tc := range []struct {
			name string
			req  billing.CheckoutRequest
			want error
		}{
			{"no items", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit}, billing.ErrInvalidRequest},
			{"zero quantity", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: []billing.OrderItem{{ProductID: "vserver", Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 0, Term: period.Months(1)}}}, billing.ErrInvalidRequest},
			{"negative term", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: []billing.OrderItem{{ProductID: "vserver", Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Term{Months: -1}}}}, billing.ErrInvalidRequest},
			{"absurd term", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: []billing.OrderItem{{ProductID: "vserver", Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(100_000)}}}, billing.ErrInvalidRequest},
			{"unknown product", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: []billing.OrderItem{{ProductID: "vgpu", Quantity: 1, Term: period.Months(1)}}}, pricing.ErrUnknownProduct},
			{"unknown coupon", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: seedItems(), Coupons: []string{"NOPE"}}, coupon.ErrRejected},
			{"coupon for another product", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: seedItems(), Coupons: []string{"VSONLY"}}, coupon.ErrRejected},
			{"expired coupon", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: seedItems(), Coupons: []string{"OLD"}}, coupon.ErrRejected},
			{"insufficient credit", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: seedItems()}, payment.ErrInsufficientCredit},
			{"the price changed since the quote", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: seedItems()[:1], ExpectedTotal: vnd(t, 99_000)}, billing.ErrQuoteChanged},
			{"unknown account", billing.CheckoutRequest{AccountID: "ghost", Method: payment.MethodCredit, Items: seedItems()}, billing.ErrAccountNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.sys.Checkout(ctx, "k-"+tc.name, tc.req)
				require.ErrorIs(t, err, tc.want)
			})
		}
		var rej *coupon.Rejection
		_, err := e.sys.Checkout(ctx, "k", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: seedItems(), Coupons: []string{"OLD"}})
		require.ErrorAs(t, err, &rej)
		assert.Equal(t, coupon.ReasonExpired, rej.Reason)
		rs, err := items(e.sys.Resources(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		assert.Empty(t, rs, "no resource was created")
		assert.Equal(t, int64(100_000), e.available(t, "acme"), "no credit was spent")
	})
}

func TestCouponLimitHoldsUnderConcurrentCheckouts(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "FIRST3", Kind: coupon.KindFixed, Amount: vnd(t, 10_000), TotalLimit: 3}))
		const n = 50
		for i := range n {
			id := fmt.Sprintf("c%d", i)
			e.account(t, id)
			_, err := e.sys.GrantPromotionalCredit(ctx, "g", billing.GrantRequest{AccountID: id, Amount: vnd(t, 1_000_000), ValidFor: 24 * time.Hour, Actor: "test"})
			require.NoError(t, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, limited := 0, 0
		for i := range n {
			wg.Go(func() {
				_, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: fmt.Sprintf("c%d", i), Items: seedItems()[:1],
					Coupons: []string{"FIRST3"}, Method: payment.MethodCredit})
				mu.Lock()
				defer mu.Unlock()
				var rej *coupon.Rejection
				switch {
				case err == nil:
					won++
				case errors.As(err, &rej) && rej.Reason == coupon.ReasonTotalLimitReached:
					limited++
				default:
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 3, won, "a coupon limited to 3 is redeemed exactly 3 times")
		assert.Equal(t, n-3, limited)
	})
}

var _ = money.Amount{}

func TestACheckoutMadeFreeByACouponNeedsNoPayment(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "FREE", Kind: coupon.KindPercent, Percent: decimal.NewFromInt(100)}))
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems()[:1], Coupons: []string{"FREE"}, Method: payment.MethodCredit})
		require.NoError(t, err)
		assert.True(t, res.Order.Total.IsZero(), "100% off")
		assert.Equal(t, order.StatusPaid, res.Order.Status)
		assert.Empty(t, res.Order.PaymentID, "nothing to pay, no payment")
		require.Len(t, res.Resources, 1)
		assert.Equal(t, lifecycle.StateProvisioning, res.Resources[0].State)
		r := e.provisionAll(t, "acme", res)[0]
		inv, err := e.sys.Invoice(ctx, "acme", r.InvoiceIDs[0])
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPaid, inv.Status)
		assert.True(t, inv.Total.IsZero())
		assert.Equal(t, int64(180_000), minor(t, inv.Subtotal), "the invoice shows the price and the discount")
	})
}

func TestAnOrderPaidOnBehalfThroughAPaymentLink(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodGateway, Gateway: "sim"})
		require.NoError(t, err)
		link, err := e.sys.CreatePaymentLink(ctx, "link", billing.PaymentLinkRequest{AccountID: "acme", Amount: res.Order.Total,
			Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}, Description: "please pay for our servers"})
		require.NoError(t, err)

		// Someone else opens the link and pays through the gateway.
		p, err := e.sys.PayLink(ctx, "payer", billing.PayLinkRequest{Token: link.Token, Gateway: "sim"})
		require.NoError(t, err)
		cb, err := e.sim.Complete(p.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)

		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaid, o.Status)
		assert.Equal(t, p.ID, o.PaymentID, "paid by the link's payment")
		rs, err := e.sys.OrderResources(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		for _, r := range rs {
			assert.Equal(t, lifecycle.StateProvisioning, r.State)
		}
		// The customer's own redirect payment, never completed, expires
		// without undoing the order.
		e.clk.Advance(31 * time.Minute)
		rep, err := e.sys.Tick(ctx, 10)
		n := rep.PaymentsExpired
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		o, err = e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaid, o.Status)
		checkLedger(t, e.st, "acme")
	})
}

func TestCheckoutWithALinkedAccount(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		link, err := e.sys.StartLinking(ctx, "link", billing.LinkAccountRequest{AccountID: "acme", Gateway: "sim"})
		require.NoError(t, err)
		cb, err := e.sim.CompleteLink(link.LinkID, "ZaloPay •••• 9876")
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodLinkedAccount})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, res.Payment.Status, "charged without a redirect")
		assert.Equal(t, order.StatusPaid, res.Order.Status)
		assert.Equal(t, int64(275_000), minor(t, res.Payment.FromGateway))
		assert.Zero(t, e.available(t, "acme"), "the wallet is untouched")
	})
}

func TestDefineCouponIsIdempotentByCode(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, newMemory())
	c := fixedCoupon(t, "WELCOME20K", 20_000)
	require.NoError(t, e.sys.DefineCoupon(ctx, c))
	require.NoError(t, e.sys.DefineCoupon(ctx, c), "the same definition again is a no-op")
	c.Amount = vnd(t, 25_000)
	require.ErrorIs(t, e.sys.DefineCoupon(ctx, c), billing.ErrCouponExists, "a code never changes meaning")
	require.ErrorIs(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "x", Kind: coupon.KindFixed}), billing.ErrInvalidRequest)
}
