package pay

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Failure reasons of expired payments, as stored in FailureReason.
const (
	reasonExpiredPending = "payment expired at the gateway"
	reasonExpiredCreated = "payment expired: the gateway never answered"
)

// ExpirePayments is the expiry sweep, one page of it: gateway payments
// still "created" or "pending" past their expiry — abandoned by the
// customer, or never answered by the gateway — oldest expiry first, one
// payment per transaction. Expiring a payment releases the credit a Top up
// & Pay held (a release journal entry back to the wallet's buckets); for
// an order it also releases the order's coupon reservations, marks the
// order payment_failed and cancels its resources; an EventPaymentFailed
// event tells the host. So nothing stays reserved forever. A payment that
// cannot be expired does not hold up the others: the failure is recorded
// on the payment (Attempts, LastError, RetryAt) and logged, and it is
// tried again after Config.RetryDelay, doubling up to Config.MaxRetryDelay.
// A late success for an expired payment is credited to the wallet as cash
// (see HandleCallback). Tick runs it.
//
// Before it expires a payment whose gateway implements gateway.Querier,
// the sweep asks the gateway (reconcileDue): paid settles the payment as
// its callback would have, failed or expired ends it, and no final answer
// asks again after the worker's backoff, up to Config.ReconcileAttempts
// queries; then, or when the gateway reports another amount (recorded as
// a mismatch), the payment is expired as before.
func ExpirePayments(ctx context.Context, s *core.Env, limit int) (core.Sweep, error) {
	now := s.Now()
	var due []storage.Payment
	if err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Payments().ExpiryDue(ctx, now, limit)
		return err
	}); err != nil {
		return core.Sweep{}, err
	}
	res := core.Sweep{Full: len(due) == limit}
	for _, p := range due {
		// A gateway that can be asked is asked first: a lost callback
		// must not leave the customer's money at the gateway.
		if handled, err := reconcileDue(ctx, s, p, &res); err != nil || handled {
			if err != nil {
				if err := PaymentTryFailed(ctx, s, p, err, &res); err != nil {
					return res, err
				}
			}
			continue
		}
		got, err := expirePayment(ctx, s, p)
		if err != nil {
			if err := PaymentTryFailed(ctx, s, p, err, &res); err != nil {
				return res, err
			}
			continue
		}
		if got.Status == payment.StatusExpired {
			res.Done++
		}
	}
	return res, nil
}

// expirePayment ends one payment as expired (see CompleteFailure) and
// clears the worker's failure state, in one transaction. A payment that
// ended meanwhile is left as it is.
func expirePayment(ctx context.Context, s *core.Env, p storage.Payment) (billingtype.Payment, error) {
	return settle.UpdatePayment(ctx, s, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		reason := reasonExpiredPending
		if payment.Status(sp.Status) == payment.StatusCreated {
			reason = reasonExpiredCreated
		}
		if err := settle.CompleteFailure(ctx, s, tx, sp, payment.EventExpire, reason); err != nil {
			return err
		}
		clearTries(sp)
		return nil
	})
}

