package billing_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// The tests below run in Asia/Ho_Chi_Minh (UTC+7), the default zone: April
// 2026 runs from 2026-03-31T17:00Z to 2026-04-30T17:00Z, and its close
// (one hour after) at 2026-04-30T18:00Z. start is 16:00 local on April 5.

// aprilClose is a minute after April's close time.
var aprilClose = time.Date(2026, 4, 30, 18, 1, 0, 0, time.UTC)

// postpaidEnv is an environment metering meteredItems, with a postpaid
// account acct.
func postpaidEnv(t *testing.T, st storage.Store, acct string, adjust func(*billing.Config)) env {
	t.Helper()
	e := newEnvWith(t, st, func(c *billing.Config) {
		c.Metering = meteredItems(t)
		if adjust != nil {
			adjust(c)
		}
	})
	e.account(t, acct)
	_, err := e.sys.SetAccountType(context.Background(), "postpaid-"+acct, billing.SetAccountTypeRequest{AccountID: acct,
		Type: billing.Postpaid, Actor: "ops"})
	require.NoError(t, err)
	return e
}

// tickAll runs the worker until nothing more is due and returns the sum of
// its reports' bills and job counts.
func (e env) tickAll(t *testing.T) billing.TickReport {
	t.Helper()
	var sum billing.TickReport
	for range 20 {
		rep, err := e.sys.Tick(context.Background(), 100)
		require.NoError(t, err)
		require.Empty(t, rep.Failures)
		sum.BillsIssued += rep.BillsIssued
		sum.Collections += rep.Collections
		sum.InvoicesCollected += rep.InvoicesCollected
		sum.OverdueSteps += rep.OverdueSteps
		sum.Holds += rep.Holds
		if !rep.More {
			return sum
		}
	}
	t.Fatal("the worker never drained")
	return sum
}

// bill returns the resource's bill (the invoice not issued paid at
// purchase: postpaid resources have no other).
func (e env) bills(t *testing.T, acct, resourceID string) []invoice.Invoice {
	t.Helper()
	invs, err := items(e.sys.Invoices(context.Background(), billing.ListRequest{AccountID: acct, ResourceID: resourceID, Limit: 1000}))
	require.NoError(t, err)
	slices.Reverse(invs) // oldest first
	return invs
}

func lineTotals(t *testing.T, inv invoice.Invoice) [][4]int64 {
	var out [][4]int64
	for _, l := range inv.Lines {
		out = append(out, [4]int64{minor(t, l.Net), minor(t, l.Tax), minor(t, l.Coupon), minor(t, l.Total)})
	}
	return out
}

