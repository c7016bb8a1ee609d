package billing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

func TestTopUpThroughAGatewayCreditsTheWalletOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		ctx := context.Background()
		e := newEnv(t, st)
		e.account(t, "acme")

		p, err := e.sys.TopUp(ctx, "top-1", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 500_000), Gateway: "sim", ReturnURL: "https://console.example/wallet"})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPending, p.Status)
		assert.NotEmpty(t, p.RedirectURL)
		w, err := e.sys.Wallet(ctx, "acme")
		require.NoError(t, err)
		assert.True(t, w.Available.IsZero(), "nothing credited before the gateway confirms")

		cb, err := e.sim.Complete(p.ID)
		require.NoError(t, err)

		t.Run("a forged callback changes nothing", func(t *testing.T) {
			_, err := e.deliver(t, e.sim.Forge(cb))
			require.ErrorIs(t, err, billing.ErrCallbackRejected)
		})
		t.Run("a callback signed 6 minutes ago is too old", func(t *testing.T) {
			_, err := e.deliver(t, e.sim.SignedAt(cb, e.clk.Now().Add(-6*time.Minute)))
			require.ErrorIs(t, err, billing.ErrCallbackRejected)
		})
		t.Run("a callback signed 6 minutes in the future is refused", func(t *testing.T) {
			_, err := e.deliver(t, e.sim.SignedAt(cb, e.clk.Now().Add(6*time.Minute)))
			require.ErrorIs(t, err, billing.ErrCallbackRejected)
		})
		w, err = e.sys.Wallet(ctx, "acme")
		require.NoError(t, err)
		assert.True(t, w.Available.IsZero())

		res, err := e.deliver(t, cb)
		require.NoError(t, err)
		assert.False(t, res.Duplicate)
		res, err = e.deliver(t, e.sim.Duplicate(cb))
		require.NoError(t, err)
		assert.True(t, res.Duplicate, "a duplicated callback is recognised")
		res, err = e.deliver(t, cb)
		require.NoError(t, err)
		assert.True(t, res.Duplicate, "a replayed callback is recognised")

		w, err = e.sys.Wallet(ctx, "acme")
		require.NoError(t, err)
		assert.Equal(t, int64(500_000), minor(t, w.Cash), "credited exactly once")
		got, err := e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, got.Status)
		hist, err := items(e.sys.WalletHistory(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		require.Len(t, hist, 1)
		assert.Equal(t, payment.EntryTopUp, hist[0].Kind)
		assert.Equal(t, int64(500_000), minor(t, hist[0].Change))
		assert.Equal(t, int64(500_000), minor(t, hist[0].CreditAfter))
		checkLedger(t, st, "acme")
	})
}

func TestPayByCredit(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		ctx := context.Background()
		e := newEnv(t, st)
		e.fund(t, "acme", 300_000)
		order := e.owe(t, "acme", 230_000)

		p, err := e.sys.Pay(ctx, "pay-1", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 230_000), Method: payment.MethodCredit, Purpose: order})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status)
		assert.Equal(t, int64(230_000), minor(t, p.FromCredit))
		again, err := e.sys.Pay(ctx, "pay-1", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 230_000), Method: payment.MethodCredit, Purpose: order})
		require.NoError(t, err)
		assert.Equal(t, p.ID, again.ID, "same key, same payment")

		t.Run("insufficient credit is a typed error and changes nothing", func(t *testing.T) {
			_, err := e.sys.Pay(ctx, "pay-2", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 70_001), Method: payment.MethodCredit, Purpose: e.owe(t, "acme", 70_001)})
			require.ErrorIs(t, err, payment.ErrInsufficientCredit)
			var ice *payment.InsufficientCreditError
			require.ErrorAs(t, err, &ice)
			assert.Equal(t, int64(70_000), minor(t, ice.Available))
			list, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
			require.NoError(t, err)
			assert.Len(t, list, 2, "the top-up and the first payment only")
		})
		assert.Equal(t, int64(70_000), e.available(t, "acme"))
		checkLedger(t, st, "acme")
	})
}

