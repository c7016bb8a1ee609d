package billing_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// benchmarkDelivery measures outbox delivery: each iteration appends
// events (streams × 4, the events of a stream interleaved with the
// others') and workers Systems on the one store deliver them with
// DeliverEvents(ctx, 100) until the outbox is empty, a handler that
// accepts every event. It reports events/s (delivered events over the
// wall time of the drain) and handler calls per event (1 when no event
// is handed to the host twice).
func benchmarkDelivery(b *testing.B, st storage.Store, workers, streams int) {
	cat, err := pricing.SampleCatalog()
	if err != nil {
		b.Fatal(err)
	}
	clk := clock.NewManual(start)
	var calls atomic.Int64
	handler := func(context.Context, billing.Event) error { calls.Add(1); return nil }
	systems := make([]*billing.System, workers)
	for i := range systems {
		if systems[i], err = billing.New(billing.Config{Store: st, Catalog: cat, Clock: clk, EventHandler: handler}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	events := streams * 4
	var drain time.Duration
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		batch := make([]storage.Event, 0, events)
		for i := range 4 {
			for s := range streams {
				batch = append(batch, storage.Event{ID: fmt.Sprintf("b%d-%d-%d", round, s, i), AccountID: "bench",
					Stream: fmt.Sprintf("r%d-%d", round, s), Kind: string(billing.EventProvision), Payload: []byte(`{}`),
					NextAttemptAt: start, CreatedAt: start})
			}
		}
		if err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.Outbox().AppendMany(ctx, batch) }); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		var wg sync.WaitGroup
		for _, sys := range systems {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := sys.DeliverEvents(ctx, 100)
					if err != nil {
						b.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		// What a worker left when it found the heads held by others.
		for {
			n, err := systems[0].DeliverEvents(ctx, 1000)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		drain += time.Since(t0)
	}
	b.ReportMetric(float64(events*round)/drain.Seconds(), "events/s")
	b.ReportMetric(float64(calls.Load())/float64(events*round), "calls/event")
}

// BenchmarkDeliverMemory1Worker: one worker, 400 events of 100 streams.
func BenchmarkDeliverMemory1Worker(b *testing.B) { benchmarkDelivery(b, memory.New(), 1, 100) }

// BenchmarkDeliverMemory4Workers: four workers at once, 400 events.
func BenchmarkDeliverMemory4Workers(b *testing.B) { benchmarkDelivery(b, memory.New(), 4, 100) }

// BenchmarkDeliverPostgres1Worker: one worker, 400 events of 100 streams.
func BenchmarkDeliverPostgres1Worker(b *testing.B) { benchmarkDelivery(b, pgtest.NewStore(b), 1, 100) }

// BenchmarkDeliverPostgres4Workers: four workers at once, 400 events.
func BenchmarkDeliverPostgres4Workers(b *testing.B) { benchmarkDelivery(b, pgtest.NewStore(b), 4, 100) }
