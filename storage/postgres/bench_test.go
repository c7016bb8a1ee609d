package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
