package billing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// twoOpenBills is a postpaid account with a large vServer whose April
// bill A is overdue with 300,000 left to pay (due May 16 01:01 local, its
// three charge attempts found no credit) and whose May bill B has
// 100,000 left to pay, due June 16 01:01 local (2026-06-15T18:01Z). The
// schedule suspends only 60 days after a due time, so nothing is
// suspended meanwhile. Each bill is paid down by hand to the issue's
// numbers right after it is issued.
func twoOpenBills(t *testing.T, st storage.Store) (e env, r billing.Resource, a, b invoice.Invoice) {
	t.Helper()
	e = postpaidEnv(t, st, "acme", func(c *billing.Config) {
		c.Postpaid.Overdue = &lifecycle.OverduePolicy{ChargeAttemptDays: []int{0, 7, 14}, SuspendAfterDays: 60, ReleaseAfterSuspendDays: 15}
	})
	r = e.buy(t, "acme", large, period.Months(1))
	payDown := func(inv invoice.Invoice, left int64) invoice.Invoice {
		extra := minor(t, inv.Total) - left
		require.Positive(t, extra)
		e.topUp(t, "acme", extra)
		_, err := e.sys.Pay(context.Background(), "down-"+inv.ID, billing.PayRequest{AccountID: "acme", Amount: vnd(t, extra),
			Method: payment.MethodCredit, Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.ID}})
		require.NoError(t, err)
		got, err := e.sys.Invoice(context.Background(), "acme", inv.ID)
		require.NoError(t, err)
		require.Equal(t, left, minor(t, got.AmountDue()))
		return got
	}
	e.clk.Set(aprilClose)
	e.tickAll(t)
	a = payDown(e.bills(t, "acme", r.ID)[0], 300_000)
	for _, d := range []int{0, 7, 14} {
		e.dayAfterDue(t, a.DueAt, d)
	}
	require.Len(t, e.notices(t, "acme", billing.NoticeOverdueCharge), 3)
	e.clk.Set(time.Date(2026, 5, 31, 18, 1, 0, 0, time.UTC))
	require.Equal(t, 1, e.tickAll(t).BillsIssued)
	b = payDown(e.bills(t, "acme", r.ID)[1], 100_000)
	require.True(t, time.Date(2026, 6, 15, 18, 1, 0, 0, time.UTC).Equal(b.DueAt), "due %s", b.DueAt)
	require.True(t, a.IssuedAt.Before(b.IssuedAt))
	return e, r, a, b
}

// amountDue is what is left to pay on an invoice.
func (e env) amountDue(t *testing.T, acct, id string) int64 {
	t.Helper()
	inv, err := e.sys.Invoice(context.Background(), acct, id)
	require.NoError(t, err)
	return minor(t, inv.AmountDue())
}

// Issue 20, bullet 5: every collection from credit pays the open bills
// oldest first, then the smaller, the overdue charge attempts included.
// A (April, 300,000 left) is overdue; B (May, 100,000 left) falls due at
// 01:01 local; 200,000 of credit arrives at 00:31. B's attempt at T
// collects in that order and stops after B: the whole 200,000 goes to A,
// nothing to B; the 09:00 automatic payment finds no credit. Before,
// B's attempt paid B in full and automatic payment gave A only 100,000.
func TestOverdueChargePaysOlderBillsFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e, _, a, b := twoOpenBills(t, newStore(t))
		e.clk.Set(b.DueAt.Add(-31 * time.Minute)) // 00:30 local, June 16
		e.tickAll(t)
		e.topUp(t, "acme", 200_000)
		require.Equal(t, int64(200_000), e.available(t, "acme"))

		e.clk.Set(b.DueAt.Add(time.Minute))
		rep := e.tickAll(t)
		require.Equal(t, 1, rep.OverdueSteps, "B's first attempt")
		require.Equal(t, int64(100_000), e.amountDue(t, "acme", a.ID), "A, the older, gets the credit")
		require.Equal(t, int64(100_000), e.amountDue(t, "acme", b.ID), "B gets what A leaves: nothing")
		require.Equal(t, int64(0), e.available(t, "acme"))
		notices := e.notices(t, "acme", billing.NoticeOverdueCharge)
		require.Len(t, notices, 4)
		detail := fmt.Sprint(notices[len(notices)-1]["detail"])
		require.True(t, strings.Contains(detail, "nothing paid from credit") && strings.Contains(detail, "200000 VND") &&
			strings.Contains(detail, "older invoices first"), detail)

		e.clk.Set(time.Date(2026, 6, 16, 2, 0, 30, 0, time.UTC)) // 09:00:30 local
		e.tickAll(t)
		require.Equal(t, int64(100_000), e.amountDue(t, "acme", a.ID))
		require.Equal(t, int64(100_000), e.amountDue(t, "acme", b.ID))

		// Each payment of the attempt is a credit payment of its own, on
		// the bill it paid: one of 200,000 on A, none on B.
		ps, err := items(e.sys.Payments(context.Background(), billing.ListRequest{AccountID: "acme", Limit: 1000}))
		require.NoError(t, err)
		byRef := map[string][]int64{}
		for _, p := range ps {
			if p.Purpose.Kind == payment.PurposeInvoice && strings.Contains(p.Description, "overdue charge") {
				byRef[p.Purpose.Ref] = append(byRef[p.Purpose.Ref], minor(t, p.Amount))
			}
		}
		require.Equal(t, map[string][]int64{a.ID: {200_000}}, byRef)
		checkLedger(t, e.st, "acme")
	})
}

