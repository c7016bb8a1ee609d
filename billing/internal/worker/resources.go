package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/ordering"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Sweep names, the IDs of ItemSweep failures.
const sweepPromotions = "promotional_credit"

// MergeSweep adds a sweep's failures and page state to the report.
func MergeSweep(rep *billingtype.TickReport, sw core.Sweep) {
	rep.Failures = append(rep.Failures, sw.Failures...)
	rep.More = rep.More || sw.Full
}

// tickResourcesOneByOne is the lifecycle clock for one page of due
// resources, each in its own transaction: the path a page takes when its
// batched transaction (TickResources) could not commit. A resource whose
// work fails gets its failure recorded and is moved out of the way until
// its retry time; the others go on.
func tickResourcesOneByOne(ctx context.Context, s *core.Env, now time.Time, limit int, rep *billingtype.TickReport) (read int, err error) {
	var due []storage.Resource
	if err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Resources().Due(ctx, now, limit)
		return err
	}); err != nil {
		return 0, err
	}
	for _, r := range due {
		if err := tickAlone(ctx, s, r.AccountID, r.ID, rep); err != nil {
			return len(due), err
		}
	}
	return len(due), nil
}

// tickAlone does one resource's due work in its own transaction, records
// its failure when it fails, and charges the renewal it placed. The error
// is for what stops the whole tick (ctx done, a failure that could not be
// recorded).
func tickAlone(ctx context.Context, s *core.Env, accountID, resourceID string, rep *billingtype.TickReport) error {
	paymentID, err := tickResource(ctx, s, accountID, resourceID, rep)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		f, err := recordResourceFailure(ctx, s, accountID, resourceID, fmt.Errorf("billing: tick resource %q: %w", resourceID, err))
		if err != nil {
			return err
		}
		s.LogFailure(ctx, f)
		rep.Failures = append(rep.Failures, f)
		return nil
	}
	rep.Resources++
	if paymentID != "" {
		return chargeRenewal(ctx, s, accountID, paymentID, rep)
	}
	return nil
}

// chargeRenewal submits the payment of an automatic renewal on the linked
// account, after the transaction that placed its order. A failure is the
// payment's: recorded on it and retried by the retry sweep. The error is
// for a failure that could not be recorded.
func chargeRenewal(ctx context.Context, s *core.Env, accountID, paymentID string, rep *billingtype.TickReport) error {
	p, err := submitOrRecord(ctx, s, accountID, paymentID, rep)
	switch {
	case err != nil:
		return err
	case p.Status == payment.StatusSucceeded:
		rep.Renewed++
	case p.Status == payment.StatusFailed:
		rep.RenewalsFailed++
	}
	return nil
}

// chargeAfterCommit submits a linked-account payment a worker job placed
// (an overdue charge), after the job's transaction.
func chargeAfterCommit(ctx context.Context, s *core.Env, accountID, paymentID string, rep *billingtype.TickReport) error {
	_, err := submitOrRecord(ctx, s, accountID, paymentID, rep)
	return err
}

// submitOrRecord submits a created payment to its gateway; a failure to
// reach it is the payment's, recorded on it for the retry sweep and
// reported in rep. The error is for a failure that could not be recorded.
func submitOrRecord(ctx context.Context, s *core.Env, accountID, paymentID string, rep *billingtype.TickReport) (billingtype.Payment, error) {
	p, err := pay.SubmitPayment(ctx, s, accountID, paymentID, pay.Payer{})
	if err == nil {
		return p, nil
	}
	var res core.Sweep
	if err := pay.PaymentTryFailed(ctx, s, storage.Payment{AccountID: accountID, ID: paymentID}, err, &res); err != nil {
		return billingtype.Payment{}, err
	}
	rep.Failures = append(rep.Failures, res.Failures...)
	return billingtype.Payment{}, nil
}

