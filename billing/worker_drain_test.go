package billing_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// drainFixture is a System whose EventHandler blocks on its first event
// until the test says, holding four resources' events undelivered.
type drainFixture struct {
	env
	inFlight chan struct{} // closed when the first event reaches the handler
	release  chan struct{} // closed by the test to let the handler go on
	logs     *logBuffer

	mu      sync.Mutex
	handled []string
	ctxErrs []error
}

func newDrainFixture(t *testing.T, st storage.Store, untilCanceled bool) *drainFixture {
	f := &drainFixture{inFlight: make(chan struct{}), release: make(chan struct{}), logs: &logBuffer{}}
	first := true
	f.env = newEnvWith(t, st, func(c *billing.Config) {
		c.Catalog = taxFree(t)
		c.Logger = slog.New(slog.NewTextHandler(f.logs, nil))
		c.EventHandler = func(ctx context.Context, ev billing.Event) error {
			f.mu.Lock()
			wait := first
			first = false
			f.mu.Unlock()
			if wait {
				close(f.inFlight)
				if untilCanceled {
					<-ctx.Done()
				} else {
					<-f.release
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			f.handled = append(f.handled, ev.ID)
			f.ctxErrs = append(f.ctxErrs, ctx.Err())
			return ctx.Err()
		}
	})
	f.fund(t, "acme", 4*181_000)
	for range 4 {
		f.buy(t, "acme", small, period.Days(30))
	}
	return f
}

// heads counts the events a delivery round hands over now: the oldest
// undelivered event of each stream.
func (f *drainFixture) heads(t *testing.T) int {
	var n int
	require.NoError(t, f.st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		due, err := tx.Outbox().Deliverable(ctx, f.clk.Now(), 1000)
		n = len(due)
		return err
	}))
	return n
}

func (f *drainFixture) undelivered(t *testing.T) int64 {
	r, err := f.sys.Check(context.Background())
	require.NoError(t, err)
	require.True(t, r.OutboxMeasured)
	return r.UndeliveredEvents
}

// TestRunWorkerFinishesThePageInFlightOnShutdown: the worker has claimed
// the first page of events (one per stream) and the handler is holding the
// first of them when the service shuts down. The worker hands the rest of
// that page to the handler under a live context, records them delivered,
// claims no second page although more events wait behind them, and
// returns context.Canceled.
func TestRunWorkerFinishesThePageInFlightOnShutdown(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		f := newDrainFixture(t, newStore(t), false)
		page := f.heads(t)
		before := f.undelivered(t)
		require.GreaterOrEqual(t, page, 5, "four resources' streams and the account's")
		require.Greater(t, before, int64(page), "more events wait behind the first page")

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		var reports []billing.TickReport
		go func() {
			done <- f.sys.RunWorker(ctx, billing.WorkerOptions{
				BatchSize:    100,
				DrainTimeout: time.Minute,
				OnReport:     func(r billing.TickReport) { reports = append(reports, r) },
				Sleep: func(ctx context.Context, _ time.Duration) error {
					<-ctx.Done()
					return ctx.Err()
				},
			})
		}()
		<-f.inFlight
		cancel()
		close(f.release)
		require.ErrorIs(t, <-done, context.Canceled)

		f.mu.Lock()
		defer f.mu.Unlock()
		assert.Len(t, f.handled, page, "the page in flight was finished, and no other claimed")
		for i, err := range f.ctxErrs {
			assert.NoError(t, err, "event %d was handled under a live context", i)
		}
		assert.Equal(t, before-int64(page), f.undelivered(t), "the page's events are recorded delivered, the rest wait")
		require.Len(t, reports, 1, "the drained tick is reported")
		assert.Equal(t, page, reports[0].EventsDelivered)
		assert.True(t, reports[0].More, "work was left for the next worker")
		assert.NotContains(t, f.logs.String(), "before the page in progress finished")
	})
}

// TestRunWorkerCutsAPageShortAfterTheDrainTimeout: a handler that does not
// finish within DrainTimeout (20 ms) has its context canceled; the event
// stays undelivered for the next worker, the cut is logged, and RunWorker
// returns context.Canceled.
func TestRunWorkerCutsAPageShortAfterTheDrainTimeout(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		f := newDrainFixture(t, newStore(t), true)
		before := f.undelivered(t)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			done <- f.sys.RunWorker(ctx, billing.WorkerOptions{DrainTimeout: 20 * time.Millisecond})
		}()
		<-f.inFlight
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond, "the page had its grace period")

		f.mu.Lock()
		defer f.mu.Unlock()
		require.Len(t, f.handled, 1, "nothing after the cut")
		assert.ErrorIs(t, f.ctxErrs[0], context.Canceled, "the handler's context ended after DrainTimeout")
		assert.Equal(t, before, f.undelivered(t), "the event cut short waits for the next worker")
		assert.Contains(t, f.logs.String(), "billing: worker stopped before the page in progress finished")
	})
}

func TestRunWorkerRejectsAnUnusableDrainTimeout(t *testing.T) {
	e := newEnv(t, newMemory())
	for _, d := range []time.Duration{-time.Second, time.Microsecond, 2 * time.Hour} {
		err := e.sys.RunWorker(context.Background(), billing.WorkerOptions{DrainTimeout: d})
		var re *billing.RequestError
		require.ErrorAs(t, err, &re, "%s", d)
		assert.Equal(t, "DrainTimeout", re.Field)
	}
}