// With credit for more than the older bills, the attempt pays them in
// full and the rest goes to its own bill: 450,000 pays A's 300,000 and
// 100,000 of B, which ends both schedules; the 50,000 left stays credit
// (the attempt pays no bill newer than its own).
func TestOverdueChargePaysItsOwnBillWithWhatOlderBillsLeave(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e, _, a, b := twoOpenBills(t, newStore(t))
		e.clk.Set(b.DueAt.Add(-31 * time.Minute))
		e.tickAll(t)
		e.topUp(t, "acme", 450_000)
		e.clk.Set(b.DueAt.Add(time.Minute))
		e.tickAll(t)
		require.Equal(t, int64(0), e.amountDue(t, "acme", a.ID))
		require.Equal(t, int64(0), e.amountDue(t, "acme", b.ID))
		require.Equal(t, int64(50_000), e.available(t, "acme"))
		// No further attempt on either bill.
		e.dayAfterDue(t, b.DueAt, 7)
		require.Len(t, e.notices(t, "acme", billing.NoticeOverdueCharge), 4)
		checkLedger(t, e.st, "acme")
	})
}

// Issue 20, bullet 6: while a postpaid account is overdue, whatever adds
// charges is refused with the checkout's typed error, and nothing
// changes; a downgrade, a delete and payments stay allowed. The April
// bill of the small vServer (181,000 per 30 days; 168,128) falls due on
// May 16 01:01 local; at T+3 an upgrade to the large one (520,000) is
// refused, a downgrade to basic-1 (90,000) is not, and neither is the
// way back to small once the bill is paid.
func TestOverdueAccountRefusesWhatAddsCharges(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e, r, inv := overdueSetup(t, newStore(t))
		e.clk.Set(inv.DueAt.AddDate(0, 0, 3))
		resize := func(key string, cfg pricing.Configuration) error {
			_, err := e.sys.Resize(ctx, key, billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: cfg,
				PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
			return err
		}
		refusedOverdue := func(err error) {
			t.Helper()
			var refused *lifecycle.PurchaseRefusedError
			require.ErrorAs(t, err, &refused)
			require.ErrorIs(t, err, lifecycle.ErrAccountOverdue)
			require.True(t, inv.DueAt.Equal(refused.OverdueSince), "overdue since %s, due %s", refused.OverdueSince, inv.DueAt)
		}
		resizes := e.eventsOf(t, "acme", billing.EventResize)

		refusedOverdue(resize("up", large))
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, small, got.Configuration, "nothing changed")
		require.Equal(t, resizes, e.eventsOf(t, "acme", billing.EventResize))
		refusedOverdue(resize("up", large)) // the key's retry is refused too

		_, err = e.sys.Recover(ctx, "recover", billing.RecoverRequest{AccountID: "acme", ResourceID: r.ID, Term: period.Months(1),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		refusedOverdue(err)
		_, err = e.sys.Renew(ctx, "renew", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(1),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		refusedOverdue(err)

		basic := pricing.Configuration{Plan: "basic-1"}
		require.NoError(t, resize("down", basic), "a downgrade adds no charges")
		refusedOverdue(resize("back-up", small))

		e.topUp(t, "acme", 168_128)
		_, err = e.sys.Pay(ctx, "pay-april", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 168_128), Method: payment.MethodCredit,
			Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.ID}})
		require.NoError(t, err, "paying stays allowed")
		require.NoError(t, resize("back-up-paid", small), "no longer overdue")
		got, err = e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, small, got.Configuration)
		// Term operations stay refused for a postpaid resource, now for
		// that reason alone.
		_, err = e.sys.Recover(ctx, "recover-paid", billing.RecoverRequest{AccountID: "acme", ResourceID: r.ID, Term: period.Months(1),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.ErrorIs(t, err, billing.ErrPostpaidResource)
	})
}

// A delete while overdue is allowed (it stops charges), and so is a resize
// at the same price or at T−1, before the bill is overdue.
func TestOverdueAccountStillDeletes(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e, r, inv := overdueSetup(t, newStore(t))
		e.clk.Set(inv.DueAt.AddDate(0, 0, -1))
		_, err := e.sys.Resize(ctx, "up-before-due", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: large,
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err, "not overdue before T")
		e.clk.Set(inv.DueAt.AddDate(0, 0, 3))
		_, err = e.sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateDeleted, got.State)
	})
}
