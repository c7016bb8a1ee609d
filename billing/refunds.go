package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// RefundRequest refunds (part of) a succeeded payment to the account's
// cash credit.
type RefundRequest struct {
	AccountID string       `json:"account_id"`
	PaymentID string       `json:"payment_id"`
	Amount    money.Amount `json:"amount"`
	Reason    string       `json:"reason,omitempty"`
}

// RefundToCredit refunds req.Amount of a succeeded payment to the
// account's cash credit (a refund journal entry, revenue:refunds →
// customer:cash) and moves the payment to partially_refunded or refunded,
// in one transaction. Refunds never exceed what was paid
// (payment.ErrOverRefund); a top-up, already credit, is not refundable
// (ErrNotRefundable). Failed provisioning, downgrades and deletes use it.
func (s *System) RefundToCredit(ctx context.Context, key string, req RefundRequest) (Payment, error) {
	if err := validateRefund(req); err != nil {
		return Payment{}, err
	}
	if err := payment.ValidateAmount(req.Amount); err != nil {
		return Payment{}, &RequestError{Field: "Amount", Reason: err.Error()}
	}
	id, err := idempotent(ctx, s, req.AccountID, key, "payment.refund", req, func(ctx context.Context, tx storage.Tx) (string, error) {
		acct, err := getAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return "", err
		}
		sp, err := tx.Payments().GetForUpdate(ctx, acct.ID, req.PaymentID)
		if err != nil {
			return "", mapNotFound(err, ErrPaymentNotFound, req.PaymentID)
		}
		return sp.ID, s.refundInTx(ctx, tx, acct, &sp, req.Amount, req.Reason)
	})
	if err != nil {
		return Payment{}, err
	}
	return s.Payment(ctx, req.AccountID, id)
}

// refundInTx refunds amount of sp to cash credit inside the caller's
// transaction (the account locked) and stores sp.
func (s *System) refundInTx(ctx context.Context, tx storage.Tx, acct Account, sp *storage.Payment, amount money.Amount, reason string) error {
	if sp.Purpose == string(payment.PurposeTopUp) {
		return fmt.Errorf("%w: %q is a top-up", ErrNotRefundable, sp.ID)
	}
	if err := sameCurrency(acct, amount); err != nil {
		return err
	}
	refunded, status, err := payment.ApplyRefund(payment.Status(sp.Status), sp.Amount, sp.Refunded, amount)
	if errors.Is(err, payment.ErrIllegalTransition) {
		return fmt.Errorf("%w: %q is %s: %v", ErrNotRefundable, sp.ID, sp.Status, err)
	}
	if err != nil {
		return err
	}
	now := s.now()
	refundID, err := s.newID("rfd")
	if err != nil {
		return err
	}
	e, err := payment.RefundEntry(payment.EntryMeta{
		ID: entryID(payment.EntryRefund, refundID), At: now, Memo: reason,
		Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
	}, amount)
	if err != nil {
		return err
	}
	if _, err := appendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	sp.Refunded, sp.Status, sp.UpdatedAt = refunded, string(status), now
	_, err = tx.Payments().Update(ctx, *sp)
	return err
}