// RetryPayments is the retry sweep, one page of it: payments left
// "created" because their gateway never answered (a temporary failure, a
// lost response, or a process that stopped between recording the payment
// and calling the gateway), created at least Config.RetryDelay ago or at
// their recorded retry time, and not yet expired, oldest first. Each is
// submitted again with the same payment id, which gateways treat
// idempotently, so a payment the gateway did receive is never charged
// twice. A payment whose order or invoice can no longer take it is
// canceled instead, releasing what it held. A try that fails again is
// recorded and retried after a delay that doubles up to
// Config.MaxRetryDelay, never past the payment's expiry; once expired,
// ExpirePayments ends it. Tick runs it.
func RetryPayments(ctx context.Context, s *core.Env, limit int) (core.Sweep, error) {
	now := s.Now()
	var due []storage.Payment
	if err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Payments().RetryDue(ctx, now, now.Add(-s.Cfg.RetryDelay), limit)
		return err
	}); err != nil {
		return core.Sweep{}, err
	}
	res := core.Sweep{Full: len(due) == limit}
	for _, p := range due {
		dropped, err := cancelUnpayable(ctx, s, p)
		if err == nil && dropped {
			continue
		}
		if err == nil {
			_, err = SubmitPayment(ctx, s, p.AccountID, p.ID, Payer{})
		}
		if err != nil {
			if err := PaymentTryFailed(ctx, s, p, err, &res); err != nil {
				return res, err
			}
			continue
		}
		res.Done++
		if p.Attempts > 0 {
			if err := clearPaymentTries(ctx, s, p.AccountID, p.ID); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// cancelUnpayable cancels a created payment of an order or invoice that
// can no longer take it — settled another way meanwhile (a payment link,
// a second checkout), failed or voided — instead of asking the gateway
// again, which could charge the customer for nothing: the payment is
// canceled, its held credit released, in one transaction. It reports
// whether it did.
func cancelUnpayable(ctx context.Context, s *core.Env, p storage.Payment) (bool, error) {
	kind := payment.PurposeKind(p.Purpose)
	if kind != payment.PurposeOrder && kind != payment.PurposeInvoice {
		return false, nil
	}
	canceled := false
	_, err := settle.UpdatePayment(ctx, s, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		canceled = false
		if payment.Status(sp.Status) != payment.StatusCreated {
			return nil
		}
		acct, err := core.GetAccount(ctx, tx, sp.AccountID, true)
		if err != nil {
			return err
		}
		ob, err := settle.LoadObligation(ctx, s, tx, acct, payment.Purpose{Kind: kind, Ref: sp.PurposeRef})
		if err == nil {
			err = ob.Payable(sp.Amount)
		}
		if err == nil || !settle.IsNotSettleable(err) {
			return err
		}
		if err := settle.CompleteFailure(ctx, s, tx, sp, payment.EventCancel, core.Truncate("canceled before the gateway answered: "+err.Error(), core.MaxReason)); err != nil {
			return err
		}
		clearTries(sp)
		canceled = true
		return nil
	})
	if canceled {
		s.Log.LogAttrs(ctx, slog.LevelInfo, "billing: created payment canceled instead of retried: its obligation takes no payment",
			slog.String("payment", p.ID), slog.String("account", p.AccountID), slog.String("purpose", string(p.Purpose)+" "+p.PurposeRef))
	}
	return canceled, err
}

// PaymentTryFailed records that the worker's try at p failed with cause
// and adds the failure to res (see recordPaymentFailure). It returns an
// error only when ctx is done or the failure could not be recorded: then
// the sweep stops.
func PaymentTryFailed(ctx context.Context, s *core.Env, p storage.Payment, cause error, res *core.Sweep) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, ok, err := recordPaymentFailure(ctx, s, p.AccountID, p.ID, cause)
	if err != nil {
		return err
	}
	if ok {
		s.LogFailure(ctx, f)
		res.Failures = append(res.Failures, f)
	}
	return nil
}

// recordPaymentFailure stores a failed try on a payment that is still
// created or pending: one more attempt, the reason, and the retry time —
// now plus the backoff of the attempt, but no later than the payment's
// expiry while that is still ahead, so that expiry is never delayed. A
// payment that ended meanwhile has nothing left to retry: ok is false and
// nothing is stored.
func recordPaymentFailure(ctx context.Context, s *core.Env, accountID, id string, cause error) (f billingtype.ItemFailure, ok bool, err error) {
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		ok = false
		// Only the payment is locked: no other lock is waited for while
		// holding it, so this cannot deadlock with the account-first
		// order of every other operation.
		sp, err := tx.Payments().GetForUpdate(ctx, accountID, id)
		if err != nil {
			return err
		}
		if st := payment.Status(sp.Status); st != payment.StatusCreated && st != payment.StatusPending {
			return nil
		}
		now := s.Now()
		sp.Attempts++
		f = s.Failed(billingtype.ItemPayment, sp.ID, sp.AccountID, sp.Attempts, cause, now)
		// A payment is not retried past its expiry: then it is expired.
		if sp.ExpiresAt.After(now) && f.RetryAt.After(sp.ExpiresAt) {
			f.RetryAt = sp.ExpiresAt
		}
		sp.LastError, sp.RetryAt, sp.UpdatedAt = f.Reason, f.RetryAt, now
		if _, err := tx.Payments().Update(ctx, sp); err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return billingtype.ItemFailure{}, false, fmt.Errorf("billing: record the failure of payment %q (%v): %w", id, cause, err)
	}
	return f, ok, nil
}

// clearPaymentTries clears the worker's failure state of a payment whose
// try succeeded.
func clearPaymentTries(ctx context.Context, s *core.Env, accountID, id string) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		sp, err := tx.Payments().GetForUpdate(ctx, accountID, id)
		if err != nil || sp.Attempts == 0 && sp.LastError == "" && sp.RetryAt.IsZero() {
			return err
		}
		clearTries(&sp)
		_, err = tx.Payments().Update(ctx, sp)
		return err
	})
}

// clearTries zeroes a payment's failure state.
func clearTries(sp *storage.Payment) {
	sp.Attempts, sp.LastError, sp.RetryAt = 0, "", time.Time{}
}
