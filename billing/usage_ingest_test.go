package billing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// requestMetric is a cheap summed metric (0.001 VND per request) whose
// month can reach 10^15 requests without the amount bound.
const requestMetric = "api.requests"

// ingestEnv is postpaidEnv metering meteredItems and requestMetric.
func ingestEnv(t *testing.T, st storage.Store) env {
	t.Helper()
	price, err := money.New("0.001", "VND")
	require.NoError(t, err)
	return postpaidEnv(t, st, "acme", func(c *billing.Config) {
		c.Metering = append(c.Metering, metering.Item{Metric: requestMetric, Unit: "request", Aggregation: metering.AggSum, UnitPrice: price})
	})
}

func reasons(res billing.UsageResult) map[int]metering.Reason {
	out := map[int]metering.Reason{}
	for _, r := range res.Rejected {
		out[r.Index] = r.Reason
	}
	return out
}

// Issue 20, 1: two events of 6×10^14 requests for one resource's month
// would make 1.2×10^15, past the 10^15 an invoice line accepts: the second
// is refused aggregate_out_of_range, the month closes with 6×10^14
// (600,000,000,000 VND); 10^14 GB-hours at 7.7 VND (770,000,000,000,000
// VND) fit, a second 10^14 (1.54×10^15 VND) does not; a max metric is
// bounded by one event.
func TestUsageMonthAggregateIsBoundedAtIngestion(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := ingestEnv(t, newStore(t))
		r := e.buy(t, "acme", small, period.Months(1))
		e.clk.Advance(time.Hour)
		at := e.clk.Now()
		six := decimal.New(6, 14)
		ev := func(id, metric string, q decimal.Decimal) metering.Event {
			return metering.Event{ID: id, AccountID: "acme", ResourceID: r.ID, Metric: metric, Quantity: q, At: at}
		}
		res := record(t, e, []metering.Event{ev("r1", requestMetric, six), ev("r2", requestMetric, six), ev("r3", requestMetric, decimal.New(4, 14))})
		require.Equal(t, 2, res.Recorded, "6×10^14 + 4×10^14 = 10^15 fits exactly")
		require.Equal(t, map[int]metering.Reason{1: metering.ReasonAggregateOutOfRange}, reasons(res))
		require.ErrorIs(t, res.Rejected[0], metering.ErrAggregateOutOfRange)
		require.ErrorIs(t, res.Rejected[0], metering.ErrInvalidEvent)
		one := record(t, e, []metering.Event{ev("r4", requestMetric, decimal.NewFromInt(1))})
		require.Equal(t, map[int]metering.Reason{0: metering.ReasonAggregateOutOfRange}, reasons(one), "10^15 + 1")

		res = record(t, e, []metering.Event{ev("s1", snapshotMetric, decimal.New(1, 14)), ev("s2", snapshotMetric, decimal.New(1, 14))})
		require.Equal(t, 1, res.Recorded)
		require.Equal(t, map[int]metering.Reason{1: metering.ReasonAggregateOutOfRange}, reasons(res))
		// A retry of the accepted event is still a duplicate, also in a
		// batch that a new request would take past the bound: the
		// retries of 6×10^14 and 4×10^14 count nothing, the new 1 is
		// refused.
		require.Equal(t, billing.UsageResult{Duplicates: 1}, record(t, e, []metering.Event{ev("r1", requestMetric, six)}))
		res = record(t, e, []metering.Event{ev("r1", requestMetric, six), ev("r3", requestMetric, decimal.New(4, 14)), ev("r5", requestMetric, decimal.NewFromInt(1))})
		require.Equal(t, 2, res.Duplicates)
		require.Equal(t, map[int]metering.Reason{2: metering.ReasonAggregateOutOfRange}, reasons(res))

		e.clk.Set(aprilClose)
		rep, err := e.sys.Tick(context.Background(), 100)
		require.NoError(t, err)
		require.Empty(t, rep.Failures, "month close never fails on accepted usage")
		require.Equal(t, 1, rep.BillsIssued)
		bill := e.bills(t, "acme", r.ID)[0]
		var qs []string
		for _, l := range bill.Lines[1:] {
			qs = append(qs, l.Quantity.String())
		}
		require.Equal(t, []string{"1000000000000000", "100000000000000"}, qs)
		require.Equal(t, int64(1_000_000_000_000), minor(t, bill.Lines[1].Net), "10^15 × 0.001")
	})
}

