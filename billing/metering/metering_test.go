package metering_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
)

func TestCheckRefusesBadEventsWithTypedReasons(t *testing.T) {
	m := testMeter(t)
	now := mayStart.Add(48 * time.Hour)
	good := func() metering.Event { return ev("e-1", "snap-1", "snapshot.gb_hours", "1.5", 47) }
	tests := []struct {
		name   string
		edit   func(e *metering.Event)
		reason metering.Reason
		is     error
	}{
		{"a quantity of -1 is negative_quantity", func(e *metering.Event) { e.Quantity = dec("-1") },
			metering.ReasonNegativeQuantity, metering.ErrNegativeQuantity},
		{"a quantity above 10^15 is out of range", func(e *metering.Event) { e.Quantity = dec("1000000000000001") },
			metering.ReasonQuantityOutOfRange, metering.ErrQuantityOutOfRange},
		{"a quantity with 19 decimal places is out of range", func(e *metering.Event) { e.Quantity = dec("0.0000000000000000001") },
			metering.ReasonQuantityOutOfRange, metering.ErrQuantityOutOfRange},
		{"a metric nobody declared is unknown_metric", func(e *metering.Event) { e.Metric = "gpu.hours" },
			metering.ReasonUnknownMetric, metering.ErrUnknownMetric},
		{"an event 5 minutes and 1 second ahead of now is future", func(e *metering.Event) { e.At = now.Add(5*time.Minute + time.Second) },
			metering.ReasonFuture, metering.ErrFutureEvent},
		{"an empty id is empty_id", func(e *metering.Event) { e.ID = "" },
			metering.ReasonEmptyID, metering.ErrInvalidEventID},
		{"a 129-byte id is id_too_long", func(e *metering.Event) { e.ID = strings.Repeat("x", 129) },
			metering.ReasonIDTooLong, metering.ErrInvalidEventID},
		{"an id that is not UTF-8 is invalid_text", func(e *metering.Event) { e.ID = "e-\xff" },
			metering.ReasonInvalidText, metering.ErrInvalidText},
		{"a resource id with a newline is invalid_text", func(e *metering.Event) { e.ResourceID = "snap\n1" },
			metering.ReasonInvalidText, metering.ErrInvalidText},
		{"a missing account is missing_field", func(e *metering.Event) { e.AccountID = "" },
			metering.ReasonMissingField, metering.ErrMissingField},
		{"the zero time is missing_field", func(e *metering.Event) { e.At = time.Time{} },
			metering.ReasonMissingField, metering.ErrMissingField},
		{"a value on a sum event is unexpected_value", func(e *metering.Event) { e.Value = "u-1" },
			metering.ReasonUnexpectedValue, metering.ErrUnexpectedValue},
		{"a unique-count event without a value is missing_field", func(e *metering.Event) { e.Metric = "registry.pullers" },
			metering.ReasonMissingField, metering.ErrMissingField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good()
			tt.edit(&e)
			err := m.Check(e, now)
			require.Error(t, err)
			assert.ErrorIs(t, err, metering.ErrInvalidEvent)
			assert.ErrorIs(t, err, tt.is)
			var ee *metering.EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tt.reason, ee.Reason)
			assert.Equal(t, -1, ee.Index)
		})
	}
	t.Run("an event exactly 5 minutes ahead and a zero quantity are accepted", func(t *testing.T) {
		e := good()
		e.At, e.Quantity = now.Add(5*time.Minute), dec("0")
		assert.NoError(t, m.Check(e, now))
	})
	t.Run("a reason matches only its own sentinel", func(t *testing.T) {
		e := good()
		e.Quantity = dec("-1")
		assert.False(t, errors.Is(m.Check(e, now), metering.ErrUnknownMetric))
	})
}

