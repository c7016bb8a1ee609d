package billing_test

import (
	"context"
	"errors"
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
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// Metrics of the usage tests: snapshot storage in GB-hours at 7.7 VND,
// bandwidth in whole GB (rounded down) at 1,000 VND.
const (
	snapshotMetric  = "snapshot.gb_hours"
	bandwidthMetric = "bandwidth.gb"
)

func meteredItems(t testing.TB) []metering.Item {
	t.Helper()
	perGBHour, err := money.New("7.7", "VND")
	require.NoError(t, err)
	perGB, err := money.New("1000", "VND")
	require.NoError(t, err)
	return []metering.Item{
		{Metric: snapshotMetric, Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: perGBHour},
		{Metric: bandwidthMetric, Unit: "GB", Aggregation: metering.AggSum, UnitPrice: perGB, Rounding: metering.QuantityFloor},
	}
}

// newUsageEnv is an environment whose System meters meteredItems, with an
// account "acme" that owns one resource, whose id it returns.
func newUsageEnv(t *testing.T, st storage.Store) (env, string) {
	t.Helper()
	e := newEnvWith(t, st, func(c *billing.Config) { c.Metering = meteredItems(t) })
	e.fund(t, "acme", 500_000)
	r := e.buy(t, "acme", small, period.Months(1))
	return e, r.ID
}

// hourly returns n snapshot events of 1 GB-hour each, one per hour ending
// before now, with ids prefix-0 … prefix-(n-1).
func hourly(acct, resource, prefix string, n int, now time.Time) []metering.Event {
	out := make([]metering.Event, n)
	for h := range n {
		out[h] = metering.Event{ID: fmt.Sprintf("%s-%d", prefix, h), AccountID: acct, ResourceID: resource, Metric: snapshotMetric,
			Quantity: decimal.NewFromInt(1), At: now.Add(-time.Duration(n-h) * time.Hour)}
	}
	return out
}

// usageAmount returns the account's priced snapshot usage of the last 31
// days, in VND, and the GB-hours it counts.
func usageAmount(t *testing.T, e env, acct, resource string) (int64, string) {
	t.Helper()
	now := e.clk.Now()
	charges, err := e.sys.UsageSoFar(context.Background(), billing.UsageRequest{AccountID: acct, ResourceID: resource, From: now.Add(-31 * 24 * time.Hour), To: now.Add(time.Hour)})
	require.NoError(t, err)
	for _, c := range charges {
		if c.Metric == snapshotMetric {
			return minor(t, c.Amount), c.Used.String()
		}
	}
	return 0, "0"
}

func record(t *testing.T, e env, events []metering.Event) billing.UsageResult {
	t.Helper()
	var res billing.UsageResult
	for len(events) > 0 {
		n := min(len(events), billing.MaxUsageBatch)
		r, err := e.sys.RecordUsage(context.Background(), billing.RecordUsageRequest{Events: events[:n]})
		require.NoError(t, err)
		res.Recorded += r.Recorded
		res.Duplicates += r.Duplicates
		res.Rejected = append(res.Rejected, r.Rejected...)
		events = events[n:]
	}
	return res
}

func TestRecordUsage(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		t.Run("720 GB-hours at 7.7 VND cost 5,544 VND", func(t *testing.T) {
			e, res := newUsageEnv(t, newStore(t))
			got := record(t, e, hourly("acme", res, "snap", 720, e.clk.Now()))
			assert.Equal(t, 720, got.Recorded)
			assert.Empty(t, got.Rejected)
			amount, used := usageAmount(t, e, "acme", res)
			assert.Equal(t, int64(5_544), amount)
			assert.Equal(t, "720", used)
		})

		t.Run("a retried event is counted once", func(t *testing.T) {
			e, res := newUsageEnv(t, newStore(t))
			batch := hourly("acme", res, "snap", 10, e.clk.Now())
			first := record(t, e, batch)
			again := record(t, e, batch)
			assert.Equal(t, billing.UsageResult{Recorded: 10}, first)
			assert.Equal(t, billing.UsageResult{Duplicates: 10}, again)
			inOne := record(t, e, append(hourly("acme", res, "more", 2, e.clk.Now()), hourly("acme", res, "more", 2, e.clk.Now())...))
			assert.Equal(t, billing.UsageResult{Recorded: 2, Duplicates: 2}, inOne, "the same id twice in one batch")
			amount, used := usageAmount(t, e, "acme", res)
			assert.Equal(t, "12", used)
			assert.Equal(t, int64(92), amount) // 12 × 7.7 = 92.4 → 92
		})

		t.Run("bad events are refused one by one and the rest land", func(t *testing.T) {
			e, res := newUsageEnv(t, newStore(t))
			e.fund(t, "other", 500_000)
			theirs := e.buy(t, "other", small, period.Months(1))
			now := e.clk.Now()
			ok := func(id string) metering.Event {
				return metering.Event{ID: id, AccountID: "acme", ResourceID: res, Metric: snapshotMetric, Quantity: decimal.NewFromInt(2), At: now.Add(-time.Hour)}
			}
			unknown, foreign, negative, future, metric := ok("unknown"), ok("foreign"), ok("negative"), ok("future"), ok("metric")
			unknown.ResourceID = "no-such-resource"
			foreign.ResourceID = theirs.ID
			negative.Quantity = decimal.NewFromInt(-1)
			future.At = now.Add(5*time.Minute + time.Second) // tolerance is 5 minutes
			metric.Metric = "gpu.hours"
			within := ok("within")
			within.At = now.Add(5 * time.Minute)
			got := record(t, e, []metering.Event{ok("a"), unknown, foreign, ok("b"), negative, future, metric, within})
			assert.Equal(t, 3, got.Recorded)
			type rejection struct {
				Index  int
				ID     string
				Reason metering.Reason
			}
			var rs []rejection
			for _, r := range got.Rejected {
				assert.ErrorIs(t, r, metering.ErrInvalidEvent)
				rs = append(rs, rejection{r.Index, r.EventID, r.Reason})
			}
			assert.Equal(t, []rejection{
				{1, "unknown", billing.ReasonUnknownResource},
				{2, "foreign", billing.ReasonUnknownResource},
				{4, "negative", metering.ReasonNegativeQuantity},
				{5, "future", metering.ReasonFuture},
				{6, "metric", metering.ReasonUnknownMetric},
			}, rs)
			assert.ErrorIs(t, got.Rejected[2], metering.ErrNegativeQuantity)
			_, used := usageAmount(t, e, "acme", res)
			assert.Equal(t, "6", used, "a, b and within: 3 × 2 GB-hours")
			_, theirUsage := usageAmount(t, e, "other", theirs.ID)
			assert.Equal(t, "0", theirUsage, "nothing was booked on the other account's resource")
		})

		t.Run("a batch longer than 1,000 events is refused whole", func(t *testing.T) {
			e, res := newUsageEnv(t, newStore(t))
			_, err := e.sys.RecordUsage(context.Background(), billing.RecordUsageRequest{Events: hourly("acme", res, "snap", 1001, e.clk.Now())})
			assert.ErrorIs(t, err, billing.ErrInvalidRequest)
			_, used := usageAmount(t, e, "acme", res)
			assert.Equal(t, "0", used)
		})

		t.Run("a failed write counts zero, then exactly once on retry", func(t *testing.T) {
			fs := faultstore.New(newStore(t))
			e, res := newUsageEnv(t, fs)
			batch := hourly("acme", res, "snap", 720, e.clk.Now())
			for k := 1; ; k++ {
				fs.FailAt(k)
				_, err := e.sys.RecordUsage(context.Background(), billing.RecordUsageRequest{Events: batch})
				f, fired := fs.Injected()
				fs.Reset()
				if !fired {
					require.NoError(t, err)
					require.Greater(t, k, 2, "the faults reached the resource check and the insert")
					break
				}
				require.ErrorIs(t, err, faultstore.ErrInjected, "fault %s", f)
				_, used := usageAmount(t, e, "acme", res)
				require.Equal(t, "0", used, "nothing counted after %s", f)
				got, err := e.sys.RecordUsage(context.Background(), billing.RecordUsageRequest{Events: batch})
				require.NoError(t, err)
				require.Equal(t, billing.UsageResult{Recorded: 720}, got, "the retry after %s records every event", f)
				amount, used := usageAmount(t, e, "acme", res)
				require.Equal(t, "720", used)
				require.Equal(t, int64(5_544), amount)
				// The next fault position starts from no usage in the
				// window, with fresh ids.
				e.clk.Advance(32 * 24 * time.Hour)
				batch = hourly("acme", res, fmt.Sprintf("snap%d", k), 720, e.clk.Now())
			}
		})

		t.Run("two senders of the same batch at once count each event once", func(t *testing.T) {
			e, res := newUsageEnv(t, newStore(t))
			batch := hourly("acme", res, "snap", 720, e.clk.Now())
			var wg sync.WaitGroup
			results := make([]billing.UsageResult, 2)
			errs := make([]error, 2)
			for g := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[g], errs[g] = e.sys.RecordUsage(context.Background(), billing.RecordUsageRequest{Events: batch})
				}()
			}
			wg.Wait()
			require.NoError(t, errors.Join(errs...))
			assert.Equal(t, 720, results[0].Recorded+results[1].Recorded)
			assert.Equal(t, 720, results[0].Duplicates+results[1].Duplicates)
			amount, used := usageAmount(t, e, "acme", res)
			assert.Equal(t, "720", used)
			assert.Equal(t, int64(5_544), amount)
		})

		t.Run("usage so far is per resource and metric, and bandwidth is whole GB", func(t *testing.T) {
			e, res := newUsageEnv(t, newStore(t))
			now := e.clk.Now()
			got := record(t, e, []metering.Event{
				{ID: "bw-1", AccountID: "acme", ResourceID: res, Metric: bandwidthMetric, Quantity: decimal.RequireFromString("3.5"), At: now.Add(-2 * time.Hour)},
				{ID: "bw-2", AccountID: "acme", ResourceID: res, Metric: bandwidthMetric, Quantity: decimal.RequireFromString("2.06"), At: now.Add(-time.Hour)},
				{ID: "old", AccountID: "acme", ResourceID: res, Metric: bandwidthMetric, Quantity: decimal.NewFromInt(100), At: now.Add(-40 * 24 * time.Hour)},
			})
			require.Equal(t, 3, got.Recorded)
			charges, err := e.sys.UsageSoFar(context.Background(), billing.UsageRequest{AccountID: "acme", From: now.Add(-24 * time.Hour), To: now})
			require.NoError(t, err)
			require.Len(t, charges, 1)
			assert.Equal(t, "5.56", charges[0].Used.String())
			assert.Equal(t, "5", charges[0].Quantity.String())
			assert.Equal(t, int64(5_000), minor(t, charges[0].Amount))

			_, err = e.sys.UsageSoFar(context.Background(), billing.UsageRequest{AccountID: "nobody", From: now.Add(-time.Hour), To: now})
			assert.ErrorIs(t, err, billing.ErrAccountNotFound)
			_, err = e.sys.UsageSoFar(context.Background(), billing.UsageRequest{AccountID: "acme", From: now, To: now.Add(-time.Hour)})
			assert.ErrorIs(t, err, billing.ErrInvalidRequest)
		})
	})
}

func TestMeteringConfig(t *testing.T) {
	usd, err := money.New("0.01", "USD")
	require.NoError(t, err)
	items := append(meteredItems(t), metering.Item{Metric: "x", Unit: "u", UnitPrice: usd})
	cat := taxFree(t)
	_, err = billing.New(billing.Config{Store: newMemory(), Catalog: cat, Metering: items})
	assert.ErrorIs(t, err, billing.ErrInvalidConfig, "an item in another currency")
	_, err = billing.New(billing.Config{Store: newMemory(), Catalog: cat, Metering: append(meteredItems(t), meteredItems(t)[0])})
	assert.ErrorIs(t, err, billing.ErrInvalidConfig, "a metric declared twice")
}
