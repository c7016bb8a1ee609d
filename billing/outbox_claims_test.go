package billing_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// deliveryLog is the handler of several delivery workers: it counts the
// calls of every event and checks, as the host would see it, that events
// of a stream arrive in Seq order and that no two workers hold one stream
// at once.
type deliveryLog struct {
	mu       sync.Mutex
	calls    map[string]int
	total    int
	last     map[string]int64 // the Seq of the last call per stream
	inFlight map[string]int
	problems []string
	// block, when set, is called (outside the lock) before an event is
	// accepted; a test stalls a worker with it.
	block func(billing.Event)
	// refuse, when set, says which calls the handler fails (read under
	// the lock); accepted counts the calls it did not.
	refuse   func(billing.Event) bool
	accepted map[string]int
	refused  int
}

func newDeliveryLog() *deliveryLog {
	return &deliveryLog{calls: map[string]int{}, last: map[string]int64{}, inFlight: map[string]int{}, accepted: map[string]int{}}
}

func (l *deliveryLog) handle(_ context.Context, e billing.Event) error {
	l.mu.Lock()
	l.calls[e.ID]++
	l.total++
	if e.Seq < l.last[e.Stream] {
		l.problems = append(l.problems, fmt.Sprintf("stream %s: event %d after %d", e.Stream, e.Seq, l.last[e.Stream]))
	}
	l.last[e.Stream] = e.Seq
	l.inFlight[e.Stream]++
	if n := l.inFlight[e.Stream]; n > 1 && l.block == nil {
		l.problems = append(l.problems, fmt.Sprintf("stream %s: %d deliveries at once", e.Stream, n))
	}
	block := l.block
	refuse := l.refuse != nil && l.refuse(e)
	l.mu.Unlock()
	if block != nil {
		block(e)
	} else {
		time.Sleep(50 * time.Microsecond) // a handler does some work: workers overlap
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight[e.Stream]--
	if refuse {
		l.refused++
		return errors.New("host API down")
	}
	l.accepted[e.ID]++
	return nil
}

// seedOutbox appends streams×perStream events, the events of a stream
// interleaved with the others' as a busy system writes them.
func seedOutbox(t testing.TB, st storage.Store, at time.Time, streams, perStream int) {
	t.Helper()
	var events []storage.Event
	for i := range perStream {
		for s := range streams {
			events = append(events, storage.Event{ID: fmt.Sprintf("ev-%d-%d", s, i), AccountID: fmt.Sprintf("acct-%d", s%7),
				Stream: fmt.Sprintf("res-%d", s), Kind: string(billing.EventProvision), Payload: []byte(`{}`),
				NextAttemptAt: at, CreatedAt: at})
		}
	}
	require.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		return tx.Outbox().AppendMany(ctx, events)
	}))
}

// workers returns n Systems on one store and clock, each a delivery
// worker with l's handler (separate processes, as a host scales out).
func workers(t testing.TB, st storage.Store, clk *clock.Manual, l *deliveryLog, n int) []*billing.System {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	out := make([]*billing.System, n)
	for i := range out {
		sys, err := billing.New(billing.Config{Store: st, Catalog: cat, Clock: clk, EventHandler: l.handle})
		require.NoError(t, err)
		out[i] = sys
	}
	return out
}