func TestPartitionKeepsTheGoodEventsOfABatch(t *testing.T) {
	m := testMeter(t)
	now := mayStart.Add(48 * time.Hour)
	batch := []metering.Event{
		ev("e-1", "snap-1", "snapshot.gb_hours", "1", 1),
		ev("e-2", "snap-1", "snapshot.gb_hours", "-1", 2),
		ev("e-3", "snap-1", "nope", "1", 3),
		ev("e-4", "snap-1", "snapshot.gb_hours", "2", 4),
	}
	ok, refused := m.Partition(batch, now)
	assert.Equal(t, []string{"e-1", "e-4"}, []string{ok[0].ID, ok[1].ID})
	require.Len(t, refused, 2)
	assert.Equal(t, 1, refused[0].Index)
	assert.Equal(t, metering.ReasonNegativeQuantity, refused[0].Reason)
	assert.Equal(t, 2, refused[1].Index)
	assert.Equal(t, metering.ReasonUnknownMetric, refused[1].Reason)
}

func TestAggregateEachKind(t *testing.T) {
	m := testMeter(t)
	events := []metering.Event{
		ev("s-1", "snap-1", "snapshot.gb_hours", "100", 1),
		ev("s-2", "snap-1", "snapshot.gb_hours", "100.5", 2),
		ev("s-2", "snap-1", "snapshot.gb_hours", "100.5", 2), // retried: counted once
		ev("n-1", "k8s-1", "k8s.nodes", "3", 1),
		ev("n-2", "k8s-1", "k8s.nodes", "7", 2),
		ev("n-3", "k8s-1", "k8s.nodes", "5", 3),
		ev("b-2", "bkt-1", "bucket.gb", "40", 9),
		ev("b-1", "bkt-1", "bucket.gb", "30", 5),
		ev("b-3", "bkt-1", "bucket.gb", "35", 9),                 // same time as b-2: the greater id "b-3" wins
		ev("late", "snap-1", "snapshot.gb_hours", "1000", 31*24), // June 1 00:00: outside May
	}
	for i, v := range []string{"alice", "bob", "alice", "carol"} {
		e := ev("u-"+string(rune('a'+i)), "reg-1", "registry.pullers", "0", i)
		e.Value = v
		events = append(events, e)
	}
	got, err := m.Aggregate(events, may)
	require.NoError(t, err)
	summary := map[string]string{}
	counts := map[string]int{}
	for _, a := range got {
		summary[a.ResourceID+" "+a.Metric+" "+a.Aggregation.String()] = a.Quantity.String()
		counts[a.ResourceID] = a.Events
	}
	assert.Equal(t, map[string]string{
		"snap-1 snapshot.gb_hours sum":        "200.5",
		"k8s-1 k8s.nodes max":                 "7",
		"bkt-1 bucket.gb last":                "35",
		"reg-1 registry.pullers unique_count": "3",
	}, summary)
	assert.Equal(t, 2, counts["snap-1"], "the retried s-2 counts once")
	assert.Equal(t, 4, counts["reg-1"])
	// Sorted by account, resource, metric.
	assert.Equal(t, []string{"bkt-1", "k8s-1", "reg-1", "snap-1"},
		[]string{got[0].ResourceID, got[1].ResourceID, got[2].ResourceID, got[3].ResourceID})
}

func TestAggregateRefusesABadEventInTheSpan(t *testing.T) {
	m := testMeter(t)
	_, err := m.Aggregate([]metering.Event{
		ev("s-1", "snap-1", "snapshot.gb_hours", "1", 1),
		ev("s-2", "snap-1", "snapshot.gb_hours", "-3", 2),
	}, may)
	var ee *metering.EventError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 1, ee.Index)
	assert.ErrorIs(t, err, metering.ErrNegativeQuantity)
}

