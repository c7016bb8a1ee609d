package billing

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Failure reasons of expired payments, as stored in FailureReason.
const (
	reasonExpiredPending = "payment expired at the gateway"
	reasonExpiredCreated = "payment expired: the gateway never answered"
)

// expirePayments is the expiry sweep, one page of it: gateway payments
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
func (s *System) expirePayments(ctx context.Context, limit int) (sweep, error) {
	now := s.now()
	var due []storage.Payment
	if err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Payments().ExpiryDue(ctx, now, limit)
		return err
	}); err != nil {
		return sweep{}, err
	}
	res := sweep{full: len(due) == limit}
	for _, p := range due {
		got, err := s.expirePayment(ctx, p)
		if err != nil {
			if err := s.paymentTryFailed(ctx, p, err, &res); err != nil {
				return res, err
			}
			continue
		}
		if got.Status == payment.StatusExpired {
			res.done++
		}
	}
	return res, nil
}

// expirePayment ends one payment as expired (see completeFailure) and
// clears the worker's failure state, in one transaction. A payment that
// ended meanwhile is left as it is.
func (s *System) expirePayment(ctx context.Context, p storage.Payment) (Payment, error) {
	return s.updatePayment(ctx, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		reason := reasonExpiredPending
		if payment.Status(sp.Status) == payment.StatusCreated {
			reason = reasonExpiredCreated
		}
		if err := s.completeFailure(ctx, tx, sp, payment.EventExpire, reason); err != nil {
			return err
		}
		clearTries(sp)
		return nil
	})
}

// retryPayments is the retry sweep, one page of it: payments left
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
// expirePayments ends it. Tick runs it.
func (s *System) retryPayments(ctx context.Context, limit int) (sweep, error) {
	now := s.now()
	var due []storage.Payment
	if err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Payments().RetryDue(ctx, now, now.Add(-s.cfg.RetryDelay), limit)
		return err
	}); err != nil {
		return sweep{}, err
	}
	res := sweep{full: len(due) == limit}
	for _, p := range due {
		dropped, err := s.cancelUnpayable(ctx, p)
		if err == nil && dropped {
			continue
		}
		if err == nil {
			_, err = s.submitPayment(ctx, p.AccountID, p.ID, "")
		}
		if err != nil {
			if err := s.paymentTryFailed(ctx, p, err, &res); err != nil {
				return res, err
			}
			continue
		}
		res.done++
		if p.Attempts > 0 {
			if err := s.clearPaymentTries(ctx, p.AccountID, p.ID); err != nil {
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
func (s *System) cancelUnpayable(ctx context.Context, p storage.Payment) (bool, error) {
	kind := payment.PurposeKind(p.Purpose)
	if kind != payment.PurposeOrder && kind != payment.PurposeInvoice {
		return false, nil
	}
	canceled := false
	_, err := s.updatePayment(ctx, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		canceled = false
		if payment.Status(sp.Status) != payment.StatusCreated {
			return nil
		}
		acct, err := getAccount(ctx, tx, sp.AccountID, true)
		if err != nil {
			return err
		}
		ob, err := s.loadObligation(ctx, tx, acct, payment.Purpose{Kind: kind, Ref: sp.PurposeRef})
		if err == nil {
			err = ob.payable(sp.Amount)
		}
		if err == nil || !isNotSettleable(err) {
			return err
		}
		if err := s.completeFailure(ctx, tx, sp, payment.EventCancel, truncate("canceled before the gateway answered: "+err.Error(), maxReason)); err != nil {
			return err
		}
		clearTries(sp)
		canceled = true
		return nil
	})
	if canceled {
		s.log.LogAttrs(ctx, slog.LevelInfo, "billing: created payment canceled instead of retried: its obligation takes no payment",
			slog.String("payment", p.ID), slog.String("account", p.AccountID), slog.String("purpose", string(p.Purpose)+" "+p.PurposeRef))
	}
	return canceled, err
}

// paymentTryFailed records that the worker's try at p failed with cause
// and adds the failure to res (see recordPaymentFailure). It returns an
// error only when ctx is done or the failure could not be recorded: then
// the sweep stops.
func (s *System) paymentTryFailed(ctx context.Context, p storage.Payment, cause error, res *sweep) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, ok, err := s.recordPaymentFailure(ctx, p.AccountID, p.ID, cause)
	if err != nil {
		return err
	}
	if ok {
		s.logFailure(ctx, f)
		res.failures = append(res.failures, f)
	}
	return nil
}

// recordPaymentFailure stores a failed try on a payment that is still
// created or pending: one more attempt, the reason, and the retry time —
// now plus the backoff of the attempt, but no later than the payment's
// expiry while that is still ahead, so that expiry is never delayed. A
// payment that ended meanwhile has nothing left to retry: ok is false and
// nothing is stored.
func (s *System) recordPaymentFailure(ctx context.Context, accountID, id string, cause error) (f ItemFailure, ok bool, err error) {
	err = s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
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
		now := s.now()
		sp.Attempts++
		sp.LastError = truncate(cause.Error(), maxReason)
		sp.RetryAt = now.Add(s.retryBackoff(sp.Attempts))
		if sp.ExpiresAt.After(now) && sp.RetryAt.After(sp.ExpiresAt) {
			sp.RetryAt = sp.ExpiresAt
		}
		sp.UpdatedAt = now
		if _, err := tx.Payments().Update(ctx, sp); err != nil {
			return err
		}
		f = ItemFailure{Kind: ItemPayment, ID: sp.ID, AccountID: sp.AccountID, Reason: sp.LastError,
			Attempts: sp.Attempts, RetryAt: sp.RetryAt}
		ok = true
		return nil
	})
	if err != nil {
		return ItemFailure{}, false, fmt.Errorf("billing: record the failure of payment %q (%v): %w", id, cause, err)
	}
	return f, ok, nil
}

// clearPaymentTries clears the worker's failure state of a payment whose
// try succeeded.
func (s *System) clearPaymentTries(ctx context.Context, accountID, id string) error {
	return s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
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