// Issue 20, 2: usage of a postpaid resource timed before it started (year
// 1, 1970, 2000, the month before, an hour before) is refused
// before_start, and beyond now + 5 minutes future; the one event in its
// time is recorded and is the month's only usage line (1 GB-hour, 8 VND).
func TestUsageOutsideTheResourcesBillableTimeIsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := ingestEnv(t, newStore(t))
		r := e.buy(t, "acme", small, period.Months(1)) // April 5, 16:00:01 local
		start := e.clk.Now()
		e.clk.Advance(time.Hour)
		ev := func(id string, at time.Time) metering.Event {
			return metering.Event{ID: id, AccountID: "acme", ResourceID: r.ID, Metric: snapshotMetric, Quantity: decimal.NewFromInt(1), At: at}
		}
		res := record(t, e, []metering.Event{
			ev("y1", time.Date(1, 6, 1, 0, 0, 0, 0, time.UTC)),
			ev("1970", time.Unix(0, 0)),
			ev("2000", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)),
			ev("march", time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)),
			ev("hour-before", start.Add(-time.Hour)),
			ev("in-time", start),
			ev("future", e.clk.Now().Add(6*time.Minute)),
		})
		require.Equal(t, 1, res.Recorded)
		require.Equal(t, map[int]metering.Reason{0: billing.ReasonBeforeStart, 1: billing.ReasonBeforeStart, 2: billing.ReasonBeforeStart,
			3: billing.ReasonBeforeStart, 4: billing.ReasonBeforeStart, 6: metering.ReasonFuture}, reasons(res))
		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bill := e.bills(t, "acme", r.ID)[0]
		require.Len(t, bill.Lines, 2)
		require.Equal(t, "1", bill.Lines[1].Quantity.String(), "every recorded event is on the bill")
		require.Equal(t, int64(8), minor(t, bill.Lines[1].Net))
	})
}

// Issue 20, 3: a quantity 0E-100000 (or 0E+100000) is refused alone,
// quantity_out_of_range, and the two good events of its batch are
// recorded, on both stores; before, PostgreSQL failed the whole batch.
func TestHostileQuantityIsRefusedAlone(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := ingestEnv(t, newStore(t))
		r := e.buy(t, "acme", small, period.Months(1))
		ev := func(id string, q decimal.Decimal) metering.Event {
			return metering.Event{ID: id, AccountID: "acme", ResourceID: r.ID, Metric: snapshotMetric, Quantity: q, At: e.clk.Now()}
		}
		res := record(t, e, []metering.Event{ev("a", decimal.NewFromInt(2)), ev("b", decimal.New(0, -100000)), ev("c", decimal.New(0, 100000)),
			ev("d", decimal.RequireFromString("1.5"))})
		require.Equal(t, 2, res.Recorded)
		require.Equal(t, map[int]metering.Reason{1: metering.ReasonQuantityOutOfRange, 2: metering.ReasonQuantityOutOfRange}, reasons(res))
		_, used := usageAmount(t, e, "acme", r.ID)
		require.Equal(t, "3.5", used)
	})
}

