package billing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// A storage service reports a 1 GB snapshot hourly, in GB-hours at 7.7 VND
// each, in batches; a retried batch counts once, a bad event is refused on
// its own, and the portal shows the usage so far: 720 GB-hours, 5,544 VND.
func ExampleSystem_RecordUsage() {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	sim, _ := gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: []byte("whsec_example"), Now: clk.Now})
	catalog, _ := pricing.SampleCatalog()
	perGBHour, _ := money.New("7.7", "VND")
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: catalog, Clock: clk, Gateways: []gateway.Gateway{sim},
		Metering: []metering.Item{{Metric: "snapshot.gb_hours", Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: perGBHour}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = sys.CreateAccount(ctx, "signup", billing.CreateAccountRequest{ID: "acme"})
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	res, err := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}},
			Quantity: 1, Term: period.Months(1)}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	volume := res.Resources[0].ID
	start := clk.Now()

	// April: one event per hour, sent in batches of one day.
	clk.Set(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	recorded, duplicates := 0, 0
	for day := range 30 {
		var batch []metering.Event
		for h := range 24 {
			at := start.Add(time.Duration(day*24+h) * time.Hour)
			batch = append(batch, metering.Event{ID: "snap-" + at.Format("2006-01-02T15"), AccountID: "acme", ResourceID: volume,
				Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(1), At: at})
		}
		for range 2 { // every batch is sent twice, as a sender that retries would
			r, err := sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: batch})
			if err != nil {
				fmt.Println(err)
				return
			}
			recorded, duplicates = recorded+r.Recorded, duplicates+r.Duplicates
		}
	}
	fmt.Println("recorded", recorded, "duplicates", duplicates)

	bad, _ := sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: []metering.Event{
		{ID: "typo", AccountID: "acme", ResourceID: "vol-unknown", Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(1), At: start},
	}})
	for _, r := range bad.Rejected {
		fmt.Println("refused", r.EventID, r.Reason)
	}

	charges, err := sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "acme", ResourceID: volume, From: start, To: clk.Now()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range charges {
		fmt.Println(c.Metric, c.Quantity, c.Unit+"s", "×", c.UnitPrice, "=", c.Amount)
	}
	// Output:
	// recorded 720 duplicates 720
	// refused typo unknown_resource
	// snapshot.gb_hours 720 GB-hours × 7.7 VND = 5544 VND
}
