package billing_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// paidTopUp tops acct up by n through the gateway and returns the payment.
func (e env) paidTopUp(t *testing.T, acct string, n int64) string {
	t.Helper()
	id := e.pendingTopUp(t, acct, n)
	cb, err := e.sim.Complete(id)
	require.NoError(t, err)
	_, err = e.deliver(t, cb)
	require.NoError(t, err)
	return id
}

// payBillByCard pays all of a bill through the simulated gateway: the
// payment, the gateway's success, its callback delivered.
func (e env) payBillByCard(t *testing.T, bill invoice.Invoice) billing.Payment {
	t.Helper()
	p, err := e.sys.Pay(context.Background(), "pay-"+bill.ID, billing.PayRequest{AccountID: bill.AccountID, Amount: bill.Total,
		Method: payment.MethodGateway, Gateway: "sim", Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: bill.ID}})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	_, err = e.deliver(t, cb)
	require.NoError(t, err)
	return p
}

// deliverQueued delivers the simulator's queued callbacks.
func (e env) deliverQueued(t *testing.T) []billing.CallbackResult {
	t.Helper()
	var out []billing.CallbackResult
	for _, cb := range e.sim.Drain() {
		res, err := e.deliver(t, cb)
		require.NoError(t, err)
		out = append(out, res)
	}
	return out
}

func TestRefundATopUpToItsOriginalMethod(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		top := e.paidTopUp(t, "acme", 500_000)
		// 350,000 spent: 150,000 cash left to take back.
		_, err := e.sys.Pay(ctx, "spend", billing.PayRequest{AccountID: "acme", Purpose: e.owe(t, "acme", 350_000),
			Method: payment.MethodCredit, Amount: vnd(t, 350_000)})
		require.NoError(t, err)
		require.Equal(t, int64(150_000), e.cash(t, "acme"))

		_, err = e.sys.RefundPayment(ctx, "r1", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 200_000)})
		var short *billing.CreditToTakeBackError
		require.ErrorAs(t, err, &short, "200,000 is more than the 150,000 left")
		assert.ErrorIs(t, err, payment.ErrInsufficientCredit)
		assert.Equal(t, int64(150_000), e.cash(t, "acme"), "nothing changed")

		req := billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 150_000), Reason: "customer asked"}
		rf, err := e.sys.RefundPayment(ctx, "r2", req)
		require.NoError(t, err)
		assert.Equal(t, payment.RefundPending, rf.Status, "the simulator settles by callback")
		assert.Zero(t, e.available(t, "acme"), "the 150,000 is set aside")
		again, err := e.sys.RefundPayment(ctx, "r2", req)
		require.NoError(t, err)
		assert.Equal(t, rf.ID, again.ID, "same key, same refund")
		other := req
		other.Amount = vnd(t, 1)
		_, err = e.sys.RefundPayment(ctx, "r2", other)
		assert.ErrorIs(t, err, billing.ErrIdempotencyConflict)

		res := e.deliverQueued(t)
		require.Len(t, res, 1)
		assert.Equal(t, gateway.CallbackApplied, res[0].Outcome)
		got, err := e.sys.Refund(ctx, "acme", rf.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.RefundSucceeded, got.Status)
		p, err := e.sys.Payment(ctx, "acme", top)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPartiallyRefunded, p.Status)
		assert.Equal(t, int64(150_000), minor(t, p.Refunded))
		assert.Zero(t, e.cash(t, "acme"))
		assert.Len(t, e.eventsOfKind(t, "acme", billing.EventRefundRequested), 1)
		assert.Len(t, e.eventsOfKind(t, "acme", billing.EventRefundSucceeded), 1)
		_, err = e.sys.Refund(ctx, "other", rf.ID)
		assert.ErrorIs(t, err, billing.ErrPaymentNotFound)
	})
}

