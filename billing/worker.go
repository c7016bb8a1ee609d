package billing

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/worker"
)

// deliverEvents is DeliverEvents' loop (worker.DeliverEvents): claim a
// page, hand it to the EventHandler, record the outcomes, round after round.
func (s *System) deliverEvents(ctx context.Context, limit int) (core.Sweep, error) {
	return worker.DeliverEvents(ctx, s.env, s.handleEvent, limit)
}

// WorkerOptions tunes RunWorker. Zero fields take the documented defaults.
type WorkerOptions struct {
	// BatchSize is the limit of each Tick (1–1000): how many items of each
	// kind one Tick handles. Default: 100.
	BatchSize int
	// Interval is how long the worker waits before the next Tick once the
	// backlog is drained (no sweep of the last Tick handled a full page),
	// and after a Tick that failed as a whole. Default: 1 minute; from 1
	// millisecond to 24 hours.
	Interval time.Duration
	// Sleep waits for d, or until ctx is done, whichever comes first, and
	// then returns ctx.Err() (nil when d passed). Every wait of the worker
	// goes through it. Default: a timer on the machine's clock. Tests pass
	// a function that moves their manual clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnReport, when set, receives the report of every Tick that completed,
	// on the worker's goroutine (so it should return quickly): for metrics,
	// or to alert on TickReport.Failures.
	OnReport func(TickReport)
	// OnError, when set, receives the error of every Tick that failed as a
	// whole (the store unreachable, say), on the worker's goroutine. The
	// worker also logs it, waits Interval and goes on.
	OnError func(error)
	// DrainTimeout is how long the worker lets the Tick in progress finish
	// once its context is done: it claims no further page or sweep, the
	// page it holds runs to its commit (and its events to the handler)
	// under a context that is not canceled, and when DrainTimeout passes
	// first, that context is canceled and the page rolled back. Default:
	// 30 seconds; from 1 millisecond to 1 hour.
	DrainTimeout time.Duration
}

// withDefaults returns o with every zero field set to its default, or a
// *RequestError naming the first unusable field.
func (o WorkerOptions) withDefaults() (WorkerOptions, error) {
	if o.BatchSize == 0 {
		o.BatchSize = 100
	}
	if o.Interval == 0 {
		o.Interval = time.Minute
	}
	if o.Sleep == nil {
		o.Sleep = worker.SleepTimer
	}
	if o.DrainTimeout == 0 {
		o.DrainTimeout = 30 * time.Second
	}
	if o.DrainTimeout < time.Millisecond || o.DrainTimeout > time.Hour {
		return o, &RequestError{Field: "DrainTimeout", Reason: fmt.Sprintf("is %s, want 1ms to 1h", o.DrainTimeout)}
	}
	if err := checkLimit(&o.BatchSize); err != nil {
		return o, &RequestError{Field: "BatchSize", Reason: fmt.Sprintf("%d is outside 1–1000", o.BatchSize)}
	}
	if o.Interval < time.Millisecond || o.Interval > 24*time.Hour {
		return o, &RequestError{Field: "Interval", Reason: fmt.Sprintf("is %s, want 1ms to 24h", o.Interval)}
	}
	return o, nil
}

// RunWorker is a ready-made worker loop for a host to start on a goroutine
// of its own: it calls Tick with opts.BatchSize again and again while a
// sweep comes back with a full page, so a backlog is drained at once; when
// the backlog is drained it waits opts.Interval (through opts.Sleep) and
// starts over. A Tick that fails as a whole (the store unreachable) is
// logged and passed to opts.OnError, and the worker waits opts.Interval and
// tries again; failures of single items never stop it (see Tick). Several
// workers, in one process or many, may run over one store at once.
//
// Shutting down drains: when ctx is done during a Tick, the worker claims
// nothing more, finishes the page in progress (its transaction commits,
// its claimed events reach the EventHandler) within opts.DrainTimeout,
// and returns; a page still running when DrainTimeout passes is canceled
// and rolled back, to be done by the next worker.
//
// RunWorker returns only when ctx is done, with ctx.Err(); an unusable opts
// returns a *RequestError at once, and an error of opts.Sleep other than
// ctx's is returned as it is.
func (s *System) RunWorker(ctx context.Context, opts WorkerOptions) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	for {
		rep, err := s.drainingTick(ctx, opts)
		if cerr := ctx.Err(); cerr != nil {
			if err != nil {
				s.env.Log.LogAttrs(ctx, slog.LevelWarn, "billing: worker stopped before the page in progress finished",
					slog.Duration("drain_timeout", opts.DrainTimeout), slog.String("error", err.Error()))
			} else if opts.OnReport != nil {
				opts.OnReport(rep)
			}
			return cerr
		}
		switch {
		case err != nil:
			s.env.Log.LogAttrs(ctx, slog.LevelError, "billing: worker tick failed; it will be retried",
				slog.Duration("after", opts.Interval), slog.String("error", err.Error()))
			if opts.OnError != nil {
				opts.OnError(err)
			}
		case opts.OnReport != nil:
			opts.OnReport(rep)
		}
		if err == nil && rep.More {
			continue // more is due already: no wait
		}
		if err := opts.Sleep(ctx, opts.Interval); err != nil {
			return err
		}
	}
}

// drainingTick runs one Tick that outlives ctx by up to opts.DrainTimeout:
// the Tick's own context is canceled only when that time has passed after
// ctx ended, and ctx's end asks it (core.Stopping) to claim nothing more.
func (s *System) drainingTick(ctx context.Context, opts WorkerOptions) (TickReport, error) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	grace := time.AfterFunc(opts.DrainTimeout, cancel)
	grace.Stop() // started when ctx ends
	defer grace.Stop()
	stopWatching := context.AfterFunc(ctx, func() { grace.Reset(opts.DrainTimeout) })
	defer stopWatching()
	return s.Tick(core.WithStop(work, ctx.Done()), opts.BatchSize)
}
