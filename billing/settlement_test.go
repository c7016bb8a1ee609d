package billing_test

import (
	"context"
	"fmt"
	"strings"
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
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// basic1 is the sample vServer plan at 90,000 per 30 days (99,000 with VAT).
var basic1 = pricing.Configuration{Plan: "basic-1"}

// gatewayCheckout places a checkout of one basic-1 vServer for 30 days
// through the gateway and leaves its payment pending, as a customer who
// abandoned the redirect does.
func (e env) gatewayCheckout(t *testing.T, acct, key string) billing.CheckoutResult {
	t.Helper()
	res, err := e.sys.Checkout(context.Background(), key, billing.CheckoutRequest{AccountID: acct, Method: payment.MethodGateway, Gateway: "sim",
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: basic1, Quantity: 1, Term: period.Days(30)}}})
	require.NoError(t, err)
	require.Equal(t, payment.StatusPending, res.Payment.Status)
	require.Equal(t, int64(99_000), minor(t, res.Order.Total))
	return res
}

func TestAnOrderIsSettledOnlyByItsExactTotal(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 200_000)
		res := e.gatewayCheckout(t, "acme", "checkout")
		order := payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}

		t.Run("1 VND by credit for a 99,000 order is refused and takes nothing", func(t *testing.T) {
			_, err := e.sys.Pay(ctx, "one-dong", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1), Method: payment.MethodCredit, Purpose: order})
			require.ErrorIs(t, err, billing.ErrAmountDue)
			var due *billing.AmountDueError
			require.ErrorAs(t, err, &due)
			assert.Equal(t, int64(99_000), minor(t, due.Due))
			assert.Equal(t, int64(200_000), e.available(t, "acme"))
			o, err := e.sys.Order(ctx, "acme", res.Order.ID)
			require.NoError(t, err)
			assert.Equal(t, "pending_payment", string(o.Status))
			assert.Zero(t, e.eventsOf(t, "acme", billing.EventProvision), "nothing provisioned")
		})
		t.Run("a payment link for an arbitrary amount is refused", func(t *testing.T) {
			_, err := e.sys.CreatePaymentLink(ctx, "link-1", billing.PaymentLinkRequest{AccountID: "acme", Amount: vnd(t, 1), Purpose: order})
			require.ErrorIs(t, err, billing.ErrAmountDue)
		})
		link, err := e.sys.CreatePaymentLink(ctx, "link-2", billing.PaymentLinkRequest{AccountID: "acme", Purpose: order})
		require.NoError(t, err)
		assert.Equal(t, int64(99_000), minor(t, link.Amount), "a link asks for what is outstanding")
		payer, err := e.sys.PayLink(ctx, "payer", billing.PayLinkRequest{Token: link.Token, Gateway: "sim"})
		require.NoError(t, err)

		p, err := e.sys.Pay(ctx, "by-credit", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 99_000), Method: payment.MethodCredit, Purpose: order})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status)
		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, "paid", string(o.Status))
		assert.Equal(t, p.ID, o.PaymentID, "settled by the payment that paid it")
		assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventProvision))
		assert.Equal(t, int64(101_000), e.available(t, "acme"))

		t.Run("paying a settled order again is refused", func(t *testing.T) {
			_, err := e.sys.Pay(ctx, "again", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 99_000), Method: payment.MethodCredit, Purpose: order})
			require.ErrorIs(t, err, billing.ErrNotPayable)
			_, err = e.sys.CreatePaymentLink(ctx, "link-3", billing.PaymentLinkRequest{AccountID: "acme", Purpose: order})
			require.ErrorIs(t, err, billing.ErrNotPayable)
			assert.Equal(t, int64(101_000), e.available(t, "acme"))
		})

		t.Run("the abandoned 99,000 gateway payment succeeds later: credited back, not kept", func(t *testing.T) {
			cb, err := e.sim.Complete(res.Payment.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			got, err := e.sys.Payment(ctx, "acme", res.Payment.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusRefunded, got.Status)
			assert.Equal(t, int64(99_000), minor(t, got.Refunded))
			assert.Equal(t, int64(200_000), e.available(t, "acme"), "paid once in all")
			assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventPaymentCredited))
			assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventProvision), "not provisioned twice")
		})
		t.Run("a link paid after the customer paid another way is credited back", func(t *testing.T) {
			cb, err := e.sim.Complete(payer.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			got, err := e.sys.Payment(ctx, "acme", payer.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusRefunded, got.Status)
			assert.Equal(t, int64(299_000), e.available(t, "acme"), "the payer's 99,000 is the account's credit now")
			assert.Equal(t, 2, e.eventsOf(t, "acme", billing.EventPaymentCredited))
			_, err = e.sys.PayLink(ctx, "payer-2", billing.PayLinkRequest{Token: link.Token, Gateway: "sim"})
			require.Error(t, err, "the link takes no more money")
		})
		checkLedger(t, e.st, "acme")
	})
}

