package billing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
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
	price, err := money.New("90000", "VND")
	if err != nil {
		b.Fatal(err)
	}
	detail := storage.ResourceDetail{Configuration: pricing.Configuration{Plan: "basic-1"}, Term: period.Months(1),
		PricePer30Days: price, Since: now.Add(-23 * 24 * time.Hour)}
	var dueIDs []string
	const batch = 5000
	for start := 0; start < total; start += batch {
		err := e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			for i := start; i < min(start+batch, total); i++ {
				r := storage.Resource{ID: fmt.Sprintf("r%07d", i), AccountID: "fleet", OrderID: "seed", ProductID: "vserver",
					Status: lifecycle.StateActive, ResourceDetail: detail, CreatedAt: now, UpdatedAt: now}
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

// rearm makes the due resources due again at the clock's time, each with
// its T−7 reminder (they end in 7 days, nothing sent yet): every iteration
// then does the same work however many run.
func rearm(b *testing.B, e env, ids []string) {
	b.Helper()
	now := e.clk.Now()
	err := e.st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for _, id := range ids {
			r, err := tx.Resources().GetForUpdate(ctx, "fleet", id)
			if err != nil {
				return err
			}
			r.Since, r.NextReminder, r.NextAttempt = now.Add(-23*24*time.Hour), 0, 0
			r.Status, r.PeriodEnd, r.NextDueAt = lifecycle.StateActive, now.Add(7*24*time.Hour), now
			if _, err := tx.Resources().Update(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// benchmarkTick measures one Tick over a fleet of total resources of which
// due have work (a renewal reminder each).
func benchmarkTick(b *testing.B, st storage.Store, total, due int) {
	e := newEnvTB(b, st)
	ids := seedResources(b, e, total, due)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var busy time.Duration
	processed := 0
	for b.Loop() {
		t0 := time.Now()
		rep, err := e.sys.Tick(ctx, 1000)
		if err != nil {
			b.Fatal(err)
		}
		busy += time.Since(t0)
		if rep.Resources != due || rep.Reminders != due {
			b.Fatalf("tick processed %d resources and sent %d reminders, want %d", rep.Resources, rep.Reminders, due)
		}
		processed += rep.Resources
		b.StopTimer()
		e.clk.Advance(time.Hour)
		rearm(b, e, ids)
		b.StartTimer()
	}
	b.ReportMetric(float64(processed)/busy.Seconds(), "due/s")
}

// BenchmarkTickMemory1M: 1,000,000 resources, 1,000 due.
func BenchmarkTickMemory1M(b *testing.B) { benchmarkTick(b, memory.New(), 1_000_000, 1000) }

// BenchmarkTickPostgres100k: 100,000 resources, 1,000 due, on PostgreSQL.
func BenchmarkTickPostgres100k(b *testing.B) { benchmarkTick(b, pgtest.NewStore(b), 100_000, 1000) }

// BenchmarkTickPostgres1M: 1,000,000 resources, 1,000 due, on PostgreSQL
// (seeding takes minutes).
func BenchmarkTickPostgres1M(b *testing.B) { benchmarkTick(b, pgtest.NewStore(b), 1_000_000, 1000) }
