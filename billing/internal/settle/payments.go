package settle

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// SettleSuccess records, in one transaction, that the gateway part of a
// payment was received: the payment succeeds and its money moves (see
// CompleteSuccess).
func SettleSuccess(ctx context.Context, s *core.Env, accountID, id, gatewayRef string) (billingtype.Payment, error) {
	return UpdatePayment(ctx, s, accountID, id, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		return CompleteSuccess(ctx, s, tx, sp, gatewayRef)
	})
}

// CompleteSuccess moves a created or pending payment to succeeded with its
// journal entries: a top-up credits cash; a Top up & Pay captures its hold
// plus the gateway part; a gateway payment books the gateway part as
// revenue. Then the purpose is settled. A payment already past that point
// is left alone.
func CompleteSuccess(ctx context.Context, s *core.Env, tx storage.Tx, sp *storage.Payment, gatewayRef string) error {
	st := payment.Status(sp.Status)
	if st != payment.StatusCreated && st != payment.StatusPending {
		return nil
	}
	next, err := payment.Next(st, payment.EventSucceed)
	if err != nil {
		return err
	}
	acct, err := core.GetAccount(ctx, tx, sp.AccountID, true)
	if err != nil {
		return err
	}
	now := s.Now()
	meta := payment.EntryMeta{At: now, Memo: sp.Description, Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID}}
	var e payment.Entry
	switch {
	case sp.Purpose == payment.PurposeTopUp:
		meta.ID = ledger.EntryID(payment.EntryTopUp, sp.ID)
		e, err = payment.TopUpEntry(meta, sp.Gateway, sp.FromGateway)
	case sp.FromCredit.IsPositive():
		hold, herr := ledger.FindEntry(ctx, tx, sp.AccountID, ledger.EntryID(payment.EntryHold, sp.ID))
		if herr != nil {
			return fmt.Errorf("billing: hold of payment %q: %w", sp.ID, herr)
		}
		meta.ID = ledger.EntryID(payment.EntryCapture, sp.ID)
		e, err = payment.CaptureEntry(meta, hold, sp.Gateway, sp.FromGateway)
	default:
		meta.ID = ledger.EntryID(payment.EntryGatewayPayment, sp.ID)
		e, err = payment.GatewayPaymentEntry(meta, sp.Gateway, sp.FromGateway)
	}
	if err != nil {
		return err
	}
	if _, err := ledger.AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	sp.Status = next
	if gatewayRef != "" {
		sp.GatewayRef = gatewayRef
	}
	sp.UpdatedAt = now
	return PaymentSettled(ctx, s, tx, acct, sp)
}

// SettleFailure ends a created or pending payment with ev (fail, expire or
// cancel), releasing any credit it held, in one transaction.
func SettleFailure(ctx context.Context, s *core.Env, accountID, id string, ev payment.Event, reason string) (billingtype.Payment, error) {
	return UpdatePayment(ctx, s, accountID, id, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		return CompleteFailure(ctx, s, tx, sp, ev, reason)
	})
}

// CompleteFailure is SettleFailure inside the caller's transaction.
func CompleteFailure(ctx context.Context, s *core.Env, tx storage.Tx, sp *storage.Payment, ev payment.Event, reason string) error {
	reason = core.GatewayText(reason)
	st := payment.Status(sp.Status)
	if st != payment.StatusCreated && st != payment.StatusPending {
		return nil
	}
	next, err := payment.Next(st, ev)
	if err != nil {
		return err
	}
	acct, err := core.GetAccount(ctx, tx, sp.AccountID, true)
	if err != nil {
		return err
	}
	now := s.Now()
	if sp.FromCredit.IsPositive() {
		hold, err := ledger.FindEntry(ctx, tx, sp.AccountID, ledger.EntryID(payment.EntryHold, sp.ID))
		if err != nil {
			return fmt.Errorf("billing: hold of payment %q: %w", sp.ID, err)
		}
		e, err := payment.ReleaseEntry(payment.EntryMeta{
			ID: ledger.EntryID(payment.EntryRelease, sp.ID), At: now, Memo: reason,
			Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
		}, hold)
		if err != nil {
			return err
		}
		if _, err := ledger.AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
			return err
		}
	}
	sp.Status, sp.FailureReason, sp.UpdatedAt = next, reason, now
	return paymentFailed(ctx, s, tx, acct, *sp)
}

// UpdatePayment locks one payment, lets change modify it, stores it, and
// returns the result.
func UpdatePayment(ctx context.Context, s *core.Env, accountID, id string, change func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error) (billingtype.Payment, error) {
	var out storage.Payment
	var loc *time.Location
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// The account first, then its payment: the lock order of every
		// operation.
		acct, err := core.GetAccount(ctx, tx, accountID, true)
		if err != nil {
			return err
		}
		loc = s.Zone(acct)
		sp, err := tx.Payments().GetForUpdate(ctx, accountID, id)
		if err != nil {
			return core.MapNotFound(err, billingtype.ErrPaymentNotFound, id)
		}
		before := sp
		if err := change(ctx, tx, &sp); err != nil {
			return err
		}
		if sp == before {
			out = sp
			return nil
		}
		out, err = tx.Payments().Update(ctx, sp)
		return err
	})
	if err != nil {
		return billingtype.Payment{}, err
	}
	return core.PaymentView(out, loc), nil
}

// PaymentSettled settles what a succeeded payment paid for, in the same
// transaction; it may change sp (a refund). Top-ups are done by their
// journal entry; payment links are marked paid; orders and invoices are
// settled exactly (settleObligation), and money that can no longer settle
// them becomes cash credit.
func PaymentSettled(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment) error {
	if err := outbox.Emit(storage.DeferWrites(ctx), s, tx, acct.ID, acct.ID, billingtype.EventPaymentSucceeded, "", paymentPayload(*sp)); err != nil {
		return err
	}
	switch kind := payment.PurposeKind(sp.Purpose); kind {
	case payment.PurposePaymentLink:
		return settleLink(ctx, s, tx, acct, sp)
	case payment.PurposeOrder, payment.PurposeInvoice:
		return settleObligation(ctx, s, tx, acct, sp, payment.Purpose{Kind: kind, Ref: sp.PurposeRef})
	}
	return nil
}

func paymentPayload(p storage.Payment) billingtype.PaymentPayload {
	return billingtype.PaymentPayload{PaymentID: p.ID, Purpose: p.Purpose, Ref: p.PurposeRef, Method: p.Method,
		Status: p.Status, Amount: p.Amount, Reason: p.FailureReason}
}

// paymentFailed undoes what a failed, expired or canceled payment had
// reserved, in the same transaction.
func paymentFailed(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, p storage.Payment) error {
	if err := outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventPaymentFailed, "", paymentPayload(p)); err != nil {
		return err
	}
	if payment.PurposeKind(p.Purpose) == payment.PurposeOrder {
		return orderPaymentFailed(ctx, s, tx, acct, p.PurposeRef)
	}
	return nil
}
