package billing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// seedResources writes total active resources straight into the store,
// due of them with a renewal reminder due now and the rest due in a year:
// the shape of a large fleet on an ordinary day. It returns the due ids.
func seedResources(b *testing.B, e env, total, due int) []string {
	b.Helper()
	ctx := context.Background()
	if _, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "fleet"}); err != nil {
		b.Fatal(err)
	}
	now := e.clk.Now()
	data, err := json.Marshal(map[string]any{
		"configuration":     map[string]any{"Plan": "basic-1"},
		"term":              map[string]int{"Months": 1},
		"price_per_30_days": "90000 VND",
		"since":             now.Add(-23 * 24 * time.Hour),
	})
	if err != nil {
		b.Fatal(err)
	}
	var dueIDs []string
	const batch = 5000
	for start := 0; start < total; start += batch {
		err := e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			for i := start; i < min(start+batch, total); i++ {
				r := storage.Resource{ID: fmt.Sprintf("r%07d", i), AccountID: "fleet", OrderID: "seed", ProductID: "vserver",
					Status: "active", Data: data, CreatedAt: now, UpdatedAt: now}
				if i < due {
					// Ends in 7 days: the T−7 reminder is due now.
					r.PeriodStart, r.PeriodEnd, r.NextDueAt = now.Add(-23*24*time.Hour), now.Add(7*24*time.Hour), now
				} else {
					r.PeriodStart, r.PeriodEnd, r.NextDueAt = now, now.Add(400*24*time.Hour), now.Add(393*24*time.Hour)
				}
				if err := tx.Resources().Create(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for i := range due {
		dueIDs = append(dueIDs, fmt.Sprintf("r%07d", i))
	}
	return dueIDs
}

// benchmarkTick measures one Tick over a fleet of total resources of which
// due have work (a reminder each, and the move to grace on day 7). Between
// iterations the clock moves a day, so the same resources have their next
// daily reminder due; that lasts 37 days, so run it with -benchtime=20x.
func benchmarkTick(b *testing.B, st storage.Store, total, due int) {
	e := newEnvTB(b, st)
	seedResources(b, e, total, due)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	processed := 0
	for b.Loop() {
		rep, err := e.sys.Tick(ctx, 1000)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Resources != due {
			b.Fatalf("tick processed %d resources, want %d (run with -benchtime=20x: the daily work lasts 37 days)", rep.Resources, due)
		}
		processed += rep.Resources
		b.StopTimer()
		e.clk.Advance(24 * time.Hour)
		b.StartTimer()
	}
	b.ReportMetric(float64(processed)/time.Since(start).Seconds(), "due/s")
}

// BenchmarkTickMemory1M: 1,000,000 resources, 1,000 due.
func BenchmarkTickMemory1M(b *testing.B) { benchmarkTick(b, memory.New(), 1_000_000, 1000) }

// BenchmarkTickPostgres100k: 100,000 resources, 1,000 due, on PostgreSQL.
func BenchmarkTickPostgres100k(b *testing.B) { benchmarkTick(b, pgtest.NewStore(b), 100_000, 1000) }