func TestAPaymentNamesAnObligationOfItsOwnAccount(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		e.fund(t, "bob", 200_000)
		res := e.gatewayCheckout(t, "acme", "checkout")

		for _, tc := range []struct {
			name    string
			purpose payment.Purpose
			want    error
		}{
			{"another account's order is not found", payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}, billing.ErrOrderNotFound},
			{"an unknown order is not found", payment.Purpose{Kind: payment.PurposeOrder, Ref: "ord_nope"}, billing.ErrOrderNotFound},
			{"an unknown invoice is not found", payment.Purpose{Kind: payment.PurposeInvoice, Ref: "inv_nope"}, billing.ErrInvoiceNotFound},
			{"a malformed reference is a request error", payment.Purpose{Kind: payment.PurposeOrder, Ref: ""}, billing.ErrInvalidRequest},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.sys.Pay(ctx, "pay-"+tc.name, billing.PayRequest{AccountID: "bob", Amount: vnd(t, 99_000), Method: payment.MethodCredit, Purpose: tc.purpose})
				require.ErrorIs(t, err, tc.want)
				_, err = e.sys.CreatePaymentLink(ctx, "link-"+tc.name, billing.PaymentLinkRequest{AccountID: "bob", Purpose: tc.purpose})
				require.ErrorIs(t, err, tc.want)
			})
		}
		assert.Equal(t, int64(200_000), e.available(t, "bob"), "bob lost nothing")
		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, "pending_payment", string(o.Status), "acme's order untouched")

		t.Run("a Paid invoice is not payable", func(t *testing.T) {
			r := e.buy(t, "bob", basic1, period.Days(30))
			_, err := e.sys.Pay(ctx, "pay-invoice", billing.PayRequest{AccountID: "bob", Amount: vnd(t, 1_000), Method: payment.MethodCredit,
				Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: r.InvoiceIDs[0]}})
			require.ErrorIs(t, err, billing.ErrNotPayable)
		})
	})
}