func TestPostpaidMonthCloseBillsTheFormula(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		// Bought at 16:00:01 local on April 5: nothing is paid now.
		rA := e.buy(t, "acme", small, period.Months(1))
		rB := e.buy(t, "acme", small, period.Months(1))
		require.True(t, rA.PeriodEnd.IsZero(), "a postpaid resource has no paid term")
		require.Equal(t, 0, e.invoiceCount(t, "acme", ""), "billed in arrears, not at purchase")
		require.Equal(t, int64(0), e.available(t, "acme"))

		// Ten days later rA grows to 520,000 per 30 days; its usage: 720
		// GB-hours of snapshots (7.7 each) and 5.56 GB of bandwidth (5).
		e.clk.Set(time.Date(2026, 4, 15, 9, 0, 30, 0, time.UTC))
		res := record(t, e, []metering.Event{
			{ID: "snap", AccountID: "acme", ResourceID: rA.ID, Metric: snapshotMetric, Quantity: decimal.NewFromInt(720), At: e.clk.Now().Add(-time.Hour)},
			{ID: "bw", AccountID: "acme", ResourceID: rA.ID, Metric: bandwidthMetric, Quantity: decimal.RequireFromString("5.56"), At: e.clk.Now().Add(-time.Hour)},
		})
		require.Equal(t, 2, res.Recorded)
		rz, err := e.sys.Resize(ctx, "grow", billing.ResizeRequest{AccountID: "acme", ResourceID: rA.ID, Configuration: large})
		require.NoError(t, err)
		require.True(t, rz.Charged.IsZero(), "a postpaid resize charges nothing now")
		// Twenty days after its purchase rB is deleted.
		e.clk.Set(time.Date(2026, 4, 25, 9, 0, 30, 0, time.UTC))
		_, err = e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: rB.ID})
		require.NoError(t, err)
		// Usage of rB after its stop could never be billed: refused.
		stopped := record(t, e, []metering.Event{
			{ID: "b-after", AccountID: "acme", ResourceID: rB.ID, Metric: snapshotMetric, Quantity: decimal.NewFromInt(5), At: e.clk.Now()},
		})
		require.Equal(t, 0, stopped.Recorded)
		require.Len(t, stopped.Rejected, 1)
		require.Equal(t, billing.ReasonResourceStopped, stopped.Rejected[0].Reason)

		// The preview at the month's end is the bill the close issues.
		e.clk.Set(time.Date(2026, 4, 30, 17, 0, 0, 0, time.UTC))
		preview, ok, err := e.sys.PreviewBill(ctx, "acme", rA.ID)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, invoice.StatusDraft, preview.Status)
		require.Equal(t, int64(370_320), minor(t, preview.Total))

		// Late usage is accepted until the close runs ...
		e.clk.Set(time.Date(2026, 4, 30, 17, 30, 0, 0, time.UTC))
		require.Equal(t, 0, e.tickAll(t).BillsIssued, "April closes an hour after it ends")
		require.Equal(t, 1, record(t, e, []metering.Event{{ID: "late", AccountID: "acme", ResourceID: rA.ID, Metric: snapshotMetric,
			Quantity: decimal.Zero, At: time.Date(2026, 4, 30, 16, 0, 0, 0, time.UTC)}}).Recorded)

		e.clk.Set(aprilClose)
		require.Equal(t, 2, e.tickAll(t).BillsIssued)
		a := e.bills(t, "acme", rA.ID)
		require.Len(t, a, 1)
		// small for 14,400 minutes: 181,000 × 14,400 ÷ 43,200 = 60,333 +
		// 10% tax 6,033; large for the 22,080 minutes to the month's end:
		// 265,778 + 26,578; then usage by metric: bandwidth 5,000 + 500,
		// snapshots 5,544 + 554.
		require.Equal(t, [][4]int64{{60_333, 6_033, 0, 66_366}, {265_778, 26_578, 0, 292_356}, {5_000, 500, 0, 5_500}, {5_544, 554, 0, 6_098}},
			lineTotals(t, a[0]))
		require.Equal(t, int64(370_320), minor(t, a[0].Total))
		require.Equal(t, invoice.StatusIssued, a[0].Status, "Unpaid")
		require.Equal(t, a[0].IssuedAt.Add(15*24*time.Hour), a[0].DueAt)
		require.Equal(t, int64(14_400), int64(a[0].Lines[0].Period.Minutes()))
		// rB to its stop time: 28,800 minutes, 120,667 + 12,067.
		b := e.bills(t, "acme", rB.ID)
		require.Len(t, b, 1)
		require.Equal(t, [][4]int64{{120_667, 12_067, 0, 132_734}}, lineTotals(t, b[0]))
		require.ElementsMatch(t, []int64{1, 2}, []int64{a[0].Number, b[0].Number}, "numbered gaplessly at issue")
		open, err := e.sys.OpenInvoices(ctx, "acme")
		require.NoError(t, err)
		require.Len(t, open.Invoices, 2)
		require.Equal(t, int64(370_320+132_734), minor(t, open.Outstanding))
		require.False(t, open.Invoices[0].Overdue)

		// Running the close again bills nothing twice; April's usage is
		// now refused as late.
		require.Equal(t, 0, e.tickAll(t).BillsIssued)
		require.Equal(t, 2, e.invoiceCount(t, "acme", ""))
		late := record(t, e, []metering.Event{{ID: "too-late", AccountID: "acme", ResourceID: rA.ID, Metric: snapshotMetric,
			Quantity: decimal.NewFromInt(1), At: time.Date(2026, 4, 30, 16, 0, 0, 0, time.UTC)}})
		require.Len(t, late.Rejected, 1)
		require.Equal(t, billing.ReasonPeriodClosed, late.Rejected[0].Reason)
		require.ErrorIs(t, late.Rejected[0], metering.ErrInvalidEvent)

		// Term operations do not apply to a postpaid resource.
		_, err = e.sys.Renew(ctx, "renew", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{rA.ID}, Term: period.Months(1)})
		require.ErrorIs(t, err, billing.ErrPostpaidResource)
	})
}