func TestPromotionalCreditIsSpentSoonestExpiringFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		ctx := context.Background()
		e := newEnv(t, st)
		e.fund(t, "acme", 100_000)
		a, err := e.sys.GrantPromotionalCredit(ctx, "grant-a", billing.GrantRequest{AccountID: "acme", Amount: vnd(t, 50_000), ValidFor: 10 * 24 * time.Hour, Actor: "marketing"})
		require.NoError(t, err)
		b, err := e.sys.GrantPromotionalCredit(ctx, "grant-b", billing.GrantRequest{AccountID: "acme", Amount: vnd(t, 30_000), ValidFor: 5 * 24 * time.Hour, Actor: "marketing"})
		require.NoError(t, err)

		_, err = e.sys.Pay(ctx, "pay", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 60_000), Method: payment.MethodCredit, Purpose: e.owe(t, "acme", 60_000)})
		require.NoError(t, err)
		w, err := e.sys.Wallet(ctx, "acme")
		require.NoError(t, err)
		assert.Equal(t, int64(100_000), minor(t, w.Cash), "cash untouched")
		require.Len(t, w.Promotional, 1, "grant B (5 days) spent whole")
		assert.Equal(t, a.GrantID, w.Promotional[0].GrantID)
		assert.Equal(t, int64(20_000), minor(t, w.Promotional[0].Amount), "30,000 taken from grant A")
		_ = b

		t.Run("expired promotional credit is swept to breakage and not spendable", func(t *testing.T) {
			e.clk.Advance(10 * 24 * time.Hour)
			rep, err := e.sys.Tick(ctx, 100)
			n := rep.PromotionsExpired
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			rep, err = e.sys.Tick(ctx, 100)
			n = rep.PromotionsExpired
			require.NoError(t, err)
			assert.Equal(t, 0, n, "a grant expires once")
			w, err := e.sys.Wallet(ctx, "acme")
			require.NoError(t, err)
			assert.Empty(t, w.Promotional)
			assert.Equal(t, int64(100_000), minor(t, w.Available))
			hist, err := items(e.sys.WalletHistory(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
			require.NoError(t, err)
			last := hist[len(hist)-1]
			assert.Equal(t, payment.EntryPromoExpire, last.Kind)
			assert.Equal(t, int64(-20_000), minor(t, last.Change))
			assert.Equal(t, int64(100_000), minor(t, last.CreditAfter))
		})
		checkLedger(t, st, "acme")
	})
}

func TestTopUpAndPay(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		req := func(e env) billing.PayRequest {
			return billing.PayRequest{AccountID: "acme", Amount: vnd(t, 200_000), Method: payment.MethodTopUpAndPay, Gateway: "sim", Purpose: e.owe(t, "acme", 200_000)}
		}

		t.Run("150,000 of credit + 50,000 through the gateway; credit held until the callback", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 150_000)
			p, err := e.sys.Pay(ctx, "tp-1", req(e))
			require.NoError(t, err)
			assert.Equal(t, payment.StatusPending, p.Status)
			assert.Equal(t, int64(150_000), minor(t, p.FromCredit))
			assert.Equal(t, int64(50_000), minor(t, p.FromGateway))
			w, err := e.sys.Wallet(ctx, "acme")
			require.NoError(t, err)
			assert.Equal(t, int64(150_000), minor(t, w.Held))
			assert.True(t, w.Available.IsZero(), "held credit is not spendable elsewhere")
			_, err = e.sys.Pay(ctx, "other", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1), Method: payment.MethodCredit, Purpose: e.owe(t, "acme", 1)})
			require.ErrorIs(t, err, payment.ErrInsufficientCredit)

			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			got, err := e.sys.Payment(ctx, "acme", p.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusSucceeded, got.Status)
			w, err = e.sys.Wallet(ctx, "acme")
			require.NoError(t, err)
			assert.True(t, w.Held.IsZero())
			assert.True(t, w.Available.IsZero())
			checkLedger(t, e.st, "acme")
		})

		t.Run("a failed gateway part releases the held credit", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 150_000)
			e.sim.SetDefaultOutcome(gatewaysim.Decline("card declined"))
			p, err := e.sys.Pay(ctx, "tp-2", req(e))
			require.NoError(t, err)
			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			got, err := e.sys.Payment(ctx, "acme", p.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusFailed, got.Status)
			assert.Equal(t, int64(150_000), e.available(t, "acme"), "credit released")
			w, err := e.sys.Wallet(ctx, "acme")
			require.NoError(t, err)
			assert.True(t, w.Held.IsZero())
			checkLedger(t, e.st, "acme")
		})

		t.Run("an expired payment releases the hold; a late success is credited as cash", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 150_000)
			p, err := e.sys.Pay(ctx, "tp-3", req(e))
			require.NoError(t, err)
			e.clk.Advance(29 * time.Minute)
			rep, err := e.sys.Tick(ctx, 100)
			n := rep.PaymentsExpired
			require.NoError(t, err)
			assert.Equal(t, 0, n, "not yet")
			e.clk.Advance(time.Minute)
			rep, err = e.sys.Tick(ctx, 100)
			n = rep.PaymentsExpired
			require.NoError(t, err)
			assert.Equal(t, 1, n, "expires at 30 minutes")
			assert.Equal(t, int64(150_000), e.available(t, "acme"))

			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			res, err := e.deliver(t, cb)
			require.NoError(t, err)
			assert.True(t, res.LateCredit)
			got, err := e.sys.Payment(ctx, "acme", p.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusExpired, got.Status)
			assert.Equal(t, int64(200_000), e.available(t, "acme"), "the 50,000 the gateway took is kept as credit")
			checkLedger(t, e.st, "acme")
		})

		t.Run("with enough credit it settles at once without the gateway", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 250_000)
			calls := len(e.sim.Calls())
			p, err := e.sys.Pay(ctx, "tp-4", req(e))
			require.NoError(t, err)
			assert.Equal(t, payment.StatusSucceeded, p.Status)
			assert.Len(t, e.sim.Calls(), calls, "gateway not called")
		})
	})
}

