package billing_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// retiredPlan is taxFree without the vServer plan basic-1: the catalog
// after an operator retired that plan while resources on it still renew
// automatically.
func retiredPlan(t *testing.T) *pricing.Catalog {
	t.Helper()
	products := taxFree(t).Products()
	for i, p := range products {
		if p.ID == pricing.SampleVServer {
			products[i].Plans = slices.DeleteFunc(p.Plans, func(pl pricing.Plan) bool { return pl.ID == "basic-1" })
		}
	}
	cat, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: decimal.Zero, Mode: pricing.TaxExclusive}, Products: products})
	require.NoError(t, err)
	return cat
}

// logBuffer is an io.Writer safe for a logger used by several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tickData is the worker's failure state as a resource's stored data
// holds it.
type tickData struct {
	Attempts int       `json:"tick_attempts"`
	Error    string    `json:"tick_error"`
	RetryAt  time.Time `json:"tick_retry_at"`
}

// storedResource reads a resource's record and its failure state.
func storedResource(t *testing.T, st storage.Store, acct, id string) (storage.Resource, tickData) {
	t.Helper()
	var r storage.Resource
	require.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		var err error
		r, err = tx.Resources().Get(ctx, acct, id)
		return err
	}))
	return r, tickData{Attempts: r.TickAttempts, Error: r.TickError, RetryAt: r.TickRetryAt}
}