// recordResourceFailure stores a failed tick on a resource: one more
// attempt, the reason and the retry time in its detail, and its NextDueAt
// pushed to that time so that the claim skips it until then.
func recordResourceFailure(ctx context.Context, s *core.Env, accountID, resourceID string, cause error) (billingtype.ItemFailure, error) {
	var f billingtype.ItemFailure
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// Only the resource is locked: no other lock is waited for while
		// holding it, so this cannot deadlock with the account-first
		// order of every other operation.
		r, err := tx.Resources().GetForUpdate(ctx, accountID, resourceID)
		if err != nil {
			return err
		}
		now := s.Now()
		r.TickAttempts++
		f = s.Failed(billingtype.ItemResource, r.ID, r.AccountID, r.TickAttempts, cause, now)
		r.TickError, r.TickRetryAt = f.Reason, f.RetryAt
		r.NextDueAt, r.UpdatedAt = f.RetryAt, now
		_, err = tx.Resources().Update(ctx, r)
		return err
	})
	if err != nil {
		return billingtype.ItemFailure{}, fmt.Errorf("billing: record the failure of resource %q (%v): %w", resourceID, cause, err)
	}
	return f, nil
}

// TickPromotions runs the expiry of promotional credit. It keeps no
// failure state per account, so a failure is reported as the sweep's and
// the sweep runs again on the next Tick.
func TickPromotions(ctx context.Context, s *core.Env, limit int, rep *billingtype.TickReport) error {
	n, err := ledger.ExpirePromotionalCredit(ctx, s, limit)
	rep.PromotionsExpired = n
	rep.More = rep.More || n >= limit
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	f := billingtype.ItemFailure{Kind: billingtype.ItemSweep, ID: sweepPromotions, Reason: core.Truncate(err.Error(), core.MaxReason), Attempts: 1, RetryAt: s.Now()}
	s.LogFailure(ctx, f)
	rep.Failures = append(rep.Failures, f)
	return nil
}

// tickResource does one resource's due work in one transaction, and
// clears the resource's failure state. An automatic renewal that needs the
// linked account places its order here; the caller charges the returned
// payment after commit.
func tickResource(ctx context.Context, s *core.Env, accountID, resourceID string, rep *billingtype.TickReport) (paymentID string, err error) {
	var local billingtype.TickReport
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		local, paymentID, err = tickResourceIn(ctx, s, tx, accountID, resourceID)
		return err
	})
	if err != nil {
		return "", err
	}
	addCounts(rep, local)
	return paymentID, nil
}

// addCounts adds the work counters of one resource's tick.
func addCounts(rep *billingtype.TickReport, local billingtype.TickReport) {
	rep.Renewed += local.Renewed
	rep.RenewalsFailed += local.RenewalsFailed
	rep.Transitions += local.Transitions
	rep.Reminders += local.Reminders
	rep.BillsIssued += local.BillsIssued
}

// tickResourceIn does one resource's due work inside tx, under the
// account's and the resource's row locks, its work recomputed from the
// locked state, and clears the resource's failure state. It returns what
// it did and the payment of an automatic renewal on the linked account,
// which the caller charges after commit.
func tickResourceIn(ctx context.Context, s *core.Env, tx storage.Tx, accountID, resourceID string) (local billingtype.TickReport, paymentID string, err error) {
	acct, err := core.GetAccount(ctx, tx, accountID, true)
	if err != nil {
		return billingtype.TickReport{}, "", err
	}
	r, err := tx.Resources().GetForUpdate(ctx, accountID, resourceID)
	if err != nil {
		return billingtype.TickReport{}, "", err
	}
	return tickLocked(ctx, s, tx, acct, r, false)
}

