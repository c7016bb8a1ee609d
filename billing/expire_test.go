package billing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// flakyGateway is the simulated gateway behind a network that can fail:
// while down, CreatePayment returns a temporary error without reaching the
// provider, as a connection reset would. It counts the payment ids it was
// asked to create.
type flakyGateway struct {
	*gatewaysim.Gateway
	mu    sync.Mutex
	down  bool
	asked []string
}

func (g *flakyGateway) CreatePayment(ctx context.Context, req gateway.PaymentRequest) (gateway.Redirect, error) {
	g.mu.Lock()
	g.asked = append(g.asked, req.PaymentID)
	down := g.down
	g.mu.Unlock()
	if down {
		return gateway.Redirect{}, fmt.Errorf("%w: connection reset by peer", gateway.ErrTemporary)
	}
	return g.Gateway.CreatePayment(ctx, req)
}

func (g *flakyGateway) setDown(down bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.down = down
}

// times returns how often CreatePayment was called for the payment id.
func (g *flakyGateway) times(paymentID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, id := range g.asked {
		if id == paymentID {
			n++
		}
	}
	return n
}

// newFlakyEnv is newEnv with the simulator behind a flakyGateway.
func newFlakyEnv(t *testing.T, st storage.Store) (env, *flakyGateway) {
	t.Helper()
	var flaky *flakyGateway
	e := newEnvWith(t, st, func(c *billing.Config) {
		flaky = &flakyGateway{Gateway: c.Gateways[0].(*gatewaysim.Gateway)}
		c.Gateways = []gateway.Gateway{flaky}
	})
	return e, flaky
}

// wallet returns the account's wallet.
func (e env) wallet(t *testing.T, acct string) billing.Wallet {
	t.Helper()
	w, err := e.sys.Wallet(context.Background(), acct)
	require.NoError(t, err)
	return w
}

// TestAnAbandonedTopUpAndPayIsExpiredAndReleasesItsCreditAndCoupon: a Top
// up & Pay checkout whose gateway answered only a temporary failure stays
// "created", holding 100,000 of credit and the only redemption of a
// limit-1 coupon. The worker asks the gateway again while the payment is
// young, and once it is past its expiry (30 minutes) a Tick expires it:
// the 100,000 is back in the wallet, the order failed, its resources
// deleted, and the coupon is usable by another account.
func TestAnAbandonedTopUpAndPayIsExpiredAndReleasesItsCreditAndCoupon(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e, flaky := newFlakyEnv(t, newStore(t))
		onlyOne := fixedCoupon(t, "ONLYONE", 20_000)
		onlyOne.TotalLimit = 1
		require.NoError(t, e.sys.DefineCoupon(ctx, onlyOne))
		e.fund(t, "acme", 100_000)
		e.fund(t, "beta", 300_000)
		t0 := e.clk.Now()

		flaky.setDown(true)
		res, err := e.sys.Checkout(ctx, "order", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(),
			Coupons: []string{"onlyone"}, Method: payment.MethodTopUpAndPay, Gateway: "sim"})
		require.ErrorIs(t, err, billing.ErrGatewayUnavailable)
		p := res.Payment
		require.Equal(t, payment.StatusCreated, p.Status)
		assert.Equal(t, int64(253_000), minor(t, p.Amount), "(180,000 + 70,000 − 20,000) × 1.1")
		assert.Equal(t, int64(100_000), minor(t, p.FromCredit), "all the credit")
		assert.Equal(t, int64(153_000), minor(t, p.FromGateway))
		assert.True(t, p.ExpiresAt.Equal(t0.Add(30*time.Minute)))
		w := e.wallet(t, "acme")
		assert.Equal(t, int64(100_000), minor(t, w.Held))
		assert.Zero(t, minor(t, w.Available))
		_, err = e.sys.Checkout(ctx, "beta-early", billing.CheckoutRequest{AccountID: "beta", Items: seedItems(),
			Coupons: []string{"onlyone"}, Method: payment.MethodCredit})
		require.ErrorIs(t, err, coupon.ErrRejected, "the only redemption is reserved by acme's payment")

		// Young: the worker asks again (same payment id), the gateway is
		// still down; the failure is recorded with a retry time capped at
		// the payment's expiry.
		e.clk.Set(t0.Add(29 * time.Minute))
		rep := e.tick(t)
		assert.Zero(t, rep.PaymentsExpired)
		assert.Zero(t, rep.PaymentsRetried)
		require.Len(t, rep.Failures, 1)
		f := rep.Failures[0]
		assert.Equal(t, billing.ItemPayment, f.Kind)
		assert.Equal(t, p.ID, f.ID)
		assert.Equal(t, "acme", f.AccountID)
		assert.Equal(t, 1, f.Attempts)
		assert.Contains(t, f.Reason, "connection reset by peer")
		assert.True(t, f.RetryAt.Equal(t0.Add(30*time.Minute)), "29m + 1m, at most the expiry: %s", f.RetryAt)
		assert.Equal(t, 2, flaky.times(p.ID), "checkout, then the worker, with the same id")

		// Past its expiry: the next Tick expires it.
		e.clk.Set(t0.Add(30 * time.Minute))
		rep = e.tick(t)
		assert.Equal(t, 1, rep.PaymentsExpired)
		assert.Empty(t, rep.Failures)
		assert.Equal(t, 2, flaky.times(p.ID), "an expired payment is not asked for again")
		got, err := e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusExpired, got.Status)
		assert.Equal(t, "payment expired: the gateway never answered", got.FailureReason)
		w = e.wallet(t, "acme")
		assert.Zero(t, minor(t, w.Held), "nothing held any more")
		assert.Equal(t, int64(100_000), minor(t, w.Available), "the 100,000 is back")
		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusFailed, o.Status)
		rs, err := e.sys.OrderResources(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		require.Len(t, rs, 2)
		for _, r := range rs {
			assert.Equal(t, lifecycle.StateDeleted, r.State, "an abandoned order's resources are canceled")
		}
		assert.Equal(t, 1, e.eventsOf(t, "acme", billing.EventPaymentFailed))
		checkLedger(t, e.st, "acme")
		assert.Zero(t, e.tick(t).PaymentsExpired, "expired once")

		// The coupon is free again: another account redeems it.
		bought, err := e.sys.Checkout(ctx, "beta-late", billing.CheckoutRequest{AccountID: "beta", Items: seedItems(),
			Coupons: []string{"onlyone"}, Method: payment.MethodCredit})
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaid, bought.Order.Status)
		assert.Equal(t, int64(300_000-253_000), e.available(t, "beta"))
	})
}