// TestOnePoisonedResourceNeverStallsTheWorker: the worker's System has a
// catalog from which the plan basic-1 was retired while a resource on it
// renews automatically, so that resource's renewal cannot be priced; and
// the host's event handler refuses every event of that account. At T−7 a
// Tick reports the resource and the events as failures, with their
// reasons and retry times, and still renews another account's vServer
// (181,000 from credit), moves its second vServer to grace with a
// reminder, expires its abandoned 500,000 top-up and delivers its events.
// Further ticks retry the resource after 1, 2 and 4 minutes, not before;
// once the plan is back the resource renews and its failure is cleared.
func TestOnePoisonedResourceNeverStallsTheWorker(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		e := newEnvWith(t, st, func(c *billing.Config) { c.Catalog = taxFree(t) })

		// Bought first, so it is the first due resource: on the old code
		// its error ended every Tick before anything else ran.
		e.fund(t, "poisoned", 500_000)
		poisoned := e.buy(t, "poisoned", pricing.Configuration{Plan: "basic-1"}, period.Months(1))
		_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "poisoned", ResourceID: poisoned.ID, On: true})
		require.NoError(t, err)
		e.fund(t, "healthy", 1_000_000)
		renewing := e.buy(t, "healthy", small, period.Days(30))
		_, err = e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "healthy", ResourceID: renewing.ID, On: true})
		require.NoError(t, err)
		ending := e.buy(t, "healthy", small, period.Days(23)) // its T is the others' T−7
		at := poisoned.PeriodEnd.Add(-7 * day)
		require.True(t, !ending.PeriodEnd.After(at.Add(time.Minute)) && !renewing.PeriodEnd.Add(-7*day).After(at.Add(time.Minute)))
		at = at.Add(time.Minute) // all three are due

		e.clk.Set(at.Add(-time.Hour))
		abandoned, err := e.sys.TopUp(ctx, "abandoned", billing.TopUpRequest{AccountID: "healthy", Amount: vnd(t, 500_000), Gateway: "sim"})
		require.NoError(t, err)
		require.Equal(t, payment.StatusPending, abandoned.Status)
		e.clk.Set(at)

		var mu sync.Mutex
		delivered := map[string][]billing.EventKind{}
		logs := &logBuffer{}
		worker, err := billing.New(billing.Config{Store: st, Catalog: retiredPlan(t), Clock: e.clk, Gateways: []gateway.Gateway{e.sim},
			Logger: slog.New(slog.NewTextHandler(logs, nil)),
			EventHandler: func(_ context.Context, ev billing.Event) error {
				if ev.AccountID == "poisoned" {
					return errors.New("mailer rejected the address")
				}
				mu.Lock()
				defer mu.Unlock()
				delivered[ev.AccountID] = append(delivered[ev.AccountID], ev.Kind)
				return nil
			}})
		require.NoError(t, err)

		rep, err := worker.Tick(ctx, 1000)
		require.NoError(t, err, "one failing item never fails the tick")

		// The failures: the resource, and the head event of each of the
		// poisoned account's two streams (the account, the resource).
		var resourceFailures, eventFailures []billing.ItemFailure
		for _, f := range rep.Failures {
			switch f.Kind {
			case billing.ItemResource:
				resourceFailures = append(resourceFailures, f)
			case billing.ItemEvent:
				eventFailures = append(eventFailures, f)
			default:
				t.Errorf("unexpected failure %+v", f)
			}
		}
		require.Len(t, resourceFailures, 1)
		f := resourceFailures[0]
		assert.Equal(t, poisoned.ID, f.ID)
		assert.Equal(t, "poisoned", f.AccountID)
		assert.Contains(t, f.Reason, "basic-1", "the reason names what failed")
		assert.Equal(t, 1, f.Attempts)
		assert.True(t, f.RetryAt.Equal(at.Add(time.Minute)), "retried after RetryDelay (1 minute): %s", f.RetryAt)
		require.Len(t, eventFailures, 2)
		for _, ef := range eventFailures {
			assert.Equal(t, "poisoned", ef.AccountID)
			assert.Equal(t, "mailer rejected the address", ef.Reason)
			assert.Equal(t, 1, ef.Attempts)
			assert.True(t, ef.RetryAt.Equal(at.Add(10*time.Second)), "the outbox's first backoff: %s", ef.RetryAt)
		}
		assert.Contains(t, logs.String(), "kind=resource id="+poisoned.ID+" account=poisoned attempts=1")

		// Everything else happened.
		assert.Equal(t, 3, rep.Resources+len(resourceFailures), "three due resources")
		assert.Equal(t, 1, rep.Renewed)
		assert.GreaterOrEqual(t, rep.Transitions, 1)
		assert.GreaterOrEqual(t, rep.Reminders, 1)
		assert.Equal(t, 1, rep.PaymentsExpired)
		assert.Positive(t, rep.EventsDelivered)
		got, err := e.sys.Resource(ctx, "healthy", renewing.ID)
		require.NoError(t, err)
		assert.True(t, got.PeriodEnd.Equal(renewing.PeriodEnd.Add(30*day)), "renewed for 30 days")
		got, err = e.sys.Resource(ctx, "healthy", ending.ID)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateGrace, got.State)
		assert.NotEmpty(t, e.notices(t, "healthy", billing.NoticeReminder))
		p, err := e.sys.Payment(ctx, "healthy", abandoned.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusExpired, p.Status)
		// 1,000,000 − 181,000 − 181,000 × 23/30 (138,767) − 181,000 renewal.
		assert.Equal(t, int64(499_233), e.available(t, "healthy"))
		mu.Lock()
		assert.Contains(t, delivered["healthy"], billing.EventRestrict, "the grace event reached the host")
		assert.Empty(t, delivered["poisoned"])
		mu.Unlock()
		checkLedger(t, st, "healthy")

		// Backoff: not before its retry time, then after 1, 2, 4 minutes.
		poisonedTries := func(rep billing.TickReport) []billing.ItemFailure {
			var out []billing.ItemFailure
			for _, f := range rep.Failures {
				if f.Kind == billing.ItemResource {
					out = append(out, f)
				}
			}
			return out
		}
		for _, step := range []struct {
			after    time.Duration // since the first failure
			attempts int           // 0: not tried
			retryIn  time.Duration
		}{
			{after: 0},
			{after: 59 * time.Second},
			{after: time.Minute, attempts: 2, retryIn: 2 * time.Minute},
			{after: 2 * time.Minute},
			{after: 3 * time.Minute, attempts: 3, retryIn: 4 * time.Minute},
			{after: 6 * time.Minute},
			{after: 7 * time.Minute, attempts: 4, retryIn: 8 * time.Minute},
		} {
			e.clk.Set(at.Add(step.after))
			rep, err := worker.Tick(ctx, 1000)
			require.NoError(t, err)
			tries := poisonedTries(rep)
			if step.attempts == 0 {
				assert.Empty(t, tries, "at +%s", step.after)
				continue
			}
			require.Len(t, tries, 1, "at +%s", step.after)
			assert.Equal(t, step.attempts, tries[0].Attempts, "at +%s", step.after)
			assert.True(t, tries[0].RetryAt.Equal(at.Add(step.after+step.retryIn)), "at +%s: %s", step.after, tries[0].RetryAt)
		}
		r, d := storedResource(t, st, "poisoned", poisoned.ID)
		assert.Equal(t, 4, d.Attempts, "the resource owns its failure state")
		assert.Contains(t, d.Error, "basic-1")
		assert.True(t, r.NextDueAt.Equal(d.RetryAt) && d.RetryAt.Equal(at.Add(15*time.Minute)), "due again at its retry time: %s", r.NextDueAt)

		// The host's System still sells basic-1: at the retry time it
		// renews the resource, and the success clears the failure.
		e.clk.Set(d.RetryAt)
		rep, err = e.sys.Tick(ctx, 1000)
		require.NoError(t, err)
		assert.Empty(t, poisonedTries(rep))
		assert.Equal(t, 1, rep.Renewed)
		got, err = e.sys.Resource(ctx, "poisoned", poisoned.ID)
		require.NoError(t, err)
		assert.True(t, got.PeriodEnd.Equal(poisoned.PeriodEnd.Add(30*day)), "renewed: %s", got.PeriodEnd)
		assert.Equal(t, int64(500_000-90_000-90_000), e.available(t, "poisoned"))
		r, d = storedResource(t, st, "poisoned", poisoned.ID)
		assert.Equal(t, tickData{}, d, "failure state cleared")
		assert.True(t, r.NextDueAt.After(d.RetryAt))
	})
}

