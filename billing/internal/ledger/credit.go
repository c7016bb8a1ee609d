package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// CreditLatePayment books money a gateway collected for a payment that had
// already ended as cash credit (gateway clearing → customer cash), so the
// customer keeps it; the payment itself stays ended.
func CreditLatePayment(ctx context.Context, s *core.Env, tx storage.Tx, sp storage.Payment) error {
	acct, err := core.GetAccount(ctx, tx, sp.AccountID, true)
	if err != nil {
		return err
	}
	e, err := payment.TopUpEntry(payment.EntryMeta{
		ID: LateCreditEntryID(sp.ID), At: s.Now(),
		Memo:      "gateway confirmed payment " + sp.ID + " after it ended; credited to the wallet",
		Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
	}, sp.Gateway, sp.FromGateway)
	if err != nil {
		return err
	}
	if _, err := AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventPaymentCredited, "credited:"+sp.ID, billingtype.PaymentCreditedPayload{
		PaymentID: sp.ID, Purpose: sp.Purpose, Ref: sp.PurposeRef, Amount: sp.FromGateway,
		Reason: "the gateway confirmed the payment after it had " + string(sp.Status)})
}

// LateCreditEntryID is the id of the journal entry CreditLatePayment
// writes for payment id: one per payment, so a success reported again
// under another event id finds it.
func LateCreditEntryID(paymentID string) string {
	return "late_" + EntryID(payment.EntryTopUp, paymentID)
}

// RefundToCash credits amount to the account's cash (a refund entry that
// is not tied to a payment: a downgrade or a delete).
func RefundToCash(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, amount money.Amount, refType payment.ReferenceType, refID, memo string) error {
	id, err := s.NewID("rfd")
	if err != nil {
		return err
	}
	e, err := payment.RefundEntry(payment.EntryMeta{ID: EntryID(payment.EntryRefund, id), At: s.Now(), Memo: memo,
		Reference: payment.Reference{Type: refType, ID: refID}}, amount)
	if err != nil {
		return err
	}
	_, err = AppendEntry(ctx, tx, acct, e, time.Time{})
	return err
}

// CreditToCash refunds amount of the succeeded payment sp to the
// account's cash credit and tells the host why with an
// EventPaymentCredited (its id derived from eventKey when given). Nothing
// happens for a nil payment or a zero amount.
func CreditToCash(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, amount money.Amount, reason, eventKey string) error {
	if sp == nil || !amount.IsPositive() {
		return nil
	}
	if err := RefundInTx(ctx, s, tx, acct, sp, amount, core.ClipText("credited to the wallet: "+reason, payment.MaxMemoLen)); err != nil {
		return err
	}
	s.Log.WarnContext(ctx, "payment money credited to the wallet", "payment", sp.ID, "amount", amount.String(), "reason", reason)
	return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventPaymentCredited, eventKey, billingtype.PaymentCreditedPayload{
		PaymentID: sp.ID, Purpose: payment.PurposeKind(sp.Purpose), Ref: sp.PurposeRef, Amount: amount, Reason: reason})
}

// RefundInTx refunds amount of sp to cash credit inside the caller's
// transaction (the account locked) and stores sp.
func RefundInTx(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, amount money.Amount, reason string) error {
	if sp.Purpose == payment.PurposeTopUp {
		return fmt.Errorf("%w: %q is a top-up", billingtype.ErrNotRefundable, sp.ID)
	}
	if err := core.SameCurrency(acct, amount); err != nil {
		return err
	}
	refunded, status, err := payment.ApplyRefund(payment.Status(sp.Status), sp.Amount, sp.Refunded, amount)
	if errors.Is(err, payment.ErrIllegalTransition) {
		return fmt.Errorf("%w: %q is %s: %w", billingtype.ErrNotRefundable, sp.ID, sp.Status, err)
	}
	if err != nil {
		return err
	}
	now := s.Now()
	refundID, err := s.NewID("rfd")
	if err != nil {
		return err
	}
	e, err := payment.RefundEntry(payment.EntryMeta{
		ID: EntryID(payment.EntryRefund, refundID), At: now, Memo: reason,
		Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
	}, amount)
	if err != nil {
		return err
	}
	if _, err := AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	sp.Refunded, sp.Status, sp.UpdatedAt = refunded, status, now
	_, err = tx.Payments().Update(ctx, *sp)
	return err
}
