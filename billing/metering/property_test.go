package metering_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/metering"
)

// Aggregation does not depend on the order events are read in, and counting
// a batch twice (every event retried) gives the same result as once.
func TestAggregateOrderAndRetriesProperty(t *testing.T) {
	m := testMeter(t)
	metrics := []string{"snapshot.gb_hours", "k8s.nodes", "bucket.gb", "registry.pullers"}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		var events []metering.Event
		for i := range n {
			metric := rapid.SampledFrom(metrics).Draw(t, "metric")
			e := metering.Event{ID: fmt.Sprintf("e-%d", i), AccountID: "acc", ResourceID: rapid.SampledFrom([]string{"r1", "r2"}).Draw(t, "res"),
				Metric: metric, Quantity: decimal.New(rapid.Int64Range(0, 100000).Draw(t, "q"), -2),
				At: mayStart.Add(time.Duration(rapid.IntRange(0, 30*24).Draw(t, "h")) * time.Hour)}
			if metric == "registry.pullers" {
				e.Value = rapid.SampledFrom([]string{"a", "b", "c", "d"}).Draw(t, "v")
				e.Quantity = decimal.Zero
			}
			events = append(events, e)
		}
		want, err := m.Aggregate(events, may)
		if err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(append(events, events...)).Draw(t, "perm")
		got, err := m.Aggregate(perm, may)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d aggregates, want %d", len(got), len(want))
		}
		for i := range got {
			if !got[i].Quantity.Equal(want[i].Quantity) || got[i].Events != want[i].Events || got[i].Metric != want[i].Metric {
				t.Fatalf("aggregate %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}