// Issue 20, bullet 11: four workers delivering at once, no handler
// failing, gave 569 handler calls for 328 outbox events. Each claims a
// page before it delivers, so the workers split the outbox: 328 events,
// 328 calls, each event once, in Seq order per stream, no stream held by
// two workers at once.
func TestConcurrentWorkersDeliverEachEventOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		const nWorkers, streams, perStream = 4, 82, 4 // 328 events
		st := newStore(t)
		clk := clock.NewManual(start)
		seedOutbox(t, st, start, streams, perStream)
		l := newDeliveryLog()
		var wg sync.WaitGroup
		delivered := make([]int, nWorkers)
		errs := make([]error, nWorkers)
		for i, sys := range workers(t, st, clk, l, nWorkers) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Small pages, round after round, as RunWorker's Ticks do.
				for {
					n, err := sys.DeliverEvents(context.Background(), 10)
					delivered[i] += n
					if err != nil || n == 0 {
						errs[i] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		// A last pass picks up what a worker left when it saw an empty
		// page while others still held the heads.
		n, err := workers(t, st, clk, l, 1)[0].DeliverEvents(context.Background(), 1000)
		require.NoError(t, err)
		l.mu.Lock()
		defer l.mu.Unlock()
		t.Logf("%d workers, %d events: %d handler calls, delivered per worker %v, last pass %d", nWorkers, streams*perStream, l.total, delivered, n)
		assert.Equal(t, streams*perStream, l.total, "328 events, 328 handler calls")
		assert.Len(t, l.calls, streams*perStream, "every event delivered")
		for id, c := range l.calls {
			assert.Equal(t, 1, c, "event %s handed to the host %d times", id, c)
		}
		assert.Empty(t, l.problems)
	})
}

// A worker that stalls past its lease loses its claim: another worker
// delivers the event again (at least once) and then what was behind it.
// Three events: e1 and e2 of stream res-0, e3 of res-1. Worker A claims
// e1 and e3 and stalls in e1's handler; until the lease (5 minutes) ends,
// worker B hands nothing to the host; 5 minutes later B delivers e1, e2
// and e3. A's e1 call then returns; A finds its lease of e3 gone and does
// not hand it over a second time. Calls: e1 twice, e2 and e3 once.
func TestExpiredLeaseIsDeliveredAgain(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		clk := clock.NewManual(start)
		seedOutbox(t, st, start, 2, 1) // ev-0-0 (res-0), ev-1-0 (res-1)
		require.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Outbox().Append(ctx, storage.Event{ID: "ev-0-1", AccountID: "acct-0", Stream: "res-0",
				Kind: string(billing.EventProvision), Payload: []byte(`{}`), NextAttemptAt: start, CreatedAt: start})
			return err
		}))
		l := newDeliveryLog()
		stalled, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		l.block = func(e billing.Event) {
			if e.ID == "ev-0-0" {
				first := false
				once.Do(func() { first = true })
				if first { // worker A's call
					close(stalled)
					<-release
				}
			}
		}
		ws := workers(t, st, clk, l, 2)
		a, b := ws[0], ws[1]
		aDone := make(chan error, 1)
		go func() {
			_, err := a.DeliverEvents(context.Background(), 10)
			aDone <- err
		}()
		<-stalled
		n, err := b.DeliverEvents(context.Background(), 10)
		require.NoError(t, err)
		assert.Zero(t, n, "A's claim of ev-0-0 and ev-1-0 runs; ev-0-1 waits behind ev-0-0")
		clk.Advance(4*time.Minute + 59*time.Second)
		n, err = b.DeliverEvents(context.Background(), 10)
		require.NoError(t, err)
		assert.Zero(t, n, "4:59 into a 5-minute lease")
		clk.Advance(time.Second)
		n, err = b.DeliverEvents(context.Background(), 10)
		require.NoError(t, err)
		assert.Equal(t, 3, n, "A's lease has ended: B delivers ev-0-0 again, then ev-0-1 behind it, and ev-1-0")
		close(release)
		require.NoError(t, <-aDone)
		l.mu.Lock()
		defer l.mu.Unlock()
		assert.Equal(t, map[string]int{"ev-0-0": 2, "ev-0-1": 1, "ev-1-0": 1}, l.calls, "at least once: the stalled event twice")
		assert.Empty(t, l.problems, "in Seq order per stream")
		evs, err := items(b.Events(context.Background(), billing.ListRequest{AccountID: "acct-0", Limit: 10}))
		require.NoError(t, err)
		require.Len(t, evs, 2)
		for _, e := range evs {
			assert.Zero(t, e.Attempts, "no failure recorded for %s", e.ID)
		}
	})
}
