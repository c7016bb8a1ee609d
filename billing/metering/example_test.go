package metering_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// Snapshot storage is recorded hourly in GB-hours at 7.7 VND; bandwidth is
// billed in whole GB, rounded down.
func Example() {
	price, _ := money.New("7.7", "VND")
	perGB, _ := money.New("1000", "VND")
	m, err := metering.NewMeter(metering.Policy{},
		metering.Item{Metric: "snapshot.gb_hours", Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: price},
		metering.Item{Metric: "bandwidth.gb", Unit: "GB", Aggregation: metering.AggSum, UnitPrice: perGB, Rounding: metering.QuantityFloor},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	month := period.Span{Start: start, End: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	var events []metering.Event
	for h := range 720 { // a 1 GB snapshot kept all April: 720 GB-hours
		events = append(events, metering.Event{ID: fmt.Sprintf("snap-%d", h), AccountID: "acc-1", ResourceID: "snap-1",
			Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(1), At: start.Add(time.Duration(h) * time.Hour)})
	}
	events = append(events,
		metering.Event{ID: "bw-1", AccountID: "acc-1", ResourceID: "vm-1", Metric: "bandwidth.gb", Quantity: decimal.RequireFromString("3.5"), At: start},
		metering.Event{ID: "bw-2", AccountID: "acc-1", ResourceID: "vm-1", Metric: "bandwidth.gb", Quantity: decimal.RequireFromString("2.06"), At: start},
		metering.Event{ID: "bw-2", AccountID: "acc-1", ResourceID: "vm-1", Metric: "bandwidth.gb", Quantity: decimal.RequireFromString("2.06"), At: start}, // a retry
	)
	aggs, err := m.Aggregate(events, month)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range aggs {
		c, err := m.Price(a)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s: %s %s used, %s billed × %s = %s\n", c.ResourceID, c.Metric, c.Used, c.Unit, c.Quantity, c.UnitPrice, c.Amount)
	}
	// Output:
	// snap-1 snapshot.gb_hours: 720 GB-hour used, 720 billed × 7.7 VND = 5544 VND
	// vm-1 bandwidth.gb: 5.56 GB used, 5 billed × 1000 VND = 5000 VND
}

// A prepaid account's metered service runs short of credit: the hold takes
// what there is and asks for a top-up; at the period's end the usage is
// charged from the hold.
func ExampleComputeHold() {
	vnd := func(n int64) money.Amount { a, _ := money.FromMinor(n, "VND"); return a }
	h, err := metering.ComputeHold(metering.DefaultHoldPolicy(), metering.HoldInput{
		UsageSoFar:   vnd(11_088),
		CompleteDays: []money.Amount{vnd(5_544), vnd(5_544)},
		AlreadyHeld:  vnd(5_544),
		Available:    vnd(10_000),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("estimate per day:", h.Estimate)
	fmt.Println("required:", h.Required)
	fmt.Println("held:", h.Held, "(moved", h.Change, "into the hold)")
	fmt.Println("top up:", h.Shortage, "short days:", h.ShortDays, "stop:", h.Stop)

	s, _ := metering.SettleHold(h.Held, vnd(16_632))
	fmt.Println("charged:", s.Charged, "released:", s.Released, "owed:", s.Owed)
	// Output:
	// estimate per day: 5544 VND
	// required: 27720 VND
	// held: 15544 VND (moved 10000 VND into the hold)
	// top up: 12176 VND short days: 1 stop: false
	// charged: 15544 VND released: 0 VND owed: 1088 VND
}