// TestTickStopsOnlyForWhatStopsEveryItem: a store that cannot be reached
// fails the Tick (nothing can be done or recorded), and so does a
// canceled context.
func TestTickStopsOnlyForWhatStopsEveryItem(t *testing.T) {
	down := &unreachableStore{Store: memory.New()}
	e := newEnv(t, down)
	down.set(true)
	_, err := e.sys.Tick(context.Background(), 100)
	require.ErrorIs(t, err, errUnreachable)
	down.set(false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.sys.Tick(ctx, 100)
	require.ErrorIs(t, err, context.Canceled)
	_, err = e.sys.Tick(context.Background(), 1001)
	require.ErrorIs(t, err, billing.ErrInvalidRequest)
}

var errUnreachable = errors.New("dial tcp 10.0.0.5:5432: connection refused")

// unreachableStore is a store whose connection can be cut.
type unreachableStore struct {
	storage.Store
	mu   sync.Mutex
	down bool
}

func (s *unreachableStore) set(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

func (s *unreachableStore) InTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		return errUnreachable
	}
	return s.Store.InTx(ctx, fn)
}

// TestRunWorkerDrainsABacklogThenWaits: 25 vServers reach T−7 at once;
// with a batch size of 10 the worker ticks three times without waiting
// (10, 10 and 5 resources, each sending its reminder), then waits its
// interval through the injected Sleep, ticks again (nothing due), and
// returns context.Canceled when the context ends during the next wait.
func TestRunWorkerDrainsABacklogThenWaits(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t) })
		e.fund(t, "acme", 25*181_000)
		var last billing.Resource
		for range 25 {
			last = e.buy(t, "acme", small, period.Days(30))
		}
		e.clk.Set(last.PeriodEnd.Add(-7 * day))

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var reports []billing.TickReport
		var waits []time.Duration
		var ticksBeforeWait []int
		err := e.sys.RunWorker(ctx, billing.WorkerOptions{
			BatchSize: 10,
			Interval:  5 * time.Minute,
			OnReport:  func(rep billing.TickReport) { reports = append(reports, rep) },
			Sleep: func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				ticksBeforeWait = append(ticksBeforeWait, len(reports))
				if len(waits) == 2 {
					cancel()
					return ctx.Err()
				}
				e.clk.Advance(d)
				return nil
			},
		})
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, []time.Duration{5 * time.Minute, 5 * time.Minute}, waits)
		assert.Equal(t, []int{3, 4}, ticksBeforeWait, "three ticks drain the backlog before the first wait")
		var resources, reminders []int
		var more []bool
		for _, rep := range reports {
			resources = append(resources, rep.Resources)
			reminders = append(reminders, rep.Reminders)
			more = append(more, rep.More)
			assert.Empty(t, rep.Failures)
		}
		assert.Equal(t, []int{10, 10, 5, 0}, resources)
		assert.Equal(t, []int{10, 10, 5, 0}, reminders)
		assert.Equal(t, []bool{true, true, false, false}, more)
		assert.Len(t, e.notices(t, "acme", billing.NoticeReminder), 25, "every resource reminded once")
	})
}