func TestRefundsNeverExceedWhatWasPaid(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		newTaxFree := func(t *testing.T) env {
			return newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		}

		t.Run("520,000 at 50% off (paid 260,000), downgraded after a day, then deleted: 251,333 back in all", func(t *testing.T) {
			e := newTaxFree(t)
			require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "HALF", Kind: coupon.KindPercent, Percent: decimal.NewFromInt(50)}))
			e.fund(t, "acme", 260_000)
			res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Coupons: []string{"HALF"},
				Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: large, Quantity: 1, Term: period.Days(30)}}})
			require.NoError(t, err)
			assert.Equal(t, int64(260_000), minor(t, res.Order.Total))
			r := e.provisionAll(t, "acme", res)[0]
			e.clk.Advance(day)

			// Unused paid value 260,000 × 29/30 = 251,333 at half the list
			// price (502,667); the list difference 502,667 − 174,967 =
			// 327,700 is refunded at the same half: 163,850.
			down, err := e.sys.Resize(ctx, "down", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: small})
			require.NoError(t, err)
			assert.Equal(t, int64(163_850), minor(t, down.Refunded), "not the 327,700 list difference")
			assert.Equal(t, int64(87_483), minor(t, down.Resource.Refundable))

			del, err := e.sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
			require.NoError(t, err)
			assert.Equal(t, int64(87_483), minor(t, del.Refunded))
			assert.Equal(t, int64(251_333), e.available(t, "acme"), "the unused 29 days of the 260,000 paid, no more")
			assert.Equal(t, int64(251_333), creditNoteTotal(t, e, "acme", r.ID)-invoiceTotalAfterFirst(t, e, "acme", r.ID),
				"credit notes less reissued invoices are the refunds")
			checkLedger(t, e.st, "acme")
		})

		t.Run("12 months at 15% off deleted after 30 days refunds 330/360 of the 1,846,200 paid", func(t *testing.T) {
			e := newTaxFree(t)
			e.fund(t, "acme", 1_846_200)
			r := e.buy(t, "acme", small, period.Months(12))
			e.clk.Advance(30 * day)
			del, err := e.sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
			require.NoError(t, err)
			assert.Equal(t, int64(1_692_350), minor(t, del.Refunded))
			assert.Equal(t, int64(1_692_350), e.available(t, "acme"))
		})

		t.Run("a manual refund of the order's payment, then a delete: 181,000 back once, not twice", func(t *testing.T) {
			e := newTaxFree(t)
			e.fund(t, "acme", 181_000)
			r := e.buy(t, "acme", small, period.Days(30))
			o, err := e.sys.Order(ctx, "acme", r.OrderID)
			require.NoError(t, err)
			p, err := e.sys.RefundToCredit(ctx, "refund", billing.RefundRequest{AccountID: "acme", PaymentID: o.PaymentID, Amount: vnd(t, 181_000), Reason: "goodwill"})
			require.NoError(t, err)
			assert.Equal(t, payment.StatusRefunded, p.Status)
			assert.Equal(t, int64(181_000), creditNoteTotal(t, e, "acme", r.ID), "the refund is a credit note against the invoice")
			del, err := e.sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
			require.NoError(t, err)
			assert.True(t, del.Refunded.IsZero())
			assert.Equal(t, int64(181_000), e.available(t, "acme"))
			checkLedger(t, e.st, "acme")
		})

		t.Run("a renewal paid after the resource was released is credited back", func(t *testing.T) {
			e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t); c.PaymentTimeout = 7 * 24 * time.Hour })
			e.fund(t, "acme", 181_000)
			r := e.buy(t, "acme", small, period.Days(30))
			e.clk.Advance(59 * day) // suspended, a day before release
			for range 3 {
				e.tick(t)
			}
			act, err := e.sys.Renew(ctx, "renew", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Days(30),
				PaySpec: billing.PaySpec{Method: payment.MethodGateway, Gateway: "sim"}})
			require.NoError(t, err)
			e.clk.Advance(2 * day)
			for range 3 {
				e.tick(t)
			}
			got, err := e.sys.Resource(ctx, "acme", r.ID)
			require.NoError(t, err)
			require.Equal(t, lifecycle.StateReleased, got.State)
			cb, err := e.sim.Complete(act.Payment.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			p, err := e.sys.Payment(ctx, "acme", act.Payment.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusRefunded, p.Status)
			assert.Equal(t, int64(181_000), e.available(t, "acme"), "the renewal's money is credit, not revenue")
			assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventPaymentCredited))
			checkLedger(t, e.st, "acme")
		})
	})
}

func TestAResizePaidAfterItsResourceWasDeletedIsCreditedWhatItCharged(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 181_000)
		r := e.buy(t, "acme", small, period.Days(30))
		e.clk.Advance(10 * day)
		up, err := e.sys.Resize(ctx, "up", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: large,
			PaySpec: billing.PaySpec{Method: payment.MethodGateway, Gateway: "sim"}})
		require.NoError(t, err)
		assert.Equal(t, int64(226_000), minor(t, up.Charged), "(520,000 − 181,000) × 20/30")
		del, err := e.sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		assert.Equal(t, int64(120_667), minor(t, del.Refunded))

		cb, err := e.sim.Complete(up.Payment.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err, "the callback is applied, not rejected on every delivery")
		p, err := e.sys.Payment(ctx, "acme", up.Payment.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusRefunded, p.Status)
		assert.Equal(t, int64(120_667+226_000), e.available(t, "acme"), "the 226,000 the upgrade charged comes back, no more")
		checkLedger(t, e.st, "acme")
	})
}