func TestPostpaidCloseByConcurrentWorkersBillsOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := postpaidEnv(t, newStore(t), "acme", nil)
		for range 6 {
			e.buy(t, "acme", small, period.Months(1))
		}
		e.clk.Set(aprilClose)
		var wg sync.WaitGroup
		var mu sync.Mutex
		bills := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					rep, err := e.sys.Tick(context.Background(), 2)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					bills += rep.BillsIssued
					mu.Unlock()
					if !rep.More {
						return
					}
				}
			}()
		}
		wg.Wait()
		require.Equal(t, 6, bills)
		invs := e.bills(t, "acme", "")
		require.Len(t, invs, 6)
		var numbers []int64
		for _, inv := range invs {
			numbers = append(numbers, inv.Number)
		}
		slices.Sort(numbers)
		require.Equal(t, []int64{1, 2, 3, 4, 5, 6}, numbers)
	})
}

func TestAutomaticInvoicePaymentOldestThenSmaller(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		// Bills fall due after 60 days here, so no overdue step interferes.
		e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) { c.Postpaid.PaymentTermDays = 60 })
		rA := e.buy(t, "acme", small, period.Months(1))
		// B and C start at 00:00 local on May 1: no April bill, a full May.
		e.clk.Set(time.Date(2026, 4, 30, 17, 0, 0, 0, time.UTC))
		res, err := e.sys.Checkout(context.Background(), "may", billing.CheckoutRequest{AccountID: "acme", Items: []billing.OrderItem{
			{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)},
			{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)},
		}})
		require.NoError(t, err)
		e.provisionAll(t, "acme", res)
		e.clk.Set(aprilClose)
		e.tickAll(t)
		// April: A for 36,480 minutes, 152,844 + 15,284 = 168,128.
		aApr := e.bills(t, "acme", rA.ID)[0]
		require.Equal(t, int64(168_128), minor(t, aApr.Total))

		// May 1 09:00 local: no credit, the daily run pays nothing.
		e.clk.Set(time.Date(2026, 5, 1, 2, 0, 30, 0, time.UTC))
		rep := e.tickAll(t)
		require.Equal(t, 1, rep.Collections)
		require.Equal(t, 0, rep.InvoicesCollected)

		e.clk.Set(time.Date(2026, 5, 31, 18, 1, 0, 0, time.UTC))
		require.Equal(t, 3, e.tickAll(t).BillsIssued)
		// May: basic-1 for 44,640 minutes 93,000 + 9,300 = 102,300; small
		// 187,033 + 18,703 = 205,736 (A and C).
		e.topUp(t, "acme", 168_128+102_300+50_000)
		e.clk.Set(time.Date(2026, 6, 1, 2, 0, 30, 0, time.UTC))
		rep = e.tickAll(t)
		require.Equal(t, 3, rep.InvoicesCollected)

		evs, err := items(e.sys.Events(context.Background(), billing.ListRequest{AccountID: "acme", Limit: 1000}))
		require.NoError(t, err)
		var runs []billing.CollectionPayload
		for _, ev := range evs {
			if ev.Kind == billing.EventCollection {
				p, err := ev.Collection()
				require.NoError(t, err)
				runs = append(runs, p)
			}
		}
		require.Len(t, runs, 1)
		got := runs[0].Paid
		require.Len(t, got, 3)
		// Oldest first (April's), then the smaller May bill, then the
		// first of the two equal ones by id, partially.
		require.Equal(t, aApr.ID, got[0].InvoiceID)
		require.Equal(t, []int64{168_128, 102_300, 50_000}, []int64{minor(t, got[0].Amount), minor(t, got[1].Amount), minor(t, got[2].Amount)})
		require.Equal(t, []bool{true, true, false}, []bool{got[0].Full, got[1].Full, got[2].Full})
		require.Equal(t, int64(205_736*2-50_000), minor(t, runs[0].Outstanding))
		partial, err := e.sys.Invoice(context.Background(), "acme", got[2].InvoiceID)
		require.NoError(t, err)
		require.Equal(t, invoice.StatusPartiallyPaid, partial.Status)
		require.Equal(t, int64(155_736), minor(t, partial.AmountDue()))
		require.Equal(t, int64(0), e.available(t, "acme"))
		checkLedger(t, e.st, "acme")
	})
}

