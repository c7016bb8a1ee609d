package pay

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// HandleEvent applies one verified event exactly once and says what it
// made of it in res.Outcome: the event id is recorded in the same
// transaction as the effect, under the owning account's lock. An event
// whose id was recorded before, or that reports a state its payment,
// refund or link has already reached, is a duplicate and changes nothing.
// Duplicate stays what it always meant, the event id seen before.
// A success whose amount differs from the payment's is recorded
// (RecordMismatch) and applies nothing. Unknown objects are a
// *CallbackUnknownError; a storage failure is returned as it is, with
// outcome failed.
func HandleEvent(ctx context.Context, s *core.Env, ev gateway.Event) (billingtype.CallbackResult, error) {
	res := billingtype.CallbackResult{EventID: ev.ID, Type: ev.Type, PaymentID: ev.PaymentID, LinkID: ev.LinkID, RefundID: ev.RefundID}
	owner, err := CallbackOwner(ctx, s, ev)
	if err != nil {
		res.Outcome = outcomeOf(err)
		return res, err
	}
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		res.LateCredit, res.Duplicate, res.Outcome = false, false, 0
		// Lock the account before anything of it, as every operation does,
		// so a callback never waits on a lock order another operation
		// holds the other way round.
		if _, err := core.GetAccount(ctx, tx, owner, true); err != nil {
			return err
		}
		if err := tx.GatewayEvents().Record(ctx, ev.Gateway, ev.ID, s.Now()); err != nil {
			return err
		}
		return ApplyEvent(ctx, s, tx, owner, ev, &res)
	})
	if errors.Is(err, storage.ErrDuplicate) {
		res.Duplicate, res.Outcome, res.LateCredit = true, gateway.CallbackDuplicate, false
		return res, nil
	}
	if err != nil {
		res.Outcome = outcomeOf(err)
		return res, err
	}
	return res, nil
}

// outcomeOf classifies an error of HandleEvent.
func outcomeOf(err error) gateway.CallbackOutcome {
	var unknown *billingtype.CallbackUnknownError
	switch {
	case errors.As(err, &unknown):
		return gateway.CallbackUnknownPayment
	case errors.Is(err, billingtype.ErrCallbackRejected):
		return gateway.CallbackRejected
	}
	return gateway.CallbackFailed
}

// CallbackOwner finds the account a verified event concerns (callbacks
// name our payment, refund or link id, not the tenant), in a short
// transaction of its own.
func CallbackOwner(ctx context.Context, s *core.Env, ev gateway.Event) (string, error) {
	var owner string
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		switch ev.Type {
		case gateway.EventLinkSucceeded, gateway.EventLinkFailed:
			l, err := tx.LinkedAccounts().LookupForUpdate(ctx, ev.LinkID)
			owner = l.AccountID
			return unknown(err, "link", ev.LinkID)
		case gateway.EventRefundSucceeded, gateway.EventRefundFailed:
			if ev.RefundID == "" {
				return fmt.Errorf("%w: refund event without a refund id", billingtype.ErrCallbackRejected)
			}
			rs, ok := tx.(storage.RefundStore)
			if !ok {
				return &billingtype.CallbackUnknownError{Kind: "refund", ID: ev.RefundID}
			}
			r, err := rs.Refunds().LookupForUpdate(ctx, ev.RefundID)
			owner = r.AccountID
			return unknown(err, "refund", ev.RefundID)
		}
		p, err := tx.Payments().LookupForUpdate(ctx, ev.PaymentID)
		owner = p.AccountID
		return unknown(err, "payment", ev.PaymentID)
	})
	return owner, err
}

// unknown turns storage's not found into a *CallbackUnknownError.
func unknown(err error, kind, id string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return &billingtype.CallbackUnknownError{Kind: kind, ID: id}
	}
	return err
}