func TestLostGatewayResponseIsRetriedWithTheSameKeyAndChargesOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		e.linkAccount(t, "acme", "MoMo •••• 4242")

		// The gateway charges but its answer is lost on the way back.
		e.sim.SetDefaultOutcome(gatewaysim.LostResponse())
		req := billing.PayRequest{AccountID: "acme", Amount: vnd(t, 90_000), Method: payment.MethodLinkedAccount, Purpose: e.owe(t, "acme", 90_000)}
		p, err := e.sys.Pay(ctx, "renew-1", req)
		require.ErrorIs(t, err, billing.ErrGatewayUnavailable)
		assert.Equal(t, payment.StatusCreated, p.Status, "kept, waiting for a retry")

		p, err = e.sys.Pay(ctx, "renew-1", req)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status, "the retry learns the charge succeeded")
		for _, queued := range e.sim.Drain() {
			_, err := e.deliver(t, queued)
			require.NoError(t, err, "the late callback of the same charge is harmless")
		}
		charged := 0
		for _, c := range e.sim.Calls() {
			if c.Method == gatewaysim.MethodCharge && c.Applied {
				charged++
			}
		}
		assert.Equal(t, 1, charged, "charged once")
		list, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		assert.Len(t, list, 1, "one payment however often it is retried")
		checkLedger(t, e.st, "acme")
	})
}

