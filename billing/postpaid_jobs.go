package billing

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// The account jobs the worker runs. The names are stored, so they never
// change.
const (
	// jobCollect is an account's daily automatic invoice payment; it
	// exists while the account has open invoices.
	jobCollect storage.JobKind = "collect"
	// jobOverdue is one unpaid bill's overdue schedule (Key: the invoice
	// id); Step counts the charge attempts made, Since is when the
	// account's resources were suspended for it.
	jobOverdue storage.JobKind = "overdue"
	// jobHold is a prepaid account's daily credit hold for its metered
	// usage; Step is the streak of short days.
	jobHold storage.JobKind = "hold"
)

// nextDaily returns the first daily run time, Postpaid.DailyAt on the
// account's wall clock, strictly after t. Wall-clock arithmetic keeps the
// run at 09:00 local across DST changes.
func (s *System) nextDaily(cal period.Calendar, t time.Time) time.Time {
	loc := cal.Location()
	lt := t.In(loc)
	at := s.cfg.Postpaid.DailyAt
	run := time.Date(lt.Year(), lt.Month(), lt.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, loc)
	if !run.After(t) {
		run = time.Date(lt.Year(), lt.Month(), lt.Day()+1, int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, loc)
	}
	return run
}

// accountCalendar is the billing calendar of the account's zone.
func (s *System) accountCalendar(acct Account) period.Calendar {
	return s.rules(acct, "").Calendar()
}

// billIssued schedules what follows an unpaid invoice, inside the
// transaction that issued it: the account's daily automatic payment (if it
// is not scheduled yet) and the invoice's overdue schedule from its due
// time. A bill issued paid (a zero total) needs neither.
func (s *System) billIssued(ctx context.Context, tx storage.Tx, acct Account, inv invoice.Invoice, now time.Time) error {
	if !inv.AmountDue().IsPositive() {
		return nil
	}
	if err := s.ensureCollection(ctx, tx, acct, now); err != nil {
		return err
	}
	if inv.DueAt.IsZero() {
		return nil
	}
	return tx.Jobs().Put(ctx, storage.Job{AccountID: acct.ID, Kind: jobOverdue, Key: inv.ID, DueAt: inv.DueAt,
		CreatedAt: now, UpdatedAt: now})
}

// ensureCollection schedules the account's daily automatic invoice payment
// at the next daily run, unless it is scheduled already.
func (s *System) ensureCollection(ctx context.Context, tx storage.Tx, acct Account, now time.Time) error {
	_, err := tx.Jobs().Ensure(ctx, storage.Job{AccountID: acct.ID, Kind: jobCollect,
		DueAt: s.nextDaily(s.accountCalendar(acct), now), CreatedAt: now, UpdatedAt: now})
	return err
}

// tickJobs runs up to limit due account jobs, each in its own
// transaction under the account's lock, its due time checked again under
// the lock so that two workers never run one job twice. A job that fails
// keeps its failure (Attempts, LastError) and is tried again after the
// worker's backoff; every other job still runs.
func (s *System) tickJobs(ctx context.Context, limit int, rep *TickReport) error {
	now := s.now()
	var due []storage.Job
	if err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Jobs().ClaimDue(ctx, now, limit)
		return err
	}); err != nil {
		return err
	}
	rep.More = rep.More || len(due) >= limit
	for _, j := range due {
		var local TickReport
		var out jobOutcome
		err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			local, out = TickReport{}, jobOutcome{}
			acct, err := getAccount(ctx, tx, j.AccountID, true)
			if err != nil {
				return err
			}
			cur, err := tx.Jobs().Get(ctx, j.AccountID, j.Kind, j.Key)
			if errors.Is(err, storage.ErrNotFound) {
				return nil // done by another worker meanwhile
			}
			if err != nil || cur.DueAt.After(s.now()) {
				return err
			}
			return s.runJob(ctx, tx, acct, cur, &local, &out)
		})
		if err == nil {
			addJobCounts(rep, local)
			if out.charge != "" {
				if err := s.chargeAfterCommit(ctx, j.AccountID, out.charge, rep); err != nil {
					return err
				}
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f, ferr := s.recordJobFailure(ctx, j, err)
		if ferr != nil {
			return ferr
		}
		s.logFailure(ctx, f)
		rep.Failures = append(rep.Failures, f)
	}
	return nil
}

// jobOutcome is what a job leaves to do after its transaction commits.
type jobOutcome struct {
	// charge is a linked-account payment to send to its gateway.
	charge string
}

// runJob does one due job inside tx and stores what comes next (the job
// rescheduled, or deleted when its work is over). A run that succeeds
// clears the job's failure state.
func (s *System) runJob(ctx context.Context, tx storage.Tx, acct Account, j storage.Job, rep *TickReport, out *jobOutcome) error {
	now := s.now()
	j.Attempts, j.LastError, j.UpdatedAt = 0, "", now
	var next *storage.Job
	var err error
	switch j.Kind {
	case jobCollect:
		next, err = s.runCollection(ctx, tx, acct, j, now, rep)
	case jobOverdue:
		next, err = s.runOverdue(ctx, tx, acct, j, now, rep, out)
	case jobHold:
		next, err = s.runHold(ctx, tx, acct, j, now, rep)
	default:
		// A kind this version does not know (written by a newer one):
		// leave it for that version, well out of the way.
		j.DueAt = now.Add(s.cfg.MaxRetryDelay)
		next = &j
	}
	if err != nil {
		return err
	}
	if next == nil {
		return tx.Jobs().Delete(ctx, j.AccountID, j.Kind, j.Key)
	}
	return tx.Jobs().Put(ctx, *next)
}

// recordJobFailure stores a failed run on the job: one more attempt, the
// reason, and the next try after the worker's backoff.
func (s *System) recordJobFailure(ctx context.Context, j storage.Job, cause error) (ItemFailure, error) {
	var f ItemFailure
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		cur, err := tx.Jobs().Get(ctx, j.AccountID, j.Kind, j.Key)
		if errors.Is(err, storage.ErrNotFound) {
			cur = j
		} else if err != nil {
			return err
		}
		now := s.now()
		cur.Attempts++
		cur.LastError = clipText(cause.Error(), maxReason)
		cur.DueAt = now.Add(s.retryBackoff(cur.Attempts))
		cur.UpdatedAt = now
		f = ItemFailure{Kind: ItemJob, ID: string(cur.Kind) + ":" + cur.Key, AccountID: cur.AccountID, Reason: cur.LastError,
			Attempts: cur.Attempts, RetryAt: cur.DueAt}
		return tx.Jobs().Put(ctx, cur)
	})
	return f, err
}

// addJobCounts adds the counters of one job's run.
func addJobCounts(rep *TickReport, local TickReport) {
	rep.Collections += local.Collections
	rep.InvoicesCollected += local.InvoicesCollected
	rep.OverdueSteps += local.OverdueSteps
	rep.Holds += local.Holds
}