// Issue 20, 4: the event id is scoped to the account. bw-1 with 5 GB, then
// bw-1 with 500 GB is refused id_conflict (and 5 GB again is a
// duplicate); two resources sending the same hour-stamp id: the second is
// refused; the same id twice in one batch with other quantities: the
// second is refused. The usage stays 5 GB + 1 GB.
func TestEventIDReusedWithOtherContentIsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := ingestEnv(t, newStore(t))
		r1 := e.buy(t, "acme", small, period.Months(1))
		r2 := e.buy(t, "acme", small, period.Months(1))
		at := e.clk.Now()
		bw := func(id, resource string, gb int64) metering.Event {
			return metering.Event{ID: id, AccountID: "acme", ResourceID: resource, Metric: bandwidthMetric, Quantity: decimal.NewFromInt(gb), At: at}
		}
		require.Equal(t, 1, record(t, e, []metering.Event{bw("bw-1", r1.ID, 5)}).Recorded)
		res := record(t, e, []metering.Event{bw("bw-1", r1.ID, 500)})
		require.Equal(t, map[int]metering.Reason{0: metering.ReasonIDConflict}, reasons(res))
		require.ErrorIs(t, res.Rejected[0], metering.ErrEventIDConflict)
		require.Equal(t, billing.UsageResult{Duplicates: 1}, record(t, e, []metering.Event{bw("bw-1", r1.ID, 5)}), "an exact retry")
		other := bw("bw-1", r1.ID, 5)
		other.At = at.Add(-time.Nanosecond) // within the microsecond a database keeps: the same time
		require.Equal(t, billing.UsageResult{Duplicates: 1}, record(t, e, []metering.Event{other}))
		other.At = at.Add(-time.Second)
		require.Equal(t, map[int]metering.Reason{0: metering.ReasonIDConflict}, reasons(record(t, e, []metering.Event{other})), "another time")
		other = bw("bw-1", r1.ID, 5)
		other.Metric = snapshotMetric
		require.Equal(t, map[int]metering.Reason{0: metering.ReasonIDConflict}, reasons(record(t, e, []metering.Event{other})), "another metric")

		hour := "2026-04-05T10"
		res = record(t, e, []metering.Event{bw(hour, r1.ID, 1), bw(hour, r2.ID, 1)})
		require.Equal(t, 1, res.Recorded)
		require.Equal(t, map[int]metering.Reason{1: metering.ReasonIDConflict}, reasons(res), "one id per account")
		res = record(t, e, []metering.Event{bw(hour, r2.ID, 1)})
		require.Equal(t, map[int]metering.Reason{0: metering.ReasonIDConflict}, reasons(res), "stored for another resource")

		res = record(t, e, []metering.Event{bw("twice", r2.ID, 2), bw("twice", r2.ID, 3), bw("twice", r2.ID, 2)})
		require.Equal(t, 1, res.Recorded)
		require.Equal(t, 1, res.Duplicates)
		require.Equal(t, map[int]metering.Reason{1: metering.ReasonIDConflict}, reasons(res))

		charges, err := e.sys.UsageSoFar(context.Background(), billing.UsageRequest{AccountID: "acme", From: at.Add(-time.Hour), To: at.Add(time.Hour)})
		require.NoError(t, err)
		used := map[string]string{}
		for _, c := range charges {
			used[c.ResourceID+" "+c.Metric] = c.Used.String()
		}
		require.Equal(t, map[string]string{r1.ID + " " + bandwidthMetric: "6", r2.ID + " " + bandwidthMetric: "2"}, used)
	})
}

// Issue 20, 1: a month that cannot be billed — usage over the bound
// written into the store around RecordUsage (or before the bound
// existed): two events of 6×10^14 requests — fails alone, reported as an
// ItemFailure of its resource, while the other resource's April bill is
// issued (docs/ARCHITECTURE.md, "Repairing a month that cannot be
// billed", is the operator's path).
func TestUnbillableMonthFailsAloneAndIsRepairable(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		e := ingestEnv(t, st)
		bad := e.buy(t, "acme", small, period.Months(1))
		good := e.buy(t, "acme", small, period.Months(1))
		at := e.clk.Now()
		require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			var rows []storage.UsageEvent
			for _, id := range []string{"x1", "x2"} {
				rows = append(rows, storage.UsageEvent{ID: id, AccountID: "acme", ResourceID: bad.ID, Metric: requestMetric,
					Quantity: decimal.New(6, 14), At: at, RecordedAt: at})
			}
			_, err := tx.Usage().Insert(ctx, rows)
			return err
		}))
		e.clk.Set(aprilClose)
		rep, err := e.sys.Tick(ctx, 100)
		require.NoError(t, err)
		require.Equal(t, 1, rep.BillsIssued, "the other resource's bill")
		require.Len(t, rep.Failures, 1)
		require.Equal(t, billing.ItemResource, rep.Failures[0].Kind)
		require.Equal(t, bad.ID, rep.Failures[0].ID)
		require.Len(t, e.bills(t, "acme", good.ID), 1)
		require.Empty(t, e.bills(t, "acme", bad.ID))
	})
}

// Two senders at once, each with 6×10^14 requests for one resource's
// month under its own id: the resource lock serialises them, so exactly
// one is recorded and the other refused aggregate_out_of_range.
func TestConcurrentSendersCannotOverfillAMonth(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := ingestEnv(t, newStore(t))
		r := e.buy(t, "acme", small, period.Months(1))
		at := e.clk.Now()
		results := make([]billing.UsageResult, 2)
		var wg sync.WaitGroup
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := e.sys.RecordUsage(context.Background(), billing.RecordUsageRequest{Events: []metering.Event{{
					ID: fmt.Sprintf("sender-%d", i), AccountID: "acme", ResourceID: r.ID, Metric: requestMetric, Quantity: decimal.New(6, 14), At: at}}})
				assert.NoError(t, err)
				results[i] = res
			}()
		}
		wg.Wait()
		require.Equal(t, 1, results[0].Recorded+results[1].Recorded)
		refused := append(results[0].Rejected, results[1].Rejected...)
		require.Len(t, refused, 1)
		require.Equal(t, metering.ReasonAggregateOutOfRange, refused[0].Reason)
	})
}