// overdueSetup is a postpaid account whose April bill (168,128, due May 16
// 01:01 local) nobody pays.
func overdueSetup(t *testing.T, st storage.Store) (env, billing.Resource, invoice.Invoice) {
	e := postpaidEnv(t, st, "acme", nil)
	r := e.buy(t, "acme", small, period.Months(1))
	e.clk.Set(aprilClose)
	e.tickAll(t)
	inv := e.bills(t, "acme", r.ID)[0]
	require.Equal(t, time.Date(2026, 5, 15, 18, 1, 0, 0, time.UTC), inv.DueAt.UTC(), "due an instant, shown in the account zone")
	return e, r, inv
}

// dayAfterDue moves the clock to a minute after T + days and runs the
// worker.
func (e env) dayAfterDue(t *testing.T, due time.Time, days int) {
	e.clk.Set(due.AddDate(0, 0, days).Add(time.Minute))
	e.tickAll(t)
}

func TestOverdueScheduleSuspendsAndRefusesPurchases(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e, r, inv := overdueSetup(t, newStore(t))
		buy := func() error {
			e.clk.Advance(time.Second)
			_, err := e.sys.Checkout(ctx, "buy-"+e.clk.Now().String(), billing.CheckoutRequest{AccountID: "acme",
				Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
			return err
		}
		e.dayAfterDue(t, inv.DueAt, -1)
		require.NoError(t, buy(), "not overdue before T")
		for _, d := range []int{0, 7, 14} {
			e.dayAfterDue(t, inv.DueAt, d)
		}
		require.Len(t, e.notices(t, "acme", billing.NoticeOverdueCharge), 3, "charge attempts at T, T+7 and T+14")
		err := buy()
		var refused *lifecycle.PurchaseRefusedError
		require.ErrorAs(t, err, &refused)
		require.ErrorIs(t, err, lifecycle.ErrAccountOverdue)
		require.True(t, inv.DueAt.Equal(refused.OverdueSince), "overdue since the due time")
		got, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateActive, got.State, "still running until T+15")

		e.dayAfterDue(t, inv.DueAt, 15)
		got, err = e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateSuspended, got.State)
		require.Equal(t, 1, e.eventsOf(t, "acme", billing.EventSuspend)-0)

		t.Run("paying resumes", func(t *testing.T) {
			e.dayAfterDue(t, inv.DueAt, 20)
			e.topUp(t, "acme", 168_128)
			_, err := e.sys.Pay(ctx, "pay-april", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 168_128), Method: payment.MethodCredit,
				Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.ID}})
			require.NoError(t, err)
			got, err := e.sys.Resource(ctx, "acme", r.ID)
			require.NoError(t, err)
			require.Equal(t, lifecycle.StateActive, got.State)
			require.Positive(t, e.eventsOf(t, "acme", billing.EventResume))
			require.NoError(t, buy(), "no longer overdue")
			// The release day passes without a release.
			e.dayAfterDue(t, inv.DueAt, 31)
			got, err = e.sys.Resource(ctx, "acme", r.ID)
			require.NoError(t, err)
			require.NotEqual(t, lifecycle.StateReleased, got.State)
		})
	})
}

func TestOverdueScheduleReleasesFifteenDaysAfterSuspension(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e, r, inv := overdueSetup(t, newStore(t))
		for _, d := range []int{0, 7, 14, 15, 29} {
			e.dayAfterDue(t, inv.DueAt, d)
		}
		got, err := e.sys.Resource(context.Background(), "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateSuspended, got.State, "T+29: still suspended")
		e.dayAfterDue(t, inv.DueAt, 30)
		got, err = e.sys.Resource(context.Background(), "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateReleased, got.State, "released 15 days after the suspension at T+15")
		require.Equal(t, 1, e.eventsOf(t, "acme", billing.EventRelease))
	})
}