func TestRefundOutcomes(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		t.Run("declined at once: released, typed error", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			top := e.paidTopUp(t, "acme", 100_000)
			e.sim.SetRefundSettlement(gatewaysim.RefundAtOnce)
			// The refund's id is the library's: decline every refund by
			// programming the outcome after the first try times out.
			rf, err := e.sys.RefundPayment(ctx, "r", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 40_000)})
			require.NoError(t, err)
			assert.Equal(t, payment.RefundSucceeded, rf.Status, "answered at once")
			assert.Equal(t, int64(60_000), e.cash(t, "acme"))
			res := e.deliverQueued(t)
			require.Len(t, res, 1)
			assert.Equal(t, gateway.CallbackDuplicate, res[0].Outcome, "the callback finds it settled")

			e.sim.SetDefaultRefundOutcome(gatewaysim.Decline("window closed"))
			rf, err = e.sys.RefundPayment(ctx, "r2", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 10_000)})
			var failed *billing.RefundFailedError
			require.ErrorAs(t, err, &failed)
			assert.ErrorIs(t, err, billing.ErrNotRefundable)
			assert.Equal(t, payment.RefundFailed, rf.Status)
			assert.Equal(t, int64(60_000), e.cash(t, "acme"), "the 10,000 set aside is back")
			assert.Len(t, e.eventsOfKind(t, "acme", billing.EventRefundFailed), 1)
		})
		t.Run("pending, then failed by callback: released", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			top := e.paidTopUp(t, "acme", 100_000)
			e.sim.SetDefaultRefundOutcome(gatewaysim.Pending())
			rf, err := e.sys.RefundPayment(ctx, "r", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 70_000)})
			require.NoError(t, err)
			assert.Equal(t, int64(30_000), e.available(t, "acme"))
			// The worker asks after a minute and again after its backoff;
			// a refund the gateway still holds is waiting, not failing.
			for _, wait := range []time.Duration{time.Minute, time.Minute, 2 * time.Minute} {
				e.clk.Advance(wait)
				rep := e.tick(t)
				assert.Zero(t, rep.RefundsSettled)
				assert.Empty(t, rep.Failures, "a refund pending at the gateway is no failure")
			}
			waiting, err := e.sys.Refund(ctx, "acme", rf.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.RefundPending, waiting.Status)
			e.sim.SetDefaultRefundOutcome(gatewaysim.Decline("bank refused"))
			cb, err := e.sim.CompleteRefund(rf.ID)
			require.NoError(t, err)
			res, err := e.deliver(t, cb)
			require.NoError(t, err)
			assert.Equal(t, gateway.CallbackApplied, res.Outcome)
			assert.Equal(t, rf.ID, res.RefundID)
			assert.Equal(t, int64(100_000), e.available(t, "acme"))
			got, err := e.sys.Refund(ctx, "acme", rf.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.RefundFailed, got.Status)
			assert.Equal(t, "bank refused", got.FailureReason)
		})
		t.Run("a refund beyond what was paid is refused", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			top := e.paidTopUp(t, "acme", 100_000)
			_, err := e.sys.RefundPayment(ctx, "r", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 100_001)})
			assert.ErrorIs(t, err, payment.ErrOverRefund)
			_, err = e.sys.RefundPayment(ctx, "r0", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 0)})
			assert.ErrorIs(t, err, billing.ErrInvalidRequest)
			_, err = e.sys.RefundPayment(ctx, "rx", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: "pay_nope", Amount: vnd(t, 1)})
			assert.ErrorIs(t, err, billing.ErrPaymentNotFound)
		})
		t.Run("settled by the worker's query when the callback is lost", func(t *testing.T) {
			e := newEnv(t, newStore(t))
			e.account(t, "acme")
			top := e.paidTopUp(t, "acme", 100_000)
			e.sim.SetRefundSettlement(gatewaysim.RefundByQuery)
			rf, err := e.sys.RefundPayment(ctx, "r", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 100_000)})
			require.NoError(t, err)
			assert.Equal(t, payment.RefundPending, rf.Status)
			assert.Zero(t, e.available(t, "acme"))
			e.clk.Advance(time.Minute)
			rep := e.tick(t)
			assert.Equal(t, 1, rep.RefundsSettled)
			got, err := e.sys.Refund(ctx, "acme", rf.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.RefundSucceeded, got.Status)
			p, err := e.sys.Payment(ctx, "acme", top)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusRefunded, p.Status)
		})
	})
}

// noRefunds is the simulator without refunds, as a card processor that
// offers none.
type noRefunds struct{ *gatewaysim.Gateway }

func (noRefunds) Refund(context.Context, gateway.RefundRequest) (gateway.RefundResult, error) {
	return gateway.RefundResult{}, gateway.ErrUnsupported
}

func TestRefundByAGatewayThatCannotRefund(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		sys, err := billing.New(billing.Config{Store: e.st, Catalog: e.sys.Catalog(), Clock: e.clk, Gateways: []gateway.Gateway{noRefunds{e.sim}}})
		require.NoError(t, err)
		e.sys = sys
		e.account(t, "acme")
		top := e.paidTopUp(t, "acme", 100_000)
		_, err = sys.RefundPayment(ctx, "r", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 30_000)})
		var unsupported *billing.RefundUnsupportedError
		require.ErrorAs(t, err, &unsupported)
		assert.ErrorIs(t, err, gateway.ErrUnsupported)
		assert.ErrorIs(t, err, billing.ErrNotRefundable)
		assert.Equal(t, int64(100_000), e.cash(t, "acme"), "the cash is given back")
		p, err := sys.Payment(ctx, "acme", top)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, p.Status)
		assert.Zero(t, minor(t, p.Refunded))
		_, err = sys.RefundPayment(ctx, "r", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 30_000)})
		assert.ErrorIs(t, err, gateway.ErrUnsupported, "a replay gives the same answer")
	})
}

