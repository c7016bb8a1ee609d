package postpaid

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/storage"
)

// JobOutcome is what a job leaves to do after its transaction commits.
type JobOutcome struct {
	// Charge is a linked-account payment to send to its gateway.
	Charge string
}

// RunJob does one due job inside tx and stores what comes next (the job
// rescheduled, or deleted when its work is over). A run that succeeds
// clears the job's failure state.
func RunJob(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, j storage.Job, rep *billingtype.TickReport, out *JobOutcome) error {
	now := s.Now()
	j.Attempts, j.LastError, j.UpdatedAt = 0, "", now
	var next *storage.Job
	var err error
	switch j.Kind {
	case core.JobCollect:
		next, err = runCollection(ctx, s, tx, acct, j, now, rep)
	case core.JobOverdue:
		next, err = runOverdue(ctx, s, tx, acct, j, now, rep, out)
	case core.JobHold:
		next, err = runHold(ctx, s, tx, acct, j, now, rep)
	case core.JobEInvoiceMonth:
		err = invoicing.EInvoiceMonth(ctx, s, tx, acct.ID, j.Key)
	default:
		// A kind this version does not know (written by a newer one):
		// leave it for that version, well out of the way.
		j.DueAt = now.Add(s.Cfg.MaxRetryDelay)
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

// AddJobCounts adds the counters of one job's run.
func AddJobCounts(rep *billingtype.TickReport, local billingtype.TickReport) {
	rep.Collections += local.Collections
	rep.InvoicesCollected += local.InvoicesCollected
	rep.OverdueSteps += local.OverdueSteps
	rep.Holds += local.Holds
}