func TestCreditHoldShortFiveDaysStopsTheService(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Metering = meteredItems(t) })
		// 200,000 of credit, 199,100 spent on a month of small: 900 left.
		e.fund(t, "beta", 200_000)
		r := e.buy(t, "beta", small, period.Months(1))
		require.Equal(t, int64(900), e.available(t, "beta"))
		usage := func(day int) {
			// 1,000 GB-hours of snapshots a day (7,700), at noon local.
			e.clk.Set(time.Date(2026, 4, 5+day, 5, 0, 0, 0, time.UTC))
			require.Equal(t, 1, record(t, e, []metering.Event{{ID: "d" + string(rune('a'+day)), AccountID: "beta", ResourceID: r.ID,
				Metric: snapshotMetric, Quantity: decimal.NewFromInt(1000), At: e.clk.Now()}}).Recorded)
		}
		for day := 0; day < 5; day++ {
			usage(day)
			e.clk.Set(time.Date(2026, 4, 6+day, 2, 0, 30, 0, time.UTC)) // 09:00 local the next day
			require.Equal(t, 1, e.tickAll(t).Holds)
			if day == 0 {
				// 7,700 so far + 3 × 7,700 (the one complete day since
				// usage began) = 30,800 required; 900 held; 29,900 short.
				w, err := e.sys.Wallet(ctx, "beta")
				require.NoError(t, err)
				require.Equal(t, int64(900), minor(t, w.Held))
				require.Equal(t, int64(0), minor(t, w.Available), "held credit is spendable by nothing else")
				short := e.notices(t, "beta", billing.NoticeHoldShort)
				require.Len(t, short, 1)
				require.True(t, strings.Contains(short[0]["detail"].(string), "top up 29900 VND"), short[0]["detail"])
			}
		}
		require.Len(t, e.notices(t, "beta", billing.NoticeHoldShort), 5)
		hold, err := e.sys.UsageHold(ctx, "beta")
		require.NoError(t, err)
		require.True(t, hold.Held.IsZero(), "settled on stop")
		require.Equal(t, 0, hold.ShortDays)
		evs, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "beta", Limit: 1000}))
		require.NoError(t, err)
		var stops []billing.UsageStopPayload
		for _, ev := range evs {
			if ev.Kind == billing.EventUsageStop {
				v, err := ev.Decode()
				require.NoError(t, err)
				stops = append(stops, v.(billing.UsageStopPayload))
			}
		}
		require.Len(t, stops, 1, "the service stops on the 5th short day")
		require.Equal(t, []string{r.ID}, stops[0].ResourceIDs)
		require.Equal(t, 5, stops[0].ShortDays)

		// On stop the usage so far (5 × 7,700 + 10% tax = 42,350) is
		// invoiced and paid from the released hold (900); the rest is owed.
		w, err := e.sys.Wallet(ctx, "beta")
		require.NoError(t, err)
		require.True(t, w.Held.IsZero())
		var usageBill *invoice.Invoice
		for _, inv := range e.bills(t, "beta", r.ID) {
			if strings.HasPrefix(inv.ID, "usage_") {
				usageBill = &inv
			}
		}
		require.NotNil(t, usageBill)
		require.Equal(t, int64(42_350), minor(t, usageBill.Total))
		require.Equal(t, int64(900), minor(t, usageBill.AmountPaid))
		require.Equal(t, invoice.StatusPartiallyPaid, usageBill.Status)
		checkLedger(t, e.st, "beta")

		// The settled usage is closed: it is never billed twice.
		late := record(t, e, []metering.Event{{ID: "old", AccountID: "beta", ResourceID: r.ID, Metric: snapshotMetric,
			Quantity: decimal.NewFromInt(1), At: time.Date(2026, 4, 6, 5, 0, 0, 0, time.UTC)}})
		require.Len(t, late.Rejected, 1)
		require.Equal(t, billing.ReasonPeriodClosed, late.Rejected[0].Reason)
	})
}

