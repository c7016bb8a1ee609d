package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/worker"
	"github.com/cloudbill/cloudbill/storage"
)

// Tick is what a host's worker calls periodically (every minute, say, or
// through RunWorker): it runs the lifecycle clock for up to limit (1–1000; 0 means DefaultPageSize)
// due resources — reminders from T−7 and daily after T until renewal or
// release, each sent once; automatic renewal attempts at T−7, T−4, T−1 and
// T from credit (then the default linked account when
// Config.AutoRenewWithLinkedAccount is set); the moves to grace at T,
// suspension at T+15 days and release at T+30 days — and then, up to limit
// each, expires created and pending payments past their expiry (releasing
// what they held), asks the gateway again about payments it never
// answered, expires promotional credit and, with an EventHandler
// configured, delivers outbox events (DeliverEvents).
//
// Its cost grows with the work that is due, not with the number of
// resources or payments: every sweep reads through an index of what is
// due. Due resources are claimed in pages, each processed in one
// transaction (a savepoint per resource when one of them fails), each
// resource under its row lock with its work recomputed from the locked
// state, so two workers ticking at once split the due resources and never
// renew twice or send a notice twice.
//
// One failing item never stalls the worker: its failure is recorded on the
// item with the reason and a retry time (Config.RetryDelay doubling up to
// Config.MaxRetryDelay; a resource's next due time is pushed there),
// logged, and listed in the report's Failures, and every other item and
// every other sweep still runs. A later success clears the failure. Tick
// returns an error only when the tick as a whole cannot go on — ctx is
// done, or the store cannot be read or cannot record a failure — with the
// report of what was done until then.
func (s *System) Tick(ctx context.Context, limit int) (_ TickReport, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Tick")
	defer op.End(&err)
	if err := checkLimit(&limit); err != nil {
		return TickReport{}, err
	}
	var rep TickReport
	defer func() { s.tickDone(ctx, rep) }()
	for _, sweep := range s.sweeps() {
		// A draining worker (RunWorker after its context ended) finishes
		// the sweep in progress and starts no other.
		if core.Stopping(ctx) {
			rep.More = true
			return rep, nil
		}
		if err := s.runSweep(ctx, sweep, limit, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// runSweep runs one sweep under its span, recording the items it handled
// and the failures it reported.
func (s *System) runSweep(ctx context.Context, sw sweep, limit int, rep *TickReport) error {
	if !s.env.Tel.Enabled() {
		return sw.run(ctx, limit, rep)
	}
	ctx, span := s.env.Tel.StartSweep(ctx, sw.name)
	items, failed, wasMore := tickItems(*rep), len(rep.Failures), rep.More
	rep.More = false
	err := sw.run(ctx, limit, rep)
	more := rep.More
	rep.More = rep.More || wasMore
	span.End(tickItems(*rep)-items, rep.Failures[failed:], more, err)
	return err
}

// tickDone records, with telemetry on, whether the tick left work behind
// and the outbox's backlog after it (one read through the undelivered
// index).
func (s *System) tickDone(ctx context.Context, rep TickReport) {
	if !s.env.Tel.Enabled() {
		return
	}
	s.env.Tel.TickDone(ctx, rep.More)
	s.recordOutboxBacklog(ctx)
}

// recordOutboxBacklog reads the outbox's backlog, when the store can
// measure it, and records it; a failed read records nothing.
func (s *System) recordOutboxBacklog(ctx context.Context) {
	var b storage.OutboxBacklog
	measured := false
	err := s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		bl, ok := tx.Outbox().(storage.OutboxBacklogger)
		if !ok {
			return nil
		}
		var err error
		b, err = bl.Backlog(ctx)
		measured = err == nil
		return err
	})
	if err == nil && measured {
		s.env.Tel.OutboxBacklog(ctx, b, s.env.Now())
	}
}

// tickItems counts the items a report says were handled, for the items of
// each sweep (the difference before and after it).
func tickItems(r TickReport) int {
	return r.Resources + r.Collections + r.OverdueSteps + r.Holds + r.PaymentsExpired + r.PaymentsReconciled +
		r.PaymentsRetried + r.RefundsSettled + r.PromotionsExpired + r.EventsDelivered
}

// sweep is one of Tick's sweeps, named for telemetry.
type sweep struct {
	name string
	run  func(ctx context.Context, limit int, rep *TickReport) error
}

// sweeps are Tick's sweeps in the order they run.
func (s *System) sweeps() []sweep {
	out := []sweep{
		{"resources", func(ctx context.Context, limit int, rep *TickReport) error {
			return worker.TickResources(ctx, s.env, limit, rep)
		}},
		{"account_jobs", func(ctx context.Context, limit int, rep *TickReport) error {
			return worker.TickJobs(ctx, s.env, limit, rep)
		}},
		{"payment_expiry", func(ctx context.Context, limit int, rep *TickReport) error {
			exp, err := pay.ExpirePayments(ctx, s.env, limit)
			rep.PaymentsExpired, rep.PaymentsReconciled = exp.Done, exp.Reconciled
			worker.MergeSweep(rep, exp)
			return err
		}},
		{"payment_retry", func(ctx context.Context, limit int, rep *TickReport) error {
			retried, err := pay.RetryPayments(ctx, s.env, limit)
			rep.PaymentsRetried = retried.Done
			worker.MergeSweep(rep, retried)
			return err
		}},
		{"refunds", func(ctx context.Context, limit int, rep *TickReport) error {
			refunds, err := pay.SettleRefunds(ctx, s.env, limit)
			rep.RefundsSettled = refunds.Done
			worker.MergeSweep(rep, refunds)
			return err
		}},
		{"promotional_credit", func(ctx context.Context, limit int, rep *TickReport) error {
			return worker.TickPromotions(ctx, s.env, limit, rep)
		}},
	}
	if s.cfg.EventHandler != nil {
		out = append(out, sweep{"events", func(ctx context.Context, limit int, rep *TickReport) error {
			ev, err := s.deliverEvents(ctx, limit)
			rep.EventsDelivered = ev.Done
			worker.MergeSweep(rep, ev)
			return err
		}})
	}
	return out
}
