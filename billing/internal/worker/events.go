package worker

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

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