// TestRunWorkerOutlivesAnUnreachableStore: a Tick that fails as a whole is
// logged and handed to OnError, and the worker waits its interval and goes
// on; it stops only when its context ends.
func TestRunWorkerOutlivesAnUnreachableStore(t *testing.T) {
	down := &unreachableStore{Store: memory.New()}
	logs := &logBuffer{}
	e := newEnvWith(t, down, func(c *billing.Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	down.set(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	var reports int
	sleeps := 0
	err := e.sys.RunWorker(ctx, billing.WorkerOptions{
		OnError:  func(err error) { errs = append(errs, err) },
		OnReport: func(billing.TickReport) { reports++ },
		Sleep: func(ctx context.Context, d time.Duration) error {
			sleeps++
			assert.Equal(t, time.Minute, d, "the default interval")
			switch sleeps {
			case 1, 2:
				if sleeps == 2 {
					down.set(false) // the database is back
				}
				return nil
			default:
				cancel()
				return ctx.Err()
			}
		},
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, errs, 2, "two ticks failed while the store was down")
	assert.ErrorIs(t, errs[0], errUnreachable)
	assert.Equal(t, 1, reports, "the tick after it came back completed")
	assert.Contains(t, logs.String(), "billing: worker tick failed")
}

func TestRunWorkerRejectsUnusableOptions(t *testing.T) {
	e := newEnv(t, newMemory())
	for _, opts := range []billing.WorkerOptions{
		{BatchSize: 1001},
		{BatchSize: -1},
		{Interval: -time.Second},
		{Interval: 25 * time.Hour},
	} {
		err := e.sys.RunWorker(context.Background(), opts)
		var re *billing.RequestError
		require.ErrorAs(t, err, &re, "%+v", opts)
		assert.ErrorIs(t, err, billing.ErrInvalidRequest)
	}
}

func TestWorkerRetryConfig(t *testing.T) {
	cat := taxFree(t)
	for _, tc := range []struct {
		name  string
		cfg   billing.Config
		field string
	}{
		{"a retry delay under a second", billing.Config{RetryDelay: time.Millisecond}, "RetryDelay"},
		{"a retry delay as long as the payment timeout", billing.Config{PaymentTimeout: 10 * time.Minute, RetryDelay: 10 * time.Minute}, "RetryDelay"},
		{"a cap below the retry delay", billing.Config{RetryDelay: 2 * time.Minute, MaxRetryDelay: time.Minute}, "MaxRetryDelay"},
		{"a cap over a day", billing.Config{MaxRetryDelay: 25 * time.Hour}, "MaxRetryDelay"},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			cfg := tc.cfg
			cfg.Store, cfg.Catalog = memory.New(), cat
			_, err := billing.New(cfg)
			var ce *billing.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.field, ce.Field)
		})
	}
	t.Run("a payment timeout of one minute is accepted: the default retry delay shrinks to half of it", func(t *testing.T) {
		_, err := billing.New(billing.Config{Store: memory.New(), Catalog: cat, PaymentTimeout: time.Minute})
		require.NoError(t, err)
	})
}