// TestACreatedPaymentIsAskedAgainWithTheSamePaymentID: a top-up whose
// gateway never answered is asked again by the worker, with the same
// payment id, once it is a minute old (RetryDelay), then after 2 and 4
// more minutes while the gateway stays down; when the gateway is back the
// next retry gets a redirect, the failure state is cleared, and the
// customer's payment completes.
func TestACreatedPaymentIsAskedAgainWithTheSamePaymentID(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e, flaky := newFlakyEnv(t, newStore(t))
		e.account(t, "acme")
		t0 := e.clk.Now()
		flaky.setDown(true)
		p, err := e.sys.TopUp(ctx, "top-up", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 500_000), Gateway: "sim"})
		require.ErrorIs(t, err, billing.ErrGatewayUnavailable)
		require.Equal(t, payment.StatusCreated, p.Status)

		type step struct {
			at       time.Duration
			attempts int           // the failure reported, 0 for none
			retryIn  time.Duration // its retry time, from the tick
		}
		for _, s := range []step{
			{at: 30 * time.Second},                               // younger than RetryDelay: left alone
			{at: time.Minute, attempts: 1, retryIn: time.Minute}, // first retry
			{at: 90 * time.Second},                               // backing off
			{at: 2 * time.Minute, attempts: 2, retryIn: 2 * time.Minute},
			{at: 3 * time.Minute}, // backing off
			{at: 4 * time.Minute, attempts: 3, retryIn: 4 * time.Minute},
		} {
			e.clk.Set(t0.Add(s.at))
			rep := e.tick(t)
			assert.Zero(t, rep.PaymentsRetried, "at %s", s.at)
			if s.attempts == 0 {
				assert.Empty(t, rep.Failures, "at %s", s.at)
				continue
			}
			require.Len(t, rep.Failures, 1, "at %s", s.at)
			assert.Equal(t, s.attempts, rep.Failures[0].Attempts, "at %s", s.at)
			assert.True(t, rep.Failures[0].RetryAt.Equal(t0.Add(s.at+s.retryIn)), "at %s: retry at %s", s.at, rep.Failures[0].RetryAt)
		}
		assert.Equal(t, 4, flaky.times(p.ID), "the top-up, then retries at 1, 2 and 4 minutes, all with the same id")

		flaky.setDown(false)
		e.clk.Set(t0.Add(8 * time.Minute))
		rep := e.tick(t)
		assert.Equal(t, 1, rep.PaymentsRetried)
		assert.Empty(t, rep.Failures)
		got, err := e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPending, got.Status, "the gateway answered with a redirect")
		assert.NotEmpty(t, got.RedirectURL)
		require.NoError(t, e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			sp, err := tx.Payments().Get(ctx, "acme", p.ID)
			require.NoError(t, err)
			assert.Zero(t, sp.Attempts, "the success cleared the failure state")
			assert.Empty(t, sp.LastError)
			assert.True(t, sp.RetryAt.IsZero())
			return nil
		}))

		// The customer's retry with the same key sees the pending payment
		// and its redirect; paying it completes the top-up.
		again, err := e.sys.TopUp(ctx, "top-up", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 500_000), Gateway: "sim"})
		require.NoError(t, err)
		assert.Equal(t, p.ID, again.ID)
		assert.Equal(t, got.RedirectURL, again.RedirectURL)
		cb, err := e.sim.Complete(p.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)
		got, err = e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, got.Status)
		assert.Equal(t, int64(500_000), e.available(t, "acme"))
		assert.Zero(t, e.tick(t).PaymentsRetried, "nothing left to retry")
		checkLedger(t, e.st, "acme")
	})
}