func TestPostpaidCreditLimit(t *testing.T) {
	for _, blocks := range []bool{true, false} {
		t.Run(map[bool]string{true: "blocks", false: "notifies"}[blocks], func(t *testing.T) {
			forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
				e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) {
					c.Postpaid.CreditLimit = lifecycle.CreditLimitPolicy{Limit: vnd(t, 300_000), Blocks: blocks, NoticeAtPercent: 80}
				})
				// The first small (199,100 a month with tax) is within 80%
				// of 300,000.
				e.buy(t, "acme", small, period.Months(1))
				require.Empty(t, e.notices(t, "acme", billing.NoticeCreditLimit))
				// Twenty days later it has run up 132,734 unbilled; a second
				// one would make 331,834, over the limit.
				e.clk.Set(time.Date(2026, 4, 25, 9, 0, 1, 0, time.UTC))
				_, err := e.sys.Checkout(context.Background(), "second", billing.CheckoutRequest{AccountID: "acme",
					Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
				if !blocks {
					require.NoError(t, err)
					n := e.notices(t, "acme", billing.NoticeCreditLimit)
					require.Len(t, n, 1)
					require.Contains(t, n[0]["detail"], "331834 VND")
					return
				}
				require.ErrorIs(t, err, lifecycle.ErrCreditLimitExceeded)
				var refused *lifecycle.PurchaseRefusedError
				require.True(t, errors.As(err, &refused))
				require.Equal(t, int64(331_834), minor(t, refused.Check.Used))
			})
		})
	}
}

// A postpaid resource whose provisioning fails was never paid for and
// never ran: nothing is refunded, nothing is billed at month close. (The
// simulation found that this call failed, looking for a payment to refund.)
func TestPostpaidProvisioningFailureRefundsAndBillsNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
		require.NoError(t, err)
		require.Len(t, res.Resources, 1)
		r, err := e.sys.ProvisioningFailed(ctx, "fail", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID, Reason: "no capacity"})
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateProvisioningFailed, r.State)
		require.Equal(t, int64(0), e.available(t, "acme"), "nothing was paid, nothing is refunded")
		e.clk.Set(aprilClose)
		require.Equal(t, 0, e.tickAll(t).BillsIssued)
		require.Equal(t, 0, e.invoiceCount(t, "acme", ""))
	})
}

// A postpaid resource deleted after its month ended but before that month
// closed still gets the month's bill at the close, and the new month's
// minutes before the delete on the next one. (The simulation found the
// month skipped: the stop moved the next close to the new month's.)
func TestPostpaidStopBeforeTheMonthClosesBillsThatMonth(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		r := e.buy(t, "acme", small, period.Months(1)) // April 5, 16:00:01 local
		// 00:30 local on May 1: April has ended, its close is at 01:00.
		e.clk.Set(time.Date(2026, 4, 30, 17, 30, 0, 0, time.UTC))
		_, err := e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued, "April is billed at its close")
		bills := e.bills(t, "acme", r.ID)
		require.Len(t, bills, 1)
		// April 5 16:00:01 to May 1 00:00 local, counted in whole minutes
		// from the month's start: 43,200 − 6,720 = 36,480 minutes of
		// 181,000 per 30 days = 152,844, + 10% tax 15,284.
		require.Equal(t, [][4]int64{{152_844, 15_284, 0, 168_128}}, lineTotals(t, bills[0]))
		// May's 30 minutes are billed at May's close.
		e.clk.Set(time.Date(2026, 5, 31, 18, 1, 0, 0, time.UTC))
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bills = e.bills(t, "acme", r.ID)
		require.Len(t, bills, 2)
		require.Equal(t, [][4]int64{{126, 13, 0, 139}}, lineTotals(t, bills[1]))
	})
}

// A catalog whose prices include tax bills postpaid months from the price
// before tax, so that a whole month costs exactly the inclusive price:
// 181,000 a month with 10% included is 164,545.454545 before tax, billed
// 164,545 + 16,455 = 181,000 for the 30 days of April; 720 GB-hours at
// 7.7 (tax included) are 5,040 + 504 = 5,544.
func TestPostpaidBillsOfATaxInclusiveCatalog(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		sample, err := pricing.SampleCatalog()
		require.NoError(t, err)
		inclusive, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: sample.Products(),
			Tax: pricing.TaxPolicy{Rate: decimal.RequireFromString("0.1"), Mode: pricing.TaxInclusive}})
		require.NoError(t, err)
		e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) { c.Catalog = inclusive })
		e.clk.Set(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)) // April 1, 00:00 local
		r := e.buy(t, "acme", small, period.Months(1))
		e.clk.Set(time.Date(2026, 4, 15, 9, 0, 0, 0, time.UTC))
		require.Equal(t, 1, record(t, e, []metering.Event{{ID: "snap", AccountID: "acme", ResourceID: r.ID, Metric: snapshotMetric,
			Quantity: decimal.NewFromInt(720), At: e.clk.Now().Add(-time.Hour)}}).Recorded)
		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bills := e.bills(t, "acme", r.ID)
		require.Len(t, bills, 1)
		require.Equal(t, [][4]int64{{164_545, 16_455, 0, 181_000}, {5_040, 504, 0, 5_544}}, lineTotals(t, bills[0]))
		require.Equal(t, int64(186_544), minor(t, bills[0].Total))
	})
}

