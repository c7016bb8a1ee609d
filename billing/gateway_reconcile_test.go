package billing_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

func TestALostCallbackIsRecoveredBeforeExpiry(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		id := e.pendingTopUp(t, "acme", 300_000)
		lost, err := e.sim.Complete(id) // paid at the gateway; the callback never arrives
		require.NoError(t, err)
		e.clk.Advance(31 * time.Minute) // past the 30-minute PaymentTimeout
		rep := e.tick(t)
		assert.Equal(t, 1, rep.PaymentsReconciled)
		assert.Zero(t, rep.PaymentsExpired)
		assert.Equal(t, int64(300_000), e.cash(t, "acme"), "credited as the callback would have")
		p, err := e.sys.Payment(context.Background(), "acme", id)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status)

		res, err := e.deliver(t, e.sim.Duplicate(lost)) // delivered at last, signed now
		require.NoError(t, err)
		assert.Equal(t, gateway.CallbackDuplicate, res.Outcome, "the callback, late, finds the work done")
		assert.Equal(t, int64(300_000), e.cash(t, "acme"), "credited once")
	})
}

func TestReconciliationBacksOffThenExpires(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		id := e.pendingTopUp(t, "acme", 90_000)
		e.sim.SetQueryFailure(true) // the gateway's query API is down
		e.clk.Advance(30 * time.Minute)
		// Queries at expiry, then 1, 2, 4, 8, 16, 32 and 60 minutes after
		// the one before (RetryDelay 1 minute doubling, capped at
		// MaxRetryDelay 1 hour): the 8th query without an answer
		// (ReconcileAttempts) expires the payment, 123 minutes after its
		// expiry.
		waits := []time.Duration{0, 1, 2, 4, 8, 16, 32, 60}
		for i, w := range waits {
			if w > 1 {
				e.clk.Advance((w - 1) * time.Minute)
				rep := e.tick(t)
				assert.Zero(t, rep.PaymentsExpired+len(rep.Failures), "a minute before query %d: not due", i+1)
				e.clk.Advance(time.Minute)
			} else {
				e.clk.Advance(w * time.Minute)
			}
			rep := e.tick(t)
			p, err := e.sys.Payment(context.Background(), "acme", id)
			require.NoError(t, err)
			if i < len(waits)-1 {
				assert.Equal(t, payment.StatusPending, p.Status, "after query %d", i+1)
				assert.Zero(t, rep.PaymentsExpired)
			} else {
				assert.Equal(t, payment.StatusExpired, p.Status, "expired after 8 queries")
				assert.Equal(t, 1, rep.PaymentsExpired)
			}
		}
		assert.Zero(t, e.cash(t, "acme"))
	})
}

func TestReconcilePaymentOnDemand(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		t.Run("paid, then again: applied once", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			id := e.pendingTopUp(t, "acme", 250_000)
			res, err := e.sys.ReconcilePayment(ctx, "acme", id)
			require.NoError(t, err)
			assert.Equal(t, gateway.PaymentPending, res.Found)
			assert.Equal(t, billing.ReconcileNone, res.Action)
			_, err = e.sim.Complete(id)
			require.NoError(t, err)
			res, err = e.sys.ReconcilePayment(ctx, "acme", id)
			require.NoError(t, err)
			assert.Equal(t, gateway.PaymentSucceeded, res.Found)
			assert.Equal(t, billing.ReconcileApplied, res.Action)
			assert.Equal(t, payment.StatusSucceeded, res.Payment.Status)
			res, err = e.sys.ReconcilePayment(ctx, "acme", id)
			require.NoError(t, err)
			assert.Equal(t, billing.ReconcileNone, res.Action)
			assert.Equal(t, int64(250_000), e.cash(t, "acme"))
			_, err = e.sys.ReconcilePayment(ctx, "other", id)
			assert.ErrorIs(t, err, billing.ErrPaymentNotFound)
			_, err = e.sys.ReconcilePayment(ctx, "acme", "")
			assert.ErrorIs(t, err, billing.ErrInvalidRequest)
		})
		t.Run("another amount is recorded, nothing applied", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			id := e.pendingTopUp(t, "acme", 250_000)
			require.NoError(t, e.sim.SetReportedAmount(id, vnd(t, 250_001)))
			_, err := e.sim.Complete(id)
			require.NoError(t, err)
			res, err := e.sys.ReconcilePayment(ctx, "acme", id)
			require.NoError(t, err)
			assert.Equal(t, billing.ReconcileMismatch, res.Action)
			assert.Equal(t, payment.StatusPending, res.Payment.Status)
			assert.Zero(t, e.cash(t, "acme"))
			assert.Len(t, e.eventsOfKind(t, "acme", billing.EventPaymentMismatch), 1)
			e.clk.Advance(31 * time.Minute)
			rep := e.tick(t)
			assert.Equal(t, 1, rep.PaymentsExpired, "then expired as before")
			assert.Len(t, e.eventsOfKind(t, "acme", billing.EventPaymentMismatch), 1, "recorded once")
		})
		t.Run("no answer is ErrGatewayUnavailable, nothing changed", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			id := e.pendingTopUp(t, "acme", 250_000)
			e.sim.SetQueryFailure(true)
			_, err := e.sys.ReconcilePayment(ctx, "acme", id)
			assert.ErrorIs(t, err, billing.ErrGatewayUnavailable)
		})
		t.Run("racing a callback, the money is credited once", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			for round := range 5 {
				id := e.pendingTopUp(t, "acme", 10_000)
				cb, err := e.sim.Complete(id)
				require.NoError(t, err)
				var wg sync.WaitGroup
				for g := range 6 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if g%2 == 0 {
							_, err := e.sys.HandleCallback(ctx, "sim", cb.Header, cb.Body)
							assert.NoError(t, err)
							return
						}
						_, err := e.sys.ReconcilePayment(ctx, "acme", id)
						assert.NoError(t, err)
					}()
				}
				wg.Wait()
				assert.Equal(t, int64(10_000*(round+1)), e.cash(t, "acme"), "round %d", round)
				e.clk.Advance(time.Second)
			}
		})
	})
}