func TestConcurrentRefundsNeverExceedWhatWasPaid(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		top := e.paidTopUp(t, "acme", 300_000)
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.sys.RefundPayment(ctx, "race-"+string(rune('a'+i)), billing.RefundPaymentRequest{AccountID: "acme", PaymentID: top, Amount: vnd(t, 100_000)})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, payment.ErrOverRefund), errors.Is(err, payment.ErrInsufficientCredit):
					refused.Add(1)
				default:
					t.Errorf("refund: %v", err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(3), ok.Load(), "3 × 100,000 of 300,000")
		assert.Equal(t, int32(5), refused.Load())
		e.deliverQueued(t)
		p, err := e.sys.Payment(ctx, "acme", top)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusRefunded, p.Status)
		assert.Equal(t, int64(300_000), minor(t, p.Refunded))
		assert.Zero(t, e.cash(t, "acme"))
	})
}

func TestRefundAnOrderPaidThroughTheGateway(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		res, err := e.sys.Checkout(ctx, "co", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Method: payment.MethodGateway, Gateway: "sim"})
		require.NoError(t, err)
		cb, err := e.sim.Complete(res.Payment.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err)
		rs, err := e.sys.OrderResources(ctx, "acme", res.Order.ID)
		require.NoError(t, err)
		for _, r := range rs {
			_, err := e.sys.ProvisioningSucceeded(ctx, "prov-"+r.ID, billing.ProvisioningRequest{AccountID: "acme", ResourceID: r.ID})
			require.NoError(t, err)
		}
		before := e.invoiceCount(t, "acme", "")
		total := minor(t, res.Payment.Amount)
		_, err = e.sys.RefundPayment(ctx, "too-much", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: res.Payment.ID, Amount: vnd(t, total+1)})
		assert.ErrorIs(t, err, payment.ErrOverRefund)
		rf, err := e.sys.RefundPayment(ctx, "part", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: res.Payment.ID, Amount: vnd(t, 50_000)})
		require.NoError(t, err)
		e.deliverQueued(t)
		got, err := e.sys.Refund(ctx, "acme", rf.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.RefundSucceeded, got.Status)
		p, err := e.sys.Payment(ctx, "acme", res.Payment.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusPartiallyRefunded, p.Status)
		assert.Equal(t, int64(50_000), minor(t, p.Refunded))
		assert.Zero(t, e.cash(t, "acme"), "the money went back to the card, not to credit")
		assert.Greater(t, e.invoiceCount(t, "acme", ""), before, "credit notes document the value taken")
	})
}

// TestRefundABillToItsOriginalMethod: a postpaid April bill paid by card
// (the gateway), then 50,000 VND of it returned to the card: the refund
// succeeds on the gateway's callback, a credit note of 50,000 against the
// bill documents it (CreditedInvoiceID the bill, the bill's credited total
// 50,000), and the bill stays paid with nothing due — the money returned
// is a concession. A second refund of the rest is documented the same way,
// and nothing beyond what was paid can be refunded.
func TestRefundABillToItsOriginalMethod(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		r := e.buy(t, "acme", small, period.Months(1))
		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bill := e.bills(t, "acme", r.ID)[0]
		p := e.payBillByCard(t, bill)
		require.Equal(t, invoice.StatusPaid, e.bills(t, "acme", r.ID)[0].Status)

		rf, err := e.sys.RefundPayment(ctx, "refund-1", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: p.ID, Amount: vnd(t, 50_000),
			Reason: "service outage on 12 April"})
		require.NoError(t, err)
		require.Equal(t, payment.RefundPending, rf.Status)
		e.deliverQueued(t)
		rf, err = e.sys.Refund(ctx, "acme", rf.ID)
		require.NoError(t, err)
		require.Equal(t, payment.RefundSucceeded, rf.Status)

		docs, err := items(e.sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", ResourceID: r.ID, Limit: 100}))
		require.NoError(t, err)
		var notes []invoice.Invoice
		var after invoice.Invoice
		for _, d := range docs {
			switch {
			case d.Kind == invoice.KindCreditNote:
				notes = append(notes, d)
			case d.ID == bill.ID:
				after = d
			}
		}
		require.Len(t, notes, 1)
		assert.Equal(t, bill.ID, notes[0].CreditedInvoiceID)
		assert.Equal(t, int64(50_000), minor(t, notes[0].Total))
		assert.Equal(t, int64(50_000), minor(t, after.AmountCredited))
		assert.Equal(t, invoice.StatusPaid, after.Status, "still paid")
		assert.True(t, after.AmountDue().IsZero(), "nothing due")

		rest, err := bill.Total.Sub(vnd(t, 50_000))
		require.NoError(t, err)
		_, err = e.sys.RefundPayment(ctx, "refund-too-much", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: p.ID, Amount: vnd(t, minor(t, rest)+1)})
		require.ErrorIs(t, err, payment.ErrOverRefund)
		_, err = e.sys.RefundPayment(ctx, "refund-2", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: p.ID, Amount: rest})
		require.NoError(t, err)
		e.deliverQueued(t)
		final := e.bills(t, "acme", r.ID)[0]
		assert.True(t, final.AmountCredited.Equal(final.Total), "credited in full: %s of %s", final.AmountCredited, final.Total)
		got, err := e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusRefunded, got.Status)
	})
}