// A month whose bill exists already is closed without a second bill, even
// when the resource's own record says it is still open (a resource
// restored from before the close).
func TestPostpaidCloseSkipsAMonthAlreadyBilled(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		e := postpaidEnv(t, st, "acme", nil)
		var ids []string
		for range 3 {
			ids = append(ids, e.buy(t, "acme", small, period.Months(1)).ID)
		}
		// The first resource as it was before April closed, to put back
		// after: as if restored from a backup taken before the close.
		var before storage.Resource
		require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			var err error
			before, err = tx.Resources().Get(ctx, "acme", ids[0])
			return err
		}))
		e.clk.Set(aprilClose)
		require.Equal(t, 3, e.tickAll(t).BillsIssued, "April: one bill per resource")
		require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Resources().Update(ctx, before)
			return err
		}))

		// At May's close the page holds a resource whose April bill
		// exists: April is not billed again, May is billed for all three,
		// and the numbers go on from 4 without a gap.
		e.clk.Set(time.Date(2026, 5, 31, 18, 1, 0, 0, time.UTC))
		require.Equal(t, 3, e.tickAll(t).BillsIssued)
		var numbers []int64
		for _, inv := range e.bills(t, "acme", "") {
			numbers = append(numbers, inv.Number)
		}
		slices.Sort(numbers)
		require.Equal(t, []int64{1, 2, 3, 4, 5, 6}, numbers)
		first := e.bills(t, "acme", ids[0])
		require.Len(t, first, 2, "April once, May once")
		require.True(t, strings.HasSuffix(first[0].ID, "_2026-04") && strings.HasSuffix(first[1].ID, "_2026-05"),
			"bills %s and %s", first[0].ID, first[1].ID)
		require.Equal(t, 0, e.tickAll(t).BillsIssued, "nothing more is due")
	})
}

// A retry of an event counted before its month closed, or before its
// resource stopped, is a duplicate, never a refusal: the sender must not
// think a counted event was lost.
func TestUsageRetriedAfterTheCloseIsADuplicate(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		r := e.buy(t, "acme", small, period.Months(1))
		ev := metering.Event{ID: "snap-1", AccountID: "acme", ResourceID: r.ID, Metric: snapshotMetric,
			Quantity: decimal.NewFromInt(720), At: e.clk.Now()}
		require.Equal(t, 1, record(t, e, []metering.Event{ev}).Recorded)
		_, err := e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID}) // at the event's instant
		require.NoError(t, err)
		again := record(t, e, []metering.Event{ev})
		require.Equal(t, 1, again.Duplicates, "counted before the stop")
		require.Empty(t, again.Rejected)
		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		late := ev
		late.ID = "snap-2"
		res := record(t, e, []metering.Event{ev, late})
		require.Equal(t, 1, res.Duplicates, "counted on April's bill")
		require.Len(t, res.Rejected, 1)
		require.Equal(t, billing.ReasonPeriodClosed, res.Rejected[0].Reason)
		require.Equal(t, 1, res.Rejected[0].Index)
	})
}