// ApplyEvent applies a verified, first-seen event of account owner inside
// tx, which holds the account's lock, and sets res.Outcome. It returns an
// error (and the transaction rolls back) only for an event that must
// change nothing: unknown objects, another gateway's payment, a storage
// failure.
func ApplyEvent(ctx context.Context, s *core.Env, tx storage.Tx, owner string, ev gateway.Event, res *billingtype.CallbackResult) error {
	switch ev.Type {
	case gateway.EventLinkSucceeded, gateway.EventLinkFailed:
		changed, err := activateLink(ctx, s, tx, owner, ev)
		res.Outcome = appliedOr(changed)
		return err
	case gateway.EventRefundSucceeded, gateway.EventRefundFailed:
		changed, err := applyRefundEvent(ctx, s, tx, owner, ev)
		res.Outcome = appliedOr(changed)
		return err
	}
	sp, err := tx.Payments().GetForUpdate(ctx, owner, ev.PaymentID)
	if err != nil {
		return unknown(err, "payment", ev.PaymentID)
	}
	if sp.Gateway != ev.Gateway {
		return &billingtype.CallbackUnknownError{Kind: "payment", ID: ev.PaymentID}
	}
	if ev.Type == gateway.EventPaymentSucceeded && !ev.Amount.Equal(sp.FromGateway) {
		res.Outcome = gateway.CallbackWrongAmount
		return RecordMismatch(ctx, s, tx, sp, mismatchCallback, ev.ID, ev.GatewayRef, ev.Amount)
	}
	var changed bool
	switch ev.Type {
	case gateway.EventPaymentSucceeded:
		changed, err = paymentPaid(ctx, s, tx, &sp, ev.GatewayRef, &res.LateCredit)
	case gateway.EventPaymentFailed:
		changed, err = paymentEnded(ctx, s, tx, &sp, payment.EventFail, core.OrDefault(ev.FailureReason, "declined by the gateway"))
	case gateway.EventPaymentExpired:
		changed, err = paymentEnded(ctx, s, tx, &sp, payment.EventExpire, "expired at the gateway")
	default:
		return fmt.Errorf("%w: unhandled event type %s", billingtype.ErrCallbackRejected, ev.Type)
	}
	res.Outcome = appliedOr(changed)
	return err
}

// appliedOr is applied when the event changed something, else duplicate:
// the state it reports was reached already.
func appliedOr(changed bool) gateway.CallbackOutcome {
	if changed {
		return gateway.CallbackApplied
	}
	return gateway.CallbackDuplicate
}

// paymentPaid applies the gateway's word that sp was paid (a callback or
// a status query), inside tx with the account locked, and stores sp: a
// created or pending payment succeeds and settles its purpose
// (CompleteSuccess, where money for something no longer payable becomes
// cash credit); a payment that had failed, expired or been canceled is
// credited to the wallet as cash, once (*late is set); a payment already
// succeeded (or refunded) changes nothing. It reports whether anything
// changed.
func paymentPaid(ctx context.Context, s *core.Env, tx storage.Tx, sp *storage.Payment, gatewayRef string, late *bool) (bool, error) {
	switch payment.Status(sp.Status) {
	case payment.StatusCreated, payment.StatusPending:
		before := *sp
		if err := settle.CompleteSuccess(ctx, s, tx, sp, gatewayRef); err != nil {
			return false, err
		}
		clearTries(sp)
		if *sp == before {
			return false, nil
		}
		_, err := tx.Payments().Update(ctx, *sp)
		return true, err
	case payment.StatusFailed, payment.StatusExpired, payment.StatusCanceled:
		// The late credit's entry id is the payment's: a second report of
		// the same success, under another event id, finds it and stops.
		if _, err := ledger.FindEntry(ctx, tx, sp.AccountID, ledger.LateCreditEntryID(sp.ID)); err == nil {
			return false, nil
		} else if !errors.Is(err, storage.ErrNotFound) {
			return false, err
		}
		*late = true
		return true, ledger.CreditLatePayment(ctx, s, tx, *sp)
	}
	return false, nil
}

// paymentEnded applies the gateway's word that sp failed or expired: a
// created or pending payment ends (CompleteFailure) and is stored; any
// other is left as it is. It reports whether anything changed.
func paymentEnded(ctx context.Context, s *core.Env, tx storage.Tx, sp *storage.Payment, ev payment.Event, reason string) (bool, error) {
	st := payment.Status(sp.Status)
	if st != payment.StatusCreated && st != payment.StatusPending {
		return false, nil
	}
	if err := settle.CompleteFailure(ctx, s, tx, sp, ev, reason); err != nil {
		return false, err
	}
	clearTries(sp)
	_, err := tx.Payments().Update(ctx, *sp)
	return true, err
}