// tickLocked is tickResourceIn for a resource and its account that tx
// has locked and read already: r is the resource as stored (the caller's
// copy is not changed), acct its account. The account row is not written
// by any of the work below (reminders, transitions, automatic renewals),
// so an account read once serves every resource of it in the
// transaction.
//
// With hold set, the writes of the reminder and transition paths and the
// resource's final update are held back (storage.DeferWrites) and go out
// with the transaction's next statement or its COMMIT; their failure then
// fails the transaction rather than this call, so only a caller that
// treats any failure as the whole transaction's sets it. The automatic
// renewal keeps its own choice of what it holds back: it reads after its
// writes (the wallet, the order's settlement, the resource read back), and
// a held-back write goes out before any later read, so what it reads
// includes what was written before it in the transaction.
func tickLocked(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r storage.Resource, hold bool) (local billingtype.TickReport, paymentID string, err error) {
	wctx := ctx
	if hold {
		wctx = storage.DeferWrites(ctx)
	}
	err = func() error {
		d := r.ResourceDetail
		rules := s.Rules(acct, r.ProductID)
		now := s.Now()
		if d.Postpaid {
			d.TickAttempts, d.TickError, d.TickRetryAt = 0, "", time.Time{}
			bills, err := monthclose.ClosePostpaid(ctx, s, tx, acct, &r, &d, now, time.Time{})
			local.BillsIssued += len(bills)
			return err
		}
		for round := 0; round < 3; round++ { // a renewal restarts the list once
			work, err := rules.Due(resource.ViewOf(r, d), now)
			if err != nil {
				return err
			}
			renewed := false
			for _, w := range work {
				switch w.Kind {
				case lifecycle.WorkAutoRenew:
					ok, pid, err := ordering.AutoRenew(ctx, s, tx, acct, &r, &d, w)
					if err != nil {
						return err
					}
					if pid != "" {
						paymentID = pid
					}
					if ok {
						local.Renewed++
						renewed = true
					} else if pid == "" {
						local.RenewalsFailed++
					}
				case lifecycle.WorkTransition:
					if err := clockTransition(wctx, s, tx, acct, &r, &d, w); err != nil {
						return err
					}
					local.Transitions++
				case lifecycle.WorkReminder:
					if err := remind(wctx, s, tx, acct, &r, &d, w, rules); err != nil {
						return err
					}
					local.Reminders++
				}
				if renewed {
					break
				}
			}
			if !renewed {
				break
			}
		}
		d.TickAttempts, d.TickError, d.TickRetryAt = 0, "", time.Time{} // the tick succeeded
		return resource.SaveResource(wctx, s, tx, &r, &d, rules)
	}()
	if err != nil {
		return billingtype.TickReport{}, "", err
	}
	return local, paymentID, nil
}

// clockTransition applies a clock-driven state change.
func clockTransition(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, w lifecycle.Work) error {
	from := lifecycle.State(r.Status)
	v, err := resource.ViewOf(*r, *d).Record(w)
	if err != nil {
		return err
	}
	r.Status, r.UpdatedAt = v.State, s.Now()
	if err := outbox.HostEffects(ctx, s, tx, acct, r, from, v.State); err != nil {
		return err
	}
	kind := map[lifecycle.State]invoice.ActionKind{lifecycle.StateSuspended: invoice.ActionSuspend, lifecycle.StateReleased: invoice.ActionRelease}[v.State]
	if kind != "" {
		if err := invoicing.LogAction(ctx, s, tx, acct, billingtype.ActorTick, r.ID, kind, d.Configuration, pricing.Configuration{}, period.Span{Start: r.PeriodStart, End: r.PeriodEnd}, period.Span{}, "", "clock"); err != nil {
			return err
		}
	}
	return outbox.Notify(ctx, s, tx, acct, r, billingtype.NoticeStateChanged, w.Key, string(from)+" → "+string(v.State))
}

// remind sends one renewal reminder; its event id is derived from the
// work's key, so it exists once whatever retries happen.
func remind(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, w lifecycle.Work, rules lifecycle.Rules) error {
	v, err := resource.ViewOf(*r, *d).Record(w)
	if err != nil {
		return err
	}
	d.NextReminder = v.NextReminder
	return outbox.Notify(ctx, s, tx, acct, r, billingtype.NoticeReminder, w.Key, "")
}