// With Postpaid.ChargeLinkedAccount, an overdue charge attempt takes what
// credit covers and charges the rest to the default linked account: the
// April bill of 168,128 at T is 50,000 from credit and 118,128 on the card,
// declined; at T+7 the card is charged again and pays it, so nothing is
// suspended at T+15.
func TestOverdueChargeFallsBackToTheLinkedAccount(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) { c.Postpaid.ChargeLinkedAccount = true })
		e.linkAccount(t, "acme", "Visa •••• 4242")
		r := e.buy(t, "acme", small, period.Months(1))
		e.clk.Set(aprilClose)
		e.tickAll(t)
		inv := e.bills(t, "acme", r.ID)[0]
		require.Equal(t, int64(168_128), minor(t, inv.Total))

		e.clk.Set(inv.DueAt.Add(-time.Minute))
		e.topUp(t, "acme", 50_000)
		e.sim.SetDefaultOutcome(gatewaysim.Decline("card declined"))
		e.dayAfterDue(t, inv.DueAt, 0)
		got, err := e.sys.Invoice(ctx, "acme", inv.ID)
		require.NoError(t, err)
		require.Equal(t, invoice.StatusPartiallyPaid, got.Status)
		require.Equal(t, int64(118_128), minor(t, got.AmountDue()))
		notes := e.notices(t, "acme", billing.NoticeOverdueCharge)
		require.Len(t, notes, 1)
		require.Contains(t, notes[0]["detail"], "118128 VND charged to the linked account")

		e.sim.SetDefaultOutcome(gatewaysim.Succeed())
		e.dayAfterDue(t, inv.DueAt, 7)
		got, err = e.sys.Invoice(ctx, "acme", inv.ID)
		require.NoError(t, err)
		require.Equal(t, invoice.StatusPaid, got.Status)
		pays, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		var card []string
		for _, p := range pays {
			if p.Method == payment.MethodLinkedAccount {
				card = append(card, string(p.Status)+" "+p.Amount.String())
			}
		}
		require.ElementsMatch(t, []string{"failed 118128 VND", "succeeded 118128 VND"}, card)

		e.dayAfterDue(t, inv.DueAt, 15)
		res, err := e.sys.Resource(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateActive, res.State, "paid before T+15: not suspended")
	})
}

// An account's own credit limit replaces the configured one for its
// purchases: with 300,000 configured (blocking), an account given 500,000
// buys the second small server (331,834 owed with it); taken back to the
// default, a third is refused. Bad limits are refused naming Limit, and
// every change is in the audit trail.
func TestPostpaidCreditLimitPerAccount(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) {
			c.Postpaid.CreditLimit = lifecycle.CreditLimitPolicy{Limit: vnd(t, 300_000), Blocks: true, NoticeAtPercent: 80}
		})
		set := func(key string, limit money.Amount) (billing.Account, error) {
			return e.sys.SetCreditLimit(ctx, key, billing.SetCreditLimitRequest{AccountID: "acme", Limit: limit, Actor: "ops", Reason: "reviewed"})
		}
		for _, bad := range []money.Amount{usd(t, "10"), vnd(t, -1), func() money.Amount { a, err := money.New("0.5", "VND"); require.NoError(t, err); return a }()} {
			_, err := set("bad-"+bad.String(), bad)
			var re *billing.RequestError
			require.ErrorAs(t, err, &re, "limit %s", bad)
			require.Equal(t, "Limit", re.Field)
		}
		// The operator is required: an audit record names who acted.
		_, err := e.sys.SetCreditLimit(ctx, "no-actor", billing.SetCreditLimitRequest{AccountID: "acme", Limit: vnd(t, 500_000)})
		var re *billing.RequestError
		require.ErrorAs(t, err, &re, "a limit of 500,000 without an actor")
		require.Equal(t, "Actor", re.Field)
		a, err := set("raise", vnd(t, 500_000))
		require.NoError(t, err)
		require.Equal(t, int64(500_000), minor(t, a.CreditLimit))
		e.buy(t, "acme", small, period.Months(1))
		e.clk.Set(time.Date(2026, 4, 25, 9, 0, 1, 0, time.UTC))
		buy := func(key string) error {
			_, err := e.sys.Checkout(ctx, key, billing.CheckoutRequest{AccountID: "acme",
				Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
			return err
		}
		require.NoError(t, buy("second"), "331,834 is within the account's 500,000")
		require.Empty(t, e.notices(t, "acme", billing.NoticeCreditLimit), "and under its 80% notice threshold, 400,000")

		a, err = set("default", money.Amount{})
		require.NoError(t, err)
		require.True(t, a.CreditLimit.Currency().IsZero(), "no limit of its own")
		require.ErrorIs(t, buy("third"), lifecycle.ErrCreditLimitExceeded, "the configured 300,000 applies again")

		trail, err := items(e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		var changes int
		for _, r := range trail {
			if r.Action == "account.credit_limit_changed" {
				changes++
			}
		}
		require.Equal(t, 2, changes)
	})
}