func TestLinkedAccounts(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		ctx := context.Background()
		e := newEnv(t, st)
		e.account(t, "acme")
		start, err := e.sys.StartLinking(ctx, "link-1", billing.LinkAccountRequest{AccountID: "acme", Gateway: "sim"})
		require.NoError(t, err)
		assert.NotEmpty(t, start.RedirectURL)
		list, err := e.sys.LinkedAccounts(ctx, "acme")
		require.NoError(t, err)
		assert.Empty(t, list, "not linked until the gateway confirms")

		cb, err := e.sim.CompleteLink(start.LinkID, "")
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)
		list, err = e.sys.LinkedAccounts(ctx, "acme")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.True(t, list[0].IsDefault, "the first linked account is the default")
		body, err := json.Marshal(list)
		require.NoError(t, err)
		assert.NotContains(t, string(body), cb.Event.Token.Reveal(), "the token is never returned")

		p, err := e.sys.Pay(ctx, "pay-linked", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 181_000), Method: payment.MethodLinkedAccount, Purpose: e.owe(t, "acme", 181_000)})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status, "charged without a redirect")
		assert.Equal(t, start.LinkID, p.LinkedAccountID)
		w, err := e.sys.Wallet(ctx, "acme")
		require.NoError(t, err)
		assert.True(t, w.Available.IsZero(), "wallet untouched")

		t.Run("a declined charge fails the payment", func(t *testing.T) {
			e.sim.SetDefaultOutcome(gatewaysim.Decline("insufficient funds"))
			p, err := e.sys.Pay(ctx, "pay-linked-2", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1_000), Method: payment.MethodLinkedAccount, Purpose: e.owe(t, "acme", 1_000)})
			require.NoError(t, err)
			assert.Equal(t, payment.StatusFailed, p.Status)
			e.sim.SetDefaultOutcome(gatewaysim.Succeed())
		})

		t.Run("cleared as the default, the card stays linked and is charged only when named", func(t *testing.T) {
			list, err := e.sys.ClearDefaultLinkedAccount(ctx, "undefault", billing.LinkedAccountRequest{AccountID: "acme", LinkID: start.LinkID})
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.False(t, list[0].IsDefault)
			_, err = e.sys.Pay(ctx, "pay-by-default", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1_000), Method: payment.MethodLinkedAccount, Purpose: e.owe(t, "acme", 1_000)})
			require.ErrorIs(t, err, billing.ErrLinkedAccountNotFound, "no default to charge")
			named, err := e.sys.Pay(ctx, "pay-named", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1_000), Method: payment.MethodLinkedAccount,
				LinkedAccountID: start.LinkID, Purpose: e.owe(t, "acme", 1_000)})
			require.NoError(t, err)
			assert.Equal(t, payment.StatusSucceeded, named.Status)
			again, err := e.sys.ClearDefaultLinkedAccount(ctx, "undefault", billing.LinkedAccountRequest{AccountID: "acme", LinkID: start.LinkID})
			require.NoError(t, err, "a replay")
			assert.Equal(t, list, again)
			_, err = e.sys.ClearDefaultLinkedAccount(ctx, "undefault-other", billing.LinkedAccountRequest{AccountID: "other", LinkID: start.LinkID})
			require.Error(t, err, "another account's link is not found")
			list, err = e.sys.SetDefaultLinkedAccount(ctx, "default-again", billing.LinkedAccountRequest{AccountID: "acme", LinkID: start.LinkID})
			require.NoError(t, err)
			assert.True(t, list[0].IsDefault)
		})

		_, err = e.sys.Unlink(ctx, "unlink", billing.LinkedAccountRequest{AccountID: "acme", LinkID: start.LinkID})
		require.NoError(t, err)
		list, err = e.sys.LinkedAccounts(ctx, "acme")
		require.NoError(t, err)
		assert.Empty(t, list)
		_, err = e.sys.Pay(ctx, "pay-linked-3", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1_000), Method: payment.MethodLinkedAccount, Purpose: e.owe(t, "acme", 1_000)})
		require.ErrorIs(t, err, billing.ErrLinkedAccountNotFound)
		_, err = e.sys.Unlink(ctx, "unlink-again", billing.LinkedAccountRequest{AccountID: "acme", LinkID: start.LinkID})
		require.ErrorIs(t, err, billing.ErrLinkedAccountNotFound)
		checkLedger(t, st, "acme")
	})
}

