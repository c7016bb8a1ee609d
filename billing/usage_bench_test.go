package billing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// benchmarkRecordUsage measures RecordUsage from one client in batches of
// 1,000 new events of one resource (one transaction each: one resource
// check and one insert), and reports events per second.
func benchmarkRecordUsage(b *testing.B, st storage.Store) {
	ctx := context.Background()
	e := newEnvWith(b, st, func(c *billing.Config) { c.Metering = meteredItems(b) })
	_, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "acme"})
	if err != nil {
		b.Fatal(err)
	}
	p, err := e.sys.TopUp(ctx, "topup", billing.TopUpRequest{AccountID: "acme", Amount: vnd(b, 500_000), Gateway: "sim"})
	if err != nil {
		b.Fatal(err)
	}
	cb, err := e.sim.Complete(p.ID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.sys.HandleCallback(ctx, "sim", cb.Header, cb.Body); err != nil {
		b.Fatal(err)
	}
	res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
	if err != nil {
		b.Fatal(err)
	}
	resource := res.Resources[0].ID
	now := e.clk.Now()
	qty := decimal.RequireFromString("0.25")
	batch := make([]metering.Event, billing.MaxUsageBatch)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for j := range batch {
			batch[j] = metering.Event{ID: fmt.Sprintf("ev-%d-%d", i, j), AccountID: "acme", ResourceID: resource,
				Metric: snapshotMetric, Quantity: qty, At: now.Add(-time.Duration(j) * time.Second)}
		}
		b.StartTimer()
		r, err := e.sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: batch})
		if err != nil {
			b.Fatal(err)
		}
		if r.Recorded != len(batch) {
			b.Fatalf("recorded %d of %d", r.Recorded, len(batch))
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRecordUsageMemory is one client on the in-memory store.
func BenchmarkRecordUsageMemory(b *testing.B) { benchmarkRecordUsage(b, memory.New()) }

// BenchmarkRecordUsagePostgres is one client on PostgreSQL.
func BenchmarkRecordUsagePostgres(b *testing.B) { benchmarkRecordUsage(b, pgtest.NewStore(b)) }