func TestPrice(t *testing.T) {
	m := testMeter(t)
	tests := []struct {
		name, metric, qty   string
		billed, amount, cur string
	}{
		{"720 GB-hours at 7.7 VND are 5,544 VND", "snapshot.gb_hours", "720", "720", "5544", "VND"},
		{"1 GB-hour at 7.7 is 7.7, billed 8 (half-up at the line)", "snapshot.gb_hours", "1", "1", "8", "VND"},
		{"0.5 GB-hour at 7.7 is 3.85, billed 4", "snapshot.gb_hours", "0.5", "0.5", "4", "VND"},
		{"bandwidth 5.56 GB is billed as 5 GB: 5,000 VND", "bandwidth.gb", "5.56", "5", "5000", "VND"},
		{"bandwidth 0.99 GB is billed as 0 GB", "bandwidth.gb", "0.99", "0", "0", "VND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := m.Price(metering.Aggregate{ResourceID: "r", Metric: tt.metric, Quantity: dec(tt.qty)})
			require.NoError(t, err)
			assert.Equal(t, tt.billed, c.Quantity.String())
			assert.Equal(t, tt.qty, c.Used.String())
			assert.Equal(t, tt.amount, c.Amount.Number().String())
			assert.Equal(t, tt.cur, c.Amount.Currency().Code())
		})
	}
	_, err := m.Price(metering.Aggregate{Metric: "gpu.hours", Quantity: dec("1")})
	assert.ErrorIs(t, err, metering.ErrUnknownMetric)
	_, err = m.Price(metering.Aggregate{Metric: "bandwidth.gb", Quantity: dec("-1")})
	assert.ErrorIs(t, err, metering.ErrInvalidArgument)
}

func TestQuantityRoundingCeil(t *testing.T) {
	assert.Equal(t, "6", metering.QuantityCeil.Apply(dec("5.01")).String())
	assert.Equal(t, "5", metering.QuantityFloor.Apply(dec("5.99")).String())
	assert.Equal(t, "5.99", metering.QuantityExact.Apply(dec("5.99")).String())
}

func TestNewMeterRefusesBadItems(t *testing.T) {
	good := metering.Item{Metric: "m", Unit: "u", Aggregation: metering.AggSum, UnitPrice: vnd(t, "1")}
	tests := []struct {
		name  string
		items []metering.Item
		is    error
	}{
		{"an item without aggregation", []metering.Item{{Metric: "m", Unit: "u", UnitPrice: vnd(t, "1")}}, metering.ErrInvalidItem},
		{"an item without a unit", []metering.Item{{Metric: "m", Aggregation: metering.AggSum, UnitPrice: vnd(t, "1")}}, metering.ErrInvalidItem},
		{"a negative unit price", []metering.Item{{Metric: "m", Unit: "u", Aggregation: metering.AggSum, UnitPrice: vnd(t, "-1")}}, metering.ErrInvalidItem},
		{"a unit price without currency", []metering.Item{{Metric: "m", Unit: "u", Aggregation: metering.AggSum}}, metering.ErrInvalidItem},
		{"a metric declared twice", []metering.Item{good, good}, metering.ErrInvalidItem},
		{"items in VND and USD", []metering.Item{good, {Metric: "n", Unit: "u", Aggregation: metering.AggSum, UnitPrice: usd(t, "1")}},
			money.ErrCurrencyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := metering.NewMeter(metering.Policy{}, tt.items...)
			assert.ErrorIs(t, err, tt.is)
		})
	}
	_, err := metering.NewMeter(metering.Policy{FutureTolerance: -time.Second}, good)
	assert.ErrorIs(t, err, metering.ErrInvalidPolicy)
}

func TestAggregationText(t *testing.T) {
	for _, a := range []metering.Aggregation{metering.AggSum, metering.AggMax, metering.AggLast, metering.AggUniqueCount} {
		b, err := json.Marshal(a)
		require.NoError(t, err)
		var back metering.Aggregation
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, a, back)
	}
	b, _ := json.Marshal(metering.AggUniqueCount)
	assert.Equal(t, `"unique_count"`, string(b))
	_, err := metering.ParseAggregation("avg")
	assert.ErrorIs(t, err, metering.ErrInvalidItem)
}
