package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// benchClients is the number of concurrent clients, matching pgbench -c 8.
const benchClients = 8

// BenchmarkAccountUpdateParallel measures read-modify-write transactions:
// 8 clients, each on its own account, each operation one InTx doing
// GetForUpdate then Update. It reports committed operations per second.
func BenchmarkAccountUpdateParallel(b *testing.B) {
	st := pgtest.NewStore(b)
	ctx := context.Background()
	ids := make([]string, benchClients)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-%d", i)
		if err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, account(ids[i]))
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					a, err := tx.Accounts().GetForUpdate(ctx, id)
					if err != nil {
						return err
					}
					a.UpdatedAt = a.UpdatedAt.Add(time.Second)
					_, err = tx.Accounts().Update(ctx, a)
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
}

// BenchmarkWalletDebitParallel measures the wallet's hot path: 8 clients,
// each on its own tenant, each operation one InTx that locks the tenant
// (Accounts().GetForUpdate) and appends a two-posting debit of 1 VND
// (customer:cash −1, guarded; revenue:sales +1) to a wallet funded once
// with 10^12 VND. The debit is held back (storage.DeferWrites) and goes
// out with COMMIT, as billing sends a payment's ledger entry: two round
// trips. It reports committed operations per second.
func BenchmarkWalletDebitParallel(b *testing.B) {
	st := pgtest.NewStore(b)
	ctx := context.Background()
	const funds = 1_000_000_000_000
	ids := make([]string, benchClients)
	for i := range ids {
		ids[i] = fmt.Sprintf("wallet-%d", i)
		if err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Accounts().Create(ctx, account(ids[i])); err != nil {
				return err
			}
			_, err := tx.Ledger().Append(ctx, ledgerEntry(b, ids[i], "fund", funds, "gateway:clearing:sim", "customer:cash"))
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for n := 0; next.Add(1) <= int64(b.N); n++ {
				e := ledgerEntry(b, id, fmt.Sprintf("debit-%d", n), 1, "customer:cash", "revenue:sales")
				err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
					if _, err := tx.Accounts().GetForUpdate(ctx, id); err != nil {
						return err
					}
					_, err := tx.Ledger().Append(storage.DeferWrites(ctx), e)
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
}

// BenchmarkResourcesDue measures one Resources.Due(t, 1000) call on a table
// of 100,000 scheduled resources of which 1,000 are due, inside one open
// transaction: the lifecycle tick's read. The rows are inserted and the
// table analysed before the timer starts.
func BenchmarkResourcesDue(b *testing.B) {
	st := pgtest.NewStore(b)
	seedResources(b, st, 100_000, 1_000, epoch)
	b.ReportAllocs()
	err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for b.Loop() {
			due, err := tx.Resources().Due(ctx, epoch, 1000)
			if err != nil {
				return err
			}
			if len(due) != 1000 {
				return fmt.Errorf("%d resources due, want 1000", len(due))
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkUsageInsert measures the store's part of usage ingestion from one
// client: each operation is one InTx inserting a batch of 1,000 new events
// of one resource (Usage.Insert, then commit). It reports events per second.
// The batch is built with the timer stopped. Like BenchmarkRecordUsage's,
// every batch has the same 1,000 instants (a clock that does not move), so
// each batch's entries in the (account, resource, at, id) index fall
// between those of every batch before: the index's worst case.
func BenchmarkUsageInsert(b *testing.B) { benchmarkUsageInsert(b, false) }

// BenchmarkUsageInsertInOrder is BenchmarkUsageInsert with the instants of
// each batch after those of the previous one, as a meter sending its usage
// as it happens does: the index grows at its right edge.
func BenchmarkUsageInsertInOrder(b *testing.B) { benchmarkUsageInsert(b, true) }

func benchmarkUsageInsert(b *testing.B, inOrder bool) {
	st := pgtest.NewStore(b)
	ctx := context.Background()
	qty := decimal.RequireFromString("0.25")
	batch := make([]storage.UsageEvent, storage.MaxUsageBatch)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for j := range batch {
			at := epoch.Add(-time.Duration(j) * time.Second)
			if inOrder {
				at = epoch.Add(time.Duration(i*len(batch)+j) * time.Second)
			}
			batch[j] = storage.UsageEvent{ID: fmt.Sprintf("ev-%d-%d", i, j), AccountID: "acme", ResourceID: "res-1",
				Metric: "vcpu-hours", Quantity: qty, At: at, RecordedAt: epoch}
		}
		b.StartTimer()
		err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			inserted, err := tx.Usage().Insert(ctx, batch)
			if err != nil {
				return err
			}
			for j, ok := range inserted {
				if !ok {
					return fmt.Errorf("event %d not inserted", j)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
}
