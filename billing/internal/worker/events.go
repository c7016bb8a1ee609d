package worker

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/storage"
)

// Handler hands one outbox event to the host (the System's EventHandler).
type Handler func(ctx context.Context, e storage.Event) error

// DeliverEvents is DeliverEvents' loop: it claims a page of due events for
// this call (a random token names it), hands them to handle one by one and
// records each outcome, round after round (each round claims the oldest
// undelivered event of every stream no other worker holds, so the next one
// can claim what was behind them), up to limit events, or until the
// worker drains (core.Stopping), when the page in progress is finished and
// no other claimed. It reports every
// handler failure with the delivery state the outbox recorded for it.
//
// Concurrent calls, in one process or many, split the outbox: an event is
// handed to the host by the worker that claimed it. When a worker's lease
// ends before it reaches an event of its page (a slow handler), it stops
// and claims again rather than race the worker that may hold it now.
func DeliverEvents(ctx context.Context, s *core.Env, handle Handler, limit int) (core.Sweep, error) {
	var res core.Sweep
	token := rand.Text()
	handled := 0
	for handled < limit && !core.Stopping(ctx) {
		due, err := outbox.Claim(ctx, s.Store, s.Now(), token, limit-handled)
		if err != nil {
			return res, err
		}
		if len(due) == 0 {
			break
		}
		for i, e := range due {
			if i > 0 && outbox.LeaseLost(e, s.Now()) {
				break // claim again: the rest may be another worker's now
			}
			ok, err := deliver(ctx, s, handle, token, e)
			if err != nil {
				return res, err
			}
			handled++
			if ok {
				res.Done++
				continue
			}
			f, failed, err := EventFailure(ctx, s, e)
			if err != nil {
				return res, err
			}
			if failed {
				res.Failures = append(res.Failures, f)
			}
		}
	}
	res.Full = handled >= limit || core.Stopping(ctx) // a draining worker leaves the rest
	return res, nil
}

// deliver hands one claimed event to the handler and records the outcome
// (outbox.Record); it reports whether the handler accepted it.
func deliver(ctx context.Context, s *core.Env, handle Handler, token string, e storage.Event) (bool, error) {
	herr := handle(ctx, e)
	if herr != nil && ctx.Err() != nil {
		return false, ctx.Err()
	}
	errText := ""
	if herr != nil {
		errText = core.Truncate(herr.Error(), 500)
	}
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		cur, err := tx.Outbox().GetForUpdate(ctx, e.Seq)
		if err != nil || !outbox.Record(&cur, token, herr, errText, s.Now()) {
			return err
		}
		return tx.Outbox().Update(ctx, cur)
	})
	if err != nil {
		return false, err
	}
	if herr != nil {
		s.Log.WarnContext(ctx, "event handler failed; will retry", "event", e.ID, "kind", e.Kind, "attempt", e.Attempts+1, "error", herr)
	}
	return herr == nil, nil
}

// EventFailure reads back the delivery state deliver recorded for an
// event its handler refused (deliver has logged it). failed is false when
// another worker delivered it meanwhile.
func EventFailure(ctx context.Context, s *core.Env, e storage.Event) (f billingtype.ItemFailure, failed bool, err error) {
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		list, err := tx.Outbox().List(ctx, e.AccountID, e.Seq-1, 1)
		if err != nil || len(list) == 0 || list[0].Seq != e.Seq || !list[0].DeliveredAt.IsZero() {
			return err
		}
		cur := list[0]
		f = billingtype.ItemFailure{Kind: billingtype.ItemEvent, ID: cur.ID, AccountID: cur.AccountID, Reason: cur.LastError,
			Attempts: cur.Attempts, RetryAt: cur.NextAttemptAt}
		failed = true
		return nil
	})
	return f, failed, err
}

// SleepTimer is the default WorkerOptions.Sleep: a timer on the machine's
// clock, stopped early when ctx is done.
func SleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
