package metering_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// may is the fixed month of the tests: May 2024 in UTC.
var (
	mayStart = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	may      = period.Span{Start: mayStart, End: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)}
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func vnd(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.New(s, "VND")
	require.NoError(t, err)
	return a
}

func usd(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.New(s, "USD")
	require.NoError(t, err)
	return a
}

// testMeter declares snapshot storage (sum, 7.7 VND per GB-hour),
// bandwidth (sum, floor, 1,000 VND per GB), cluster nodes (max), bucket
// size (last) and registry pullers (unique count).
func testMeter(t testing.TB) metering.Meter {
	t.Helper()
	m, err := metering.NewMeter(metering.Policy{},
		metering.Item{Metric: "snapshot.gb_hours", Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: vnd(t, "7.7")},
		metering.Item{Metric: "bandwidth.gb", Unit: "GB", Aggregation: metering.AggSum, UnitPrice: vnd(t, "1000"), Rounding: metering.QuantityFloor},
		metering.Item{Metric: "k8s.nodes", Unit: "node", Aggregation: metering.AggMax, UnitPrice: vnd(t, "50000")},
		metering.Item{Metric: "bucket.gb", Unit: "GB", Aggregation: metering.AggLast, UnitPrice: vnd(t, "500")},
		metering.Item{Metric: "registry.pullers", Unit: "user", Aggregation: metering.AggUniqueCount, UnitPrice: vnd(t, "100")},
	)
	require.NoError(t, err)
	return m
}

// ev returns a valid event of metric at mayStart + hours.
func ev(id, resource, metric, qty string, hours int) metering.Event {
	return metering.Event{ID: id, AccountID: "acc-1", ResourceID: resource, Metric: metric,
		Quantity: dec(qty), At: mayStart.Add(time.Duration(hours) * time.Hour)}
}