func TestRefundToCredit(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		ctx := context.Background()
		e := newEnvWith(t, st, func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 181_000)
		r := e.buy(t, "acme", small, period.Days(30))
		o, err := e.sys.Order(ctx, "acme", r.OrderID)
		require.NoError(t, err)
		e.clk.Advance(10 * day)

		res, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(120_667), minor(t, res.Refundable), "181,000 paid, 20 of 30 days unused")

		p, err := e.sys.RefundToCredit(ctx, "r1", billing.RefundRequest{AccountID: "acme", PaymentID: o.PaymentID, Amount: vnd(t, 40_000), Reason: "outage credit"})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPartiallyRefunded, p.Status)
		res, err = e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(80_667), minor(t, res.Refundable), "what remains refundable shrinks by the refund")
		assert.Equal(t, lifecycle.StateActive, res.State, "a goodwill refund leaves the resource running")

		_, err = e.sys.RefundToCredit(ctx, "r2", billing.RefundRequest{AccountID: "acme", PaymentID: o.PaymentID, Amount: vnd(t, 80_668)})
		require.ErrorIs(t, err, payment.ErrOverRefund, "never above the unused paid value")
		p, err = e.sys.RefundToCredit(ctx, "r3", billing.RefundRequest{AccountID: "acme", PaymentID: o.PaymentID, Amount: vnd(t, 80_667)})
		require.NoError(t, err)
		assert.Equal(t, int64(120_667), minor(t, p.Refunded))

		del, err := e.sys.Delete(ctx, "del", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		assert.True(t, del.Refunded.IsZero(), "a delete after a full refund gives nothing more")
		w, err := e.sys.Wallet(ctx, "acme")
		require.NoError(t, err)
		assert.Equal(t, int64(120_667), minor(t, w.Cash), "refunded once in all")
		assert.Equal(t, int64(120_667), creditNoteTotal(t, e, "acme", r.ID), "every refund is a credit note")

		payments, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		_, err = e.sys.RefundToCredit(ctx, "r4", billing.RefundRequest{AccountID: "acme", PaymentID: payments[len(payments)-1].ID, Amount: vnd(t, 1)})
		require.ErrorIs(t, err, billing.ErrNotRefundable, "a top-up is credit already")
		e.account(t, "other")
		_, err = e.sys.RefundToCredit(ctx, "r5", billing.RefundRequest{AccountID: "other", PaymentID: o.PaymentID, Amount: vnd(t, 1)})
		require.ErrorIs(t, err, billing.ErrPaymentNotFound, "another account's payment is not found")
		checkLedger(t, st, "acme")
	})
}

func TestPaymentLinks(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		ctx := context.Background()
		e := newEnv(t, st)
		e.account(t, "acme")
		l, err := e.sys.CreatePaymentLink(ctx, "link", billing.PaymentLinkRequest{AccountID: "acme", Purpose: e.owe(t, "acme", 520_000), Description: "vServer for the team"})
		require.NoError(t, err)
		assert.Equal(t, start.Add(72*time.Hour), l.ExpiresAt, "valid 3 days")

		p, err := e.sys.PayLink(ctx, "payer-1", billing.PayLinkRequest{Token: l.Token, Gateway: "sim"})
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPending, p.Status)
		cb, err := e.sim.Complete(p.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)
		got, err := e.sys.PaymentLinkByToken(ctx, l.Token)
		require.NoError(t, err)
		assert.Equal(t, "paid", string(got.Status))
		assert.Equal(t, p.ID, got.PaymentID)
		_, err = e.sys.PayLink(ctx, "payer-2", billing.PayLinkRequest{Token: l.Token, Gateway: "sim"})
		require.ErrorIs(t, err, payment.ErrLinkPaid)

		l2, err := e.sys.CreatePaymentLink(ctx, "link-2", billing.PaymentLinkRequest{AccountID: "acme", Purpose: e.owe(t, "acme", 1_000)})
		require.NoError(t, err)
		e.clk.Advance(72 * time.Hour)
		_, err = e.sys.PayLink(ctx, "payer-3", billing.PayLinkRequest{Token: l2.Token, Gateway: "sim"})
		require.ErrorIs(t, err, payment.ErrLinkExpired)
		_, err = e.sys.PayLink(ctx, "payer-4", billing.PayLinkRequest{Token: "not-a-token", Gateway: "sim"})
		require.ErrorIs(t, err, billing.ErrPaymentLinkNotFound)
		checkLedger(t, st, "acme")
	})
}