func TestTheActionLogNamesTheActor(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 1_000_000)
		res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Actor: "ops@host",
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 2, Term: period.Days(30)}}})
		require.NoError(t, err)
		rs := e.provisionAll(t, "acme", res)
		_, err = e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "acme", ResourceID: rs[0].ID, On: true})
		require.NoError(t, err)
		_, err = e.sys.Delete(ctx, "del", billing.DeleteRequest{AccountID: "acme", ResourceID: rs[1].ID, Actor: "support:jane"})
		require.NoError(t, err)
		e.clk.Advance(30*day - 7*day + 2*time.Hour) // T−7, past 08:00
		e.tick(t)

		actors := map[string][]string{}
		for _, r := range rs {
			list, err := items(e.sys.Actions(ctx, billing.ListRequest{AccountID: "acme", ResourceID: r.ID, Limit: 100}))
			require.NoError(t, err)
			for _, a := range list {
				actors[string(a.Kind)] = append(actors[string(a.Kind)], a.Actor)
			}
		}
		assert.Equal(t, []string{"ops@host", "ops@host"}, actors["create"], "the host's actor who placed the order")
		assert.Equal(t, []string{"acme"}, actors["auto_renew_on"], "the account when no actor is given")
		assert.Equal(t, []string{"support:jane"}, actors["delete"])
		assert.Equal(t, []string{billing.ActorAutoRenew}, actors["renew"], "automatic renewals are the system's")
	})
}

// invoiceTotalAfterFirst sums a resource's invoices other than the first
// (the ones a resize issued for the value carried over).
func invoiceTotalAfterFirst(t testing.TB, e env, acct, resourceID string) int64 {
	t.Helper()
	r, err := e.sys.Resource(context.Background(), acct, resourceID)
	require.NoError(t, err)
	var n int64
	for i, id := range r.InvoiceIDs {
		inv, err := e.sys.Invoice(context.Background(), acct, id)
		require.NoError(t, err)
		if i > 0 && inv.Kind == "invoice" {
			n += minor(t, inv.Total)
		}
	}
	return n
}

func TestConcurrentPaymentsOfOneOrderSettleItOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 1_000_000)
		res := e.gatewayCheckout(t, "acme", "checkout")
		order := payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}
		const n = 20
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for i := range n {
			wg.Go(func() {
				_, err := e.sys.Pay(ctx, fmt.Sprintf("pay-%d", i), billing.PayRequest{AccountID: "acme", Amount: vnd(t, 99_000), Method: payment.MethodCredit, Purpose: order})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case assert.ErrorIs(t, err, billing.ErrNotPayable):
					refused++
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, ok, "one payment settles the order")
		assert.Equal(t, n-1, refused)
		assert.Equal(t, int64(901_000), e.available(t, "acme"), "debited once")
		assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventProvision))
		checkLedger(t, e.st, "acme")
	})
}

func TestHostActorsCannotPassForTheSystem(t *testing.T) {
	e := newEnv(t, newMemory())
	e.fund(t, "acme", 1_000_000)
	for _, actor := range []string{billing.ActorAutoRenew, "system:anything", "auto-renew"} {
		_, err := e.sys.Checkout(context.Background(), "buy-"+actor, billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Actor: actor,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Days(30)}}})
		var re *billing.RequestError
		require.ErrorAs(t, err, &re, actor)
		assert.Equal(t, "Actor", re.Field)
	}
	assert.Equal(t, int64(1_000_000), e.available(t, "acme"))
}

func TestALongGatewayDisplayNameIsCutToWhatALinkedAccountKeeps(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		start, err := e.sys.StartLinking(ctx, "link", billing.LinkAccountRequest{AccountID: "acme", Gateway: "sim"})
		require.NoError(t, err)
		cb, err := e.sim.CompleteLink(start.LinkID, strings.Repeat("MoMo •••• 4242 ", 80)) // 1,840 bytes
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)
		list, err := e.sys.LinkedAccounts(ctx, "acme")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.LessOrEqual(t, len(list[0].Display), payment.MaxDisplayLen)
		assert.True(t, strings.HasPrefix(list[0].Display, "MoMo •••• 4242"))
		_, err = e.sys.SetDefaultLinkedAccount(ctx, "default", billing.LinkedAccountRequest{AccountID: "acme", LinkID: start.LinkID})
		require.NoError(t, err, "the account stays usable")
	})
}
