package worker

import (
	"context"
	"errors"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/postpaid"
	"github.com/cloudbill/cloudbill/storage"
)

// TickJobs runs up to limit due account jobs, each in its own
// transaction under the account's lock, its due time checked again under
// the lock so that two workers never run one job twice. A job that fails
// keeps its failure (Attempts, LastError) and is tried again after the
// worker's backoff; every other job still runs.
func TickJobs(ctx context.Context, s *core.Env, limit int, rep *billingtype.TickReport) error {
	now := s.Now()
	var due []storage.Job
	if err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Jobs().ClaimDue(ctx, now, limit)
		return err
	}); err != nil {
		return err
	}
	rep.More = rep.More || len(due) >= limit
	for _, j := range due {
		var local billingtype.TickReport
		var out postpaid.JobOutcome
		err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			local, out = billingtype.TickReport{}, postpaid.JobOutcome{}
			acct, err := core.GetAccount(ctx, tx, j.AccountID, true)
			if err != nil {
				return err
			}
			cur, err := tx.Jobs().Get(ctx, j.AccountID, j.Kind, j.Key)
			if errors.Is(err, storage.ErrNotFound) {
				return nil // done by another worker meanwhile
			}
			if err != nil || cur.DueAt.After(s.Now()) {
				return err
			}
			return postpaid.RunJob(ctx, s, tx, acct, cur, &local, &out)
		})
		if err == nil {
			postpaid.AddJobCounts(rep, local)
			if out.Charge != "" {
				if err := chargeAfterCommit(ctx, s, j.AccountID, out.Charge, rep); err != nil {
					return err
				}
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f, ferr := recordJobFailure(ctx, s, j, err)
		if ferr != nil {
			return ferr
		}
		s.LogFailure(ctx, f)
		rep.Failures = append(rep.Failures, f)
	}
	return nil
}

// recordJobFailure stores a failed run on the job: one more attempt, the
// reason, and the next try after the worker's backoff.
func recordJobFailure(ctx context.Context, s *core.Env, j storage.Job, cause error) (billingtype.ItemFailure, error) {
	var f billingtype.ItemFailure
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		cur, err := tx.Jobs().Get(ctx, j.AccountID, j.Kind, j.Key)
		if errors.Is(err, storage.ErrNotFound) {
			cur = j
		} else if err != nil {
			return err
		}
		now := s.Now()
		cur.Attempts++
		f = s.Failed(billingtype.ItemJob, string(cur.Kind)+":"+cur.Key, cur.AccountID, cur.Attempts, cause, now)
		cur.LastError, cur.DueAt, cur.UpdatedAt = f.Reason, f.RetryAt, now
		return tx.Jobs().Put(ctx, cur)
	})
	return f, err
}