func TestPaymentBadInput(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		e := newEnv(t, st)
		e.fund(t, "acme", 100_000)
		usd, err := money.New("10.00", "USD")
		require.NoError(t, err)
		fraction, err := money.New("10.5", "VND")
		require.NoError(t, err)
		order := e.owe(t, "acme", 5)
		for _, tc := range []struct {
			name string
			req  billing.PayRequest
			want error
		}{
			{"zero amount", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 0), Method: payment.MethodCredit, Purpose: order}, billing.ErrInvalidRequest},
			{"negative amount", billing.PayRequest{AccountID: "acme", Amount: vnd(t, -5), Method: payment.MethodCredit, Purpose: order}, billing.ErrInvalidRequest},
			{"more digits than VND has", billing.PayRequest{AccountID: "acme", Amount: fraction, Method: payment.MethodCredit, Purpose: order}, billing.ErrInvalidRequest},
			{"wrong currency", billing.PayRequest{AccountID: "acme", Amount: usd, Method: payment.MethodCredit, Purpose: order}, billing.ErrCurrencyMismatch},
			{"unknown gateway", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 5), Method: payment.MethodGateway, Gateway: "paypal", Purpose: order}, billing.ErrUnknownGateway},
			{"unknown method", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 5), Method: "cheque", Purpose: order}, billing.ErrInvalidRequest},
			{"top-up paid from credit", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 5), Method: payment.MethodCredit, Purpose: payment.Purpose{Kind: payment.PurposeTopUp, Ref: "x"}}, billing.ErrInvalidRequest},
			{"unknown account", billing.PayRequest{AccountID: "ghost", Amount: vnd(t, 5), Method: payment.MethodCredit, Purpose: order}, billing.ErrAccountNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.sys.Pay(ctx, "bad-"+tc.name, tc.req)
				require.ErrorIs(t, err, tc.want)
			})
		}
		assert.Equal(t, int64(100_000), e.available(t, "acme"), "nothing changed")
		list, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 10}))
		require.NoError(t, err)
		assert.Len(t, list, 1)
		order = e.owe(t, "acme", 10)
		_, err = e.sys.Pay(ctx, "reuse", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 10), Method: payment.MethodCredit, Purpose: order})
		require.NoError(t, err)
		_, err = e.sys.Pay(ctx, "reuse", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 11), Method: payment.MethodCredit, Purpose: order})
		require.ErrorIs(t, err, billing.ErrIdempotencyConflict)
	})
}

func TestPaymentRaces(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()

		t.Run("50 goroutines with one key: one payment, one debit, same result", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 100_000)
			const n = 50
			order := e.owe(t, "acme", 30_000)
			ids := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					p, err := e.sys.Pay(ctx, "one-key", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 30_000), Method: payment.MethodCredit, Purpose: order})
					if assert.NoError(t, err) {
						ids[i] = p.ID
					}
				})
			}
			wg.Wait()
			for i := range n {
				assert.Equal(t, ids[0], ids[i])
			}
			assert.Equal(t, int64(70_000), e.available(t, "acme"), "debited once")
			checkLedger(t, e.st, "acme")
		})

		t.Run("20 debits of 30,000 on 100,000: exactly 3 succeed, never negative", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.fund(t, "acme", 100_000)
			const n = 20
			orders := make([]payment.Purpose, n)
			for i := range orders {
				orders[i] = e.owe(t, "acme", 30_000)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, short := 0, 0
			for i := range n {
				wg.Go(func() {
					_, err := e.sys.Pay(ctx, fmt.Sprintf("k%d", i), billing.PayRequest{AccountID: "acme", Amount: vnd(t, 30_000), Method: payment.MethodCredit, Purpose: orders[i]})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case assert.ErrorIs(t, err, payment.ErrInsufficientCredit):
						short++
					}
				})
			}
			wg.Wait()
			assert.Equal(t, 3, ok)
			assert.Equal(t, n-3, short)
			assert.Equal(t, int64(10_000), e.available(t, "acme"))
			checkLedger(t, e.st, "acme")
		})

		t.Run("concurrent duplicate callbacks of one top-up credit once", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			p, err := e.sys.TopUp(ctx, "t", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 77_000), Gateway: "sim"})
			require.NoError(t, err)
			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					_, err := e.deliver(t, e.sim.Duplicate(cb))
					assert.NoError(t, err)
				})
			}
			wg.Wait()
			w, err := e.sys.Wallet(ctx, "acme")
			require.NoError(t, err)
			assert.Equal(t, int64(77_000), minor(t, w.Cash))
			checkLedger(t, e.st, "acme")
		})
	})
}