// TestALinkedAccountRenewalThatTimedOutIsChargedByTheWorker: an automatic
// renewal on the default linked account whose charge timed out leaves a
// created payment; a minute later the worker charges it again with the
// same payment id, the charge succeeds, and the resource is renewed.
func TestALinkedAccountRenewalThatTimedOutIsChargedByTheWorker(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) {
			c.Catalog = taxFree(t)
			c.AutoRenewWithLinkedAccount = true
		})
		e.fund(t, "acme", 181_000)
		r := e.buy(t, "acme", small, period.Days(30))
		e.linkAccount(t, "acme", "MoMo •••• 4242")
		_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "acme", ResourceID: r.ID, On: true})
		require.NoError(t, err)

		e.sim.SetDefaultOutcome(gatewaysim.Timeout())
		tick := r.PeriodEnd.Add(-7 * day)
		e.clk.Set(tick)
		rep := e.tick(t)
		assert.Zero(t, rep.Renewed)
		require.Len(t, rep.Failures, 1, "the charge timed out: the payment's failure, not the resource's")
		f := rep.Failures[0]
		assert.Equal(t, billing.ItemPayment, f.Kind)
		assert.Equal(t, 1, f.Attempts)
		assert.True(t, f.RetryAt.Equal(tick.Add(time.Minute)))
		p, err := e.sys.Payment(ctx, "acme", f.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusCreated, p.Status)
		assert.Equal(t, int64(181_000), minor(t, p.Amount))

		e.sim.SetDefaultOutcome(gatewaysim.Succeed())
		e.clk.Set(tick.Add(time.Minute))
		rep = e.tick(t)
		assert.Equal(t, 1, rep.PaymentsRetried)
		assert.Empty(t, rep.Failures)
		p, err = e.sys.Payment(ctx, "acme", f.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status)
		var charges []string
		for _, c := range e.sim.Calls() {
			if c.Method == gatewaysim.MethodCharge {
				charges = append(charges, c.PaymentID)
			}
		}
		assert.Equal(t, []string{f.ID, f.ID}, charges, "charged twice with one payment id: once timed out, once applied")
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.True(t, got.PeriodEnd.Equal(r.PeriodEnd.Add(30*day)), "renewed for 30 days: %s", got.PeriodEnd)
		assert.Equal(t, int64(0), e.available(t, "acme"), "the wallet was not touched")
	})
}

// TestACreatedPaymentForAnOrderPaidAnotherWayIsCanceledNotCharged: a
// checkout on a linked account whose charge timed out leaves a created
// payment of 275,000; meanwhile someone pays the order through a payment
// link. The worker does not charge the linked account for an order that
// is already paid: it cancels the created payment, and the order stays
// paid by the link's payment.
func TestACreatedPaymentForAnOrderPaidAnotherWayIsCanceledNotCharged(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		e.linkAccount(t, "acme", "ZaloPay •••• 9876")
		e.sim.SetDefaultOutcome(gatewaysim.Timeout())
		res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodLinkedAccount})
		require.ErrorIs(t, err, billing.ErrGatewayUnavailable)
		stuck := res.Payment
		require.Equal(t, payment.StatusCreated, stuck.Status)
		assert.Equal(t, int64(275_000), minor(t, stuck.Amount))

		pl, err := e.sys.CreatePaymentLink(ctx, "pl", billing.PaymentLinkRequest{AccountID: "acme", Amount: res.Order.Total,
			Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}})
		require.NoError(t, err)
		onBehalf, err := e.sys.PayLink(ctx, "payer", billing.PayLinkRequest{Token: pl.Token, Gateway: "sim"})
		require.NoError(t, err)
		e.sim.SetOutcome(onBehalf.ID, gatewaysim.Succeed())
		cb, err := e.sim.Complete(onBehalf.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)

		e.sim.SetDefaultOutcome(gatewaysim.Succeed())
		e.clk.Advance(time.Minute)
		rep := e.tick(t)
		assert.Zero(t, rep.PaymentsRetried)
		assert.Empty(t, rep.Failures)
		got, err := e.sys.Payment(ctx, "acme", stuck.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusCanceled, got.Status)
		assert.Contains(t, got.FailureReason, "nothing outstanding")
		charges := 0
		for _, c := range e.sim.Calls() {
			if c.Method == gatewaysim.MethodCharge && c.PaymentID == stuck.ID {
				charges++
			}
		}
		assert.Equal(t, 1, charges, "only the charge that timed out; never a second one")
		o, err := e.sys.Order(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaid, o.Status)
		assert.Equal(t, onBehalf.ID, o.PaymentID)
		assert.Zero(t, e.available(t, "acme"), "no money moved for the canceled payment")
		checkLedger(t, e.st, "acme")
	})
}
