package metering_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/metering"
)

// A quantity's exponent is checked whatever its value: 0E-100000 and
// 0E+100000 are refused quantity_out_of_range; 0E-1000 and
// 1.000…(1,000 places) are kept as written.
func TestCheckBoundsTheQuantitysExponent(t *testing.T) {
	m := testMeter(t)
	for _, q := range []decimal.Decimal{decimal.New(0, -100000), decimal.New(0, 100000), decimal.New(0, -1001), decimal.New(0, 16)} {
		e := ev("e", "r", "snapshot.gb_hours", "0", 1)
		e.Quantity = q
		err := m.Check(e, mayStart.AddDate(0, 1, 0))
		require.ErrorIs(t, err, metering.ErrQuantityOutOfRange, "%s", q.String()[:min(20, len(q.String()))])
	}
	for _, q := range []decimal.Decimal{decimal.New(0, -1000), decimal.New(0, 15), decimal.New(1, 0).Add(decimal.New(0, -1000))} {
		e := ev("e", "r", "snapshot.gb_hours", "0", 1)
		e.Quantity = q
		require.NoError(t, m.Check(e, mayStart.AddDate(0, 1, 0)))
	}
}

// CheckAggregate bounds one bill line: 10^15 GB of bandwidth at 1,000 VND
// cost 10^18 VND, past 10^15 minor units; 10^12 GB (10^15 VND) fit, one
// more GB does not; 1.2×10^15 GB-hours are past 10^15 units whatever the
// price; 0.9 GB over the bound rounds down and fits.
func TestCheckAggregateBoundsOneBillLine(t *testing.T) {
	m := testMeter(t)
	agg := func(metric string, q decimal.Decimal) metering.Aggregate {
		return metering.Aggregate{AccountID: "a", ResourceID: "r", Metric: metric, Quantity: q}
	}
	require.NoError(t, m.CheckAggregate(agg("bandwidth.gb", decimal.New(1, 12))))
	require.NoError(t, m.CheckAggregate(agg("bandwidth.gb", dec("1000000000000.9"))), "billed 10^12 GB, rounded down")
	for _, a := range []metering.Aggregate{agg("bandwidth.gb", decimal.New(1, 12).Add(decimal.NewFromInt(1))),
		agg("snapshot.gb_hours", decimal.New(12, 14)), agg("bandwidth.gb", decimal.New(1, 40))} {
		err := m.CheckAggregate(a)
		require.ErrorIs(t, err, metering.ErrAggregateOutOfRange)
		require.ErrorIs(t, err, metering.ErrInvalidEvent)
	}
	require.ErrorIs(t, m.CheckAggregate(agg("nope", decimal.NewFromInt(1))), metering.ErrUnknownMetric)
}
